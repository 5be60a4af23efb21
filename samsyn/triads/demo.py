"""Demo triads: two saved sets at Strandskolan and one at a second school, with peer visits.

- Strandskolan: the key observer observator@ (a förstelärare who also teaches and leads a
  work team) is line manager of four teachers, and the school's teachers have subject areas;
  a set "VT 2026" saved in the spring (history) and the current "HT 2026", both proposed from
  the school's latest closed round as the principal's page does. In the key teacher larare@'s
  triad, one peer visit is done (another member observed her; released) and one is planned
  (she visits a member next week).
- Fyrtornsskolan: a current set "HT 2026", no peer visits yet.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, cleanup, step
from samsyn.observations import services as observation_services
from samsyn.triads import services
from samsyn.triads.models import TeacherDetails, Triad, TriadSet

MAIN_SCHOOL = "Strandskolan"
SECOND_SCHOOL = "Fyrtornsskolan"
SUBJECTS = ["Matematik/NO", "Svenska/SO", "Språk", "Praktisk-estetiska ämnen"]


def _principal(world: DemoWorld, school_name: str):
    from samsyn.accounts.models import Membership, Role

    membership = (
        Membership.objects.filter(organisation=world.schools[school_name], role=Role.PRINCIPAL)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    return membership.user if membership else None


def _saved(world: DemoWorld, school_name: str, name: str, saved_at: dt.datetime) -> TriadSet:
    school = world.schools[school_name]
    principal = _principal(world, school_name)
    triad_set = services.triad_set_propose(actor=principal, school=school)
    services.triad_set_save(triad_set=triad_set, name=name)
    TriadSet.objects.filter(pk=triad_set.pk).update(saved_at=saved_at, created_at=saved_at)
    triad_set.refresh_from_db()
    return triad_set


def _ratings(version, rng: random.Random) -> list[dict]:
    out = []
    for dimension in version.dimensions.order_by("order").prefetch_related("steps"):
        steps = sorted(dimension.steps.all(), key=lambda s: s.order)
        step = rng.choices(steps, weights=[1, 4, 4, 1][: len(steps)])[0]
        out.append({"dimension_id": dimension.pk, "step_id": step.pk, "criteria": [], "note": ""})
    return out


@step
def triad_sets(world: DemoWorld) -> None:
    if MAIN_SCHOOL not in world.schools:
        return
    rng = random.Random(6)
    school = world.schools[MAIN_SCHOOL]
    teachers = world.teachers[MAIN_SCHOOL]
    leader = world.users.get(f"observator@{DEMO_DOMAIN}")
    managed = [t for t in teachers if t != leader and t.email != f"larare@{DEMO_DOMAIN}"][:4]
    TeacherDetails.objects.bulk_create(
        TeacherDetails(
            school=school,
            teacher=t,
            subject_area=SUBJECTS[i % len(SUBJECTS)],
            grade_span="7–9",
            line_manager=leader if t in managed else None,
        )
        for i, t in enumerate(teachers)
    )
    now = timezone.now()
    _saved(world, MAIN_SCHOOL, "VT 2026", now - dt.timedelta(days=200))
    current = _saved(world, MAIN_SCHOOL, "HT 2026", now - dt.timedelta(days=80))
    if SECOND_SCHOOL in world.schools and _principal(world, SECOND_SCHOOL):
        _saved(world, SECOND_SCHOOL, "HT 2026", now - dt.timedelta(days=75))

    key_teacher = world.users.get(f"larare@{DEMO_DOMAIN}")
    triad = Triad.objects.filter(triad_set=current, members__teacher=key_teacher).first()
    if triad is None:
        return
    partner = next(u for u in triad.teachers if u != key_teacher)
    done = services.peer_visit_plan(
        actor=partner,
        triad=triad,
        observer=partner,
        teacher=key_teacher,
        planned_at=now - dt.timedelta(days=9),
        subject="Svenska",
        group_name="8B",
    )
    saved = observation_services.observation_save(
        actor=partner,
        uuid=uuid.uuid4(),
        data={
            "assignment_id": done.pk,
            "subject": "Svenska",
            "grade": "8",
            "observed_on": timezone.localdate(done.planned_at),
            "ratings": _ratings(done.round.framework_version, rng),
        },
        base_revision=0,
    )
    observation = observation_services.observation_submit(
        actor=partner, observation=saved.observation
    )
    observation_services.observation_release(actor=partner, observation=observation)
    services.peer_visit_plan(
        actor=key_teacher,
        triad=triad,
        observer=key_teacher,
        teacher=partner,
        planned_at=(now + dt.timedelta(days=6)).replace(hour=9, minute=40, second=0, microsecond=0),
        subject="Matematik",
        group_name="8B",
    )


@cleanup
def remove_triads(organisation_ids: list[int]) -> None:
    """Triad sets and details go with their school; peer rounds and their observations are
    removed by the observations cleanup (they belong to the school)."""
    TriadSet.objects.filter(school_id__in=organisation_ids).delete()
    TeacherDetails.objects.filter(school_id__in=organisation_ids).delete()
