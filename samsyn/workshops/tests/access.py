"""Access-matrix rows for samsyn.workshops (collected by samsyn/tests/test_access_matrix.py).

The school's own people (alice teacher, oscar observer, pia principal) see its workshops, notes
and actions; only the principal prepares, presents and records. Those who reach the school from
above or beside (olle owner admin, nina network, rita researcher) see nothing individual: 403.
Outsiders (charlie, and bob at another school) get 404.
"""

from __future__ import annotations

import datetime as dt

from samsyn.workshops import services
from samsyn.workshops.tests.helpers import make_workshop

ANON = "anon"


def rows(case) -> dict:
    workshop = make_workshop(case)
    action = services.action_create(
        workshop=workshop, what="Gemensamma mål", owner=None, due_on=dt.date(2027, 1, 1)
    )
    school = lambda: [case.school.pk]  # noqa: E731
    in_workshop = lambda: [case.school.pk, workshop.pk]  # noqa: E731
    question = workshop.items.filter(kind="question").first()
    on_item = lambda: [case.school.pk, workshop.pk, question.pk]  # noqa: E731

    def fresh_workshop():
        return [case.school.pk, make_workshop(case).pk]

    def fresh_item():
        return [
            case.school.pk,
            workshop.pk,
            services.item_add_question(workshop=workshop, text="x").pk,
        ]

    viewer = {
        ANON: 302,
        "charlie": 404,
        "bob": 404,
        "olle": 403,
        "nina": 403,
        "rita": 403,
        "alice": 200,
        "oscar": 200,
        "pia": 200,
        "adam": 200,
    }
    manager = {ANON: 302, "charlie": 404, "bob": 404, "olle": 403, "alice": 403, "pia": 200}
    manager_post = {ANON: 302, "charlie": 404, "bob": 404, "olle": 403, "alice": 403, "pia": 302}
    api = {ANON: 401, "charlie": 404, "bob": 404, "olle": 403, "alice": 200, "pia": 200}
    return {
        "api:workshops_of_school": ("get", school, api),
        "api:workshop_actions_of_school": ("get", school, api),
        "workshops:workshop_list": ("get", school, viewer),
        "workshops:action_list": ("get", school, viewer),
        "workshops:workshop_detail": ("get", in_workshop, viewer),
        "workshops:workshop_create": ("get", school, manager),
        "workshops:workshop_edit": ("get", in_workshop, manager),
        "workshops:present": ("get", in_workshop, manager),
        "workshops:workshop_delete": ("post", fresh_workshop, manager_post),
        "workshops:item_add": ("post", in_workshop, manager_post),
        "workshops:item_edit": ("post", on_item, manager_post),
        "workshops:item_move": ("post", on_item, manager_post),
        "workshops:item_remove": ("post", fresh_item, manager_post),
        "workshops:notes_save": ("post", on_item, manager_post),
        "workshops:action_add": ("post", in_workshop, manager_post),
        # Principals update any action, the owner their own (alice does not own this one).
        "workshops:action_status": (
            "post",
            lambda: [case.school.pk, action.pk],
            manager_post,
        ),
    }
