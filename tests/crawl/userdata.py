"""The words people wrote: every text the database holds, which a page may show as it is.

A Swedish school writes its plans, notes, survey questions, subject and framework wording in
Swedish, and an English page shows them so; names are names in both languages. These texts are
not the interface's words, so the language check takes them out of a page's text before it
looks (a text node that is one of them, or a translated sentence around one, such as
"Status of “…”"). Fields with `choices` hold codes, not words people wrote: they are not taken.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

MIN_LENGTH = 2


def _strings(value, into: set[str]) -> None:
    if isinstance(value, str):
        # The whole text, and each of its lines (a page shows them as paragraphs or items).
        for text in {value, *value.splitlines()}:
            text = " ".join(text.split()).lstrip("-•* ")
            if len(text) >= MIN_LENGTH and any(c.isalpha() for c in text):
                into.add(text)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, into)
    elif isinstance(value, list):
        for item in value:
            _strings(item, into)


def database_texts() -> frozenset[str]:
    """Every distinct text of the project's models' text fields (and the strings inside their
    JSON fields), whitespace collapsed."""
    found: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("samsyn."):
            continue
        for field in model._meta.concrete_fields:
            if field.choices or not isinstance(
                field, models.CharField | models.TextField | models.JSONField
            ):
                continue
            if field.name in ("password", "token", "secret", "key_hash", "token_hash"):
                continue
            values = model._default_manager.values_list(field.attname, flat=True).distinct()
            for value in values.iterator():
                _strings(value, found)
    return frozenset(found)
