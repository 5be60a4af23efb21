"""POST-only routes, requested with POST as every persona on the real demo world.

The generated matrix (test_generated_matrix.py) requests every route with GET, so a route that
takes POST only answers 405 there and says nothing about who may use it. Every such route (its
GET rows in `matrix.EXPECTED` answer 405 to every signed-in persona) is requested here with
POST as every persona, on the own owner's object, on the other owner's and, for nested routes,
"mixed" (the own owner's parent with the other owner's child), each request rolled back (a savepoint) so the next persona finds the same object. The body is empty unless
`POST_BODIES` gives one: a rightful persona may then get the form back (200/400) or the view's
redirect (302); what matters is that outsiders get 404, members without the permission 403,
anonymous visitors the login page (302) or a refusal before it (405 where `require_POST`
comes first), and that nobody else changes anything: every request's writes are watched, and
a persona refused (403/404/405), anyone on a mixed row or a Sjövik-only persona on another
owner's object that wrote to the database fails the test whatever is declared. Pages with a
form are POSTed too, by the personas their GET refuses (`test_forms_refuse_...`).

The expectations are in `matrix.POST_EXPECTED`; routes not requested here are in
`matrix.POST_NOT_REQUESTED` with the reason. `SAMSYN_MATRIX_RECORD_POST=<file>` writes the
observed table there (with the personas whose request wrote, to review, never to copy blindly).
"""

from __future__ import annotations

import inspect
import os
import re
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.urls import URLResolver, get_resolver, reverse

from samsyn.accounts.models import Organisation, User
from samsyn.coaching.models import Conversation, NextStep
from samsyn.demo.services import DEMO_DOMAIN
from samsyn.improvement.models import CycleStep, PlanAction, PlanGoal, QualityCycle, SchoolPlan
from samsyn.indicators.models import Question, Survey
from samsyn.integrations.models import ApiToken, SsoProvider, SsoRule
from samsyn.networks.models import FollowUpAction, PeerReview, Practice, VisitRequest
from samsyn.privacy.models import SubjectRequest
from samsyn.workshops.models import Action, Workshop, WorkshopItem
from tests.access import matrix
from tests.access.routes import SHARED_KINDS, all_routes
from tests.access.subjects import copy_to_owner, subjects
from tests.access.test_generated_matrix import ANON, OTHER, OWN, SJOVIK_ONLY, _clients, personas

# Costly and the same on either database: make test runs it once, on PostgreSQL (conftest.py).
pytestmark = pytest.mark.production_database

# Writes that change no one's data: the requester's session row, the API's rate counter.
NOT_DATA = {"accounts_session", "django_session", "integrations_ratewindow"}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
REFUSED = {403, 404, 405}

# route → a body that passes the form of the persona who may act (only where the empty body
# would stop every persona at validation before anything is tried).
# Given where a persona may act on the object through a form of one or two fields whose 302 is
# the same valid or not, so that the test sees who changes the data (the tables written).
POST_BODIES: dict[str, dict[str, str]] = {
    "coaching:next_step_status": {"status": "done"},
    "improvement:comment_add": {"text": "A comment."},
    "observations:reopen": {"reason": "A reason."},
    "workshops:action_status": {"status": "done"},
}


# (kind, path parameter) → (model of that object, its parent field, the parent's model, the
# kind's parameter naming the parent): the children `_copy_children` gives the other owner's
# object when the demo gave it none, so nested routes are requested on another owner's
# object too, and with the own owner's parent and the other owner's child ("mixed").
CHILDREN = {
    ("plan", "goal_pk"): (PlanGoal, "plan", SchoolPlan, "pk"),
    ("plan", "action_pk"): (PlanAction, "plan", SchoolPlan, "pk"),
    ("cycle", "step_pk"): (CycleStep, "cycle", QualityCycle, "pk"),
    ("workshop", "item_pk"): (WorkshopItem, "workshop", Workshop, "workshop_pk"),
    ("workshop", "action_pk"): (Action, "school", Organisation, "pk"),
    ("survey", "question_pk"): (Question, "survey", Survey, "survey_pk"),
    ("review", "action_pk"): (FollowUpAction, "review", PeerReview, "pk"),
    ("practice", "request_pk"): (VisitRequest, "practice", Practice, "pk"),
    ("owner", "request_pk"): (SubjectRequest, "owner", Organisation, "pk"),
}
# Kinds that are one object with no parent in the path, copied under the other owner's parent.
SINGLES = {
    "next_step": (NextStep, "conversation", Conversation, "school__parent"),
}


def _copy_row(obj, **changes) -> int | None:
    """A copy of `obj` with `changes`, or None where a unique constraint refuses it."""
    from django.db import IntegrityError

    obj.pk = obj.id = None
    for field, value in changes.items():
        setattr(obj, field, value)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        return None
    return obj.pk


