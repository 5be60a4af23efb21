"""The visitor's address, for login limits and the audit log (docs/configuration.md,
`TRUSTED_PROXY_COUNT`)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address. Behind `SAMSYN_TRUSTED_PROXIES` proxies (each appending to
    X-Forwarded-For), the address the outermost of them saw; else REMOTE_ADDR. Addresses
    further left in the header are the client's own claim and never trusted. Without this
    setting behind a proxy, every visitor would share the proxy's address, and the
    per-address limit would pause everyone's log-in."""
    trusted = settings.SAMSYN_TRUSTED_PROXIES
    if trusted > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR") or None
