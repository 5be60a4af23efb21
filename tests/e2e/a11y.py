"""Accessibility checks with axe-core, vendored from the npm registry (tests/e2e/vendor/).

`axe_violations(page)` runs axe on the page as it is now against WCAG 2.0/2.1 A and AA and
returns the violations of the impacts we refuse (serious, critical), each with the rule, its
help text and the first few offending elements, so a failing test says what to fix.

The script is evaluated through the DevTools protocol, which the page's CSP does not govern,
so the pages are checked with their real CSP in force.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REFUSED = ("serious", "critical")

_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""


def axe_violations(page, *, impacts: tuple[str, ...] = REFUSED) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate(_RUN, WCAG_AA)
    return [v for v in found if v["impact"] in impacts]


def assert_accessible(page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe: serious/critical WCAG 2.1 AA violations on {where or page.url}:\n"
        + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in violations
        )
    )
