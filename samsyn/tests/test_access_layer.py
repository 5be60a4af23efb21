"""The access layer is declared, not assembled: static rules over views, the API and selectors.

1. View and API code (every module a URL or the API router points into) reads objects only
   through user-scoped helpers: it calls no `get_object_or_404` / `get_list_or_404`, no
   `<Model>.objects.get`, no function whose name ends in `_unscoped` (or that lives in an
   `unscoped` module), and no selector without a `user` parameter.
2. Every public function in an app's `selectors.py` takes the acting `user`, or says in its name
   that it does not (`..._unscoped`), or is one of the few `PUBLIC_READS` of no one's data.
3. Every `has:"…"` check in a template names a `Perm`.
4. Every `get_<entity>_for_user` helper in any app module has the one shape
   `(*, user, pk, perm)`: keyword-only `user`, `pk` and `perm` (more keyword-only parameters,
   such as the parent an object must belong to, are fine). Person-scoped helpers
   (`PARTY_SCOPED`) take no `perm`; a few address their object by a natural key instead of
   `pk` (`NATURAL_KEYS`). No code passes `request` (or anything positional) to one.

`REMAINING_VIEW_CALLS` lists view call sites not yet converted (none are left). It may only
shrink: a new violation fails, and so does an entry that no longer occurs (remove it). No
selector is left to rename: every public one takes the `user`, ends in `_unscoped` or is a
`PUBLIC_READS`.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from django.shortcuts import get_list_or_404, get_object_or_404
from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver

from samsyn.accounts.access import Perm

ROOT = Path(__file__).resolve().parents[1]

# Reads of no one's data, so neither rule applies: the single sign-on login page (nobody is
# signed in yet), the names of framework dimensions and of municipalities, Kolada's
# municipality groups and their public statistics, unit labels. Not meant to shrink; keep it short.
PUBLIC_READS: set[tuple[str, str]] = {
    ("samsyn.improvement.selectors", "dimension_choices"),
    ("samsyn.indicators.selectors", "comparison_groups"),  # Kolada's municipality groups
    # Public official statistics by municipality (StatValue holds Skolverket's and Kolada's
    # published figures, nobody's own data); the indicator comes from indicator_for.
    ("samsyn.indicators.selectors", "expected_for"),
    ("samsyn.indicators.selectors", "group_band"),
    ("samsyn.indicators.selectors", "indicator_series"),
    ("samsyn.indicators.selectors", "indicator_sources"),
    ("samsyn.indicators.selectors", "municipality"),  # a municipality's name by its code
    ("samsyn.indicators.selectors", "unit_label"),
    ("samsyn.indicators.selectors", "values_for_export"),  # Skolverket's published figures
    ("samsyn.networks.selectors", "dimension_names"),
    ("samsyn.privacy.selectors", "months_before"),  # calendar arithmetic, reads nothing
    ("samsyn.integrations.selectors", "sso_provider_for_email"),
    ("samsyn.integrations.selectors", "sso_provider_offered"),
    ("samsyn.integrations.selectors", "sso_providers_offered"),
    # A public progress page by its slug: the view shows only an approved, frozen snapshot
    # (404 or 410 otherwise), readable without signing in.
    ("samsyn.public.selectors", "public_page"),
}

# (view module, function called) still to convert: none left; keep it that way.
REMAINING_VIEW_CALLS: set[tuple[str, str]] = set()

# The generic builders every helper stands on (`samsyn.accounts.access`), not helpers themselves.
GENERIC_HELPERS: set[tuple[str, str]] = {
    ("samsyn.accounts.access", "get_object_for_user"),
    ("samsyn.accounts.access", "get_party_object_for_user"),
}

# Person-scoped helpers: the object grants access to its own parties (a conversation's teacher
# and coach, a token's holder, a triad's members, an observer's own round or sync conflict), so
# there is no `perm` to ask for. Not meant to grow without such a reason.
PARTY_SCOPED: set[tuple[str, str]] = {
    ("samsyn.coaching.selectors", "get_conversation_for_user"),
    ("samsyn.coaching.selectors", "get_next_step_for_user"),
    ("samsyn.integrations.selectors", "get_api_token_for_user"),
    ("samsyn.observations.selectors", "get_conflict_for_user"),
    ("samsyn.observations.selectors", "get_observed_round_for_user"),
    # A teacher's own entry in a round (their lesson proposal): the pair (round, teacher).
    ("samsyn.observations.selectors", "get_proposal_for_user"),
    # A reviewer's own declared conflict of interest.
    ("samsyn.provisioning.selectors", "get_own_conflict_of_interest_for_user"),
    ("samsyn.triads.selectors", "get_triad_for_user"),
}

# Helpers that address their object by a natural key in place of `pk` (the URL's): a slug, a
# uuid, a code unique within its parent, or the parent of a one-to-one object.
NATURAL_KEYS: dict[tuple[str, str], str] = {
    ("samsyn.frameworks.selectors", "get_framework_for_user"): "slug",
    ("samsyn.frameworks.selectors", "get_dimension_for_user"): "code",  # unique in its version
    ("samsyn.improvement.selectors", "get_report_for_user"): "project",  # one per project
    ("samsyn.integrations.selectors", "get_sso_provider_for_user"): "owner",  # one per owner
    ("samsyn.observations.selectors", "get_observation_for_user"): "uuid",
    ("samsyn.observations.selectors", "get_proposal_for_user"): "round_pk",  # one's own entry
}


def _url_modules(patterns) -> set[str]:
    found: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            found |= _url_modules(p.url_patterns)
        elif isinstance(p, URLPattern):
            module = getattr(p.callback, "__module__", "")
            if module.startswith("samsyn.") and not module.startswith("ninja"):
                found.add(module)
    return found


def view_modules() -> list[ModuleType]:
    names = _url_modules(get_resolver().url_patterns)
    names |= {"samsyn.api"} | {
        f"samsyn.{p.parent.name}.api" for p in ROOT.glob("*/api.py") if p.parent.name != "tests"
    }
    return [importlib.import_module(n) for n in sorted(names)]


def _local_imports(tree: ast.AST) -> dict[str, object]:
    """Names imported inside functions (`from samsyn.x import selectors` in a view body)."""
    found: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("samsyn"):
                continue
            source = importlib.import_module(node.module)
            for alias in node.names:
                value = getattr(source, alias.name, None)
                if value is None:
                    value = importlib.import_module(f"{node.module}.{alias.name}")
                found[alias.asname or alias.name] = value
    return found


def _target(module: ModuleType, func: ast.expr, local: dict[str, object] | None = None):
    """The object a call's function expression names in `module`, when it can be resolved
    statically (a global name or one imported in a function, or an attribute of a module)."""
    names = {**(local or {}), **module.__dict__}
    if isinstance(func, ast.Name):
        return names.get(func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        owner = names.get(func.value.id)
        if isinstance(owner, ModuleType):
            return getattr(owner, func.attr, None)
    return None


def _is_objects_get(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "objects"
    )


def _unscoped_selector(obj) -> bool:
    if not inspect.isfunction(obj):
        return False
    module = obj.__module__ or ""
    if (module, obj.__name__) in PUBLIC_READS:
        return False
    if obj.__name__.endswith("_unscoped") or module.endswith(".unscoped"):
        return True
    if module.endswith(".selectors") and not obj.__name__.startswith("_"):
        return "user" not in inspect.signature(obj).parameters
    return False


def view_violations() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for module in view_modules():
        tree = ast.parse(Path(module.__file__).read_text())
        local = _local_imports(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _is_objects_get(node.func):
                found.add((module.__name__, f"{ast.unparse(node.func.value.value)}.objects.get"))
                continue
            target = _target(module, node.func, local)
            if target in (get_object_or_404, get_list_or_404):
                found.add((module.__name__, target.__name__))
            elif _unscoped_selector(target):
                found.add((module.__name__, f"{target.__module__}.{target.__name__}"))
    return found


def selector_violations() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in sorted(ROOT.glob("*/selectors.py")):
        name = f"samsyn.{path.parent.name}.selectors"
        module = importlib.import_module(name)
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if node.name.endswith("_unscoped") or (name, node.name) in PUBLIC_READS:
                continue
            if "user" not in inspect.signature(getattr(module, node.name)).parameters:
                found.add((name, node.name))
    return found


HELPER_NAME = re.compile(r"get_\w+_for_user")


@functools.cache
def app_modules() -> tuple[tuple[str, ast.Module], ...]:
    """Every non-test module under samsyn/ (no tests, no migrations), parsed (once per test
    process: three tests walk the trees, none changes them)."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name.startswith("test_"):
            continue
        name = ".".join(("samsyn", *parts)).removesuffix(".py").removesuffix(".__init__")
        found.append((name, ast.parse(path.read_text())))
    return tuple(found)


