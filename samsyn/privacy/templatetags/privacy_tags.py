"""Template filters for the printed personal export."""

from __future__ import annotations

import json

from django import template

register = template.Library()


@register.filter
def cell(value: object) -> str:
    """A JSON value as table text: lists joined, objects as compact JSON, null as nothing."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "✓" if value else "–"
    return str(value)
