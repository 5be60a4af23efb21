"""samsyn.analysis is pure: nothing in it (tests aside) may import Django."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]


def django_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "django"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "django":
                found.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and str(arg.value).split(".")[0] == "django":
                found.append(str(arg.value))
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts)


def test_the_package_has_modules_to_check():
    names = {p.name for p in modules()}
    assert {"results.py", "agreement.py", "change.py", "suppression.py"} <= names


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_does_not_import_django(path):
    assert django_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "import django",
        "import django.db.models as m",
        "from django.conf import settings",
        "def f():\n    from django.db import models",
        "__import__('django.conf')",
    ],
)
def test_the_detector_catches_every_form_of_import(source):
    assert django_imports(source) != []


def test_the_detector_ignores_lookalikes():
    assert django_imports("import djangolike\nfrom .django import x\nx = 'django'") == []
