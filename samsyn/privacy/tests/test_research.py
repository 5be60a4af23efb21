"""Pseudonymised research exports: no direct identifiers, small cells obeyed, stable
pseudonyms within a project and different across projects, peer rounds never included."""

from __future__ import annotations

import csv
import io

import pyarrow.parquet as pq
import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from samsyn.accounts.models import AuditEvent, User
from samsyn.privacy import research, services
from samsyn.privacy.models import OwnerKey, ResearchDownload
from samsyn.privacy.tests.helpers import make_observation, make_plain_round, make_teachers
from samsyn.test import BaseTestCase


@override_settings(SAMSYN_MIN_GROUP=5)
class ResearchExportTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.round = make_plain_round(self)
        self.peer = make_plain_round(self, name="Triad", is_peer=True)
        self.teachers = [self.alice, *make_teachers(self.school, 5, "ma")]
        for teacher in self.teachers:
            make_observation(
                self.round,
                teacher=teacher,
                observer=self.oscar,
                school=self.school,
                subject="Matematik",
                note="Alice Teacher ledde bra",
                comment="Tack",
            )
        # Two teachers of Swedish: too few → subject generalised to "*", then too few in "*".
        self.small = make_teachers(self.school, 2, "sv")
        for teacher in self.small:
            make_observation(
                self.round,
                teacher=teacher,
                observer=self.oscar,
                school=self.school,
                subject="Svenska",
            )
        # Peer observations must never be exported.
        make_observation(
            self.peer, teacher=self.alice, observer=self.teachers[1], school=self.school
        )

    def _export(
        self,
        project="Studie A",
        fields=("observer", "subject", "observed_month"),
        notes=False,
        approve_notes=False,
    ):
        export = services.research_request_create(
            researcher=self.rita,
            owner=self.owner,
            project=project,
            purpose="Analys",
            rounds=[self.round],
            schools=[self.school],
            fields=list(fields),
            notes_requested=notes,
        )
        services.research_review(
            export=export, actor=self.olle, approve=True, notes_approved=approve_notes
        )
        return export

    def _identifiers(self):
        people = User.objects.all()
        values = set()
        for person in people:
            values |= {person.email, person.full_name, *person.full_name.split()}
        return values

    def test_files_contain_no_direct_identifier(self):
        export = self._export()
        columns, rows, _stats = research.build_rows(export)
        text = research.to_csv(columns, rows).decode()
        for person in User.objects.all():
            assert person.email not in text and person.full_name not in text
        cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
        assert not cells & self._identifiers()
        user_ids = {str(pk) for pk in User.objects.values_list("pk", flat=True)}
        for row in csv.DictReader(io.StringIO(text)):
            for key in ("teacher", "observer", "school", "round", "observation"):
                assert row[key] not in user_ids and len(row[key]) == 18
        assert "note" not in columns and "teacher_comment" not in columns
        assert OwnerKey.objects.get(owner=self.owner).secret not in text

    def test_notes_only_when_approved(self):
        asked_not_approved = self._export(notes=True, approve_notes=False)
        assert "note" not in research.build_rows(asked_not_approved)[0]
        approved = self._export(project="B", notes=True, approve_notes=True)
        columns, rows, _ = research.build_rows(approved)
        assert "note" in columns and rows[0]["note"]

    def test_small_groups_are_generalised_then_dropped(self):
        _columns, rows, stats = research.build_rows(self._export())
        teachers = {row["teacher"] for row in rows}
        assert len(teachers) == 6
        assert {row["subject"] for row in rows} == {"Matematik"}
        dims = self.round.framework_version.dimensions.count()
        # the two teachers of Swedish stay two whatever is generalised: dropped, and nothing
        # about the six maths teachers needed recoding
        assert stats.dropped == 2 * dims and stats.generalised == 0
        assert stats.rows == 6 * dims

    def test_a_school_below_the_limit_is_left_out_entirely(self):
        with override_settings(SAMSYN_MIN_GROUP=9):  # the school has 8 teachers
            _columns, rows, stats = research.build_rows(self._export())
        assert rows == [] and stats.dropped > 0

    def test_peer_rounds_are_never_included(self):
        with pytest.raises(ValidationError):
            services.research_request_create(
                researcher=self.rita,
                owner=self.owner,
                project="P",
                purpose="x",
                rounds=[self.peer],
                schools=[self.school],
                fields=[],
                notes_requested=False,
            )
        export = self._export()
        export.rounds.add(self.peer)  # even if it got there somehow
        _c, rows, _s = research.build_rows(export)
        assert len({row["observation"] for row in rows}) == 6

    def test_pseudonyms_are_stable_within_a_project_and_differ_across_projects(self):
        first = research.build_rows(self._export("Studie A"))[1]
        again = research.build_rows(self._export("Studie A"))[1]
        other = research.build_rows(self._export("Studie B"))[1]
        assert [r["teacher"] for r in first] == [r["teacher"] for r in again]
        assert not {r["teacher"] for r in first} & {r["teacher"] for r in other}

    def test_researcher_downloads_csv_and_parquet_audited_and_listed(self):
        export = self._export()
        self.login(self.rita)
        response = self.client.get(reverse("privacy:research_download", args=[export.pk, "csv"]))
        assert response.status_code == 200
        assert response.content.startswith(b"observation,round,round_kind,school,teacher")
        response = self.client.get(
            reverse("privacy:research_download", args=[export.pk, "parquet"])
        )
        table = pq.read_table(io.BytesIO(response.content))
        assert table.num_rows == ResearchDownload.objects.first().rows
        assert ResearchDownload.objects.count() == 2
        assert (
            AuditEvent.objects.filter(
                action="export", object_type="privacy.research_export"
            ).count()
            == 2
        )
        self.login(self.olle)
        page = self.client.get(reverse("privacy:research_review", args=[self.owner.pk, export.pk]))
        self.assertContains(page, "parquet")

    def test_pending_or_others_exports_cannot_be_downloaded(self):
        export = services.research_request_create(
            researcher=self.rita,
            owner=self.owner,
            project="P",
            purpose="x",
            rounds=[self.round],
            schools=[self.school],
            fields=[],
            notes_requested=False,
        )
        self.login(self.rita)
        assert (
            self.client.get(
                reverse("privacy:research_download", args=[export.pk, "csv"])
            ).status_code
            == 404
        )
        services.research_review(export=export, actor=self.olle, approve=True)
        self.login(self.olle)
        assert (
            self.client.get(
                reverse("privacy:research_download", args=[export.pk, "csv"])
            ).status_code
            == 404
        )

    def test_the_request_and_review_pages(self):
        self.login(self.rita)
        response = self.client.post(
            reverse("privacy:research_create", args=[self.owner.pk]),
            {
                "project": "Studie",
                "purpose": "Se förändring",
                "rounds": [self.round.pk],
                "schools": [self.school.pk],
                "fields": ["subject"],
            },
        )
        assert response.status_code == 302
        export = self.rita and services.ResearchExport.objects.get()
        self.login(self.olle)
        url = reverse("privacy:research_review", args=[self.owner.pk, export.pk])
        response = self.client.post(url, {"decision": "reject"})
        self.assertContains(response, "errorlist")
        assert self.client.post(url, {"decision": "approve"}).status_code == 302
        export.refresh_from_db()
        assert export.status == "approved"