def helper_shape_violations(modules: Iterable[tuple[str, ast.Module]]) -> set[tuple[str, str]]:
    """`get_*_for_user` definitions not of the shape `(*, user, pk, perm)` (see the rule)."""
    found: set[tuple[str, str]] = set()
    for name, tree in modules:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or not HELPER_NAME.fullmatch(node.name):
                continue
            key = (name, node.name)
            if key in GENERIC_HELPERS:
                continue
            args = node.args
            keyword_only = {a.arg for a in args.kwonlyargs}
            required = {"user", NATURAL_KEYS.get(key, "pk")}
            if key not in PARTY_SCOPED:
                required.add("perm")
            if args.posonlyargs or args.args or args.vararg or not required <= keyword_only:
                found.add(key)
    return found


def request_passing_calls(modules: Iterable[tuple[str, ast.Module]]) -> set[tuple[str, str]]:
    """Calls of a `get_*_for_user` helper that pass `request` or any positional argument."""
    found: set[tuple[str, str]] = set()
    for name, tree in modules:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if not HELPER_NAME.fullmatch(called):
                continue
            values = [*node.args, *(k.value for k in node.keywords)]
            if node.args or any(isinstance(v, ast.Name) and v.id == "request" for v in values):
                found.add((name, called))
    return found