def _copy_children(objects: dict, other: Organisation) -> None:
    """Give the other owner's objects the children the own owner's have (see CHILDREN)."""
    mine, theirs = objects["own"], objects["other"]
    for (kind, param), (model, field, parent_model, parent_param) in CHILDREN.items():
        if param not in mine.get(kind, {}) or kind not in theirs or param in theirs[kind]:
            continue
        parent = parent_model.objects.get(pk=theirs[kind][parent_param])
        pk = _copy_row(model.objects.get(pk=mine[kind][param]), **{field: parent})
        if pk is not None:
            theirs[kind][param] = pk
    for kind, (model, field, parent_model, path) in SINGLES.items():
        if kind not in mine or kind in theirs:
            continue
        parent = parent_model.objects.filter(**{path: other}).order_by("pk").first()
        pk = parent and _copy_row(model.objects.get(pk=mine[kind]["pk"]), **{field: parent})
        if pk is not None:
            theirs[kind] = {"pk": pk}
    if "rule_pk" in theirs.get("owner", {}) and "rule_pk" not in mine.get("owner", {}):
        # The demo gives Sjövik no sign-in provider: it gets a copy of Ekbacka's, with a rule.
        rule = SsoRule.objects.select_related("provider").get(pk=theirs["owner"]["rule_pk"])
        provider = SsoProvider.objects.get(
            pk=_copy_row(rule.provider, owner_id=mine["owner"]["pk"])
        )
        school = Organisation.objects.get(pk=mine["owner"]["school_pk"])
        mine["owner"]["rule_pk"] = _copy_row(rule, provider=provider, organisation=school)
    if "api_token" in mine and "api_token" not in theirs:
        person = User.objects.get(email="huvudman.ekbacka@" + DEMO_DOMAIN)
        token = ApiToken.objects.get(pk=mine["api_token"]["pk"])
        pk = _copy_row(token, user=person, token_hash="0" * 64)
        if pk is not None:
            theirs["api_token"] = {"pk": pk}


def _targets(route, objects) -> dict[str, dict]:
    """which → path parameters: the own owner's object, the other owner's, and (nested
    routes) the own owner's parent with the other owner's child."""
    out = {}
    for which in ("own", "other"):
        if which == "other" and (route.kind is None or route.kind in SHARED_KINDS):
            continue
        found = objects[which].get(route.kind, {})
        if all(p in found for p in route.params):
            out[which] = {p: found[p] for p in route.params}
    children = [p for p in route.params if (route.kind, p) in [*CHILDREN, ("owner", "rule_pk")]]
    if "own" in out and "other" in out and children:
        out["mixed"] = {**out["own"], **{p: out["other"][p] for p in children}}
    return out


def post_only_routes() -> list[str]:
    """Routes whose every declared GET row answers 405 to every signed-in persona."""
    rows: dict[str, list[str]] = {}
    for (name, _which), spec in matrix.EXPECTED.items():
        rows.setdefault(name, []).append(spec)
    signed_in = ("teacher", "admin", "owner", "other_owner")
    out = []
    for name, specs in rows.items():
        if all(
            set(matrix.expand(spec, dict.fromkeys(signed_in, 0)).values()) == {405}
            for spec in specs
        ):
            out.append(name)
    return sorted(out)


def _post(client, url: str, body: dict[str, str]) -> tuple[int, set[str]]:
    """One POST whose writes are undone afterwards: its status and the tables it wrote."""
    tables: set[str] = set()

    def watch(execute, sql, params, many, context):
        if match := WRITE.match(sql):
            tables.add(match.group(1))
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(watch):
        status = client.post(url, body).status_code
        transaction.set_rollback(True)
    return status, tables - NOT_DATA


def test_every_post_only_route_is_declared():
    declared = {name for name, _which in matrix.POST_EXPECTED} | set(matrix.POST_NOT_REQUESTED)
    missing = sorted(set(post_only_routes()) - declared)
    assert not missing, f"POST-only routes without declared POST access: {missing}"
    routes = {route.name: route for route in all_routes()}
    names = set(routes)
    # A route on an owner's object is requested on another owner's too (its "other" row).
    one_owner = [
        name
        for name in post_only_routes()
        if name in routes
        and routes[name].kind not in (None, *SHARED_KINDS)
        and (name, "other") not in matrix.POST_EXPECTED
    ]
    assert not one_owner, f"POST-only routes without another owner's object: {one_owner}"
    assert not declared - names, f"declared routes that no longer exist: {declared - names}"
    assert not set(matrix.POST_EXPECTED) & {
        (n, w) for n in matrix.POST_NOT_REQUESTED for w in ("own", "other")
    }


