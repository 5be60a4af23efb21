"""The demo's observation rounds: shape, invariants of the services, and the model's signal."""

from __future__ import annotations

import statistics
import unittest
from collections import Counter, defaultdict

import pytest
from django.utils import timezone
from scipy.stats import spearmanr

from samsyn.accounts.models import Organisation, User
from samsyn.demo.services import DEMO_DOMAIN, REGION_NAME
from samsyn.frameworks.models import Dimension
from samsyn.observations import calibration, demo, selectors, services
from samsyn.observations.models import (
    Assignment,
    Observation,
    ObservationEvent,
    Rating,
    Round,
    RoundTeacher,
)


def demo_org_ids() -> list[int]:
    region = Organisation.objects.get(kind=Organisation.Kind.REGION, name=REGION_NAME)
    ids, frontier = [region.pk], [region.pk]
    while frontier:
        frontier = list(
            Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids += frontier
    return ids


@pytest.fixture
def demo_data(request, demo_db):
    """The demo world (built once for the run), the truth file its build wrote, and its rounds."""
    test = request.instance
    test.truth = demo.load_truth(demo_db.data_dir / demo.TRUTH_FILE)
    # The owners' baseline and follow-up rounds (other apps close rounds of their own,
    # e.g. a peer review's joint observations at one school).
    test.closed = list(
        Round.objects.filter(
            status=Round.Status.CLOSED, organisation__kind=Organisation.Kind.OWNER
        ).order_by("pk")
    )
    # Strandskolan's own round: not a triad's peer round, nor another app's ongoing round.
    test.ongoing = Round.objects.get(
        kind=Round.Kind.ONGOING, is_peer=False, organisation__name=demo.ONGOING_SCHOOL
    )


@pytest.mark.usefixtures("demo_data")
class DemoDataTests(unittest.TestCase):
    def rows(self):
        """(teacher, observer, round, kind, dimension code, step order) of the closed rounds."""
        return list(
            Rating.objects.filter(
                observation__round__in=self.closed, step__isnull=False
            ).values_list(
                "observation__teacher_id",
                "observation__observer_id",
                "observation__round_id",
                "observation__round__kind",
                "dimension__code",
                "step__order",
            )
        )

    # ------------------------------------------------------------------------- shape

    def test_closed_rounds_have_two_lessons_per_teacher_by_two_observers(self):
        kinds = Counter(r.kind for r in self.closed)
        self.assertEqual(kinds, {Round.Kind.BASELINE: 2, Round.Kind.FOLLOW_UP: 2})
        for round_ in self.closed:
            with self.subTest(round=round_.name):
                self.assertEqual(round_.framework_version.framework.slug, "samsyn-undervisning")
                self.assertIsNotNone(round_.closed_at)
                self.assertEqual(round_.organisation.kind, Organisation.Kind.OWNER)
                self.assertEqual(round_.schools.count(), 3)
                teachers = RoundTeacher.objects.filter(round=round_).count()
                self.assertGreaterEqual(teachers, 60)
                observations = list(round_.observations.all())
                self.assertEqual({o.status for o in observations}, {Observation.Status.RELEASED})
                self.assertEqual(len(observations), round_.assignments.count())
                lessons = defaultdict(set)  # teacher → {(date, subject, group size)}
                observers = defaultdict(set)
                for o in observations:
                    lessons[o.teacher_id].add((o.observed_on, o.subject, o.group_size))
                    observers[o.teacher_id].add(o.observer_id)
                    self.assertTrue(round_.starts_on <= o.observed_on <= round_.ends_on)
                    self.assertTrue(18 <= o.group_size <= 30 and 30 <= o.minutes_observed <= 60)
                    self.assertNotEqual(o.observer_id, o.teacher_id)
                self.assertEqual(len(lessons), teachers)
                self.assertEqual({len(v) for v in lessons.values()}, {2})
                self.assertEqual({len(v) >= 2 for v in observers.values()}, {True})
                doubles = len(observations) - 2 * teachers
                if round_.kind == Round.Kind.BASELINE:
                    self.assertEqual(doubles, 0)
                else:
                    # ~10 % of the lessons seen by two observers at once.
                    self.assertTrue(0.08 * 2 * teachers <= doubles <= 0.12 * 2 * teachers, doubles)
        acknowledged = Observation.objects.filter(round__in=self.closed)
        share = acknowledged.exclude(acknowledged_at=None).count() / acknowledged.count()
        self.assertTrue(0.7 < share < 0.9, share)
        self.assertTrue(acknowledged.exclude(teacher_comment="").exists())

    def test_double_observations_share_the_lesson(self):
        for round_ in self.closed:
            if round_.kind != Round.Kind.FOLLOW_UP:
                continue
            lessons = Counter(
                round_.observations.values_list("teacher_id", "observed_on", "subject", "grade")
            )
            self.assertEqual(set(lessons.values()), {1, 2})
            for (teacher_id, day, _subject, _grade), n in lessons.items():
                if n == 2:
                    pair = round_.observations.filter(teacher_id=teacher_id, observed_on=day)
                    self.assertEqual(len({o.observer_id for o in pair}), 2)
                    self.assertEqual(len({o.assignment.planned_at for o in pair}), 1)
            reliability = calibration.round_reliability(round_)
            self.assertEqual(reliability["lessons"], sum(n == 2 for n in lessons.values()))
            self.assertGreater(reliability["figures"]["adjacent"].estimate, 0.7)

    def test_the_ongoing_round_is_in_progress(self):
        round_ = self.ongoing
        self.assertEqual(round_.status, Round.Status.OPEN)
        self.assertTrue(round_.ask_proposals)
        self.assertEqual(round_.organisation.name, "Strandskolan")
        self.assertEqual(round_.created_by.email, f"rektor@{DEMO_DOMAIN}")
        statuses = Counter(round_.observations.values_list("status", flat=True))
        for status in Observation.Status.values:
            self.assertGreaterEqual(statuses[status], 2, status)
        self.assertGreaterEqual(round_.round_teachers.exclude(proposed_at=None).count(), 5)
        coverage = services.coverage_rows(round_)
        school = coverage["school"][0]
        self.assertGreaterEqual(school["overdue"], 4)
        self.assertGreater(school["missing"], 10)
        self.assertTrue(round_.assignments.filter(planned_at=None).exists())

    def test_the_key_observer_has_visits_today_and_unplanned(self):
        observer = User.objects.get(email=f"observator@{DEMO_DOMAIN}")
        today = timezone.localdate()
        visits = list(selectors.assignments_for_observer(user=observer, day=today))
        planned_today = [
            v for v in visits if v.planned_at and timezone.localtime(v.planned_at).date() == today
        ]
        self.assertGreaterEqual(len(planned_today), 2)
        self.assertTrue(any(v.planned_at is None for v in visits))
        self.assertTrue(Assignment.objects.filter(observer=observer, round=self.ongoing).exists())

    def test_the_key_teacher_has_released_observations(self):
        teacher = User.objects.get(email=f"larare@{DEMO_DOMAIN}")
        released = selectors.observations_released_to(user=teacher)
        kinds = Counter(released.values_list("round__kind", flat=True))
        self.assertEqual(kinds[Round.Kind.BASELINE], 2)
        self.assertGreaterEqual(kinds[Round.Kind.FOLLOW_UP], 2)
        self.assertGreaterEqual(kinds[Round.Kind.ONGOING], 1)

    # ------------------------------------------------------------------------- invariants

    def test_observations_keep_the_services_invariants(self):
        dimensions = Dimension.objects.filter(version=self.ongoing.framework_version).count()
        events = defaultdict(set)
        for observation_id, action in ObservationEvent.objects.values_list(
            "observation_id", "action"
        ):
            events[observation_id].add(action)
        observations = Observation.objects.select_related("round", "assignment").prefetch_related(
            "ratings__criteria__step", "ratings__step"
        )
        for o in observations:
            state = services.observation_state(o)
            context = {name: state[name] for name in services.CONTEXT_FIELDS}
            self.assertEqual(o.payload_hash, services._content_hash(context, state["ratings"]), o)
            self.assertGreaterEqual(o.revision, 1)
            self.assertEqual(o.framework_version_id, o.round.framework_version_id)
            self.assertEqual(o.school_id, o.assignment.school_id)
            self.assertEqual(o.teacher_id, o.assignment.teacher_id)
            if o.status == Observation.Status.DRAFT:
                self.assertIsNone(o.submitted_at)
                self.assertIsNone(o.released_at)
                self.assertEqual(events[o.pk], set())
            else:
                self.assertIsNotNone(o.submitted_at)
                self.assertIn("submit", events[o.pk])
                self.assertEqual(len(state["ratings"]), dimensions)
                self.assertGreaterEqual(o.revision, 2)
                self.assertLessEqual(o.created_at, o.submitted_at)
            if o.status == Observation.Status.RELEASED:
                self.assertLessEqual(o.submitted_at, o.released_at)
                self.assertIn("release", events[o.pk])
            else:
                self.assertIsNone(o.acknowledged_at)
            if o.acknowledged_at:
                self.assertIn("acknowledge", events[o.pk])
            for rating in o.ratings.all():
                for criterion in rating.criteria.all():
                    self.assertEqual(criterion.step.dimension_id, rating.dimension_id)
                    self.assertIn(criterion.step.order, (rating.step.order, rating.step.order - 1))
        not_observed = Rating.objects.filter(step=None).count() / Rating.objects.count()
        self.assertTrue(0.015 < not_observed < 0.05, not_observed)
        notes = set(Rating.objects.exclude(note="").values_list("note", flat=True))
        self.assertGreaterEqual(len(notes), 20)

    # ------------------------------------------------------------------------- the model's signal

    def test_follow_up_is_higher_than_baseline(self):
        steps = defaultdict(list)
        for _t, _o, _r, kind, _code, order in self.rows():
            steps[kind].append(order)
        baseline = statistics.mean(steps[Round.Kind.BASELINE])
        follow_up = statistics.mean(steps[Round.Kind.FOLLOW_UP])
        self.assertGreater(follow_up - baseline, 0.1)

    def test_dimension_means_follow_the_difficulties(self):
        steps = defaultdict(list)
        for *_ignored, code, order in self.rows():
            steps[code].append(order)
        codes = sorted(steps)
        self.assertEqual(set(codes), set(self.truth["dimensions"]))
        rho = spearmanr(
            [statistics.mean(steps[c]) for c in codes],
            [-self.truth["dimensions"][c] for c in codes],
        ).statistic
        self.assertGreater(rho, 0.8)
        easiest = min(codes, key=lambda c: self.truth["dimensions"][c])
        hardest = max(codes, key=lambda c: self.truth["dimensions"][c])
        self.assertEqual((easiest, hardest), ("environment", "visible-learning"))

    def test_teacher_skill_and_observer_severity_show_up(self):
        rows = self.rows()
        per_lesson_teacher = defaultdict(list)
        for teacher, _o, round_id, _kind, _code, order in rows:
            per_lesson_teacher[(teacher, round_id)].append(order)
        teacher_mean = {k: statistics.mean(v) for k, v in per_lesson_teacher.items()}
        # Severity: an observer's steps compared with the same teachers' mean in the same round.
        residuals = defaultdict(list)
        for teacher, observer, round_id, _kind, _code, order in rows:
            residuals[observer].append(order - teacher_mean[(teacher, round_id)])
        leniency = {o: statistics.mean(v) for o, v in residuals.items()}
        severity = {o: self.truth["observers"][o]["severity"] for o in leniency}
        most_severe = max(severity, key=severity.get)
        most_lenient = min(severity, key=severity.get)
        self.assertLess(leniency[most_severe], leniency[most_lenient])
        rho = spearmanr([severity[o] for o in leniency], list(leniency.values())).statistic
        self.assertLess(rho, -0.5)
        # Skill: teachers' baseline means follow θ.
        baseline = defaultdict(list)
        for teacher, _o, _r, kind, _code, order in rows:
            if kind == Round.Kind.BASELINE:
                baseline[teacher].append(order)
        rho = spearmanr(
            [statistics.mean(v) for v in baseline.values()],
            [self.truth["teachers"][t]["theta"] for t in baseline],
        ).statistic
        self.assertGreater(rho, 0.7)

    def test_the_truth_file_describes_the_people(self):
        teachers = set(
            RoundTeacher.objects.filter(round__in=self.closed).values_list("teacher_id", flat=True)
        )
        self.assertEqual(set(self.truth["teachers"]), teachers)
        # Peer observations within triads (samsyn.triads) are not part of the model.
        observers = set(
            Observation.objects.filter(round__is_peer=False).values_list("observer_id", flat=True)
        )
        self.assertEqual(observers - set(self.truth["observers"]), set())
        self.assertEqual(len(self.truth["dimensions"]), 10)
        self.assertEqual(self.truth["thresholds"], [-1.2, 0.0, 1.2])
        growth = [v["growth"] for v in self.truth["teachers"].values()]
        self.assertTrue(0.25 < statistics.mean(growth) < 0.55)
        self.assertTrue(any(g <= 0 for g in growth))
        self.assertEqual(
            {r["kind"] for r in self.truth["rounds"].values()},
            {"baseline", "follow_up", "ongoing"},
        )

    # ------------------------------------------------------------------------- removal

    def test_cleanup_removes_the_rounds(self):
        # (That a reset rebuilds the same rounds: samsyn/demo/tests/test_demo.py.)
        # Later apps' rows refer to rounds (a workshop protects its round): their cleanups run
        # first, as in demo_delete, then this app's.
        from samsyn.demo.services import cleanups_in_order

        ids = demo_org_ids()
        for func in cleanups_in_order():
            func(ids)
            if func is demo.remove_rounds:
                break
        self.assertEqual(Round.objects.count(), 0)
        self.assertEqual(Observation.objects.count(), 0)
        self.assertEqual(Assignment.objects.count(), 0)
        self.assertEqual(Rating.criteria.through.objects.count(), 0)