class AccessLayerTests(SimpleTestCase):
    def test_views_and_api_read_only_through_user_scoped_helpers(self):
        found = view_violations()
        self.assertEqual(
            sorted(found - REMAINING_VIEW_CALLS),
            [],
            "view/API code reads without the access layer; use a get_<entity>_for_user helper",
        )
        self.assertEqual(
            sorted(REMAINING_VIEW_CALLS - found), [], "converted: remove from REMAINING_VIEW_CALLS"
        )

    def test_every_selector_takes_the_user_or_says_it_does_not(self):
        self.assertEqual(
            sorted(selector_violations()),
            [],
            "a selector without a `user` parameter must end in _unscoped (or be private)",
        )

    def test_the_rule_catches_a_direct_read(self):
        # The checker itself: a module calling get_object_or_404 and an unscoped selector.
        module = ModuleType("samsyn.fake.views")
        module.__file__ = __file__
        source = "get_object_or_404(X, pk=1)\nRound.objects.get(pk=1)\nsel.teachers_unscoped(s)\n"
        tree = ast.parse(source)
        sel = ModuleType("samsyn.fake.selectors")

        def teachers_unscoped(school):
            return school

        sel.teachers_unscoped = teachers_unscoped
        module.get_object_or_404 = get_object_or_404
        module.sel = sel
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        self.assertIs(_target(module, calls[0].func), get_object_or_404)
        self.assertTrue(_is_objects_get(calls[1].func))
        self.assertTrue(_unscoped_selector(_target(module, calls[2].func)))

    def test_templates_ask_only_for_permissions_that_exist(self):
        names = {p.value for p in Perm}
        used = set()
        for path in list(ROOT.glob("*/templates/**/*.html")) + list(
            ROOT.parent.glob("templates/**/*.html")
        ):
            used |= {(path.name, m) for m in re.findall(r'\|has:"([^"]+)"', path.read_text())}
        self.assertEqual(sorted(u for u in used if u[1] not in names), [])

    def test_every_get_for_user_helper_has_the_one_shape(self):
        self.assertEqual(
            sorted(helper_shape_violations(app_modules())),
            [],
            "a get_<entity>_for_user helper takes keyword-only user, pk and perm "
            "(PARTY_SCOPED: no perm; NATURAL_KEYS: a natural key for pk)",
        )

    def test_the_exceptions_name_helpers_that_exist(self):
        # An exception for a helper that was renamed or removed would silently widen the rule.
        defined = {
            (name, node.name)
            for name, tree in app_modules()
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and HELPER_NAME.fullmatch(node.name)
        }
        self.assertEqual(sorted((PARTY_SCOPED | set(NATURAL_KEYS)) - defined), [])

    def test_no_code_passes_the_request_to_a_helper(self):
        self.assertEqual(
            sorted(request_passing_calls(app_modules())),
            [],
            "call get_<entity>_for_user(user=request.user, pk=pk, perm=Perm.…)",
        )

    def test_the_helper_rules_catch_the_old_shapes(self):
        # The checkers themselves, on the shapes the merged apps had.
        tree = ast.parse(
            "def get_group_for_user(request, pk, *, manage=False, record=False): ...\n"
            "def get_effort_for_user(*, user, pk): ...\n"
            "def get_triad_for_user(*, user, pk): ...\n"
            "def get_page_for_user(*, user, pk, perm): ...\n"
            "def view(request, pk):\n"
            "    governance.get_group_for_user(request, pk, record=True)\n"
            "    get_effort_for_user(user=request, pk=pk)\n"
            "    get_page_for_user(user=request.user, pk=pk, perm=None)\n"
        )
        modules = [("samsyn.triads.selectors", tree)]
        self.assertEqual(
            helper_shape_violations(modules),
            {
                ("samsyn.triads.selectors", "get_group_for_user"),
                ("samsyn.triads.selectors", "get_effort_for_user"),
            },
        )
        self.assertEqual(
            request_passing_calls(modules),
            {
                ("samsyn.triads.selectors", "get_group_for_user"),
                ("samsyn.triads.selectors", "get_effort_for_user"),
            },
        )
