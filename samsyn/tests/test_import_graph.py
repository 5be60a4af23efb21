"""The apps depend on each other in one direction only.

Every import between samsyn's apps (module-level and inside functions, outside tests and
migrations) is read with `ast`; the app-level graph must have no cycle. An app that needs
something from an app built on it offers a hook registry instead (e.g.
`samsyn.improvement.hooks`, filled from `samsyn.networks`' `AppConfig.ready()`).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import samsyn

ROOT = Path(samsyn.__file__).parent
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())


def _imported_modules(tree: ast.AST, module: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            out.append((base, node.lineno))
            out += [(f"{base}.{a.name}", node.lineno) for a in node.names]
    return out


@functools.cache
def app_imports() -> dict[str, dict[str, list[str]]]:
    """app → imported app → ["path:line", ...], for every app module but tests and
    migrations (read once per test process; the tests only read the graph)."""
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in APPS}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        module = ".".join(("samsyn", *path.relative_to(ROOT).with_suffix("").parts))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, line in _imported_modules(tree, module):
            bits = name.split(".")
            if len(bits) > 1 and bits[0] == "samsyn" and bits[1] in APPS and bits[1] != app:
                where = f"{path.relative_to(ROOT.parent)}:{line}"
                graph[app].setdefault(bits[1], []).append(where)
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return found


def test_the_scan_sees_function_level_imports():
    tree = ast.parse("def f():\n    from samsyn.networks.models import Exchange\n")
    names = [n for n, _ in _imported_modules(tree, "samsyn.improvement.cycle")]
    assert "samsyn.networks.models" in names


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_improvement_never_imports_networks():
    graph = app_imports()
    assert "networks" not in graph["improvement"], graph["improvement"].get("networks")


def test_the_app_import_graph_is_acyclic():
    graph = app_imports()
    found = cycles(graph)
    detail = [
        f"{a} -> {b}: {', '.join(graph[a][b])}"
        for component in found
        for a in component
        for b in component
        if b in graph[a]
    ]
    assert not found, "import cycles between apps:\n" + "\n".join(detail)


def test_apps_building_on_others_register_their_hooks():
    """The registries replacing the back-imports are filled at start-up (the dashboards'
    suppression guard must know the workshop teams)."""
    from samsyn.dashboards import hooks as dashboard_hooks
    from samsyn.improvement import hooks as improvement_hooks
    from samsyn.networks.selectors import exchanges_of_owner_unscoped
    from samsyn.observations import hooks as observation_hooks
    from samsyn.triads.selectors import round_teacher_details_unscoped
    from samsyn.workshops.selectors import workshop_teams_unscoped

    assert workshop_teams_unscoped in dashboard_hooks._team_providers
    assert exchanges_of_owner_unscoped in improvement_hooks._exchange_providers
    assert round_teacher_details_unscoped in observation_hooks._details_providers
