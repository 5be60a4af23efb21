"""Swedish throughout: framework strings, month names, minus signs, plurals, the record of
processing. Each test fails on the text a Swedish reader saw before."""

from __future__ import annotations

import datetime
from pathlib import Path

from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from samsyn.accounts.models import Organisation
from samsyn.test import BaseTestCase


class BlankChoiceTests(BaseTestCase):
    def test_every_dropdown_offers_the_empty_choice_in_swedish(self):
        class Form(forms.ModelForm):
            class Meta:
                model = Organisation
                fields = ["owner_type"]

        with translation.override("sv"):
            html = str(Form()["owner_type"])
        self.assertIn("– Välj –", html)
        self.assertNotIn("Select an option", html)
        with translation.override("en"):
            self.assertIn("- Select an option -", str(Form()["owner_type"]))


MONTHS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}


class DateTests(BaseTestCase):
    def test_may_is_maj_in_swedish_dates(self):
        day = datetime.date(2026, 5, 4)
        with translation.override("sv"):
            self.assertEqual(formats.date_format(day, "j F Y"), "4 maj 2026")
        with translation.override("en"):
            self.assertEqual(formats.date_format(day, "j F Y"), "4 May 2026")

    def test_no_catalogue_translates_the_month_name_without_a_context(self):
        """A bare msgid "May" in any catalogue of ours overrides Django's month name."""
        import polib
        from django.conf import settings as django_settings

        base = Path(django_settings.BASE_DIR)
        found = [
            str(path.relative_to(base))
            for path in base.glob("**/locale/sv/LC_MESSAGES/django.po")
            if ".venv" not in path.parts
            and any(e.msgid in MONTHS and not e.msgctxt for e in polib.pofile(str(path)))
        ]
        self.assertEqual(found, [])

    def test_the_record_still_says_what_a_role_may_do(self):
        template = Template(
            '{% load i18n %}{% translate "May" context "what a role is allowed to do" %}'
        )
        with translation.override("sv"):
            self.assertEqual(template.render(Context()), "Får")


class MinusSignTests(BaseTestCase):
    def render(self, value, arg: str = "1") -> str:
        return Template("{{ v|floatformat:" + arg + " }}").render(Context({"v": value}))

    def test_negative_numbers_get_a_real_minus_and_the_decimal_comma(self):
        with translation.override("sv"):
            self.assertEqual(self.render(-0.46), "\u22120,5")
            self.assertEqual(self.render(1.25, "2"), "1,25")
            self.assertEqual(self.render(-0.01), "0,0")  # no minus before a rounded zero
            self.assertEqual(self.render("not a number"), "")
        with translation.override("en"):
            self.assertEqual(self.render(-12.34), "\u221212.3")


class PluralTests(BaseTestCase):
    def test_peer_review_limit_is_a_real_plural(self):
        from samsyn.networks.services import ERR_TOO_MANY

        with translation.override("sv"):
            self.assertEqual(
                ERR_TOO_MANY % {"n": 1},
                "Skolan har redan 1 granskning i år, så många som nätverket tillåter.",
            )
            self.assertIn("2 granskningar i år", ERR_TOO_MANY % {"n": 2})


class RecordOfProcessingTests(BaseTestCase):
    def test_the_record_names_fields_and_models_in_swedish(self):
        from samsyn.privacy.records import controller_record

        with translation.override("sv"):
            record = controller_record(self.owner)
        names = [m["name"] for c in record["categories"] for m in c["models"]]
        fields = {f for c in record["categories"] for m in c["models"] for f in m["fields"]}
        apps = [c["app"] for c in record["categories"]]
        for english in ("created by", "created at", "actor", "framework version", "User Agent"):
            self.assertNotIn(english, fields)
        self.assertIn("skapad av", fields)
        self.assertNotIn("sso identitys", names)
        self.assertIn("identiteter för enkel inloggning", names)
        self.assertNotIn("Axes", apps)
