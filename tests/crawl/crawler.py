"""The crawl: one demo role in one language, from the role's home along every same-origin link.

Pages are deduplicated by URL pattern (Django's resolver: the route and the view's name), so
each pattern is opened once per role and language; every distinct link a page shows is requested
too (GET, up to `links_per_pattern` per pattern), and a status of 400 or more is a broken link.
Never requested: logout, anything that deletes, exports or downloads (by the view's name),
admin, and links that leave the site. Each opened page is checked as it loads (console errors,
uncaught exceptions, `<html lang>`, the time the document took, links into the other language,
the language of its text) and then at each width asked for (a horizontal scrollbar).
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.crawl.checks import COLLECT_TEXT, Finding, language_findings
from tests.e2e.waits import click_and_wait

# View names never requested: they end the session, change or export data, or are files.
NEVER = re.compile(r"logout|delete|remove|revoke|export|download|csv|xlsx|pdf|\bpng|svg|ics", re.I)
NOT_PAGES = re.compile(r"^/(?:en/)?(?:admin/|static/|media/|i18n/)|^/capture-sw\.js|^/healthz")

OVERFLOW = """() => {
  const doc = document.documentElement, width = doc.clientWidth;
  if (doc.scrollWidth <= width) return null;
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
      if (!widest || !widest.contains(el)) widest = el;  // the outermost one
    }
  }
  const name = (el) => el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.classList.length ? '.' + [...el.classList].slice(0, 2).join('.') : '')
      + (el.parentElement ? ' in ' + el.parentElement.tagName.toLowerCase()
         + (el.parentElement.classList.length ? '.' + el.parentElement.classList[0] : '') : '') : '?';
  return {scroll: doc.scrollWidth, width, element: name(widest)};
}"""

# A link with hreflang is a deliberate switch of language (checked as a link, not as a slip).
LINKS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.hasAttribute('download') && !a.hasAttribute('hreflang'))
  .map(a => a.href)"""

