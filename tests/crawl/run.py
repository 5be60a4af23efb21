"""Crawl the demo as every role in both languages, and report (`make crawl`, and the part of it
in `make test`: tests/e2e/test_crawl.py).

    python -m tests.crawl.run --base-url http://127.0.0.1:8123 [--slow 1.0] [--quick]

The full crawl opens every pattern at 1280, 1024 and 390 px as every role in Swedish and English
and fails pages slower than --slow seconds; --quick is the part in `make test` (every pattern at
1280 px, the narrow widths on each role's home and main menu pages). Exit status 1 on any
finding, each printed on its own line.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from dataclasses import dataclass

from tests.crawl.checks import Finding
from tests.crawl.crawler import Crawler, CrawlResult

# The demo's key accounts (samsyn/demo/services.py KEY_USERS), one per role.
ROLES = ("larare", "observator", "rektor", "huvudman", "natverk", "forskare")
LANGUAGES = ("sv", "en")
FULL_WIDTHS = (1280, 1024, 390)
NARROW_WIDTHS = (1024, 390)


@dataclass
class Report:
    results: list[CrawlResult]
    seconds: float

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def summary(self) -> str:
        patterns = {key for r in self.results for key in r.pages}
        pages = sum(len(r.pages) for r in self.results)
        links = sum(r.links_checked for r in self.results)
        kinds: dict[str, int] = {}
        for finding in self.findings:
            kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
        lines = [
            f"{len(patterns)} URL patterns; {pages} pages opened and {links} links requested "
            f"over {len(self.results)} role × language crawls in {self.seconds:.0f} s",
        ]
        for r in self.results:
            timed = [p for p in r.pages.values() if p.seconds is not None]
            worst = max(timed, key=lambda p: p.seconds, default=None)
            slowest = f", slowest {worst.seconds:.2f} s ({worst.url})" if worst else ""
            lines.append(f"  {r.role:<11} {r.lang}: {len(r.pages):3d} patterns{slowest}")
        lines.append(
            "findings: " + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none")
        )
        return "\n".join(lines)


def crawl(
    browser,
    base_url: str,
    *,
    roles: tuple[str, ...] = ROLES,
    languages: tuple[str, ...] = LANGUAGES,
    quick: bool = True,
    slow_seconds: float | None = None,
    links_per_pattern: int = 3,
    user_texts: frozenset[str] | None = None,
    workers: int = 1,
) -> Report:
    """Crawl as each role in each language. With `workers` > 1 the crawls run that many at a
    time, each worker in its own thread with its own Chromium (`browser` then unused)."""
    from tests.crawl.userdata import database_texts

    started = time.monotonic()
    if user_texts is None:
        user_texts = database_texts()
    jobs = [(role, lang) for role in roles for lang in languages]
    options = {
        "quick": quick,
        "slow_seconds": slow_seconds,
        "links_per_pattern": links_per_pattern,
        "user_texts": user_texts,
    }
    if workers <= 1:
        results = [_crawl_one(browser, base_url, role, lang, **options) for role, lang in jobs]
        return Report(results, time.monotonic() - started)
    done: dict[tuple[str, str], CrawlResult] = {}
    errors: list[BaseException] = []
    pending = list(reversed(jobs))
    lock = threading.Lock()

    def work() -> None:
        from playwright.sync_api import sync_playwright

        from tests.e2e.conftest import CHROMIUM, FLAGS

        try:
            with sync_playwright() as playwright:
                own = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                try:
                    while True:
                        with lock:
                            if not pending or errors:
                                return
                            job = pending.pop()
                        done[job] = _crawl_one(own, base_url, *job, **options)
                finally:
                    own.close()
        except BaseException as error:  # reported in the calling thread
            errors.append(error)

    threads = [threading.Thread(target=work, name=f"crawl-{i}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return Report([done[job] for job in jobs], time.monotonic() - started)


def _crawl_one(
    browser,
    base_url: str,
    role: str,
    lang: str,
    *,
    quick: bool,
    slow_seconds: float | None,
    links_per_pattern: int,
    user_texts: frozenset[str],
) -> CrawlResult:
    from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        crawler = Crawler(
            context,
            base_url,
            role=role,
            lang=lang,
            widths=(1280,) if quick else FULL_WIDTHS,
            narrow_widths=NARROW_WIDTHS if quick else (),
            # (In the quick crawl the English pages' links are the Swedish ones'.)
            links_per_pattern=0 if quick and lang != "sv" else links_per_pattern,
            slow_seconds=slow_seconds,
            user_texts=user_texts,
        )
        page = crawler.log_in(f"{role}@{DEMO_DOMAIN}", DEMO_PASSWORD)
        return crawler.run(page)
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--slow", type=float, default=None, help="seconds a page may take")
    parser.add_argument("--workers", type=int, default=1, help="crawls at a time")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument(
        "--links-per-pattern",
        type=int,
        default=5,
        help="other URLs of a pattern already opened to request, per role and language",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from tests.crawl.userdata import database_texts
    from tests.e2e.conftest import CHROMIUM, FLAGS

    user_texts = database_texts()  # (before Playwright's event loop, which the ORM refuses)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            report = crawl(
                browser,
                args.base_url,
                roles=tuple(args.roles.split(",")),
                languages=tuple(args.languages.split(",")),
                quick=args.quick,
                slow_seconds=args.slow,
                links_per_pattern=args.links_per_pattern,
                user_texts=user_texts,
                workers=args.workers,
            )
        finally:
            browser.close()
    for finding in report.findings:
        print(finding)
    print(report.summary())
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
