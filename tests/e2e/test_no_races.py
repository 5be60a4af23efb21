"""No browser test reads the page before what a click did has happened (no browser: cheap).

A click returns once the browser has dispatched it, not once the page it leads to has loaded
(see tests/e2e/waits.py). Read from the sources with `ast`, in every statement list of
tests/e2e/*.py and tests/crawl/*.py: after a click (`.click()`, `.dblclick()`, `.tap()`,
`.press()`), the next statement that touches the page or the database must wait for something
(`click_and_wait`, `wait_for_url`, `wait_for_selector`, `wait_for_function`, `locator.wait_for`,
`expect(...)`, `expect_navigation`/`expect_response`/`expect_download`, `goto`, `reload`) before
it reads (`content()`, `count()`, `all_inner_texts()`, `inner_text()`, `url`, `get_attribute()`,
`is_visible()`, axe, a screenshot, the ORM ...). `wait_for_load_state()` right after a click
is no such wait: it resolves on the old page, which is still loaded. A helper must not end
with a click nobody waits for (its caller reads next). A fixed `wait_for_timeout` or
`time.sleep` is no synchronisation: allowed only on a line that says `# window:` why it is
a window for something wrong to show (it cannot make a test fail by being short), or
`# poll:` in a loop that waits for a condition up to a deadline.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "tests" / "e2e").glob("*.py"), *(ROOT / "tests" / "crawl").glob("*.py")])

TRIGGERS = {"click", "dblclick", "tap", "press"}
WAITS = {
    "click_and_wait",
    "expect",
    "expect_download",
    "expect_event",
    "expect_navigation",
    "expect_popup",
    "expect_request",
    "expect_response",
    "go_back",
    "go_forward",
    "goto",
    "outbox_settled",
    "reload",
    "wait_for",
    "wait_for_event",
    "wait_for_function",
    "wait_for_selector",
    "wait_for_url",
}
READS = {
    # the page
    "all",
    "all_inner_texts",
    "all_text_contents",
    "assert_accessible",
    "axe_violations",
    "bounding_box",
    "content",
    "count",
    "evaluate",
    "evaluate_all",
    "get_attribute",
    "inner_html",
    "inner_text",
    "input_value",
    "is_checked",
    "is_disabled",
    "is_enabled",
    "is_hidden",
    "is_visible",
    "query_selector",
    "query_selector_all",
    "screenshot",
    "text_content",
    "title",
    "wait_for_load_state",
    # the database, which the POST behind the click writes
    "exists",
    "filter",
    "get",
    "refresh_from_db",
    "values_list",
}
READ_ATTRIBUTES = {"url", "objects"}
SLEEPS = {"wait_for_timeout", "sleep"}


@dataclass(frozen=True)
class Race:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _calls(node: ast.AST) -> list[str]:
    return [n for n in (_name(c) for c in ast.walk(node) if isinstance(c, ast.Call)) if n]


def _header(stmt: ast.stmt) -> list[ast.AST]:
    """What a statement runs before its body: all of a simple statement."""
    match stmt:
        case ast.If() | ast.While():
            return [stmt.test]
        case ast.For() | ast.AsyncFor():
            return [stmt.iter]
        case ast.With() | ast.AsyncWith():
            return [item.context_expr for item in stmt.items]
        case ast.Try() | ast.FunctionDef() | ast.AsyncFunctionDef() | ast.ClassDef():
            return []
        case _:
            return [stmt]


def _kind(stmt: ast.stmt) -> str:
    """'wait', 'goto', 'read', 'trigger', 'action' or 'neutral' (what the statement does)."""
    if isinstance(stmt, ast.Try | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return "action"  # a block of its own: checked as such
    names: list[str] = []
    attributes: set[str] = set()
    for part in _header(stmt):
        names += _calls(part)
        attributes |= {
            n.attr
            for n in ast.walk(part)
            if isinstance(n, ast.Attribute) and not isinstance(getattr(n, "ctx", None), ast.Store)
        }
    called = set(names)
    if "goto" in called and not (called - {"goto"}) & WAITS:
        return "goto"
    if called & WAITS:
        return "wait"
    if called & READS or attributes & READ_ATTRIBUTES:
        return "read"
    if called & TRIGGERS:
        return "trigger"
    if any(n in called for n in ("fill", "check", "select_option", "set_input_files", "focus")):
        return "action"
    if not isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign | ast.AugAssign):
        return "action"  # if/for/with/assert...: not followed into
    return "neutral"


def _is_trigger(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and _kind(stmt) == "trigger"


def _races_in_block(path: str, body: list[ast.stmt], *, function: bool) -> list[Race]:
    races = []
    for i, stmt in enumerate(body):
        if not _is_trigger(stmt):
            continue
        for following in body[i + 1 :]:
            kind = _kind(following)
            if kind == "read":
                what = (
                    "wait_for_load_state() after a click waits for nothing"
                    if ("wait_for_load_state" in _calls(following))
                    else "reads the page or the database before the click's outcome"
                )
                races.append(
                    Race(path, following.lineno, f"{what} (the click on line {stmt.lineno})")
                )
                break
            if kind == "goto":
                races.append(
                    Race(
                        path,
                        following.lineno,
                        "goto() may abort the navigation the click started (a login's cookie"
                        f" with it) (the click on line {stmt.lineno})",
                    )
                )
                break
            if kind != "neutral":
                break
        else:
            if function:
                races.append(
                    Race(path, stmt.lineno, "the function ends with a click nobody waits for")
                )
    return races


def races_in(source: str, path: str = "<source>") -> list[Race]:
    tree = ast.parse(source)
    lines = source.splitlines()
    races = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            races += _races_in_block(path, node.body, function=True)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and field == "body":
                continue
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                races += _races_in_block(path, block, function=False)
        if (
            isinstance(node, ast.Call)
            and _name(node) in SLEEPS
            and not any(mark in lines[node.lineno - 1] for mark in ("# window:", "# poll:"))
        ):
            races.append(Race(path, node.lineno, "a fixed sleep used to wait"))
    return sorted(races, key=lambda r: r.line)


def test_no_browser_test_reads_before_its_click_has_landed():
    found = []
    for source in SOURCES:
        if source.name == "test_no_races.py":
            continue
        found += races_in(source.read_text(), str(source.relative_to(ROOT)))
    assert not found, "races (see tests/e2e/waits.py):\n" + "\n".join(map(str, found))


def test_the_check_finds_the_patterns_it_is_for():
    """The check itself: it must be able to fail, and not fail on the waited forms."""
    racy = """
