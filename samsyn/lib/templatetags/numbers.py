"""Numbers as a reader expects them: a real minus sign (U+2212) before negative numbers.

Registered as a template builtin (settings.TEMPLATES), so this `floatformat` replaces Django's
in every template: it formats exactly as Django's does (the language's decimal sign included)
and then writes the minus as "−" instead of the hyphen "-".
"""

from __future__ import annotations

from django import template
from django.template import defaultfilters
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MINUS = "\u2212"


def real_minus(text: str) -> str:
    """'-0,5' -> '−0,5'; anything not starting with a hyphen is returned unchanged."""
    if text.startswith("-"):
        return MINUS + text[1:]
    return text


@register.filter(is_safe=True)
def floatformat(value, arg=-1) -> str:
    formatted = defaultfilters.floatformat(value, arg)
    result = real_minus(str(formatted))
    # Django's output is digits and separators only; replacing the hyphen keeps it so.
    return mark_safe(result) if isinstance(formatted, SafeString) else result  # noqa: S308
