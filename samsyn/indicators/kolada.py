"""A small client for Kolada's API v3 (https://api.kolada.se/v3/), standard library only.

- data: `/data/kpi/{kpis}/municipality/{municipalities}/year/{years}`, each a comma list of at
  most 25 ids, so a large request is cut into segments;
- pages: `per_page` up to 5000; follow `next_url` (or `next_page` where that is what comes);
- politeness: at most ~5 requests a second, a 429 ("too many requests") is retried after the
  server's Retry-After or an exponential backoff, every request has a 30 s timeout;
- values: `null` stays missing (value None with the row's status), never 0; rows or values
  flagged `isdeleted`/`is_deleted` are skipped; `period` may be a number or a string.

The base URL is `settings.KOLADA_BASE_URL`; tests point the client at recorded responses
through `opener` and never touch the network.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

MAX_IDS = 25
PER_PAGE = 5000
TIMEOUT = 30
MIN_INTERVAL = 0.2  # seconds between requests: ~5 a second
MAX_RETRIES = 5


class KoladaError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class KoladaValue:
    kpi: str
    municipality: str
    year: int
    gender: str
    value: Decimal | None
    status: str
    count: int | None


def chunks(items: Sequence, size: int = MAX_IDS) -> Iterator[list]:
    items = list(dict.fromkeys(str(i) for i in items))  # unique, in order
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _deleted(obj: dict) -> bool:
    return bool(obj.get("isdeleted") or obj.get("is_deleted"))


def parse_rows(rows: Iterable[dict]) -> Iterator[KoladaValue]:
    for row in rows:
        if _deleted(row):
            continue
        period = int(str(row["period"]).strip())
        for item in row.get("values") or []:
            if _deleted(item):
                continue
            raw = item.get("value")
            value = None if raw is None else Decimal(str(raw))
            status = str(item.get("status") or "")
            if value is None and not status:
                status = "Missing"
            yield KoladaValue(
                kpi=str(row["kpi"]),
                municipality=str(row["municipality"]),
                year=period,
                gender=str(item.get("gender") or "T"),
                value=value,
                status=status,
                count=item.get("count"),
            )


class KoladaClient:
    def __init__(
        self,
        base_url: str | None = None,
        *,
        opener: Callable | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = TIMEOUT,
        min_interval: float = MIN_INTERVAL,
        max_retries: int = MAX_RETRIES,
    ):
        if base_url is None:
            from django.conf import settings

            base_url = settings.KOLADA_BASE_URL
        self.base_url = base_url.rstrip("/") + "/"
        self.opener = opener or urllib.request.urlopen
        self.sleep = sleep
        self.clock = clock
        self.timeout = timeout
        self.min_interval = min_interval
        self.max_retries = max_retries
        self._last: float | None = None
        self.requests = 0

    def _throttle(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.min_interval:
            self.sleep(self.min_interval - (now - self._last))
        self._last = self.clock()

    def get_json(self, url: str) -> dict:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise KoladaError(f"Only http(s) addresses are fetched, not {url!r}.")
        for attempt in range(self.max_retries + 1):
            self._throttle()
            self.requests += 1
            # The scheme is checked above: http(s) only, never file: or custom schemes.
            request = urllib.request.Request(  # noqa: S310
                url, headers={"Accept": "application/json", "User-Agent": "Samsyn"}
            )
            try:
                with self.opener(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as error:
                if error.code == 429 and attempt < self.max_retries:
                    retry_after = error.headers.get("Retry-After") if error.headers else None
                    try:
                        wait = float(retry_after) if retry_after else 2.0**attempt
                    except ValueError:
                        wait = 2.0**attempt
                    self.sleep(min(wait, 60.0))
                    continue
                raise KoladaError(f"Kolada answered {error.code} for {url}") from error
            except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as error:
                raise KoladaError(f"Kolada could not be read at {url}: {error}") from error
        raise KoladaError(f"Kolada kept answering 429 for {url}")

    def pages(self, url: str) -> Iterator[dict]:
        seen = set()
        while url and url not in seen:
            seen.add(url)
            page = self.get_json(url)
            yield page
            url = page.get("next_url") or page.get("next_page") or ""
            if url and not url.startswith("http"):
                url = urllib.parse.urljoin(self.base_url, url)

    def data_url(self, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence) -> str:
        path = "data/kpi/{}/municipality/{}/year/{}".format(
            ",".join(kpis), ",".join(municipalities), ",".join(str(y) for y in years)
        )
        return f"{self.base_url}{path}?per_page={PER_PAGE}"

    def values(
        self, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int]
    ) -> Iterator[KoladaValue]:
        """Every value for the KPIs × municipalities × years, ≤ 25 ids per segment."""
        for kpi_part in chunks(kpis):
            for municipality_part in chunks(municipalities):
                for year_part in chunks(years):
                    url = self.data_url(kpi_part, municipality_part, year_part)
                    for page in self.pages(url):
                        yield from parse_rows(page.get("values") or [])