def test_post_only_routes_answer_as_declared(demo_db, capsys):
    started = time.monotonic()
    people = personas()
    own, other = Organisation.objects.get(name=OWN), Organisation.objects.get(name=OTHER)
    copy_to_owner(own, other)
    objects = {"own": subjects(own), "other": subjects(other)}
    _copy_children(objects, other)
    clients = _clients(people)
    names = {name for name, _which in matrix.POST_EXPECTED} | set(post_only_routes())
    names -= set(matrix.POST_NOT_REQUESTED)
    seen: dict[tuple[str, str], dict[str, int]] = {}
    wrote: dict[tuple[str, str], dict[str, set[str]]] = {}
    for route in all_routes():
        if route.name not in names:
            continue
        for which, kwargs in _targets(route, objects).items():
            url = reverse(route.name, kwargs=kwargs)
            body = POST_BODIES.get(route.name, {})
            results = {persona: _post(client, url, body) for persona, client in clients.items()}
            seen[(route.name, which)] = {p: status for p, (status, _t) in results.items()}
            wrote[(route.name, which)] = {p: t for p, (_s, t) in results.items() if t}
    if os.environ.get("SAMSYN_MATRIX_RECORD_POST"):
        lines = []
        for key, statuses in sorted(seen.items()):
            changed = ", ".join(f"{p}: {sorted(t)}" for p, t in wrote[key].items())
            lines.append(f"    {key!r}: {matrix.compact(statuses)!r},  # wrote: {changed}")
        Path(os.environ["SAMSYN_MATRIX_RECORD_POST"]).write_text("\n".join(lines) + "\n")
    with capsys.disabled():
        print(
            f"\nPOST matrix: {len(seen)} rows × {len(people)} personas in "
            f"{time.monotonic() - started:.0f} s"
        )
    missing = sorted(set(matrix.POST_EXPECTED) - set(seen))
    assert not missing, f"declared rows the demo world has no object for: {missing}"
    wrong = []
    for key, statuses in sorted(seen.items()):
        expected = matrix.expand(matrix.POST_EXPECTED.get(key, ""), statuses)
        for persona, status in statuses.items():
            if status != expected[persona]:
                wrong.append(f"{key} {persona}: {status}, declared {expected[persona]}")
            tables = wrote[key].get(persona)
            if tables and (status in REFUSED or persona == ANON):
                wrong.append(f"{key} {persona}: refused ({status}) but wrote {sorted(tables)}")
            if tables and key[1] == "mixed":
                wrote_child = f"{key} {persona}: changed another owner's child object"
                wrong.append(f"{wrote_child} {sorted(tables)}")
            if tables and key[1] == "other" and persona in SJOVIK_ONLY:
                wrong.append(f"{key} {persona}: changed another owner's {sorted(tables)}")
    assert not wrong, "\n".join(wrong)


def _views(patterns=None, prefix: str = ""):
    """(route name, view function) of every named URL pattern, as `routes.all_routes` names
    them."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                yield from _views(entry.url_patterns, namespace)
        elif entry.name:
            yield f"{prefix}{entry.name}", entry.callback


def form_routes() -> list[str]:
    """Routes that answer GET (a page with a form) and take POST too: their view's source
    reads the POST (function views) or has a `post` method (class views)."""
    post_only = set(post_only_routes())
    out = []
    for name, callback in _views():
        view = inspect.unwrap(callback)
        view = getattr(view, "view_class", view)
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):
            continue
        if name not in post_only and ("request.POST" in source or "def post" in source):
            out.append(name)
    return sorted(out)


def test_forms_refuse_by_post_whom_they_refuse_by_get(demo_db, capsys):
    """A page with a form refuses the POST of every persona its GET refuses (403/404; anon:
    the login page), with the same status and without writing: access is decided before
    the form, never only when showing it. Nothing to declare: the GET rows of
    `matrix.EXPECTED` say whom each page refuses."""
    started = time.monotonic()
    people = personas()
    own, other = Organisation.objects.get(name=OWN), Organisation.objects.get(name=OTHER)
    copy_to_owner(own, other)
    objects = {"own": subjects(own), "other": subjects(other)}
    clients = _clients(people)
    names = set(form_routes())
    assert len(names) > 50, "the form routes are no longer found"
    wrong, requests = [], 0
    for route in all_routes():
        if route.name not in names:
            continue
        for which, kwargs in _targets(route, objects).items():
            if (route.name, which) not in matrix.EXPECTED:
                continue
            url = reverse(route.name, kwargs=kwargs)
            declared = matrix.expand(matrix.EXPECTED[(route.name, which)], clients)
            for persona, client in clients.items():
                refused = declared[persona] in (403, 404) or persona == ANON
                if not refused:
                    continue
                status, tables = _post(client, url, {})
                requests += 1
                if status != declared[persona] or tables:
                    wrong.append(
                        f"{route.name} {which} {persona}: GET {declared[persona]}, "
                        f"POST {status} wrote {sorted(tables)}"
                    )
    with capsys.disabled():
        print(
            f"\nforms by POST: {len(names)} routes, {requests} refused requests in "
            f"{time.monotonic() - started:.0f} s"
        )
    assert not wrong, "\n".join(wrong)
