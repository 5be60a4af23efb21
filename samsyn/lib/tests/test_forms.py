"""A service's ValidationError shown on the form or as messages (samsyn/lib/forms.py)."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from samsyn.lib.forms import errors_to_form, errors_to_messages


class TitleForm(forms.Form):
    title = forms.CharField()


def test_a_field_error_lands_on_its_field_and_others_above_the_form():
    form = TitleForm({"title": "x"})
    assert form.is_valid()
    errors_to_form(
        form,
        ValidationError(
            {
                "title": ValidationError("Too short: %(n)s.", params={"n": 1}),
                "school": "Not your school.",
                "__all__": "Not now.",
            }
        ),
    )
    assert form.errors["title"] == ["Too short: 1."]
    assert form.non_field_errors() == ["Not your school.", "Not now."]
    assert "title" not in form.cleaned_data


def test_an_error_without_fields_lands_above_the_form():
    form = TitleForm({"title": "x"})
    assert form.is_valid()
    errors_to_form(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]
    assert form.cleaned_data["title"] == "x"


def test_each_message_becomes_an_error_message():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    errors_to_messages(request, ValidationError({"a": "One.", "b": ["Two.", "Three."]}))
    assert [m.message for m in get_messages(request)] == ["One.", "Two.", "Three."]
