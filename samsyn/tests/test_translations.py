"""Every user-facing string is translatable, and the Swedish catalogue is complete.

Three checks: templates have no bare text outside {% translate %}/{% blocktranslate %};
Python code does not hand literal strings to messages, errors, labels or choices; and the
committed Swedish catalogue holds every string `makemessages` finds, none empty or fuzzy.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.template.base import Lexer, TokenType

REPO = Path(__file__).resolve().parents[2]
PO = REPO / "locale" / "sv" / "LC_MESSAGES" / "django.po"

# Words that are the same in every language: the product's name and the languages' own names.
ALLOWED_WORDS = {"Samsyn", "Svenska", "English"}
LETTERS = re.compile(r"[A-Za-zÅÄÖåäöÉé]{2,}")
ATTRIBUTE = re.compile(r'\b(?:title|alt|placeholder|aria-label)="([^"{]*)"')


def template_files() -> list[Path]:
    roots = [REPO / "templates", *(REPO / "samsyn").glob("*/templates")]
    return sorted(p for root in roots for p in root.rglob("*") if p.suffix in (".html", ".txt"))


def untranslated_text(source: str) -> list[str]:
    """Bare words in a template, outside translation blocks, tags and scripts."""
    parts: list[str] = []
    depth = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans", "comment"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment"):
                depth -= 1
            parts.append("\x00")
        elif token.token_type == TokenType.TEXT and depth == 0:
            parts.append(token.contents)
        else:
            parts.append("\x00")
    text = "".join(parts)
    problems = [value for value in ATTRIBUTE.findall(text) if LETTERS.search(value)]
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<!DOCTYPE[^>]*>", " ", text, flags=re.I)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&\w+;", " ", text)
    problems += [w for w in LETTERS.findall(text) if w not in ALLOWED_WORDS]
    return problems


def test_it_spots_bare_template_text():
    assert untranslated_text("<p>Hello</p>") == ["Hello"]
    assert untranslated_text('<p title="Help">{% translate "Hi" %}</p>') == ["Help"]
    assert untranslated_text('{% load i18n %}<p>{% translate "Hi" %} · Samsyn</p>') == []
    assert untranslated_text("{% blocktranslate %}Hi {{ x }}{% endblocktranslate %}") == []


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_templates_have_no_untranslated_text(path):
    assert untranslated_text(path.read_text()) == []


LITERAL_KWARGS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
MESSAGE_FUNCS = {"info", "success", "error", "warning", "debug", "add_message"}


def python_files() -> list[Path]:
    skip = ("tests", "migrations", "analysis", "demo", "management")
    return sorted(
        p
        for p in (REPO / "samsyn").rglob("*.py")
        if not any(part in skip for part in p.relative_to(REPO).parts) and p.name != "test.py"
    )


def _is_text(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(LETTERS.search(node.value))
    )


def untranslated_python(source: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            if owner == "messages" and name in MESSAGE_FUNCS:
                problems += [repr(a.value) for a in node.args[1:] if _is_text(a)]
            if name == "ValidationError" and node.args and _is_text(node.args[0]):
                problems.append(repr(node.args[0].value))
            problems += [
                f"{kw.arg}={kw.value.value!r}"
                for kw in node.keywords
                if kw.arg in LITERAL_KWARGS and _is_text(kw.value)
            ]
        if isinstance(node, ast.ClassDef) and any(
            getattr(base, "attr", getattr(base, "id", "")) in ("TextChoices", "IntegerChoices")
            for base in node.bases
        ):
            for stmt in node.body:
                value = getattr(stmt, "value", None)
                if isinstance(value, ast.Tuple) and value.elts and _is_text(value.elts[-1]):
                    problems.append(f"choice label {value.elts[-1].value!r}")
    return problems


def test_it_spots_bare_python_strings():
    assert untranslated_python('messages.info(request, "Saved")') == ["'Saved'"]
    assert untranslated_python('forms.CharField(label="Name")') == ["label='Name'"]
    assert untranslated_python('raise ValidationError("Bad")') == ["'Bad'"]
    assert untranslated_python('class K(models.TextChoices):\n    A = "a", "Aa"') == [
        "choice label 'Aa'"
    ]
    assert untranslated_python('forms.CharField(label=_("Name"))') == []


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_python_has_no_untranslated_text(path):
    assert untranslated_python(path.read_text()) == []


def catalogues(root: Path) -> list[Path]:
    """The Swedish catalogues under `root`: the project's and those of apps with a locale dir.

    `makemessages` puts each string in the catalogue of the nearest enclosing `locale` folder,
    so an app with `samsyn/<app>/locale/` keeps its strings to itself.
    """
    tail = Path("locale", "sv", "LC_MESSAGES", "django.po")
    return [root / tail, *sorted((root / "samsyn").glob(f"*/{tail}"))]


def test_swedish_catalogue_is_complete_and_current(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed (make test installs it)")
    assert PO.exists(), "locale/sv/LC_MESSAGES/django.po is missing: run make makemessages"
    committed: dict[Path, polib.POFile] = {}
    for path in catalogues(REPO):
        po = polib.pofile(str(path))
        where = path.relative_to(REPO)
        untranslated = [e.msgid for e in po.untranslated_entries()]
        fuzzy = [e.msgid for e in po.fuzzy_entries()]
        assert not untranslated, f"Untranslated Swedish entries in {where}: {untranslated[:20]}"
        assert not fuzzy, f"Fuzzy Swedish entries in {where}: {fuzzy[:20]}"
        committed[where] = po

    # Extract afresh from a copy of the sources and compare.
    work = tmp_path / "src"
    for name in ("samsyn", "templates", "locale"):
        shutil.copytree(REPO / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "manage.py", work)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-obsolete", "-v0"],
        cwd=work,
        env={
            "PATH": "/usr/bin:/bin",
            "SAMSYN_DATA_DIR": str(tmp_path / "var"),
            "DJANGO_SETTINGS_MODULE": "samsyn.settings",
            "SECRET_KEY": "x" * 60,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for path in catalogues(work):
        where = path.relative_to(work)
        if not path.exists():
            continue
        fresh = polib.pofile(str(path))
        known = {(e.msgctxt, e.msgid) for e in committed.get(where, [])}
        missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
        assert not missing, f"Strings missing from {where} (make makemessages): {missing[:20]}"


@pytest.mark.parametrize("path", catalogues(REPO), ids=lambda p: str(p.relative_to(REPO)))
def test_each_catalogue_compiles_with_matching_placeholders(path):
    """msgfmt refuses a translation that drops or renames a %(name)s placeholder; so does
    `compilemessages` at start-up, so such an entry would break `make run`."""
    if shutil.which("msgfmt") is None:
        pytest.fail("gettext is not installed (make test installs it)")
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
