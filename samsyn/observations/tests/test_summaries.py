"""Rating summaries stay equal to the ratings they summarise, whatever happens to observations."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from io import StringIO

import numpy as np
from django.core.management import call_command

from samsyn.accounts.models import Membership, Role, User
from samsyn.observations import services, summaries
from samsyn.observations.models import (
    Observation,
    RatingSummary,
    RatingSummaryPending,
    RoundObserver,
    RoundTeacher,
)
from samsyn.observations.tests.factories import default_version, make_round
from samsyn.test import BaseTestCase

SUBJECTS = ["Matematik", "Svenska", ""]
GRADES = ["F", "2", "åk 5", "8", "9B", "", "gy 1"]


def expected() -> dict[tuple, dict]:
    """The summaries worked out the plain way: every counted observation and rating."""
    out: dict[tuple, dict] = {}
    for obs in Observation.objects.filter(status__in=summaries.COUNTED).prefetch_related(
        "ratings__step", "ratings__dimension"
    ):
        key = (
            obs.round_id,
            obs.teacher_id,
            obs.school_id,
            obs.subject,
            summaries.grade_span(obs.grade),
        )
        entry = out.setdefault(key, {"lessons": 0, "observers": set(), "counts": defaultdict(int)})
        entry["lessons"] += 1
        entry["observers"].add(obs.observer_id)
        for rating in obs.ratings.all():
            if rating.step is not None:
                entry["counts"][(rating.dimension.code, rating.step.order)] += 1
    return out


def stored() -> dict[tuple, dict]:
    """The summary table, decoded."""
    codes = list(
        default_version().dimensions.order_by("order", "pk").values_list("code", flat=True)
    )
    out = {}
    for row in RatingSummary.objects.all():
        counts = np.frombuffer(bytes(row.counts), dtype="<i4").reshape(
            len(codes), summaries.STEP_SLOTS
        )
        out[(row.round_id, row.teacher_id, row.school_id, row.subject, row.grade_span)] = {
            "lessons": row.lessons,
            "observers": set(np.frombuffer(bytes(row.observers), dtype="<i8").tolist()),
            "counts": {
                (codes[d], k + 1): int(counts[d, k])
                for d, k in zip(*np.nonzero(counts), strict=True)
            },
        }
    return out


class SummaryConsistencyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.teachers = [cls.alice] + [
            User.objects.create_user(f"t{i}@example.org", "pw", full_name=f"T {i}")
            for i in range(4)
        ]
        cls.observers = [cls.oscar, User.objects.create_user("o2@example.org", "pw")]
        for user in cls.teachers[1:]:
            Membership.objects.create(user=user, organisation=cls.school, role=Role.TEACHER)
        Membership.objects.create(
            user=cls.observers[1], organisation=cls.school, role=Role.OBSERVER
        )

    def setUp(self) -> None:
        self.rounds = [
            make_round(self, teachers=self.teachers, observers=self.observers, name=name)
            for name in ("Höst", "Vår")
        ]
        self.dimensions = list(
            default_version().dimensions.order_by("order").prefetch_related("steps")
        )

    def assertConsistent(self) -> None:
        summaries.flush()
        want = expected()
        got = stored()
        self.assertEqual(set(got), set(want))
        for key, entry in want.items():
            self.assertEqual(got[key]["lessons"], entry["lessons"], key)
            self.assertEqual(got[key]["observers"], entry["observers"], key)
            self.assertEqual(got[key]["counts"], dict(entry["counts"]), key)
        self.assertFalse(RatingSummaryPending.objects.exists())

    def ratings(self, rng: random.Random) -> list[dict]:
        out = []
        for dimension in self.dimensions:
            steps = list(dimension.steps.all())
            step = None if rng.random() < 0.15 else rng.choice(steps)
            out.append(
                {
                    "dimension_id": dimension.pk,
                    "step_id": step.pk if step else None,
                    "not_observed": step is None,
                    "criteria": [],
                    "note": "",
                }
            )
        return out

    def capture(self, rng: random.Random) -> Observation:
        observer = rng.choice(self.observers)
        return services.observation_save(
            actor=observer,
            uuid=uuid.uuid4(),
            data={
                "round_id": rng.choice(self.rounds).pk,
                "teacher_id": rng.choice(self.teachers).pk,
                "subject": rng.choice(SUBJECTS),
                "grade": rng.choice(GRADES),
                "ratings": self.ratings(rng),
            },
            base_revision=0,
        ).observation

    def test_random_histories_keep_the_summaries_equal_to_the_ratings(self) -> None:
        for seed in range(3):
            rng = random.Random(seed)
            for step in range(45):
                observations = list(Observation.objects.all())
                drafts = [o for o in observations if o.status == Observation.Status.DRAFT]
                submitted = [o for o in observations if o.status == Observation.Status.SUBMITTED]
                counted = [o for o in observations if o.status in summaries.COUNTED]
                op = rng.choice(
                    [
                        *("capture", "capture", "submit", "submit", "release", "reopen"),
                        *("delete", "delete_teacher", "edit", "unsubmit", "check"),
                    ]
                )
                if op == "capture" or (op == "submit" and not drafts):
                    observation = self.capture(rng)
                    if rng.random() < 0.7:
                        services.observation_submit(
                            actor=observation.observer, observation=observation
                        )
                elif op == "submit":
                    o = rng.choice(drafts)
                    services.observation_submit(actor=o.observer, observation=o)
                elif op == "release" and submitted:
                    services.observation_release(actor=self.pia, observation=rng.choice(submitted))
                elif op == "reopen" and counted:
                    services.observation_reopen(
                        actor=self.pia, observation=rng.choice(counted), reason="Fel lärare"
                    )
                elif op == "delete" and observations:
                    rng.choice(observations).delete()
                elif op == "delete_teacher":
                    Observation.objects.filter(teacher=rng.choice(self.teachers)).delete()
                elif op == "edit" and counted:
                    # An administrator corrects a counted observation's context by hand.
                    o = rng.choice(counted)
                    o.subject = rng.choice(SUBJECTS)
                    o.grade = rng.choice(GRADES)
                    o.save()
                elif op == "unsubmit" and counted:
                    # ... or sets one back to draft in the admin (a full save, no service).
                    o = rng.choice(counted)
                    o.status = Observation.Status.DRAFT
                    o.save()
                if op == "check" or step % 15 == 14:
                    with self.subTest(seed=seed, step=step):
                        self.assertConsistent()
            self.assertConsistent()
            # A rebuild from scratch gives the same table as the incremental path.
            before = stored()
            summaries.rebuild()
            self.assertEqual(stored(), before)
            Observation.objects.all().delete()
            self.assertConsistent()
            self.assertFalse(RatingSummary.objects.exists())

    def test_flush_costs_one_query_when_nothing_changed(self) -> None:
        summaries.flush()
        with self.assertNumQueries(1):
            self.assertEqual(summaries.flush(), 0)

    def test_drafts_and_their_autosaves_mark_nothing(self) -> None:
        rng = random.Random(5)
        observation = self.capture(rng)
        self.assertFalse(RatingSummaryPending.objects.exists())
        services.observation_submit(actor=observation.observer, observation=observation)
        self.assertEqual(
            list(RatingSummaryPending.objects.values_list("round_pk", "teacher_pk")),
            [(observation.round_id, observation.teacher_id)],
        )

    def test_a_pending_pair_of_a_deleted_round_is_dropped(self) -> None:
        rng = random.Random(9)
        observation = self.capture(rng)
        services.observation_submit(actor=observation.observer, observation=observation)
        summaries.flush()
        round_ = observation.round
        Observation.objects.filter(round=round_).delete()
        RoundTeacher.objects.filter(round=round_).delete()
        RoundObserver.objects.filter(round=round_).delete()
        round_.assignments.all().delete()
        round_.delete()
        self.assertEqual(summaries.flush(), 1)
        self.assertFalse(RatingSummary.objects.filter(round_id=round_.pk).exists())

    def test_the_command_rebuilds_everything(self) -> None:
        rng = random.Random(3)
        for _ in range(6):
            o = self.capture(rng)
            services.observation_submit(actor=o.observer, observation=o)
        summaries.flush()
        want = stored()
        RatingSummary.objects.all().delete()
        out = StringIO()
        call_command("rebuild_summaries", stdout=out)
        self.assertIn("Rating summaries rebuilt", out.getvalue())
        self.assertEqual(stored(), want)
        self.assertTrue(want)

    def test_a_summary_that_does_not_fit_its_framework_version_is_rebuilt(self) -> None:
        o = self.capture(random.Random(4))
        services.observation_submit(actor=o.observer, observation=o)
        summaries.flush()
        want = stored()
        RatingSummary.objects.update(counts=b"\x00" * 8)
        codes = [d.code for d in self.dimensions]
        with self.assertLogs("samsyn.observations.summaries", "WARNING"):
            rows = summaries.load(school_ids=[self.school.pk], round_ids=[o.round_id], codes=codes)
        self.assertEqual(stored(), want)
        self.assertEqual(
            int(rows.counts.sum()), sum(sum(e["counts"].values()) for e in want.values())
        )