TIMING = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return n ? n.responseEnd - n.startTime : null;
}"""


@dataclass
class Pattern:
    key: str  # route and view name
    url: str  # the first URL seen with it
    status: int = 0
    seconds: float | None = None


@dataclass
class CrawlResult:
    role: str
    lang: str
    pages: dict[str, Pattern] = field(default_factory=dict)  # pattern key → the page opened
    links_checked: int = 0
    findings: list[Finding] = field(default_factory=list)


def pattern_of(path: str, lang: str) -> str | None:
    """The URL pattern (route and view name) a path resolves to in `lang`, None if none."""
    from django.urls import Resolver404, resolve
    from django.utils import translation

    with translation.override(lang):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    route = match.route.removeprefix(f"{lang}/") if lang != "sv" else match.route
    return f"{route} ({match.view_name})"


class Crawler:
    def __init__(
        self,
        context,
        base_url: str,
        *,
        role: str,
        lang: str,
        widths: tuple[int, ...] = (1280,),
        narrow_widths: tuple[int, ...] = (),
        links_per_pattern: int = 3,
        slow_seconds: float | None = None,
        max_pages: int = 400,
        user_texts: frozenset[str] = frozenset(),
    ) -> None:
        self.user_texts = user_texts
        self.context = context
        self.base = base_url.rstrip("/")
        self.origin = urlsplit(self.base).netloc
        self.role = role
        self.lang = lang
        self.widths = widths
        self.narrow_widths = narrow_widths  # for the home page and the main menu's pages only
        self.links_per_pattern = links_per_pattern
        self.slow_seconds = slow_seconds
        self.max_pages = max_pages
        self.result = CrawlResult(role=role, lang=lang)
        self.link_status: dict[str, int] = {}
        self.links_of_pattern: dict[str, int] = {}
        self.main_pages: set[str] = set()
        self.queue: deque[tuple[str, str]] = deque()  # (path, the page that links to it)
        self.queued: set[str | None] = set()

    # --- helpers

    @property
    def prefix(self) -> str:
        return "" if self.lang == "sv" else f"/{self.lang}"

    def find(self, kind: str, url: str, detail: str) -> None:
        self.result.findings.append(Finding(kind, f"{self.role}/{self.lang} {url}", detail))

    def same_site_path(self, href: str) -> str | None:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != self.origin:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    # --- the crawl

    def log_in(self, email: str, password: str):
        page = self.context.new_page()
        page.goto(f"{self.base}{self.prefix}/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        click_and_wait(page, "form.card button[type=submit]")
        return page

    def run(self, page) -> CrawlResult:
        console: list[str] = []
        page.on(
            "console",
            lambda m: (
                console.append(f"{m.text} ({m.location.get('url') or 'the page'})")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
        page.on(
            "response",
            lambda r: (
                console.append(f"{r.status} for the {r.request.resource_type} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        home = f"{self.prefix}/"
        self.queue.append((home, "the login"))
        self.queued.add(pattern_of(home, self.lang))
        first = True
        while self.queue and len(self.result.pages) < self.max_pages:
            path, referrer = self.queue.popleft()
            key = pattern_of(urlsplit(path).path, self.lang) or path
            self.visit(page, path, key, console, home=first, referrer=referrer)
            first = False
        return self.result

    def visit(
        self, page, path: str, key: str, console: list[str], *, home: bool, referrer: str
    ) -> None:
        """Open one page, check it, and queue the links to patterns not yet seen."""
        url = self.base + path
        console.clear()
        page.set_viewport_size({"width": self.widths[0], "height": 900})
        started = time.monotonic()
        response = page.goto(url, wait_until="load")
        elapsed = time.monotonic() - started
        status = response.status if response else 0
        record = Pattern(key=key, url=path, status=status)
        self.result.pages[key] = record
        if status >= 400:
            self.find("link", referrer, f"{path} answers {status}")
            return
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            return
        self.wait_for_charts(page, path)
        record.seconds = page.evaluate(TIMING)
        record.seconds = record.seconds / 1000 if record.seconds is not None else elapsed
        if self.slow_seconds is not None and record.seconds > self.slow_seconds:
            self.find("slow", path, f"{record.seconds:.2f} s (limit {self.slow_seconds} s)")
        self.check_page(page, path, console)
        hrefs = page.evaluate(LINKS)
        if home:
            self.main_pages = {
                p
                for p in (self.same_site_path(h) for h in page.evaluate(MAIN_LINKS))
                if p is not None
            }
        widths = self.widths[1:] + (self.narrow_widths if home or path in self.main_pages else ())
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})  # (scrollWidth lays out)
            self.check_overflow(page, path, width)
        for href in dict.fromkeys(hrefs):
            link = self.same_site_path(href)
            if link is None or NOT_PAGES.search(link):
                continue
            link_key = pattern_of(urlsplit(link).path, self.lang)
            if link_key and NEVER.search(link_key):
                continue
            if link_key is not None and link_key not in self.queued:
                # Opened as a page later: its status is checked then.
                self.queued.add(link_key)
                self.queue.append((link, path))
                self.link_status[link] = 0
                self.check_link(path, link, link_key, request=False)
            else:
                self.check_link(path, link, link_key)

    def wait_for_charts(self, page, path: str) -> None:
        """The charts the page draws as it loads have drawn or failed (their errors and their
        width belong to this page), up to CHART_SECONDS; a chart still drawing then is a
        finding."""
        try:
            page.wait_for_function(CHARTS_SETTLED, timeout=CHART_SECONDS * 1000)
        except PlaywrightTimeoutError:
            self.find("chart", path, f"a chart still drawing after {CHART_SECONDS} s")

    def language_of(self, path: str) -> str:
        """The language a page must be in: the crawl's, but a URL outside the language prefixes
        (/api/v1/docs) is in the default language, as every URL without a prefix."""
        if self.lang == "sv" or path.startswith(f"/{self.lang}/"):
            return self.lang
        return "sv"

    def check_page(self, page, path: str, console: list[str]) -> None:
        for message in dict.fromkeys(console):
            self.find("console", path, message[:300])
        collected = page.evaluate(COLLECT_TEXT)
        lang = self.language_of(path)
        if collected["lang"] != lang:
            self.find("lang", path, f"<html lang={collected['lang']!r}>, not {lang!r}")
        for finding in language_findings(path, lang, collected["texts"], self.user_texts):
            self.find(finding.kind, path, finding.detail)
        self.check_overflow(page, path, self.widths[0])

    def check_overflow(self, page, path: str, width: int) -> None:
        over = page.evaluate(OVERFLOW)
        if over:
            self.find(
                "overflow",
                path,
                f"at {width} px the page is {over['scroll']} px wide; widest: {over['element']}",
            )

    def check_link(self, on: str, link: str, key: str | None, *, request: bool = True) -> None:
        path = urlsplit(link).path
        lang = self.language_of(urlsplit(on).path)
        if not path.startswith(("/api/", "/healthz")):
            if lang == "sv" and path.startswith("/en/"):
                self.find("other-language-link", on, f"links to the English {link}")
            if lang != "sv" and not path.startswith(f"/{lang}/"):
                self.find("other-language-link", on, f"links to the Swedish {link}")
        if not request or link in self.link_status:
            return
        count_key = key or link
        if self.links_of_pattern.get(count_key, 0) >= self.links_per_pattern:
            return
        self.links_of_pattern[count_key] = self.links_of_pattern.get(count_key, 0) + 1
        response = self.context.request.get(self.base + link, max_redirects=5)
        status = response.status
        response.dispose()
        self.link_status[link] = status
        self.result.links_checked += 1
        if status >= 400:
            self.find("link", on, f"{link} answers {status}")


CHART_SECONDS = 30
# Every visible chart (static/js/charts.js, dashboards.js) says it drew or why it did not.
CHARTS_SETTLED = """() => [...document.querySelectorAll('[data-vega-spec]')]
  .filter(el => el.offsetParent !== null)
  .every(el => el.getAttribute('data-rendered') || el.getAttribute('data-error'))"""
MAIN_LINKS = """() => [...document.querySelectorAll('nav.main-nav a[href]')].map(a => a.href)"""