def test_a(page):
    page.get_by_role("link", name="Styrgruppen").click()
    assert "x" in page.content()

def test_b(page):
    page.click("form button")
    page.wait_for_load_state()

def test_c(page):
    page.click("a")
    rows = page.locator("tr")
    assert rows.count() == 1

def test_d(page):
    page.click("a")
    names = page.locator("li").all_inner_texts()

def test_e(page):
    page.click("button[type=submit]")
    assert Thing.objects.count() == 1

def log_in(page):
    page.fill("#id_username", "x")
    page.click("form.card button[type=submit]")

def test_f(page):
    page.wait_for_timeout(1500)

def test_g(page):
    page.click("form.card button[type=submit]")
    page.goto("/observations/today/")

def test_h(page):
    page.click("form.card button[type=submit]")
    assert page.goto("/reports/1/").status == 404
"""
    found = races_in(racy)
    assert [r.line for r in found] == [4, 8, 13, 17, 21, 25, 28, 32, 36], found
    waited = """
def test_a(page):
    page.click("a")
    page.wait_for_url("**/groups/1/")
    assert "x" in page.content()

def test_b(page):
    click_and_wait(page, "form button")
    assert page.locator("tr").count() == 1

def test_c(page):
    page.click("a")
    expect(page.locator("tr")).to_have_count(1)

def test_d(page):
    with page.expect_navigation():
        page.click("a")
    assert page.url.endswith("/x/")

def test_e(page):
    page.click("#toggle")
    page.fill("#q", "x")

def test_f(page):
    page.wait_for_timeout(1500)  # window: a second send would show here
"""
    assert races_in(waited) == []
