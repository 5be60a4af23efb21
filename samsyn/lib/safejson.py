"""Limits for JSON and text that people send us: nesting depth, size, control characters.

- `loads` refuses JSON nested deeper than `MAX_DEPTH` levels (Python's parser would otherwise
  fail with RecursionError, a 500) or larger than `max_bytes`, with a translated message.
- `bad_character` finds a control character that has no place in text (NUL and the other
  C0 controls and DEL; tab, newline and carriage return are allowed where text may span
  lines). PostgreSQL refuses NUL in text, so such input must be refused with a clear message
  where it comes in, not fail later.
- `control_character_paths` lists every string in parsed JSON that holds one, by path.

Forms (`samsyn.lib.text`), the API (`samsyn.lib.middleware.JsonLimitsMiddleware`) and the
framework file format all use these.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

MAX_DEPTH = 64
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class JsonLimitError(ValueError):
    """JSON that is too deep or too large; `str(error)` is a message for people."""


def depth(raw: str) -> int:
    """The deepest nesting of arrays and objects in `raw` (strings are skipped), without
    parsing it: cheap enough to run before the parser."""
    deepest = level = 0
    for match in _TOKENS.finditer(raw):
        piece = match.group(0)
        if piece in ("[", "{"):
            level += 1
            deepest = max(deepest, level)
        elif piece in ("]", "}"):
            level -= 1
    return deepest


def loads(raw: str | bytes, *, max_depth: int = MAX_DEPTH, max_bytes: int | None = None) -> Any:
    """`json.loads` with a depth and size limit; raises JsonLimitError or JSONDecodeError."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise JsonLimitError(_("The JSON is larger than %(n)s kB.") % {"n": max_bytes // 1024})
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    # Fewer brackets in all than the limit: no need to follow the nesting.
    if text.count("[") + text.count("{") > max_depth and depth(text) > max_depth:
        raise JsonLimitError(
            _("The JSON is nested more than %(n)s levels deep.") % {"n": max_depth}
        )
    return json.loads(text)


def bad_character(text: str, *, multiline: bool = True) -> str | None:
    """The first control character not allowed in `text`, as `U+0000`, or None."""
    match = (_CONTROL if multiline else _CONTROL_OR_LINE).search(text)
    return None if match is None else f"U+{ord(match.group(0)):04X}"


def may_hold_control_characters(raw: str | bytes) -> bool:
    """False when JSON text `raw` cannot decode to a string with a control character (a cheap
    test before `control_character_paths` walks the parsed data). The parser refuses C0
    controls unescaped inside strings, so those can only come from an escape (`\\u0000`,
    `\\b`, `\\f`), and every escape starts with a backslash; DEL may stand as it is."""
    if isinstance(raw, bytes):
        return b"\\" in raw or b"\x7f" in raw
    return "\\" in raw or "\x7f" in raw


def control_character_paths(data: Any, path: str = "") -> list[tuple[str, str]]:
    """(path, character) for every string (key or value) in parsed JSON holding a control
    character other than tab, newline and carriage return."""
    found: list[tuple[str, str]] = []
    if isinstance(data, str):
        char = bad_character(data)
        if char:
            found.append((path or "(root)", char))
    elif isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            char = bad_character(str(key))
            if char:
                found.append((where, char))
            found.extend(control_character_paths(value, where))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(control_character_paths(value, f"{path}[{i}]"))
    return found
