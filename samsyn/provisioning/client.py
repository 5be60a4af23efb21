"""Read an SS 12000 API: each listing endpoint, page by page (`pageToken`), with a bearer token.

Persons are read page by page and only those a duty refers to are kept (`ss12000.normalise`
drops the others, and never reads a civic number). Standard library only.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable

from samsyn.lib import outbound

ENDPOINTS = ("organisations", "duties", "persons", "groups", "activities")
PAGE_LIMIT = 500
MAX_PAGES = 10_000
TIMEOUT = 30


class ApiError(Exception):
    pass


def _get(url: str, token: str) -> dict:
    try:
        return outbound.fetch_json(  # type: ignore[return-value]
            url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
        )
    except outbound.FetchError as error:
        if error.status is not None:
            raise ApiError(f"{url}: HTTP {error.status}") from error
        raise ApiError(f"{url}: {error.__cause__}") from error


def fetch_all(
    base_url: str, token: str, progress: Callable[[str, int], None] | None = None
) -> dict:
    """Every record of each endpoint, as `{"organisations": [...], ...}`."""
    if not base_url.startswith(("http://", "https://")):
        raise ApiError("The address must start with http:// or https://")
    base = base_url.rstrip("/")
    export: dict[str, list] = {}
    for endpoint in ENDPOINTS:
        items: list = []
        page_token: str | None = None
        for _page in range(MAX_PAGES):
            query = {"limit": PAGE_LIMIT}
            if endpoint == "activities":
                query["expand"] = "syllabus"
            if page_token:
                query["pageToken"] = page_token
            page = _get(f"{base}/{endpoint}?{urllib.parse.urlencode(query)}", token)
            data = page.get("data") if isinstance(page, dict) else None
            if not isinstance(data, list):
                raise ApiError(f"{endpoint}: the answer has no list under 'data'")
            items.extend(data)
            if progress is not None:
                progress(endpoint, len(items))
            page_token = page.get("pageToken")
            if not page_token:
                break
        export[endpoint] = items
    return export
