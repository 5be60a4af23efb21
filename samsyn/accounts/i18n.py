"""Moving a path between the Swedish (unprefixed) and English (/en/) URL spaces."""

from __future__ import annotations

from django.conf import settings

PREFIXED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def strip_language(path: str) -> str:
    for code in PREFIXED:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return path[len(code) + 1 :] or "/"
    return path


def translate_path(path: str, language: str) -> str:
    """The same page in `language`: `/org/1/` → `/en/org/1/` and back."""
    bare = strip_language(path)
    if language == settings.LANGUAGE_CODE:
        return bare
    return f"/{language}{bare}"
