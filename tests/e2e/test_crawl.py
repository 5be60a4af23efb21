"""The quality gate over every page, the part that runs in `make test` (tests/crawl/).

Chromium logs in as each demo role, in Swedish and in English, and opens every URL pattern the
role can reach from its home once at 1280 px (the home and the main menu's pages also at 1024 and
390 px); each page must be free of console errors, in its own language (text, `<html lang>`,
numbers), without a horizontal scrollbar, and every link it shows must answer below 400.
Timing is not checked here (the test server answers one request at a time): `make crawl` runs
the whole crawl, at every width, against gunicorn, and fails pages slower than a second.
"""

from __future__ import annotations

import pytest

from tests.crawl.checks import Finding, language_findings
from tests.crawl.run import crawl

# The crawl checks language, layout, links and console errors of the rendered pages: nothing a
# database changes. make test runs it in the SQLite half only; every route's answers on
# PostgreSQL are still requested, as every persona, by tests/access/test_generated_matrix.py.
pytestmark = [pytest.mark.e2e, pytest.mark.any_database]


def test_every_page_as_every_role_in_both_languages(live_server, demo_world, browser):
    # Two crawls at a time, each in its own Chromium (the crawls touch no database).
    report = crawl(browser, live_server.url, quick=True, links_per_pattern=1, workers=2)
    print(report.summary())
    assert len(report.results) == 12
    for result in report.results:
        assert len(result.pages) >= 10, f"{result.role}/{result.lang} reached too few pages"
    assert not report.findings, (
        f"{len(report.findings)} findings:\n"
        + "\n".join(str(f) for f in report.findings)
        + "\n"
        + report.summary()
    )


def test_the_language_checks_catch_the_other_language():
    """The checks themselves (no browser): they must be able to fail."""
    english_on_swedish = [{"text": "Save your changes", "where": "p", "numeric": False}]
    assert [f.kind for f in language_findings("/", "sv", english_on_swedish)] == ["language"]
    swedish_on_english = [{"text": "Spara och gå vidare", "where": "p", "numeric": False}]
    assert [f.kind for f in language_findings("/en/", "en", swedish_on_english)] == ["language"]
    fine = [{"text": "Spara och gå vidare", "where": "p", "numeric": False}]
    assert language_findings("/", "sv", fine) == []
    # What people wrote is theirs, also inside a translated sentence; the rest is still checked.
    wrote = "Pröva ett arbetssätt för alla"
    around = [{"text": f"Status of “{wrote}”", "where": "label", "numeric": False}]
    assert [f.kind for f in language_findings("/en/", "en", around)] == ["language"]
    assert language_findings("/en/", "en", around, frozenset({wrote})) == []
    around = [{"text": f"Status för “{wrote}” och mer", "where": "label", "numeric": False}]
    assert language_findings("/en/", "en", around, frozenset({wrote})) != []
    numbers = [
        {"text": "0.45", "where": "td", "numeric": True},
        {"text": "-0,3", "where": "td", "numeric": True},
    ]
    found = language_findings("/", "sv", numbers)
    assert [f.kind for f in found] == ["number", "number"]
    assert all(isinstance(f, Finding) for f in found)
    assert language_findings("/", "sv", [{"text": "0,45", "where": "td", "numeric": True}]) == []
    assert language_findings("/", "sv", [{"text": "−0,3", "where": "td", "numeric": True}]) == []
