"""Small builders for privacy tests: observations written straight to the database."""

from __future__ import annotations

import datetime as dt

from samsyn.accounts.models import Membership, Role
from samsyn.observations.models import Observation, Rating, Round
from samsyn.observations.tests.factories import default_version
from samsyn.test import make_user


def make_plain_round(case, *, name="Vårens runda", is_peer=False, school=None) -> Round:
    school = school or case.school
    round_ = Round.objects.create(
        organisation=school,
        name=name,
        framework_version=default_version(),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 6, 1),
        is_peer=is_peer,
        created_by=case.pia,
    )
    round_.schools.set([school])
    return round_


def make_observation(
    round_: Round,
    *,
    teacher,
    observer,
    school,
    observed_on: dt.date | None = dt.date(2026, 3, 1),
    subject: str = "Matematik",
    grade: str = "",
    step: int = 2,
    note: str = "",
    comment: str = "",
    status: str = Observation.Status.RELEASED,
) -> Observation:
    version = round_.framework_version
    obs = Observation.objects.create(
        round=round_,
        framework_version=version,
        observer=observer,
        teacher=teacher,
        school=school,
        status=status,
        observed_on=observed_on,
        subject=subject,
        grade=grade,
        teacher_comment=comment,
    )
    ratings = []
    for dimension in version.dimensions.prefetch_related("steps"):
        chosen = next(s for s in dimension.steps.all() if s.order == step)
        ratings.append(Rating(observation=obs, dimension=dimension, step=chosen, note=note))
    Rating.objects.bulk_create(ratings)
    return obs


def make_teachers(school, count: int, prefix: str) -> list:
    teachers = []
    for i in range(count):
        user = make_user(f"{prefix}{i}", f"{prefix.title()} Lärare{i}")
        Membership.objects.create(user=user, organisation=school, role=Role.TEACHER)
        teachers.append(user)
    return teachers
