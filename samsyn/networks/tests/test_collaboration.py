"""The collaboration's groups, decision log and joint competence development.

Personas (samsyn/test.py): nina coordinates the network; olle (the municipality's director)
chairs its steering group; pia (principal of member School A) sits in a working group; alice
teaches at School A (a member of the network without a seat: 403); charlie is an outsider
(404). A second network in the other region has its own group and decision (404 for nina).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse

from samsyn.accounts.models import Membership, NetworkMembership, Organisation, Role
from samsyn.indicators import services as survey_services
from samsyn.networks import competence, governance
from samsyn.networks.models import CollaborationGroup, GroupAssignment, GroupMember
from samsyn.test import BaseTestCase, make_user

Kind = CollaborationGroup.Kind
DAY = dt.date(2026, 3, 10)


class CollaborationCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.steering = governance.group_save(
            network=self.network, kind=Kind.STEERING, name="Styrgrupp Kust", mandate="Beslutar"
        )
        self.working = governance.group_save(
            network=self.network, kind=Kind.WORKING, name="Arbetsgrupp återkoppling"
        )
        governance.group_member_set(
            group=self.steering, user=self.olle, role=GroupMember.GroupRole.CHAIR
        )
        governance.group_member_set(group=self.working, user=self.pia, role="member")
        self.decision = governance.decision_create(
            actor=self.nina,
            group=self.steering,
            decided_on=DAY,
            text="Nästa utbytesperiod handlar om studiero i klassrummen.",
            basis="Analysen efter besöken visade att eleverna upplever oro under lektionerna.",
        )
        self.working_decision = governance.decision_create(
            actor=self.nina,
            group=self.working,
            decided_on=DAY,
            text="Besöken planeras till vecka 12.",
        )
        # Another collaboration elsewhere, with its own coordinator.
        self.other_network = Organisation.objects.create(
            kind=Organisation.Kind.NETWORK, name="Andra nätverket", parent=self.other_region
        )
        NetworkMembership.objects.create(network=self.other_network, school=self.other_school)
        Membership.objects.create(
            user=self.charlie, organisation=self.other_network, role=Role.NETWORK_COORDINATOR
        )
        self.other_group = governance.group_save(
            network=self.other_network, kind=Kind.STEERING, name="Deras styrgrupp"
        )
        self.other_decision = governance.decision_create(
            actor=self.charlie, group=self.other_group, decided_on=DAY, text="Hemligt beslut."
        )

    def status(self, user, name: str, *args, method: str = "get", data=None) -> int:
        self.client.logout()
        if user is not None:
            self.login(user)
        url = reverse(name, args=args)
        response = getattr(self.client, method)(url, data or {})
        return response.status_code


class ServiceTests(CollaborationCase):
    def test_group_names_are_unique_within_a_collaboration(self):
        with self.assertRaises(ValidationError) as caught:
            governance.group_save(network=self.network, kind=Kind.PROCESS, name="styrgrupp kust")
        assert caught.exception.message_dict["name"] == [str(governance.ERR_NAME_TAKEN)]
        # The same name in another collaboration is fine.
        governance.group_save(network=self.other_network, kind=Kind.PROCESS, name="Styrgrupp Kust")

    def test_a_working_group_carries_out_one_of_the_collaborations_exchanges(self):
        from samsyn.networks.models import Exchange

        elsewhere = Exchange.objects.create(
            organiser=self.other_owner,
            title="Deras utbyte",
            starts_on=DAY,
            ends_on=DAY,
            development_area="x",
        )
        with self.assertRaises(ValidationError) as caught:
            governance.group_save(
                network=self.network, kind=Kind.WORKING, name="Ny", exchange=elsewhere
            )
        assert caught.exception.message_dict["exchange"] == [str(governance.ERR_EXCHANGE_ELSEWHERE)]

    def test_groups_belong_to_a_network(self):
        with self.assertRaises(ValidationError) as caught:
            governance.group_save(network=self.owner, kind=Kind.PROCESS, name="Processgruppen")
        assert caught.exception.messages == [str(governance.ERR_NOT_A_NETWORK)]

    def test_one_chair_per_group(self):
        with self.assertRaises(ValidationError) as caught:
            governance.group_member_set(group=self.steering, user=self.rita, role="chair")
        assert caught.exception.message_dict["role"] == [str(governance.ERR_ONE_CHAIR)]
        # Changing the chair's own role is allowed, and does not add a second row.
        governance.group_member_set(group=self.steering, user=self.olle, role="chair")
        assert self.steering.members.count() == 1

    def test_assignments_go_between_groups_of_one_collaboration(self):
        with self.assertRaises(ValidationError) as caught:
            governance.assignment_create(
                from_group=self.steering, to_group=self.steering, description="x"
            )
        assert caught.exception.message_dict["to_group"] == [str(governance.ERR_SAME_GROUP)]
        with self.assertRaises(ValidationError) as caught:
            governance.assignment_create(
                from_group=self.steering, to_group=self.other_group, description="x"
            )
        assert caught.exception.message_dict["to_group"] == [str(governance.ERR_OTHER_NETWORK)]
        assignment = governance.assignment_create(
            from_group=self.steering, to_group=self.working, description="Planera besöken"
        )
        assert assignment.status == GroupAssignment.Status.OPEN

    def test_a_decision_needs_text_and_its_own_groups_meeting(self):
        with self.assertRaises(ValidationError) as caught:
            governance.decision_create(
                actor=self.nina, group=self.steering, decided_on=DAY, text="  "
            )
        assert caught.exception.message_dict["text"] == [str(governance.ERR_DECISION_EMPTY)]
        meeting = governance.meeting_save(group=self.working, held_on=DAY, agenda="1. Besök")
        with self.assertRaises(ValidationError) as caught:
            governance.decision_create(
                actor=self.nina, group=self.steering, decided_on=DAY, text="x", meeting=meeting
            )
        assert caught.exception.message_dict["meeting"] == [str(governance.ERR_MEETING_OTHER_GROUP)]


class SearchTests(CollaborationCase):
    def ids(self, user, query: str) -> set[int]:
        return {d.pk for d in governance.decisions_for_user(user, self.network, query=query)}

    def test_search_finds_inflected_words_in_text_and_basis(self):
        # "studiero" in the text as "studiero"; "lektion" in the basis as "lektionerna".
        assert self.ids(self.nina, "studieron") == {self.decision.pk}
        assert self.ids(self.nina, "lektion") == {self.decision.pk}
        assert self.ids(self.nina, "analys studiero") == {self.decision.pk}
        assert self.ids(self.nina, "studiero vecka") == set()
        assert self.ids(self.nina, "") == {self.decision.pk, self.working_decision.pk}

    def test_search_stays_within_what_the_reader_sees(self):
        assert self.ids(self.pia, "studiero") == set()  # the steering group's decision
        assert self.ids(self.pia, "besöken") == {self.working_decision.pk}
        assert self.ids(self.olle, "veckan") == {self.working_decision.pk}
        assert self.ids(self.nina, "hemligt") == set()  # another collaboration's log


class AccessTests(CollaborationCase):
    def test_the_collaboration_page(self):
        name, pk = "networks:collaboration", self.network.pk
        assert self.status(None, name, pk) == 302
        assert self.status(self.charlie, name, pk) == 404
        assert self.status(self.bob, name, pk) == 404  # School B is not a member
        assert self.status(self.alice, name, pk) == 403
        for user in (self.nina, self.olle, self.pia):
            assert self.status(user, name, pk) == 200

    def test_a_working_group_member_sees_only_their_group(self):
        self.login(self.pia)
        page = self.client.get(reverse("networks:collaboration", args=[self.network.pk]))
        assert "Arbetsgrupp återkoppling" in page.content.decode()
        assert "Styrgrupp Kust" not in page.content.decode()
        assert self.status(self.pia, "networks:group", self.working.pk) == 200
        assert self.status(self.pia, "networks:group", self.steering.pk) == 403
        log = self.client.get(reverse("networks:decisions", args=[self.network.pk]))
        assert "studiero" not in log.content.decode()

    def test_the_steering_group_sees_every_group(self):
        assert self.status(self.olle, "networks:group", self.working.pk) == 200
        self.login(self.olle)
        log = self.client.get(reverse("networks:decisions", args=[self.network.pk]))
        assert "Besöken planeras" in log.content.decode()
        assert "studiero" in log.content.decode()

    def test_other_collaborations_objects_are_404(self):
        assert self.status(self.nina, "networks:group", self.other_group.pk) == 404
        assert self.status(self.nina, "networks:collaboration", self.other_network.pk) == 404
        assert self.status(self.charlie, "networks:group", self.steering.pk) == 404
        # The coordinator cannot record into another collaboration's group by its id.
        data = {"decided_on": "2026-03-11", "text": "Intrång"}
        assert (
            self.status(
                self.nina, "networks:decision_add", self.other_group.pk, method="post", data=data
            )
            == 404
        )
        assert not self.other_group.decisions.filter(text="Intrång").exists()

    def test_only_recorders_record(self):
        data = {"decided_on": "2026-03-11", "text": "Arbetsgruppen beslutar själv"}
        # pia is a plain member of the working group: 403, nothing written.
        assert (
            self.status(
                self.pia, "networks:decision_add", self.working.pk, method="post", data=data
            )
            == 403
        )
        assert not self.working.decisions.filter(text=data["text"]).exists()
        # olle chairs the steering group: records its decisions, not the working group's
        # (he reads it as a steering member).
        assert (
            self.status(
                self.olle, "networks:decision_add", self.steering.pk, method="post", data=data
            )
            == 302
        )
        assert (
            self.status(
                self.olle, "networks:decision_add", self.working.pk, method="post", data=data
            )
            == 403
        )
        assert self.status(self.olle, "networks:group_create", self.network.pk) == 403
        assert (
            self.status(
                self.olle,
                "networks:group_member_add",
                self.steering.pk,
                method="post",
                data={"user": self.alice.pk, "role": "member"},
            )
            == 403
        )

    def test_the_coordinator_records_and_searches_through_the_pages(self):
        self.login(self.nina)
        response = self.client.post(
            reverse("networks:decision_add", args=[self.working.pk]),
            {"decided_on": "2026-04-01", "text": "Vi läser forskning om formativ bedömning."},
        )
        assert response.status_code == 302
        page = self.client.get(
            reverse("networks:decisions", args=[self.network.pk]), {"q": "bedömningen"}
        )
        body = page.content.decode()
        assert "formativ bedömning" in body
        assert "studiero" not in body

    def test_assignment_status_by_the_receiving_groups_recorders(self):
        assignment = governance.assignment_create(
            from_group=self.working, to_group=self.steering, description="Besluta om budget"
        )
        args = (assignment.pk,)
        data = {"status": "done"}
        assert (
            self.status(self.pia, "networks:assignment_status", *args, method="post", data=data)
            == 403
        )
        assert (
            self.status(self.charlie, "networks:assignment_status", *args, method="post", data=data)
            == 404
        )
        assert (
            self.status(self.olle, "networks:assignment_status", *args, method="post", data=data)
            == 302
        )
        assignment.refresh_from_db()
        assert assignment.status == "done"


class CompetenceTests(CollaborationCase):
    def setUp(self) -> None:
        super().setUp()
        self.effort = competence.effort_save(
            actor=self.nina,
            network=self.network,
            title="Seminarium om återkoppling",
            kind="seminar",
            starts_on=DAY,
            ends_on=DAY,
            participants=[self.alice, self.pia],
        )

    def test_dates_and_exchange_are_checked(self):
        with self.assertRaises(ValidationError) as caught:
            competence.effort_save(
                actor=self.nina,
                network=self.network,
                title="x",
                kind="course",
                starts_on=DAY,
                ends_on=DAY - dt.timedelta(days=1),
            )
        assert caught.exception.message_dict["ends_on"] == [str(competence.ERR_DATES)]
        from samsyn.networks.models import Exchange

        elsewhere = Exchange.objects.create(
            organiser=self.other_owner,
            title="Deras utbyte",
            starts_on=DAY,
            ends_on=DAY,
            development_area="x",
        )
        elsewhere.owners.set([self.other_owner])
        with self.assertRaises(ValidationError) as caught:
            competence.effort_save(
                actor=self.nina,
                network=self.network,
                title="x",
                kind="course",
                starts_on=DAY,
                ends_on=DAY,
                exchange=elsewhere,
            )
        assert caught.exception.message_dict["exchange"] == [str(competence.ERR_EXCHANGE_ELSEWHERE)]

    def test_the_evaluation_runs_on_the_survey_engine_with_small_groups_hidden(self):
        survey = competence.evaluation_create(actor=self.nina, effort=self.effort)
        assert survey.questions.count() == len(competence.default_statements())
        with self.assertRaises(ValidationError):
            competence.evaluation_create(actor=self.nina, effort=self.effort)
        tokens = competence.evaluation_links(effort=self.effort)
        assert len(tokens) == 2  # one per participant
        with self.assertRaises(ValidationError) as caught:  # and no more
            competence.evaluation_links(effort=self.effort)
        assert caught.exception.messages == [str(competence.ERR_LINKS_HANDED_OUT)]
        questions = list(survey.questions.values_list("pk", flat=True))
        for token in tokens:
            survey_services.survey_answer_submit(token=token, answers=dict.fromkeys(questions, 4))
        summary = competence.summary(self.effort)
        assert summary.participants == 2
        assert summary.results.responses == 2
        assert summary.results.hidden  # 2 < the smallest group shown
        self.login(self.nina)
        page = self.client.get(reverse("networks:effort", args=[self.effort.pk])).content.decode()
        assert "2 svar hittills" in page
        assert "10.0" not in page and "100 %" not in page

    def test_shown_results_from_enough_answers(self):
        more = [self.nina, self.olle, self.rita, self.oscar]
        self.effort.participants.add(*more)
        competence.evaluation_create(actor=self.nina, effort=self.effort)
        tokens = competence.evaluation_links(effort=self.effort)
        questions = list(self.effort.evaluation.questions.values_list("pk", flat=True))
        for i, token in enumerate(tokens):
            survey_services.survey_answer_submit(
                token=token, answers=dict.fromkeys(questions, 3 if i % 2 else 4)
            )
        summary = competence.summary(self.effort)
        assert not summary.results.hidden
        assert len(summary.shown_questions) == 4

    def test_effort_access(self):
        pk = self.effort.pk
        assert self.status(self.alice, "networks:effort", pk) == 200  # a participant
        assert self.status(self.bob, "networks:effort", pk) == 404
        assert self.status(self.oscar, "networks:effort", pk) == 403  # network member
        assert self.status(self.olle, "networks:effort", pk) == 200  # steering group
        assert self.status(self.charlie, "networks:effort", pk) == 404
        assert self.status(self.alice, "networks:effort_edit", pk) == 403
        assert self.status(self.olle, "networks:effort_edit", pk) == 403
        assert self.status(self.nina, "networks:effort_edit", pk) == 200
        assert self.status(self.alice, "networks:efforts", self.network.pk) == 200
        assert self.status(self.oscar, "networks:efforts", self.network.pk) == 403
        assert self.status(self.alice, "networks:evaluation_create", pk, method="post") == 403
        assert self.effort.evaluation_id is None
        assert self.status(self.nina, "networks:efforts", self.other_network.pk) == 404

    def test_a_participant_without_a_role_in_the_network(self):
        # An administrator of a member school's owner holds no role in the network: taking
        # part in an effort opens the efforts and that effort (object-level COMPETENCE_VIEW),
        # not the groups (404, as for anyone without a seat); the effort's edit page is 403,
        # since the effort already grants them something.
        otto = make_user("otto", "Otto Owner")
        Membership.objects.create(user=otto, organisation=self.owner, role=Role.OWNER_ADMIN)
        self.effort.participants.add(otto)
        pk = self.effort.pk
        assert self.status(otto, "networks:efforts", self.network.pk) == 200
        assert self.status(otto, "networks:effort", pk) == 200
        assert self.status(otto, "networks:collaboration", self.network.pk) == 404
        assert self.status(otto, "networks:effort_edit", pk) == 403
        self.effort.participants.remove(otto)
        assert self.status(otto, "networks:efforts", self.network.pk) == 404
        assert self.status(otto, "networks:effort", pk) == 404

    def test_a_participant_sees_only_their_efforts(self):
        competence.effort_save(
            actor=self.nina,
            network=self.network,
            title="Kurs för rektorer",
            kind="course",
            starts_on=DAY,
            ends_on=DAY,
            participants=[self.pia],
        )
        self.login(self.alice)
        page = self.client.get(reverse("networks:efforts", args=[self.network.pk]))
        assert "Seminarium om återkoppling" in page.content.decode()
        assert "Kurs för rektorer" not in page.content.decode()


class RegionalYearTests(CollaborationCase):
    """Competence efforts in the regional yearly documentation: those planned from the
    exchanges the reader sees, with participation and the evaluation's aggregate."""

    def setUp(self) -> None:
        super().setUp()
        from samsyn.networks import services

        neighbour = Organisation.objects.create(
            kind=Organisation.Kind.OWNER, name="Grannkommunen", parent=self.region
        )
        third = Organisation.objects.create(
            kind=Organisation.Kind.OWNER, name="Tredje kommunen", parent=self.region
        )
        organiser = make_user("rebecka", "Rebecka Region")
        Membership.objects.create(user=organiser, organisation=self.region, role=Role.OWNER_ADMIN)
        ours = services.exchange_create(
            actor=organiser,
            organiser=self.region,
            title="Vårens utbyte",
            starts_on=DAY,
            ends_on=DAY + dt.timedelta(days=60),
            owners=[self.owner, neighbour],
            development_area="Återkoppling",
        )
        theirs = services.exchange_create(
            actor=organiser,
            organiser=self.region,
            title="Deras utbyte",
            starts_on=DAY,
            ends_on=DAY + dt.timedelta(days=60),
            owners=[neighbour, third],
            development_area="Bedömning",
        )
        self.ours = competence.effort_save(
            actor=self.nina,
            network=self.network,
            title="Kurs i formativ bedömning",
            kind="course",
            exchange=ours,
            starts_on=DAY,
            ends_on=DAY,
            participants=[self.alice, self.pia, self.bob],
        )
        competence.evaluation_create(actor=self.nina, effort=self.ours)
        competence.effort_save(
            actor=self.nina,
            network=self.network,
            title="Seminarium för grannarna",
            kind="seminar",
            exchange=theirs,
            starts_on=DAY,
            ends_on=DAY,
        )

    def test_the_page_and_pdf_show_the_efforts_of_the_exchanges_the_reader_sees(self):
        import pypdfium2

        self.login(self.olle)
        page = self.client.get(reverse("networks:regional_year", args=[self.region.pk, 2026]))
        body = page.content.decode()
        assert "Kurs i formativ bedömning" in body
        assert "3 deltagare" in body
        assert "0 svar hittills" in body
        assert "Seminarium för grannarna" not in body
        response = self.client.get(
            reverse("networks:regional_year_pdf", args=[self.region.pk, 2026])
        )
        pdf = pypdfium2.PdfDocument(response.content)
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
        assert "Kurs i formativ bedömning" in text
        assert "Seminarium för grannarna" not in text
