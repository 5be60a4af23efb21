"""Person pickers: two people with the same name are told apart by school and e-mail."""

from __future__ import annotations

from samsyn.accounts.fields import PeopleChoiceField, PersonChoiceField, person_choices
from samsyn.accounts.models import Membership, Role, User
from samsyn.test import BaseTestCase, make_user


class PersonPickerTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.anna_a = make_user("anna.a", "Anna Berg")
        self.anna_b = make_user("anna.b", "Anna Berg")
        Membership.objects.create(user=self.anna_a, organisation=self.school, role=Role.TEACHER)
        Membership.objects.create(user=self.anna_b, organisation=self.school_b, role=Role.TEACHER)
        self.people = User.objects.filter(pk__in=[self.anna_a.pk, self.anna_b.pk, self.alice.pk])

    def labels(self, field) -> dict[str, str]:
        return {str(value): label for value, label in field.choices if value != ""}

    def test_namesakes_get_school_and_email_others_only_their_name(self):
        for field in (PersonChoiceField(queryset=self.people), PeopleChoiceField(self.people)):
            with self.subTest(field=type(field).__name__):
                labels = self.labels(field)
                self.assertEqual(
                    labels[str(self.anna_a.pk)], "Anna Berg (Skola A · anna.a@example.org)"
                )
                self.assertEqual(
                    labels[str(self.anna_b.pk)], "Anna Berg (Skola B · anna.b@example.org)"
                )
                self.assertEqual(labels[str(self.alice.pk)], "Alice Teacher")

    def test_choice_lists_built_by_hand_are_told_apart_too(self):
        labels = dict(person_choices([self.anna_a, self.anna_b, self.alice]))
        self.assertNotEqual(labels[str(self.anna_a.pk)], labels[str(self.anna_b.pk)])
        self.assertEqual(labels[str(self.alice.pk)], "Alice Teacher")

    def test_the_personal_export_picker_tells_namesakes_apart(self):
        from samsyn.privacy.forms import PersonExportForm

        html = str(PersonExportForm(owner=self.owner)["person"])
        self.assertIn("Anna Berg (Skola A · anna.a@example.org)", html)
        self.assertIn("Anna Berg (Skola B · anna.b@example.org)", html)
