"""SS 12000 import: the dry run, saving, idempotence, ended duties, problems, all-or-nothing."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.provisioning import csvformat, generate, services, ss12000
from samsyn.provisioning.models import ImportedDuty, ImportedPerson
from samsyn.test import BaseTestCase
from samsyn.triads.models import TeacherDetails


def snapshot_of(export: dict) -> ss12000.Snapshot:
    return ss12000.normalise(copy.deepcopy(export))


class ImportTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.export = generate.export(schools=3, staff=30, domain="import.example")

    def save(self, export: dict | None = None) -> services.Plan:
        return services.import_save(
            owner=self.owner, snapshot=snapshot_of(export or self.export), actor=self.olle
        )

    def plan(self, export: dict | None = None) -> services.Plan:
        return services.plan_import(owner=self.owner, snapshot=snapshot_of(export or self.export))

    def test_the_dry_run_counts_and_saves_nothing(self):
        users, orgs = User.objects.count(), Organisation.objects.count()
        summary = self.plan().summary()
        self.assertEqual(summary["schools_new"], 3)
        self.assertEqual(summary["people_new"], 30)  # the three pupils are not staff
        self.assertEqual(summary["duties_new"], 30)
        self.assertEqual(summary["roles_given"], 30)
        self.assertEqual(summary["details_filled"], 27)  # every teacher, not the principals
        self.assertEqual(summary["problems"], 0)
        self.assertEqual((User.objects.count(), Organisation.objects.count()), (users, orgs))

    def test_it_saves_schools_staff_and_roles_and_never_a_civic_number(self):
        self.save()
        schools = Organisation.objects.filter(parent=self.owner, unit_code__startswith="9000")
        self.assertEqual(schools.count(), 3)
        self.assertEqual(set(schools.values_list("municipality_code", flat=True)), {"1380"})
        principals = Membership.objects.filter(organisation__in=schools, role=Role.PRINCIPAL)
        self.assertEqual(principals.count(), 3)
        teachers = Membership.objects.filter(organisation__in=schools, role=Role.TEACHER)
        self.assertEqual(teachers.count(), 27)
        self.assertFalse(User.objects.filter(email__startswith="elev").exists())
        imported = User.objects.filter(ss12000_links__owner=self.owner)
        self.assertEqual(imported.count(), 30)
        self.assertFalse(imported.first().has_usable_password())
        stored = json.dumps(list(User.objects.values()), default=str)
        self.assertNotIn("000000000000", stored)
        detail = TeacherDetails.objects.filter(school__in=schools).first()
        self.assertTrue(detail.subject_area)
        self.assertRegex(detail.grade_span, r"^\d$")

    def test_a_second_import_of_the_same_data_changes_nothing(self):
        self.save()
        counts = (User.objects.count(), Membership.objects.count(), ImportedDuty.objects.count())
        plan = self.plan()
        self.assertFalse(plan.has_changes, plan.summary())
        self.save()
        after = (User.objects.count(), Membership.objects.count(), ImportedDuty.objects.count())
        self.assertEqual(after, counts)

    def test_an_ended_duty_ends_the_role_and_keeps_the_person(self):
        self.save()
        duty = self.export["duties"][5]
        duty["endDate"] = (timezone.localdate() - timedelta(days=1)).isoformat()
        summary = self.plan().summary()
        self.assertEqual((summary["duties_ended"], summary["roles_ended"]), (1, 1))
        self.save()
        row = ImportedDuty.objects.get(source_id=duty["id"])
        self.assertFalse(row.is_active)
        self.assertIsNotNone(row.ended_at)
        user = row.person.user
        self.assertTrue(User.objects.filter(pk=user.pk, is_active=True).exists())
        self.assertFalse(Membership.objects.filter(user=user, organisation=row.school).exists())

    def test_a_duty_gone_from_the_source_ends_its_role(self):
        self.save()
        removed = self.export["duties"].pop(7)
        self.assertEqual(self.plan().summary()["duties_ended"], 1)
        self.save()
        row = ImportedDuty.objects.get(source_id=removed["id"])
        self.assertFalse(Membership.objects.filter(user=row.person.user, role=row.role).exists())

    def test_a_duty_moved_to_another_school_moves_the_role(self):
        self.save()
        duty = self.export["duties"][9]
        old = ImportedDuty.objects.get(source_id=duty["id"])
        duty["dutyAt"] = {"id": self.export["organisations"][3]["id"]}
        summary = self.plan().summary()
        self.assertEqual((summary["duties_updated"], summary["roles_ended"]), (1, 1))
        self.save()
        row = ImportedDuty.objects.get(pk=old.pk)
        user = row.person.user
        self.assertNotEqual(row.school_id, old.school_id)
        self.assertFalse(Membership.objects.filter(user=user, organisation=old.school).exists())
        self.assertTrue(Membership.objects.filter(user=user, organisation=row.school).exists())

    def test_a_future_duty_gives_its_role_when_it_starts(self):
        start = timezone.localdate() + timedelta(days=10)
        self.export["duties"][8]["startDate"] = start.isoformat()
        self.save()
        row = ImportedDuty.objects.get(source_id=self.export["duties"][8]["id"])
        self.assertFalse(row.is_active)
        self.assertFalse(Membership.objects.filter(user=row.person.user).exists())
        plan = services.plan_import(
            owner=self.owner, snapshot=snapshot_of(self.export), today=start
        )
        self.assertEqual(plan.summary()["roles_given"], 1)

    def test_bad_records_are_listed_with_id_and_reason_and_the_rest_saved(self):
        self.export["organisations"][1]["schoolUnitCode"] = "12"
        self.export["duties"][10]["dutyRole"] = "Vaktmästare"
        self.export["persons"][11].pop("emails")
        self.export["persons"][11].pop("eduPersonPrincipalNames")
        plan = self.save()
        reasons = {(p["id"], p["reason"]) for p in plan.problems}
        self.assertIn((self.export["organisations"][1]["id"], "bad_unit_code"), reasons)
        self.assertIn((self.export["duties"][10]["id"], "unknown_duty_role"), reasons)
        self.assertIn((self.export["persons"][11]["id"], "missing_email"), reasons)
        self.assertIn((self.export["duties"][11]["id"], "unknown_person"), reasons)
        # The duties at the bad school are listed too, and not saved.
        self.assertIn((self.export["duties"][0]["id"], "unknown_school"), reasons)
        self.assertEqual(Organisation.objects.filter(unit_code__startswith="9000").count(), 2)

    def test_a_record_with_a_problem_never_ends_a_role(self):
        self.save()
        self.export["duties"][12]["startDate"] = "not a date"
        plan = self.plan()
        self.assertEqual(plan.summary()["duties_ended"], 0)
        self.assertEqual(plan.summary()["roles_ended"], 0)

    def test_nothing_is_half_saved_when_saving_fails(self):
        before = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
        original = services._save_details

        def failing(*args, **kwargs):
            raise RuntimeError("disk full")

        services._save_details = failing
        try:
            with self.assertRaises(RuntimeError):
                self.save()
        finally:
            services._save_details = original
        after = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
        self.assertEqual(after, before)

    def test_an_existing_school_is_linked_by_its_unit_code_and_another_owners_is_refused(self):
        self.school.unit_code = self.export["organisations"][1]["schoolUnitCode"]
        self.school.save()
        self.other_school.unit_code = self.export["organisations"][2]["schoolUnitCode"]
        self.other_school.save()
        plan = self.save()
        self.assertEqual(plan.summary()["schools_linked"], 1)
        self.assertIn("unit_code_taken", {p["reason"] for p in plan.problems})
        self.school.refresh_from_db()
        self.assertEqual(self.school.name, self.export["organisations"][1]["displayName"])
        self.assertEqual(Organisation.objects.filter(unit_code=self.school.unit_code).count(), 1)
        self.assertFalse(Membership.objects.filter(organisation=self.other_school).count() > 1)

    def test_an_existing_account_is_linked_by_e_mail(self):
        person = self.export["persons"][4]
        self.alice.email = person["emails"][0]["value"]
        self.alice.save()
        summary = self.save().summary()
        self.assertEqual(summary["people_linked"], 1)
        self.assertTrue(ImportedPerson.objects.filter(user=self.alice).exists())
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.full_name, f"{person['givenName']} {person['familyName']}")
        self.assertFalse(self.plan().has_changes)  # and the next import finds nothing to do

    def test_subjects_fill_only_empty_details(self):
        self.save()
        detail = TeacherDetails.objects.filter(school__parent=self.owner).first()
        detail.subject_area = "Slöjd"
        detail.grade_span = ""
        detail.save()
        plan = self.plan()
        self.assertEqual(plan.summary()["details_filled"], 1)
        self.save()
        detail.refresh_from_db()
        self.assertEqual(detail.subject_area, "Slöjd")
        self.assertTrue(detail.grade_span)

    def test_a_changed_name_is_updated(self):
        self.save()
        self.export["persons"][3]["familyName"] = "Nyman"
        self.export["organisations"][2]["displayName"] = "Nya skolan"
        summary = self.save().summary()
        self.assertEqual((summary["people_updated"], summary["schools_updated"]), (1, 1))
        self.assertTrue(User.objects.filter(full_name__endswith=" Nyman").exists())


class ParsingTests(BaseTestCase):
    def test_grades_and_spans(self):
        self.assertEqual(ss12000.group_grades({"schoolType": "GR", "displayName": "7B"}), ["7"])
        self.assertEqual(ss12000.group_grades({"schoolType": "FKLASS"}), ["F"])
        self.assertEqual(ss12000.group_grades({"schoolType": "GR", "schoolYear": 4}), ["4"])
        self.assertEqual(ss12000.grade_span_label({"F", "1", "3"}), "F–3")
        self.assertEqual(ss12000.grade_span_label({"7", "9", "GY"}), "7–9, GY")

    def test_the_email_prefers_a_staff_address_then_the_eppn(self):
        person = {
            "emails": [
                {"value": "privat@x.example", "type": "Privat"},
                {"value": "Jobb@Kommun.example", "type": "Skola personal"},
            ]
        }
        self.assertEqual(ss12000.person_email(person), "jobb@kommun.example")
        self.assertEqual(
            ss12000.person_email({"eduPersonPrincipalNames": ["a@b.example"]}), "a@b.example"
        )
        self.assertEqual(ss12000.person_email({"eduPersonPrincipalNames": ["abc123"]}), "")

    def test_a_school_without_a_municipality_code_takes_the_huvudmans(self):
        export = generate.export(schools=1, staff=2, municipality_code="1384")
        export["organisations"][1].pop("municipalityCode")
        self.assertEqual(ss12000.normalise(export).schools[0]["municipality_code"], "1384")

    def test_api_pages_and_plain_lists_are_both_read(self):
        export = {"organisations": {"data": [{"id": "h", "organisationType": "Huvudman"}]}}
        self.assertEqual(ss12000.normalise(export).owner["id"], "h")
        self.assertEqual(ss12000.normalise([]).problems[0]["reason"], "not_an_export")

    def test_the_csv_template_imports(self):
        export, problems = csvformat.to_export(csvformat.template())
        self.assertEqual(problems, [])
        snapshot = ss12000.normalise(export)
        self.assertEqual(len(snapshot.schools), 1)
        self.assertEqual(len(snapshot.duties), 2)
        detail = snapshot.details[0]
        self.assertEqual((detail["subject_area"], detail["grade_span"]), ("Matematik, NO", "7–9"))

    def test_a_csv_row_without_an_email_is_listed(self):
        text = ";".join(csvformat.COLUMNS) + "\n12345678;Skolan;1380;Ann;;;Lärare;2026-01-01;;;\n"
        _export, problems = csvformat.to_export(text)
        self.assertEqual(problems[0]["id"], "2")


class CommandTests(BaseTestCase):
    def test_the_command_runs_dry_then_saves(self):
        import tempfile

        export = generate.export(schools=2, staff=8, domain="cmd.example")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(export, handle)
        out = StringIO()
        call_command("ss12000_import", str(self.owner.pk), handle.name, stdout=out)
        self.assertIn("people new: 8", out.getvalue())
        self.assertFalse(User.objects.filter(email__endswith="cmd.example").exists())
        call_command("ss12000_import", str(self.owner.pk), handle.name, "--save", stdout=out)
        self.assertEqual(User.objects.filter(email__endswith="cmd.example").count(), 8)


class PrefillTests(BaseTestCase):
    def test_an_imported_teachers_visits_are_pre_filled_with_subject_and_grade(self):
        from samsyn.observations.tests.factories import make_round

        export = generate.export(schools=1, staff=4, domain="prefill.example")
        services.import_save(owner=self.owner, snapshot=snapshot_of(export), actor=None)
        school = Organisation.objects.get(unit_code="90000001")
        teacher = User.objects.filter(
            memberships__organisation=school, memberships__role=Role.TEACHER
        ).first()
        detail = TeacherDetails.objects.get(teacher=teacher, school=school)
        round_ = make_round(
            self, organisation=school, schools=[school], teachers=[teacher], observers=[self.oscar]
        )
        visit = round_.assignments.first()
        self.assertEqual(visit.subject, detail.subject_area.split(",")[0])
        self.assertEqual(visit.grade, detail.grade_span)
        self.assertTrue(visit.subject)
