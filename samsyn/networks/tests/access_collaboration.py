"""Access-matrix rows for the collaboration's groups, decision log and competence efforts
(merged into samsyn/networks/tests/access.py's rows).

olle (the municipality's director) chairs the network's steering group, pia (School A's
principal) sits in a working group, alice teaches at School A and takes part in a competence
effort. nina coordinates the network. The other members of the network (oscar, rita) get
403; charlie and bob, who have nothing to do with it, get 404.
"""

from __future__ import annotations

import datetime as dt

from samsyn.networks import competence, governance
from samsyn.networks.models import CollaborationGroup, CompetenceEffort

ANON = "anon"


def _groups(case) -> tuple[CollaborationGroup, CollaborationGroup]:
    found = {g.kind: g for g in CollaborationGroup.objects.filter(network=case.network)}
    if len(found) < 2:
        steering = governance.group_save(
            network=case.network, kind=CollaborationGroup.Kind.STEERING, name="Styrgruppen"
        )
        working = governance.group_save(
            network=case.network, kind=CollaborationGroup.Kind.WORKING, name="Arbetsgruppen"
        )
        governance.group_member_set(group=steering, user=case.olle, role="chair")
        governance.group_member_set(group=working, user=case.pia, role="member")
        return steering, working
    return found[CollaborationGroup.Kind.STEERING], found[CollaborationGroup.Kind.WORKING]


def _effort(case) -> CompetenceEffort:
    effort = CompetenceEffort.objects.filter(network=case.network).first()
    if effort is None:
        day = dt.date(2026, 3, 1)
        effort = competence.effort_save(
            actor=case.nina,
            network=case.network,
            title="Seminarium",
            kind="seminar",
            starts_on=day,
            ends_on=day,
            participants=[case.alice],
        )
    return effort


def _evaluated(case) -> list[int]:
    effort = _effort(case)
    if effort.evaluation_id is None:
        competence.evaluation_create(actor=case.nina, effort=effort)
    return [effort.pk]


def _assignment(case):
    steering, working = _groups(case)
    found = working.assignments_received.first()
    if found is None:
        found = governance.assignment_create(
            from_group=steering, to_group=working, description="Planera"
        )
    return [found.pk]


def _steering_children(case) -> tuple[int, int, int, int]:
    """The steering group, an open meeting, a decision not yet corrected and a seat of a
    person who is no persona (a POST may cancel or remove them: a fresh one each time)."""
    from samsyn.accounts.models import User
    from samsyn.networks.models import GroupDecision, GroupMember

    steering, _working = _groups(case)
    meeting = steering.meetings.filter(cancelled_at__isnull=True).first()
    if meeting is None:
        meeting = governance.meeting_save(group=steering, held_on=dt.date(2026, 3, 2))
    decision = GroupDecision.objects.filter(group=steering, corrected_by__isnull=True).first()
    if decision is None:
        decision = governance.decision_create(
            actor=case.nina, group=steering, decided_on=dt.date(2026, 3, 2), text="Beslut"
        )
    person = User.objects.filter(email="seat.holder@example.org").first() or (
        User.objects.create(email="seat.holder@example.org", full_name="Seat Holder")
    )
    seat = GroupMember.objects.filter(group=steering, user=person).first() or (
        governance.group_member_set(group=steering, user=person, role="member")
    )
    return steering.pk, meeting.pk, decision.pk, seat.pk


def rows(case) -> dict:
    def network():
        _groups(case)
        return [case.network.pk]

    steering = lambda: [_groups(case)[0].pk]  # noqa: E731
    working = lambda: [_groups(case)[1].pk]  # noqa: E731
    effort = lambda: [_effort(case).pk]  # noqa: E731
    outsiders = {ANON: 302, "charlie": 404, "bob": 404, "oscar": 403, "rita": 403}
    seated = {**outsiders, "alice": 403, "nina": 200, "olle": 200, "pia": 200}
    manage = {**outsiders, "alice": 403, "olle": 403, "pia": 403, "nina": 200}
    manage_post = {**manage, "nina": 302}
    # An empty POST: the page again with the form's errors.
    manage_form = {**manage, "nina": 200}
    steering_only = {**outsiders, "alice": 403, "pia": 403, "nina": 200, "olle": 200}
    # The chair records in the steering group; a plain member of the working group may not.
    record_steering = {**outsiders, "alice": 403, "pia": 403, "olle": 200, "nina": 200}
    record_working = {**outsiders, "alice": 403, "pia": 403, "olle": 403, "nina": 200}
    efforts = {**outsiders, "alice": 200, "pia": 200, "olle": 200, "nina": 200}
    return {
        "networks:collaboration": ("get", network, seated),
        "networks:group_create": ("get", network, manage),
        "networks:decisions": ("get", network, seated),
        "networks:efforts": ("get", lambda: [_effort(case).network_id], efforts),
        "networks:effort_create": ("get", network, manage),
        "networks:group": ("get", steering, steering_only),
        "networks:group_member_add": ("post", steering, manage_form),
        "networks:meeting_add": ("post", steering, record_steering),
        "networks:decision_add": ("post", working, record_working),
        "networks:assignment_add": ("post", working, record_working),
        "networks:assignment_status": (
            "post",
            lambda: _assignment(case),
            {**outsiders, "alice": 403, "pia": 403, "olle": 403, "nina": 302},
        ),
        "networks:effort": ("get", effort, efforts),
        "networks:effort_edit": ("get", effort, manage),
        "networks:evaluation_create": ("post", effort, manage_post),
        # The new answer links are shown once, on the effort's page.
        "networks:evaluation_links": ("post", lambda: _evaluated(case), manage_form),
        # Editing (prog): the group and its seats are the coordinators'; meetings and
        # corrections of decisions also the chair's (olle chairs the steering group).
        "networks:group_edit": ("get", steering, manage),
        "networks:member_remove": (
            "post",
            lambda: [_steering_children(case)[0], _steering_children(case)[3]],
            manage_post,
        ),
        "networks:meeting_edit": ("get", lambda: _steering_children(case)[:2], record_steering),
        "networks:meeting_cancel": (
            "post",
            lambda: _steering_children(case)[:2],
            {**record_steering, "olle": 302, "nina": 302},
        ),
        "networks:decision_correct": (
            "get",
            lambda: [_steering_children(case)[0], _steering_children(case)[2]],
            record_steering,
        ),
    }
