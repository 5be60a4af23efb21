"""Outbound requests to addresses an administrator typed in (the SS 12000 API, an identity
provider's discovery document): never to the server's own network.

`validate_public_url` refuses a URL whose host resolves to a loopback, private, link-local,
shared, multicast or reserved address (cloud metadata at 169.254.169.254, the database on
127.0.0.1, the office network on 10.x), with a form message naming the field. `urlopen` checks
the address again when it connects and on every redirect (a public address may redirect
inwards, or its name may resolve differently later). `SAMSYN_ALLOW_PRIVATE_URLS` (on with
DEBUG, and in the tests that run a fake server on 127.0.0.1) turns the guard off.

`fetch_json` is the one way to read a JSON document from such an address (an identity
provider's discovery document, keys and token endpoint; the SS 12000 API): http(s) only,
through `urlopen`, at most `MAX_JSON_BYTES`, every failure as a `FetchError`.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def internal_address(url: str) -> str | None:
    """The first address the URL's host resolves to that is not public, or None (also when
    the name does not resolve: then no connection can be made either)."""
    if getattr(settings, "SAMSYN_ALLOW_PRIVATE_URLS", False):
        return None
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname
    if not host:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return None
    for _family, _type, _proto, _name, sockaddr in found:
        if _internal(str(sockaddr[0])):
            return str(sockaddr[0])
    return None


def validate_public_url(url: str, *, field: str) -> None:
    """ValidationError naming `field` when the URL leads to an internal address."""
    address = internal_address(url)
    if address is not None:
        raise ValidationError(
            _(
                "%(field)s: this address leads to %(address)s, an internal address (loopback, "
                "private, link-local or reserved). Samsyn only connects to public addresses."
            ),
            code="internal_address",
            params={"field": field, "address": address},
        )


class InternalAddressError(urllib.error.URLError):
    """A request (or one of its redirects) led to an internal address."""


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _refuse_internal(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _refuse_internal(url: str) -> None:
    address = internal_address(url)
    if address is not None:
        raise InternalAddressError(f"refused: {address} is an internal address")


def urlopen(request: urllib.request.Request, *, timeout: float):
    """`urllib.request.urlopen` for http(s) URLs from settings, refusing internal addresses
    (also on redirects) unless SAMSYN_ALLOW_PRIVATE_URLS. Raises InternalAddressError, a
    URLError, so callers' existing handling of unreachable hosts applies."""
    _refuse_internal(request.full_url)
    opener = urllib.request.build_opener(_CheckedRedirects)
    return opener.open(request, timeout=timeout)


MAX_JSON_BYTES = 10_000_000


class FetchError(Exception):
    """`fetch_json` failed: `detail` says how ("HTTP 404", the network's reason, "not JSON").
    `status` is the HTTP status of an error answer; `answered` is True when the server answered
    with something that is not JSON; `__cause__` is the original exception."""

    def __init__(self, detail: str, *, status: int | None = None, answered: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.answered = answered


def fetch_json(
    url: str,
    *,
    timeout: float,
    data: dict | None = None,
    headers: dict[str, str] | None = None,
    limit: int = MAX_JSON_BYTES,
) -> object:
    """The JSON document at an http(s) URL (a form POST when `data` is given), fetched through
    `urlopen` (internal addresses refused), reading at most `limit` bytes. Raises FetchError."""
    if not url.startswith(("https://", "http://")):
        raise FetchError("not an http(s) URL")
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        url, data=body, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with urlopen(request, timeout=timeout) as response:
            raw = response.read(limit)
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code}", status=error.code) from error
    except OSError as error:  # URLError (InternalAddressError included), a timeout, a reset
        raise FetchError(str(getattr(error, "reason", error))[:300]) from error
    try:
        return json.loads(raw.decode())
    except ValueError as error:
        raise FetchError("not JSON", answered=True) from error
