"""A service's ValidationError shown where the person will read it.

Services validate with `full_clean()` and raise ValidationError; views show it either on the
form that was posted (`errors_to_form`: on the field it names when the form has that field,
otherwise above the form) or, when the page has no form to show again, as messages
(`errors_to_messages`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def errors_to_form(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, on the named field where there is one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    """Each message of a service's ValidationError as an error message on the next page."""
    for text in error.messages:
        messages.error(request, text)
