"""PDF reports: a template rendered with WeasyPrint, sent as a download.

`render_pdf(request, template, context)` renders the template and lays it out;
`pdf_response(pdf, filename)` wraps the bytes in a response with a Content-Disposition every
browser reads (an ASCII `filename` and, for names like "Sjöviks skola", an RFC 5987
`filename*`).

A report never fetches anything over the network (the rule of `samsyn.lib.outbound`: no
request to an address someone typed in, and a PDF's HTML holds text users wrote). WeasyPrint
is given `LocalFetcher`: `data:` URIs (the server-rendered charts) are decoded, our own static
files (`/static/…` under the request's origin) are read from disk, and every other URL —
`http://example.org/x.png`, `file:///etc/passwd`, another host — is refused; WeasyPrint then
leaves that image or stylesheet out and logs a warning.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import urllib.parse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

CONTENT_TYPE = "application/pdf"


class RefusedURLError(ValueError):
    """A PDF asked for a URL that is neither a data: URI nor one of our static files."""


def _static_path(name: str) -> Path | None:
    """The file on disk for a static file name, or None (also for names leaving the folder)."""
    name = posixpath.normpath(urllib.parse.unquote(name))
    if name.startswith(("/", "..")) or name == ".":
        return None
    collected = _collected_path(name)
    if collected is not None:
        return collected
    found = finders.find(name)  # not collected (development): the apps' static folders
    return Path(found) if found else None


def _collected_path(name: str) -> Path | None:
    """The collected file (hashed names included), or None when there is none: a storage
    without local paths raises NotImplementedError, a name with a NUL byte ValueError, and a
    missing or unreadable STATIC_ROOT OSError; each means "look in the apps' folders"."""
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except (NotImplementedError, ValueError, OSError):
        return None
    return None


class LocalFetcher:
    """WeasyPrint's URL fetcher for reports: data: URIs and our static files, nothing else.

    A callable, as WeasyPrint expects (`_fail_on_errors` False: a refused URL leaves that
    resource out with a warning instead of stopping the report)."""

    _fail_on_errors = False

    def __init__(self, base_url: str | None = None) -> None:
        self._origin = None
        if base_url:
            parts = urllib.parse.urlsplit(base_url)
            self._origin = (parts.scheme, parts.netloc)

    def __call__(self, url: str):
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "data":  # decoded in memory, no connection
            return URLFetcher(allowed_protocols=("data",), allow_redirects=False)(url)
        static_prefix = urllib.parse.urlsplit(settings.STATIC_URL).path
        if (
            self._origin is not None
            and (parts.scheme, parts.netloc) == self._origin
            and parts.path.startswith(static_prefix)
        ):
            path = _static_path(parts.path[len(static_prefix) :])
            if path is not None:
                return URLFetcherResponse(url, path.read_bytes())
        raise RefusedURLError(f"a PDF does not fetch {url}")


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Lay out HTML as a PDF, fetching only data: URIs and our own static files."""
    from weasyprint import HTML  # imported on use: it loads font libraries

    fetcher = LocalFetcher(base_url)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def render_pdf(request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    """The template rendered for this request, as a PDF."""
    html = render_to_string(template, context, request=request)
    return html_to_pdf(html, base_url=request.build_absolute_uri("/"))


def _ascii_name(filename: str) -> str:
    """The file name in printable ASCII without quotes or path separators ("Sjöviks" →
    "Sjoviks")."""
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    safe = re.sub(r'[^\x20-\x7e]|["\\/;]', "_", folded).strip() or "download"
    return safe


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition value for `filename`: the ASCII fallback in `filename`, and the
    exact name in `filename*` (RFC 5987/6266) when they differ."""
    kind = "inline" if inline else "attachment"
    filename = re.sub(r"[\x00-\x1f\x7f/\\]", "_", filename)  # no line breaks, no folders
    fallback = _ascii_name(filename)
    value = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{urllib.parse.quote(filename, safe='')}"
    return value


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """The PDF as a download (or, with `inline`, shown in the browser) named `filename`."""
    response = HttpResponse(pdf, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response
