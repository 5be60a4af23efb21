"""Fixtures shared by every test: where ../shared lives and whether R is available."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent


def shared_path() -> Path:
    """The shared/ folder beside the checkout (or SAMSYN_SHARED_DIR)."""
    return Path(os.environ.get("SAMSYN_SHARED_DIR", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = shared_path()
    if not path.is_dir():
        pytest.skip(f"shared/ data not found at {path}; set SAMSYN_SHARED_DIR")
    return path


@pytest.fixture(scope="session")
def validation_dir(shared_dir: Path) -> Path:
    return shared_dir / "validation"


@pytest.fixture(scope="session")
def rscript() -> str:
    """Path to Rscript; tests that compare against R skip, saying why, when it is missing.

    `make test` installs Debian's R, so in CI these tests always run.
    """
    path = shutil.which("Rscript")
    if path is None:
        if os.environ.get("SAMSYN_REQUIRE_R"):
            pytest.fail("Rscript not found but SAMSYN_REQUIRE_R is set")
        pytest.skip("Rscript not installed (make test installs r-base-core)")
    return path


def pytest_configure(config) -> None:
    """Argon2 is slow on purpose; tests do not need that. (Pure tests run without Django.)"""
    if config.pluginmanager.hasplugin("django") and os.environ.get("DJANGO_SETTINGS_MODULE"):
        from django.conf import settings

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
