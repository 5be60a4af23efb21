"""Editing the collaboration's groups: a group's name and mandate, removing a member, editing
and cancelling a meeting, and correcting a decision (the decision log is append-only).

Who may (the existing rules, `governance.group_perms`): the network's coordinators (nina)
manage everything; a group's chair and secretary (olle chairs the steering group) record its
meetings and decisions; a member of another group (pia), a member of the network without a
seat (alice) get 403; an outsider (charlie, another region) 404.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from samsyn.networks import governance
from samsyn.networks.models import GroupDecision, GroupMeeting, GroupMember
from samsyn.networks.tests.test_collaboration import DAY, CollaborationCase


class EditCase(CollaborationCase):
    def setUp(self) -> None:
        super().setUp()
        self.meeting = governance.meeting_save(group=self.steering, held_on=DAY, agenda="1. Plan")
        self.seat = governance.group_member_set(group=self.steering, user=self.rita, role="member")
        self.working_meeting = governance.meeting_save(group=self.working, held_on=DAY)

    def correction(self, **extra) -> dict:
        return {
            "decided_on": DAY.isoformat(),
            "text": "Nästa utbytesperiod handlar om studiero och trygghet.",
            "basis": self.decision.basis,
            "reason": "Trygghet föll bort i protokollet.",
            **extra,
        }


class ServiceTests(EditCase):
    def test_a_correction_is_a_new_entry_and_the_original_stays(self):
        original_text = self.decision.text
        correction = governance.decision_correct(
            actor=self.olle,
            decision=self.decision,
            decided_on=DAY,
            text="Studiero och trygghet.",
            reason="Ett ord saknades.",
        )
        self.decision.refresh_from_db()
        assert self.decision.text == original_text  # never rewritten
        assert correction.corrects == self.decision and correction.group == self.steering
        assert correction.correction_reason == "Ett ord saknades."
        assert correction.created_by == self.olle
        log = governance.decisions_for_user(self.nina, self.network, query="trygghet")
        assert list(log) == [correction]

    def test_a_decision_is_corrected_once_and_a_reason_is_required(self):
        with self.assertRaises(ValidationError) as caught:
            governance.decision_correct(
                actor=self.olle, decision=self.decision, decided_on=DAY, text="x", reason=" "
            )
        assert caught.exception.message_dict["reason"] == [str(governance.ERR_CORRECTION_REASON)]
        assert not GroupDecision.objects.filter(corrects=self.decision).exists()
        first = governance.decision_correct(
            actor=self.olle, decision=self.decision, decided_on=DAY, text="y", reason="z"
        )
        with self.assertRaises(ValidationError) as caught:
            governance.decision_correct(
                actor=self.olle, decision=self.decision, decided_on=DAY, text="w", reason="z"
            )
        assert caught.exception.messages == [str(governance.ERR_ALREADY_CORRECTED)]
        # The latest version can be corrected in turn.
        second = governance.decision_correct(
            actor=self.olle, decision=first, decided_on=DAY, text="v", reason="z"
        )
        assert second.corrects == first

    def test_a_meeting_with_decisions_cannot_be_cancelled(self):
        governance.decision_create(
            actor=self.olle, group=self.steering, decided_on=DAY, text="x", meeting=self.meeting
        )
        with self.assertRaises(ValidationError) as caught:
            governance.meeting_cancel(actor=self.olle, meeting=self.meeting)
        assert caught.exception.messages == [str(governance.ERR_MEETING_HAS_DECISIONS)]
        self.meeting.refresh_from_db()
        assert self.meeting.cancelled_at is None

    def test_a_cancelled_meeting_stays_listed_and_takes_no_edit_or_decision(self):
        governance.meeting_cancel(actor=self.olle, meeting=self.meeting)
        self.meeting.refresh_from_db()
        assert self.meeting.cancelled_at is not None
        assert self.meeting.cancelled_by == self.olle
        assert GroupMeeting.objects.filter(pk=self.meeting.pk).exists()
        with self.assertRaises(ValidationError) as caught:
            governance.meeting_save(group=self.steering, held_on=DAY, meeting=self.meeting)
        assert caught.exception.messages == [str(governance.ERR_MEETING_CANCELLED)]
        with self.assertRaises(ValidationError) as caught:
            governance.decision_create(
                actor=self.olle, group=self.steering, decided_on=DAY, text="x", meeting=self.meeting
            )
        assert caught.exception.message_dict["meeting"] == [str(governance.ERR_MEETING_CANCELLED)]


class AccessTests(EditCase):
    def routes(self) -> dict[str, tuple]:
        return {
            "networks:group_edit": (self.steering.pk,),
            "networks:meeting_edit": (self.steering.pk, self.meeting.pk),
            "networks:decision_correct": (self.steering.pk, self.decision.pk),
        }

    def test_who_opens_the_edit_pages(self):
        expected = {
            "networks:group_edit": {"nina": 200, "olle": 403},
            "networks:meeting_edit": {"nina": 200, "olle": 200},
            "networks:decision_correct": {"nina": 200, "olle": 200},
        }
        for name, args in self.routes().items():
            for who, status in {
                **expected[name],
                "pia": 403,  # sits in another group
                "alice": 403,  # a member of the network without a seat
                "charlie": 404,  # another region's coordinator
            }.items():
                assert self.status(getattr(self, who), name, *args) == status, (name, who)
            assert self.status(None, name, *args) == 302, name

    def test_posts_need_the_right_too(self):
        for who, status in (("olle", 403), ("pia", 403), ("alice", 403), ("charlie", 404)):
            code = self.status(
                getattr(self, who),
                "networks:member_remove",
                self.steering.pk,
                self.seat.pk,
                method="post",
            )
            assert code == status, who
        for who, status in (("pia", 403), ("alice", 403), ("charlie", 404)):
            for name, args, data in (
                ("networks:meeting_cancel", (self.steering.pk, self.meeting.pk), {}),
                (
                    "networks:decision_correct",
                    (self.steering.pk, self.decision.pk),
                    self.correction(),
                ),
                ("networks:group_edit", (self.steering.pk,), {"name": "Kapad", "mandate": ""}),
            ):
                assert (
                    self.status(getattr(self, who), name, *args, method="post", data=data) == status
                )
        assert GroupMember.objects.filter(pk=self.seat.pk).exists()
        self.meeting.refresh_from_db()
        self.steering.refresh_from_db()
        assert self.meeting.cancelled_at is None and self.steering.name == "Styrgrupp Kust"
        assert not GroupDecision.objects.filter(corrects=self.decision).exists()

    def test_another_groups_meeting_or_decision_is_not_found_through_this_group(self):
        # olle records in the steering group; the working group's meeting and decision are not
        # reachable by putting them under the steering group's address.
        assert (
            self.status(
                self.olle, "networks:meeting_edit", self.steering.pk, self.working_meeting.pk
            )
            == 404
        )
        assert (
            self.status(
                self.olle, "networks:decision_correct", self.steering.pk, self.working_decision.pk
            )
            == 404
        )
        code = self.status(
            self.olle,
            "networks:meeting_cancel",
            self.steering.pk,
            self.working_meeting.pk,
            method="post",
        )
        assert code == 404
        self.working_meeting.refresh_from_db()
        assert self.working_meeting.cancelled_at is None


class PageTests(EditCase):
    def test_coordinator_edits_the_group_and_removes_a_member(self):
        self.login(self.nina)
        url = reverse("networks:group_edit", args=[self.steering.pk])
        response = self.client.post(url, {"name": "Styrgruppen", "mandate": "Beslutar om resurser"})
        self.assertRedirects(response, reverse("networks:group", args=[self.steering.pk]))
        self.steering.refresh_from_db()
        assert (self.steering.name, self.steering.mandate) == (
            "Styrgruppen",
            "Beslutar om resurser",
        )
        # A name another group has is refused on the form.
        response = self.client.post(url, {"name": "arbetsgrupp återkoppling", "mandate": ""})
        assert response.status_code == 200
        self.assertContains(response, str(governance.ERR_NAME_TAKEN))
        remove = reverse("networks:member_remove", args=[self.steering.pk, self.seat.pk])
        self.client.post(remove)
        assert not GroupMember.objects.filter(pk=self.seat.pk).exists()

    def test_chair_edits_and_cancels_a_meeting_and_corrects_a_decision(self):
        self.login(self.olle)
        group_url = reverse("networks:group", args=[self.steering.pk])
        page = self.client.get(group_url).content.decode()
        assert (
            reverse("networks:decision_correct", args=[self.steering.pk, self.decision.pk]) in page
        )
        assert reverse("networks:group_edit", args=[self.steering.pk]) not in page
        edit = reverse("networks:meeting_edit", args=[self.steering.pk, self.meeting.pk])
        response = self.client.post(
            edit, {"held_on": DAY.isoformat(), "agenda": "1. Plan\n2. Budget", "minutes": "Ok"}
        )
        self.assertRedirects(response, group_url)
        self.meeting.refresh_from_db()
        assert self.meeting.agenda == "1. Plan\n2. Budget"
        self.client.post(
            reverse("networks:meeting_cancel", args=[self.steering.pk, self.meeting.pk])
        )
        self.meeting.refresh_from_db()
        assert self.meeting.cancelled_at is not None
        # The group's record says who cancelled it (the page is in Swedish).
        assert self.meeting.cancelled_by == self.olle
        assert f"av {self.olle.full_name}." in self.client.get(group_url).content.decode()
        correct = reverse("networks:decision_correct", args=[self.steering.pk, self.decision.pk])
        assert self.decision.text in self.client.get(correct).content.decode()
        response = self.client.post(correct, self.correction())
        self.assertRedirects(response, group_url)
        correction = GroupDecision.objects.get(corrects=self.decision)
        assert correction.text.endswith("studiero och trygghet.")
        log = self.client.get(reverse("networks:decisions", args=[self.network.pk]))
        body = log.content.decode()
        assert self.decision.text in body and correction.text in body  # both stay in the log
        assert "Trygghet föll bort i protokollet." in body
        # Once corrected, the page offers no second correction of the same decision.
        assert correct not in self.client.get(group_url).content.decode()
        assert self.client.post(correct, self.correction()).status_code == 200
        assert GroupDecision.objects.filter(corrects=self.decision).count() == 1
