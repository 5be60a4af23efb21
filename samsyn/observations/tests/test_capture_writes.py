"""The capture's writes are applied only while the observation is as the save read it
(samsyn.observations.capture_writes): another save in between sends the save to the locked
path, which decides it again, and nothing is lost, written twice or half written."""

from __future__ import annotations

import contextlib
import json
import threading
import unittest
import uuid
from importlib import import_module
from unittest import mock

from django.apps import apps as django_apps
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test import Client, TransactionTestCase

from samsyn.api import api
from samsyn.observations import capture_writes, services, summaries
from samsyn.observations.models import (
    Conflict,
    Observation,
    ObservationEvent,
    Rating,
    RatingSummaryPending,
)
from samsyn.observations.tests.factories import default_version, full_ratings, make_round
from samsyn.test import BaseTestCase


def stored(observation: Observation) -> dict:
    return services.observation_state(Observation.objects.get(pk=observation.pk))


class CaptureTestMixin:
    def put(self, client, uid, ratings, base_revision, **context):
        body = {"base_revision": base_revision, "assignment_id": self.assignment.pk}
        return client.put(
            f"/api/v1/observations/{uid}",
            data=json.dumps({**body, **context, "ratings": ratings}),
            content_type="application/json",
        )


class StaleReadTests(CaptureTestMixin, BaseTestCase):
    """A save that read the observation before another save wrote it: its write finds the
    revision changed, writes nothing, and the save is decided again under the lock."""

    def setUp(self):
        super().setUp()
        api.throttle._leases.clear()
        self.round = make_round(self)
        self.assignment = self.round.assignments.first()
        self.ratings = full_ratings(default_version())
        self.client.force_login(self.oscar)
        self.uid = uuid.uuid4()
        self.assertEqual(self.put(self.client, self.uid, self.ratings[:3], 0).status_code, 201)
        self.stale = Observation.objects.get(uuid=self.uid)  # revision 1, as read before

    def read_stale(self, reader):
        """The unlocked read answers with the observation as it was (`self.stale`)."""
        real = reader.first

        def first(**values):
            found = real(**values)
            return self.stale if found is not None else None

        return mock.patch.object(reader, "first", side_effect=first)

    def test_attack_a_save_that_read_an_old_revision_does_not_overwrite_the_newer_one(self):
        tablet = self.put(self.client, self.uid, self.ratings[:4], 1, subject="Tablet")
        self.assertEqual(tablet.status_code, 200)  # revision 2
        with self.read_stale(services._OBSERVATION_BY_UUID):  # the phone read revision 1
            phone = self.put(self.client, self.uid, self.ratings[:2], 1, subject="Phone")
        self.assertEqual(phone.status_code, 409, phone.content)
        self.assertEqual(phone.json()["reason"], "conflict")
        state = stored(self.stale)
        self.assertEqual((state["revision"], state["subject"]), (2, "Tablet"))
        self.assertEqual(len(state["ratings"]), 4)
        self.assertEqual(Conflict.objects.get().server_revision, 2)

    def test_a_save_that_read_a_draft_since_submitted_is_refused_as_locked(self):
        self.put(self.client, self.uid, self.ratings, 1)  # revision 2, complete
        submit = self.client.post(f"/api/v1/observations/{self.uid}/submit")
        self.assertEqual(submit.status_code, 200)
        self.stale.revision = 2  # read as the draft of revision 2, just before the submit
        with self.read_stale(services._OBSERVATION_BY_UUID):
            late = self.put(self.client, self.uid, self.ratings[:1], 2, subject="Sent")
        self.assertEqual(late.status_code, 409, late.content)
        self.assertEqual(late.json()["reason"], "locked")
        state = stored(self.stale)
        self.assertEqual((state["status"], state["revision"]), ("submitted", 3))
        self.assertEqual(len(state["ratings"]), len(self.ratings))

    def test_a_submit_that_read_an_old_revision_submits_what_is_stored_now(self):
        """The submit read revision 1; a save made it revision 2 in between. The submit's write
        finds the revision changed, and the locked path submits revision 2 as stored."""
        self.assertEqual(self.put(self.client, self.uid, self.ratings, 1).status_code, 200)
        with self.read_stale(services._OWN_OBSERVATION_BY_UUID):
            response = self.client.post(f"/api/v1/observations/{self.uid}/submit")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["status"], response.json()["revision"]), ("submitted", 3))
        self.assertEqual(response.json(), stored(self.stale))
        self.assertEqual(ObservationEvent.objects.filter(action="submit").count(), 1)

    def test_attack_a_colleagues_first_save_of_the_same_uuid_is_not_theirs_under_the_lock(self):
        """Pia, observing in another round, sends her first save with the UUID of Oscar's
        observation, having read before it existed: her create clashes on the UUID, and the
        locked path, which decides it again, answers 404 and changes nothing of Oscar's."""
        other = make_round(self, name="Vårens runda", observers=[self.pia])
        self.client.force_login(self.pia)
        body = {"base_revision": 0, "assignment_id": other.assignments.first().pk}
        unlocked = services._OBSERVATION_BY_UUID
        with mock.patch.object(unlocked, "first", return_value=None):  # read before Oscar's
            response = self.client.put(
                f"/api/v1/observations/{self.uid}",
                data=json.dumps({**body, "subject": "Pias", "ratings": self.ratings}),
                content_type="application/json",
            )
        self.assertEqual(response.status_code, 404, response.content)
        observation = Observation.objects.get(uuid=self.uid)
        self.assertEqual((observation.observer_id, observation.revision), (self.oscar.pk, 1))
        self.assertNotEqual(observation.subject, "Pias")
        self.assertEqual(stored(observation)["ratings"], stored(self.stale)["ratings"])
        self.assertEqual(len(stored(observation)["ratings"]), 3)
        self.assertFalse(Conflict.objects.exists())

    def test_a_submit_writes_its_event_and_marks_the_summary(self):
        self.put(self.client, self.uid, self.ratings, 1)
        RatingSummaryPending.objects.all().delete()
        response = self.client.post(f"/api/v1/observations/{self.uid}/submit")
        self.assertEqual(response.status_code, 200)
        event = ObservationEvent.objects.get(observation__uuid=self.uid)
        self.assertEqual(
            (event.action, event.actor_id, event.reason), ("submit", self.oscar.pk, "")
        )
        self.assertIsNotNone(event.at)
        self.assertEqual(
            list(RatingSummaryPending.objects.values_list("round_pk", "teacher_pk")),
            [(self.round.pk, self.assignment.teacher_id)],
        )
        again = self.client.post(f"/api/v1/observations/{self.uid}/submit")
        self.assertEqual(again.json(), response.json())
        self.assertEqual(ObservationEvent.objects.count(), 1)  # submitting twice: one event

    def test_an_update_keeps_changes_and_removes_what_is_no_longer_sent(self):
        """Ratings that stay are changed, dropped dimensions and criteria removed, new ones
        added: what is stored is exactly what was sent, with no stray criteria."""
        version = default_version()
        two_criteria = []
        for rating in self.ratings:
            step = version.dimensions.get(pk=rating["dimension_id"]).steps.get(pk=rating["step_id"])
            two_criteria.append([c.pk for c in step.criteria.all()][:2])
        first = [
            dict(r, criteria=c, note="först")
            for r, c in zip(self.ratings, two_criteria, strict=True)
        ]
        self.assertEqual(self.put(self.client, self.uid, first, 1).status_code, 200)
        second = [
            dict(first[0], criteria=first[0]["criteria"][1:], note="  sedan "),
            dict(first[1], step_id=None, not_observed=True, criteria=[]),
            *first[3:],
        ]  # dimension 3 dropped
        response = self.put(self.client, self.uid, second, 2)
        self.assertEqual(response.status_code, 200, response.content)
        state = stored(self.stale)
        self.assertEqual(response.json(), state)
        self.assertEqual(
            [r["dimension_id"] for r in state["ratings"]], [r["dimension_id"] for r in second]
        )
        self.assertEqual(state["ratings"][0]["note"], "sedan")
        self.assertEqual(state["ratings"][0]["criteria"], sorted(first[0]["criteria"][1:]))
        self.assertEqual(state["ratings"][1]["criteria"], [])
        links = Rating.criteria.through.objects.filter(rating__observation__uuid=self.uid)
        self.assertEqual(links.count(), sum(len(r["criteria"]) for r in state["ratings"]))
        orphans = Rating.criteria.through.objects.exclude(rating_id__in=Rating.objects.values("pk"))
        self.assertEqual(orphans.count(), 0)  # no criteria left of a removed rating
        empty = self.put(self.client, self.uid, [], 3)
        self.assertEqual((empty.status_code, empty.json()["ratings"]), (200, []))
        self.assertFalse(Rating.objects.filter(observation__uuid=self.uid).exists())
        self.assertFalse(links.exists())

    def test_the_only_receiver_the_written_out_statements_skip_is_the_summaries(self):
        """capture_writes writes observations and their events without pre_save or post_save
        on PostgreSQL: a receiver added later would silently miss the capture's saves. Add
        what it does there, then here."""

        def receivers(signal, sender):
            sync, asynchronous = signal._live_receivers(sender)
            return [f"{r.__module__}.{r.__qualname__}" for r in [*sync, *asynchronous]]

        summaries_receiver = f"{summaries.__name__}.{summaries._observation_saved.__qualname__}"
        self.assertEqual(receivers(post_save, Observation), [summaries_receiver])
        self.assertEqual(receivers(pre_save, Observation), [])
        self.assertEqual(receivers(post_save, ObservationEvent), [])
        self.assertEqual(receivers(pre_save, ObservationEvent), [])


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "the SQLite test database is in memory with a shared cache: a second writer fails at once "
    "there instead of waiting (the file database's case is benchmarks/bench_capture_load.py)",
)
class RaceTests(CaptureTestMixin, TransactionTestCase):
    """Real concurrent requests, each thread with its own connection; every save's write waits
    until all of them have read, so their reads all see the same revision."""

    THREADS = 4

    def setUp(self):
        default = import_module("samsyn.frameworks.migrations.0002_default_framework")
        default.install(django_apps, None)  # removed by the previous test's flush
        BaseTestCase.setUpTestData.__func__(type(self))
        api.throttle._leases.clear()
        self.round = make_round(self)
        self.assignment = self.round.assignments.first()
        self.ratings = full_ratings(default_version())

    def race(self, targets: tuple[str, ...], calls: list[dict]):
        """Run each call in a thread of its own; each thread's first write (any of `targets`
        in capture_writes) waits until every thread has come to its first write."""
        gate = threading.Barrier(len(calls), timeout=20)
        local = threading.local()

        def gated(real):
            def write(*args, **kwargs):
                if not getattr(local, "waited", False):
                    local.waited = True
                    gate.wait()
                return real(*args, **kwargs)

            return write

        results: list = [None] * len(calls)

        def run(i, call):
            try:
                client = Client()
                client.force_login(call.pop("user"))
                results[i] = call.pop("send")(client, **call)
            except Exception as error:  # reported below
                results[i] = error
            finally:
                connection.close()

        with contextlib.ExitStack() as stack:
            for target in targets:
                real = getattr(capture_writes, target)
                stack.enter_context(mock.patch.object(capture_writes, target, gated(real)))
            threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        for result in results:
            self.assertNotIsInstance(result, Exception, result)
        return results

    def save(self, client, uid, ratings, base, subject=""):
        return self.put(client, uid, ratings, base, subject=subject)

    def test_attack_concurrent_saves_of_one_revision_one_wins_the_rest_conflict(self):
        uid = uuid.uuid4()
        client = Client()
        client.force_login(self.oscar)
        self.assertEqual(self.put(client, uid, self.ratings[:2], 0).status_code, 201)
        calls = [
            dict(
                send=self.save,
                user=self.oscar,
                uid=uid,
                ratings=self.ratings[: 3 + i],
                base=1,
                subject=f"device {i}",
            )
            for i in range(self.THREADS)
        ]
        responses = self.race(("update_draft",), calls)
        codes = sorted(r.status_code for r in responses)
        self.assertEqual(codes, [200] + [409] * (self.THREADS - 1), [r.content for r in responses])
        winner = next(r for r in responses if r.status_code == 200).json()
        observation = Observation.objects.get(uuid=uid)
        self.assertEqual(winner, services.observation_state(observation))
        self.assertEqual(observation.revision, 2)
        self.assertEqual(Conflict.objects.filter(observation=observation).count(), self.THREADS - 1)

    def test_concurrent_first_saves_of_one_observation_store_it_once(self):
        uid = uuid.uuid4()
        calls = [
            dict(send=self.save, user=self.oscar, uid=uid, ratings=self.ratings, base=0)
            for _ in range(self.THREADS)
        ]
        responses = self.race(("create",), calls)
        codes = sorted(r.status_code for r in responses)
        self.assertEqual(codes, [200] * (self.THREADS - 1) + [201], [r.content for r in responses])
        self.assertEqual(Observation.objects.filter(uuid=uid).count(), 1)
        observation = Observation.objects.get(uuid=uid)
        self.assertEqual(observation.revision, 1)
        self.assertEqual(Rating.objects.filter(observation=observation).count(), len(self.ratings))
        for response in responses:
            self.assertEqual(response.json(), services.observation_state(observation))

    def submit(self, client, uid):
        return client.post(f"/api/v1/observations/{uid}/submit")

    def with_criteria(self, count: int) -> list[dict]:
        """The full ratings, each with up to `count` criteria of its step."""
        version = default_version()
        ratings = []
        for rating in self.ratings:
            step = version.dimensions.get(pk=rating["dimension_id"]).steps.get(pk=rating["step_id"])
            ratings.append(dict(rating, criteria=[c.pk for c in step.criteria.all()][:count]))
        return ratings

    def test_concurrent_saves_that_remove_ratings_and_criteria_leave_one_whole_version(self):
        uid = uuid.uuid4()
        client = Client()
        client.force_login(self.oscar)
        full = self.with_criteria(3)
        self.assertEqual(self.put(client, uid, full, 0).status_code, 201)
        versions = [
            [dict(r, criteria=r["criteria"][i % 2 :], note=f"enhet {i}") for r in full[i:]]
            for i in range(self.THREADS)
        ]  # each drops other dimensions and criteria
        calls = [
            dict(send=self.save, user=self.oscar, uid=uid, ratings=ratings, base=1)
            for ratings in versions
        ]
        responses = self.race(("update_draft",), calls)
        self.assertEqual(sorted(r.status_code for r in responses), [200] + [409] * 3)
        winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
        state = services.observation_state(Observation.objects.get(uuid=uid))
        self.assertEqual(responses[winner].json(), state)
        self.assertEqual(
            [(r["dimension_id"], r["criteria"], r["note"]) for r in state["ratings"]],
            [(r["dimension_id"], sorted(r["criteria"]), r["note"]) for r in versions[winner]],
        )
        links = Rating.criteria.through.objects.filter(rating__observation__uuid=uid)
        self.assertEqual(links.count(), sum(len(r["criteria"]) for r in versions[winner]))
        orphans = Rating.criteria.through.objects.exclude(rating_id__in=Rating.objects.values("pk"))
        self.assertEqual(orphans.count(), 0)

    def test_two_submits_and_a_save_at_once_submit_once_and_lose_nothing(self):
        uid = uuid.uuid4()
        client = Client()
        client.force_login(self.oscar)
        self.assertEqual(self.put(client, uid, self.ratings, 0).status_code, 201)
        changed = [dict(r, note="ändrad") for r in self.ratings]
        calls = [
            dict(send=self.submit, user=self.oscar, uid=uid),
            dict(send=self.submit, user=self.oscar, uid=uid),
            dict(send=self.save, user=self.oscar, uid=uid, ratings=changed, base=1),
        ]
        first, second, save = self.race(("update_draft", "submit"), calls)
        observation = Observation.objects.get(uuid=uid)
        state = services.observation_state(observation)
        self.assertEqual(observation.status, Observation.Status.SUBMITTED)
        self.assertEqual(ObservationEvent.objects.filter(observation=observation).count(), 1)
        self.assertEqual((first.status_code, second.status_code), (200, 200))
        self.assertEqual(first.json(), state)
        self.assertEqual(second.json(), state)
        if save.status_code == 200:  # the save came first: its version was submitted
            self.assertEqual((observation.revision, state["ratings"][0]["note"]), (3, "ändrad"))
        else:  # a submit came first: the save is refused and kept for review
            self.assertEqual((save.status_code, save.json()["reason"]), (409, "locked"))
            self.assertEqual((observation.revision, state["ratings"][0]["note"]), (2, ""))
            self.assertEqual(Conflict.objects.filter(observation=observation).count(), 1)
