"""Smaller findings of issue 19 (finding 7), written as the attacks over HTTP.

- a 100,000-deep framework file gave a 500 (RecursionError);
- NUL and other control characters were accepted in text (PostgreSQL refuses NUL later);
- the principal could open an observer's draft;
- backups were world-readable and held live session keys (tested in test_backup.py).
"""

from __future__ import annotations

import json
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samsyn.accounts.models import User
from samsyn.frameworks.tests.factories import framework_data
from samsyn.lib import safejson
from samsyn.observations import services as observation_services
from samsyn.observations.tests.factories import default_version, full_ratings, make_round
from samsyn.test import PASSWORD, BaseTestCase


def login(case, user) -> None:
    case.client.logout()
    data = {"username": user.email, "password": PASSWORD}
    assert case.client.post(reverse("accounts:login"), data).status_code == 302


class JsonLimitTests(BaseTestCase):
    def _import(self, raw: bytes):
        upload = SimpleUploadedFile("f.json", raw, content_type="application/json")
        data = {"organisation": str(self.owner.pk), "file": upload}
        return self.client.post(reverse("frameworks:import"), data)

    def test_attack_a_100000_deep_framework_file(self):
        login(self, self.olle)
        response = self._import(b"[" * 100_000 + b"]" * 100_000)
        assert response.status_code == 200
        errors = response.context["errors"]
        assert len(errors) == 1 and str(safejson.MAX_DEPTH) in errors[0]

    def test_attack_a_nul_in_a_framework_file_is_named_by_its_place(self):
        data = framework_data()
        data["dimensions"][0]["name"]["sv"] = "Mål\x00"
        login(self, self.olle)
        response = self._import(json.dumps(data).encode())
        assert response.status_code == 200
        errors = response.context["errors"]
        assert errors and errors[0].startswith("dimensions[0].name.sv: ")
        assert "U+0000" in errors[0]

    def test_the_depth_scan_skips_strings(self):
        assert safejson.depth('{"a": "[[[[[[", "b": [[1]]}') == 3
        assert safejson.depth('"\\"[["') == 0


class ControlCharacterTests(BaseTestCase):
    def test_attack_control_characters_in_a_form_field(self):
        login(self, self.alice)
        for bad in ("Anna\x00Berg", "Anna\x1b[31mBerg", "Anna\nBerg"):
            response = self.client.post(
                reverse("accounts:profile"), {"full_name": bad, "language": "en"}
            )
            assert response.status_code == 200, repr(bad)
            errors = response.context["form"].errors["full_name"]
            assert "control character" in errors[0] or "styrtecken" in errors[0]
            assert str(response.context["form"].fields["full_name"].label) in errors[0]
        assert User.objects.get(pk=self.alice.pk).full_name == "Alice Teacher"

    def test_multi_line_text_keeps_tabs_and_newlines(self):
        from django import forms

        class Note(forms.Form):
            text = forms.CharField(label="Note", widget=forms.Textarea)

        assert Note({"text": "rad 1\n\trad 2\r\n"}).is_valid()
        form = Note({"text": "rad\x07"})
        assert not form.is_valid() and "Note" in form.errors["text"][0]

    def test_attack_a_nul_through_the_api_is_refused_naming_the_field(self):
        round_ = make_round(self)
        ratings = full_ratings(default_version())
        ratings[0]["note"] = "bra\x00"
        login(self, self.oscar)
        response = self.client.put(
            f"/api/v1/observations/{uuid.uuid4()}",
            data=json.dumps(
                {
                    "base_revision": 0,
                    "assignment_id": round_.assignments.first().pk,
                    "ratings": ratings,
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 422
        errors = response.json()["errors"]
        assert list(errors) == ["ratings[0].note"]
        assert "U+0000" in errors["ratings[0].note"]

    def test_deep_json_to_the_api_is_refused_with_the_reason(self):
        login(self, self.oscar)
        response = self.client.put(
            f"/api/v1/observations/{uuid.uuid4()}",
            data="[" * 100_000 + "]" * 100_000,
            content_type="application/json",
        )
        assert response.status_code == 400
        assert str(safejson.MAX_DEPTH) in response.json()["detail"]


class DraftTests(BaseTestCase):
    def test_attack_the_principal_opens_an_observers_draft(self):
        round_ = make_round(self)
        result = observation_services.observation_save(
            actor=self.oscar,
            uuid=uuid.uuid4(),
            data={
                "assignment_id": round_.assignments.first().pk,
                "ratings": full_ratings(default_version()),
            },
            base_revision=0,
        )
        url = reverse("observations:detail", args=[result.observation.uuid])
        login(self, self.pia)
        assert self.client.get(url).status_code == 404
        login(self, self.oscar)
        assert self.client.get(url).status_code == 200
        observation_services.observation_submit(actor=self.oscar, observation=result.observation)
        login(self, self.pia)
        assert self.client.get(url).status_code == 200  # submitted: leadership reads it


class ParsedOnceTests(BaseTestCase):
    """The API reads the body JsonLimitsMiddleware parsed; the control-character check still
    sees every escape (the cheap test only skips bodies without a backslash or DEL)."""

    def test_the_cheap_test_keeps_every_way_to_a_control_character(self):
        for text in ('{"a": "\\u0000"}', '{"a": "\\b"}', '{"a": "x\x7f"}', '{"\\u0001": 1}'):
            data = json.loads(text)
            assert safejson.control_character_paths(data), text
            assert safejson.may_hold_control_characters(text), text
            assert safejson.may_hold_control_characters(text.encode()), text
        assert not safejson.may_hold_control_characters('{"a": "Elever i par", "b": [1]}')

    def test_attack_a_del_and_an_escaped_nul_in_an_api_save(self):
        round_ = make_round(self)
        assignment = round_.assignments.first()
        self.client.force_login(self.oscar)
        for note in ("x\x7f", "x\x00"):
            body = {"assignment_id": assignment.pk, "subject": note, "ratings": []}
            response = self.client.put(
                f"/api/v1/observations/{uuid.uuid4()}",
                data=json.dumps(body, ensure_ascii=False),
                content_type="application/json",
            )
            assert response.status_code == 422, (note, response.content)
            assert "subject" in response.json()["errors"]
