"""Control characters are refused in every text form field, with a message naming the field.

Installed once at start-up (`samsyn.lib.apps.LibConfig.ready`) on Django's `forms.CharField`,
so every CharField of every form (and its subclasses: e-mail, URL, slug, …) checks its value:
NUL and the other C0 control characters and DEL are refused everywhere; tab, newline and
carriage return are allowed, except newline and carriage return in single-line text inputs.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from samsyn.lib.safejson import bad_character

ERR_CONTROL = gettext_lazy(
    "%(field)s contains a control character (%(char)s) that cannot be stored; remove it."
)
_installed = False


def check_text(field: forms.Field, value: object) -> None:
    """Refuse `value` if it holds a control character not allowed in `field`."""
    if not isinstance(value, str) or not value:
        return
    multiline = not isinstance(field.widget, forms.TextInput)
    char = bad_character(value, multiline=multiline)
    if char is not None:
        label = field.label or gettext_lazy("This field")
        raise ValidationError(
            ERR_CONTROL, code="control_character", params={"field": label, "char": char}
        )


def install() -> None:
    """Wrap `forms.CharField.validate` once (idempotent)."""
    global _installed
    if _installed:
        return
    original = forms.CharField.validate

    def validate(self: forms.CharField, value: object) -> None:
        original(self, value)
        check_text(self, value)

    forms.CharField.validate = validate
    _installed = True
