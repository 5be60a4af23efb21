"""Small observation worlds for dashboard tests, written with bulk inserts."""

from __future__ import annotations

import datetime as dt
import random

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.frameworks.models import Dimension, FrameworkVersion, Step
from samsyn.observations import summaries
from samsyn.observations.models import Observation, Rating, Round


def version() -> FrameworkVersion:
    return FrameworkVersion.objects.get(framework__slug="samsyn-undervisning", number=1)


def make_round(
    org: Organisation, schools: list[Organisation], name: str, kind: str, start: dt.date, **extra
) -> Round:
    r = Round.objects.create(
        organisation=org,
        name=name,
        kind=kind,
        framework_version=version(),
        starts_on=start,
        ends_on=start + dt.timedelta(days=40),
        **extra,
    )
    r.schools.set(schools)
    return r


def make_teachers(school: Organisation, prefix: str, count: int) -> list[User]:
    users = [
        User.objects.create_user(f"{prefix}{i}@example.org", "pw", full_name=f"{prefix} {i}")
        for i in range(count)
    ]
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=school, role=Role.TEACHER) for u in users]
    )
    return users


def observe(
    round_: Round,
    school: Organisation,
    teachers: list[User],
    observer: User,
    *,
    subject: str = "Matematik",
    grade: str = "7",
    lessons: int = 2,
    step_for=None,
    seed: int = 1,
    status: str = Observation.Status.SUBMITTED,
) -> list[Observation]:
    """`lessons` observations per teacher; `step_for(teacher_index, dim_order, lesson)` gives
    the step order (None = not observed); default: random 1-4."""
    rng = random.Random(seed)
    dims = list(Dimension.objects.filter(version=round_.framework_version).order_by("order"))
    steps = {(s.dimension_id, s.order): s.pk for s in Step.objects.filter(dimension__in=dims)}
    observations = [
        Observation(
            round=round_,
            framework_version=round_.framework_version,
            observer=observer,
            teacher=t,
            school=school,
            status=status,
            subject=subject,
            grade=grade,
            observed_on=round_.starts_on,
        )
        for t in teachers
        for _ in range(lessons)
    ]
    Observation.objects.bulk_create(observations)
    ratings = []
    for k, obs in enumerate(observations):
        ti, lesson = divmod(k, lessons)
        for d in dims:
            order = step_for(ti, d.order, lesson) if step_for else rng.randint(1, 4)
            ratings.append(
                Rating(
                    observation=obs,
                    dimension=d,
                    step_id=steps[(d.pk, order)] if order else None,
                )
            )
    Rating.objects.bulk_create(ratings)
    # Bulk inserts send no signals: mark the summaries to recompute, as imports do.
    summaries.mark({(round_.pk, t.pk) for t in teachers})
    return observations
