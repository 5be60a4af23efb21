"""POST-only routes, requested with POST as every persona on the real demo world.

The generated matrix (test_generated_matrix.py) requests every route with GET, so a route that
takes POST only answers 405 there and says nothing about who may use it. The routes in
`matrix.POST_EXPECTED` are requested here with an empty POST as every persona, each request
rolled back (a savepoint) so the next persona finds the same object: outsiders must get 404,
members without the permission 403, those who may act the view's redirect (302). Anonymous
visitors are sent to the login page (302) or refused before it (405 where `require_POST`
comes first). `SAMSYN_MATRIX_RECORD_POST=<file>` writes the observed table there.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.db import transaction
from django.urls import reverse

from samsyn.accounts.models import Organisation
from tests.access import matrix
from tests.access.routes import SHARED_KINDS, all_routes
from tests.access.subjects import copy_to_owner, subjects
from tests.access.test_generated_matrix import OTHER, OWN, SJOVIK_ONLY, _clients, personas


def _post(client, url: str) -> int:
    """One POST whose writes are undone afterwards."""
    with transaction.atomic():
        status = client.post(url, {}).status_code
        transaction.set_rollback(True)
    return status


def test_post_only_routes_answer_as_declared(demo_db):
    people = personas()
    own, other = Organisation.objects.get(name=OWN), Organisation.objects.get(name=OTHER)
    copy_to_owner(own, other)
    objects = {"own": subjects(own), "other": subjects(other)}
    clients = _clients(people)
    names = {name for name, _which in matrix.POST_EXPECTED}
    seen: dict[tuple[str, str], dict[str, int]] = {}
    for route in all_routes():
        if route.name not in names:
            continue
        for which in ("own", "other"):
            if which == "other" and (route.kind is None or route.kind in SHARED_KINDS):
                continue
            found = objects[which].get(route.kind, {})
            assert all(p in found for p in route.params), (route.name, which, "no demo object")
            url = reverse(route.name, kwargs={p: found[p] for p in route.params})
            seen[(route.name, which)] = {
                persona: _post(client, url) for persona, client in clients.items()
            }
    if os.environ.get("SAMSYN_MATRIX_RECORD_POST"):
        lines = [f"    {k!r}: {matrix.compact(v)!r}," for k, v in sorted(seen.items())]
        Path(os.environ["SAMSYN_MATRIX_RECORD_POST"]).write_text("\n".join(lines) + "\n")
    assert sorted(seen) == sorted(matrix.POST_EXPECTED), "declared rows without a request"
    wrong = []
    for key, statuses in sorted(seen.items()):
        expected = matrix.expand(matrix.POST_EXPECTED[key], statuses)
        for persona, status in statuses.items():
            if status != expected[persona]:
                wrong.append(f"{key} {persona}: {status}, declared {expected[persona]}")
            if key[1] == "other" and status == 302 and persona in SJOVIK_ONLY:
                wrong.append(f"{key} {persona}: acted on another owner's object")
    assert not wrong, "\n".join(wrong)
