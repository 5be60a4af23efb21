"""Settings and their documentation agree; production settings pass `check --deploy`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
READ = re.compile(r'(?:getenv|envbool|envint|envlist|environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"')


def variables_read_by_settings() -> set[str]:
    return set(READ.findall((REPO / "samsyn" / "settings.py").read_text()))


def env_example() -> dict[str, str]:
    values = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_it_finds_the_variables():
    # Guards the regex: a broken one would make the documentation tests pass vacuously.
    assert {"SECRET_KEY", "DATABASE_URL", "SAMSYN_MIN_GROUP"} <= variables_read_by_settings()


def test_every_variable_is_documented_in_configuration_md():
    documented = set(
        re.findall(r"`([A-Z][A-Z0-9_]+)`", (REPO / "docs/configuration.md").read_text())
    )
    missing = variables_read_by_settings() - documented
    assert not missing, f"Document these in docs/configuration.md: {sorted(missing)}"


def test_every_variable_is_in_env_example():
    missing = variables_read_by_settings() - set(env_example())
    assert not missing, f"Add these to .env.example: {sorted(missing)}"


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_example())
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        SAMSYN_DATA_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="samsyn.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_development_defaults_fail_check_deploy(tmp_path):
    """The check is real: the development defaults are not fit for production."""
    env = {k: v for k, v in os.environ.items() if k not in env_example()}
    env.update(SAMSYN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="samsyn.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = dict(connections.settings["default"])
    if "sqlite3" not in config["ENGINE"]:
        pytest.skip("SQLite-only settings; this run uses " + config["ENGINE"])
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    config["NAME"] = str(tmp_path / "wal.sqlite3")
    wrapper = DatabaseWrapper(config, alias="wal-check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 1000
    finally:
        wrapper.close()


@pytest.mark.django_db
def test_postgresql_connections_compile_no_queries():
    """JIT compilation is off: it turned a 0.1 ms capture read into 10-25 ms of compiling once
    the tables had grown past their statistics (samsyn/settings.py)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only settings; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
