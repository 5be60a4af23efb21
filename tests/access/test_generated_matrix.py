"""The generated access matrix: every route × every persona, on the real demo world.

Every named URL pattern (routes.py) is requested with GET by every persona of the demo, its
path parameters filled with a real object of the personas' own school owner (Sjöviks kommun)
and again with one of another owner (Ekbacka kommun; where the demo gives Ekbacka none of a
kind, `copy_to_owner` first copies Sjövik's to it). The expected status of each (route,
object, persona) is declared in `matrix.py`; a route missing there fails, so a new page
cannot ship without its access rules. Outsiders get 404 (anonymous visitors the login
redirect), members without the permission 403. A 200 on another owner's object for a persona
who belongs only to Sjövik fails even if declared, unless the route is in CROSS_OWNER with
its reason.

`SAMSYN_MATRIX_RECORD=<file>` writes the observed table there (to review, never to copy
blindly).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.demo.services import DEMO_DOMAIN
from tests.access import matrix
from tests.access.routes import SHARED_KINDS, all_routes
from tests.access.subjects import copy_to_owner, subjects

# Costly and the same on either database: make test runs it once, on PostgreSQL (conftest.py).
pytestmark = pytest.mark.production_database

OWN, OTHER = "Sjöviks kommun", "Ekbacka kommun"
ANON = "anon"
# The personas who belong to Sjövik only: another owner's objects are never theirs.
SJOVIK_ONLY = ("teacher", "observer", "coach", "principal", "owner", "other_teacher")


def personas() -> dict[str, User | None]:
    by = lambda key: User.objects.get(email=f"{key}@{DEMO_DOMAIN}")  # noqa: E731
    other_school = Organisation.objects.get(name="Björkhagens skola")
    other_teacher = (
        Membership.objects.filter(organisation=other_school, role=Role.TEACHER)
        .order_by("user__email")
        .first()
        .user
    )
    return {
        ANON: None,
        "teacher": by("larare"),
        "observer": by("observator"),
        "coach": by("coach.sjovik"),
        "principal": by("rektor"),
        "owner": by("huvudman"),
        "coordinator": by("natverk"),
        "researcher": by("forskare"),
        "other_owner": by("huvudman.ekbacka"),
        "other_teacher": other_teacher,
        "admin": by("admin"),
    }


def _clients(people: dict[str, User | None]) -> dict[str, Client]:
    out = {}
    for name, user in people.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        out[name] = client
    return out


def _observe(routes, objects, clients, cpu=None) -> dict[tuple[str, str], dict[str, int]]:
    """(route, "own"/"other") → persona → status; `cpu` (if given) gets each row's CPU seconds."""
    seen: dict[tuple[str, str], dict[str, int]] = {}
    for route in routes:
        for which in ("own", "other"):
            if which == "other" and (route.kind is None or route.kind in SHARED_KINDS):
                continue
            kwargs = {}
            if route.params:
                found = objects[which].get(route.kind, {})
                if any(p not in found for p in route.params):
                    continue  # the demo world has no such object (of this owner)
                kwargs = {p: found[p] for p in route.params}
            url = reverse(route.name, kwargs=kwargs)
            started = time.process_time()
            seen[(route.name, which)] = {
                persona: client.get(url).status_code for persona, client in clients.items()
            }
            if cpu is not None:
                cpu[(route.name, which)] = time.process_time() - started
    return seen


def _record(seen: dict, path: str) -> None:
    lines = []
    for (name, which), statuses in sorted(seen.items()):
        lines.append(f"    {(name, which)!r}: {matrix.compact(statuses)!r},")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_route_is_declared():
    declared = {name for name, _which in matrix.EXPECTED} | set(matrix.NOT_REQUESTED)
    names = {route.name for route in all_routes()}
    assert not names - declared, f"routes without declared access: {sorted(names - declared)}"
    assert not declared - names, f"declared routes that no longer exist: {sorted(declared - names)}"


@pytest.fixture
def quick_pdfs(monkeypatch):
    """PDF pages decide access before rendering; the rendering (seconds each) is tested by
    their apps, so here it returns a stub."""
    from weasyprint import HTML

    monkeypatch.setattr(HTML, "write_pdf", lambda self, *a, **k: b"%PDF-1.7 stub")


def test_the_matrix_holds_on_the_demo_world(demo_world, quick_pdfs, capsys):
    started, cpu = time.monotonic(), time.process_time()
    people = personas()
    own, other = Organisation.objects.get(name=OWN), Organisation.objects.get(name=OTHER)
    copied = copy_to_owner(own, other)
    objects = {"own": subjects(own), "other": subjects(other)}
    routes = [r for r in all_routes() if r.name not in matrix.NOT_REQUESTED]
    row_cpu: dict[tuple[str, str], float] = {}
    seen = _observe(routes, objects, _clients(people), row_cpu)
    if os.environ.get("SAMSYN_MATRIX_RECORD"):
        _record(seen, os.environ["SAMSYN_MATRIX_RECORD"])
    wrong = []
    for key, statuses in sorted(seen.items()):
        expected = matrix.expand(matrix.EXPECTED.get(key, ""), statuses)
        for persona, status in statuses.items():
            if status != expected.get(persona):
                wrong.append(f"{key} {persona}: {status}, declared {expected.get(persona)}")
            leak = key[1] == "other" and status == 200 and persona in SJOVIK_ONLY
            if leak and key[0] not in matrix.CROSS_OWNER:
                wrong.append(f"{key} {persona}: 200 on another owner's object")
    missing = sorted(set(matrix.EXPECTED) - set(seen))
    rows = Counter(which for _name, which in seen)
    with capsys.disabled():
        print(
            f"\naccess matrix: {len(seen)} rows ({rows['own']} own-owner, {rows['other']} "
            f"other-owner) × {len(people)} personas = {len(seen) * len(people)} requests "
            f"in {time.monotonic() - started:.0f} s ({time.process_time() - cpu:.0f} s CPU); "
            f"{len(missing)} declared rows without a demo object, "
            f"{len(matrix.NOT_REQUESTED)} routes not requested (matrix.NOT_REQUESTED); "
            f"copied to {OTHER} for the test: {', '.join(copied)}"
        )
        slowest = sorted(row_cpu.items(), key=lambda item: -item[1])[:10]
        print(
            "slowest rows (CPU s, all personas): "
            + ", ".join(f"{name} {which} {seconds:.2f}" for (name, which), seconds in slowest)
        )
    assert not missing, f"declared rows the demo world has no object for: {missing}"
    assert not wrong, "\n".join(wrong)
