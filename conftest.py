"""Fixtures shared by every test: where ../shared lives and whether R is available."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent

# The demo world built once per run: `demo_snapshot`, `demo_db`, `demo_world`.
pytest_plugins = ["tests.demo_world"]


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
    """Argon2 is slow on purpose; tests do not need that. Static files versioned as in
    production (collected once, see collected_static). Under pytest-xdist each worker has a
    data directory of its own inside SAMSYN_DATA_DIR. (Pure tests run without Django.)"""
    if config.pluginmanager.hasplugin("django") and os.environ.get("DJANGO_SETTINGS_MODULE"):
        from django.conf import settings
        from django.test.utils import override_settings

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        static_root = collected_static()
        override_settings(STATIC_ROOT=static_root).enable()  # for the whole run
        share_whitenoise_files(static_root)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:  # pytest -n: each worker process writes files of its own
            data_dir = Path(settings.DATA_DIR) / worker
            data_dir.mkdir(parents=True, exist_ok=True)
            override_settings(DATA_DIR=data_dir).enable()


def collected_static() -> Path:
    """A collectstatic of the current static files, made once and shared by every run on this
    machine until a static file changes (the folder is named after their names, sizes and
    times): pages then link the hashed names, and the live server serves them, as in
    production. A lock lets parallel runs (make test's two halves) make it once."""
    import fcntl
    import hashlib
    import tempfile

    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test.utils import override_settings

    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list(["CVS", ".*", "*~"]), key=lambda f: f[0]):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    root = Path(tempfile.gettempdir()) / f"samsyn-test-static-{digest.hexdigest()[:16]}"
    with open(f"{root}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():
            partial = root.with_name(root.name + f".{os.getpid()}")
            shutil.rmtree(partial, ignore_errors=True)
            with override_settings(STATIC_ROOT=partial):
                call_command("collectstatic", interactive=False, verbosity=0)
            shutil.rmtree(root, ignore_errors=True)
            partial.rename(root)
    return root


def _whitenoise_key(settings, static_root: Path) -> str | None:
    """What decides WhiteNoise's file table (the files, their URLs and headers), or None when
    the table must be built anew: another STATIC_ROOT than the run's collected one (whose
    folder is named after the static files it holds, so its files never change), or
    autorefresh (no table)."""
    if Path(settings.STATIC_ROOT).resolve() != static_root.resolve():
        return None
    if getattr(settings, "WHITENOISE_AUTOREFRESH", settings.DEBUG):
        return None
    names = [name for name in dir(settings) if name.startswith("WHITENOISE_")]
    return repr(
        (
            str(static_root),
            settings.DEBUG,
            settings.STATIC_URL,
            settings.FORCE_SCRIPT_NAME,
            [str(folder) for folder in settings.STATICFILES_DIRS],
            list(settings.STATICFILES_FINDERS),
            list(settings.INSTALLED_APPS),
            settings.STORAGES.get("staticfiles"),
            sorted((name, getattr(settings, name)) for name in names),
        )
    )


def share_whitenoise_files(static_root: Path) -> None:
    """Django's test client builds the middleware anew for each client (each test case's
    test has one; the access matrices make hundreds), and WhiteNoise's middleware walks
    STATIC_ROOT and every static folder (the finders) as it starts: 40 ms of CPU each. Here the
    table it builds is kept and given to the next middleware started with the same settings
    (`_whitenoise_key`); any other settings, and every other STATIC_ROOT (a test that collects
    its own static files), get a table of their own, built as WhiteNoise builds it.
    tests/test_test_setup.py checks that a shared table is the one a fresh walk gives."""
    from django.conf import settings as django_settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    if getattr(WhiteNoiseMiddleware, "_samsyn_tables", None) is not None:
        return
    build = WhiteNoiseMiddleware.__init__
    add_files = WhiteNoiseMiddleware.add_files
    add_files_from_finders = WhiteNoiseMiddleware.add_files_from_finders
    tables: dict[str, dict] = {}

    def shared_init(self, get_response=None, settings=django_settings) -> None:
        key = _whitenoise_key(settings, static_root)
        table = tables.get(key) if key is not None else None
        self._samsyn_shared = table is not None  # (skip the walks below)
        build(self, get_response, settings)
        if table is not None:
            self.files = dict(table)
        elif key is not None:
            tables[key] = dict(self.files)

    def shared_add_files(self, root, prefix=None) -> None:
        if not getattr(self, "_samsyn_shared", False):
            add_files(self, root, prefix)

    def shared_add_files_from_finders(self) -> None:
        if not getattr(self, "_samsyn_shared", False):
            add_files_from_finders(self)

    WhiteNoiseMiddleware.__init__ = shared_init
    WhiteNoiseMiddleware.add_files = shared_add_files
    WhiteNoiseMiddleware.add_files_from_finders = shared_add_files_from_finders
    WhiteNoiseMiddleware._samsyn_tables = tables
    WhiteNoiseMiddleware._samsyn_unshared = (build, add_files, add_files_from_finders)


def uses_database(item) -> bool:
    """Whether a collected test touches the test database (a django_db mark, a fixture that
    sets the database up, or a Django test case that has databases). A test marked
    `any_database` uses one but checks nothing the database changes (the page crawl)."""
    if item.get_closest_marker("any_database"):
        return False
    if item.get_closest_marker("django_db") or "django_db_setup" in getattr(
        item, "fixturenames", ()
    ):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None and getattr(cls, "databases", None):
        from django.test import TransactionTestCase

        return issubclass(cls, TransactionTestCase) or bool(cls.databases)
    return False


def on_production_database(item) -> bool:
    """Whether make test runs this test once, in the PostgreSQL half (the production
    database): the browser journeys (`e2e`, except the page crawl, which runs in the SQLite
    half: the database `make run` uses) and the access matrices (`production_database`), the
    costliest tests, which check views and permissions the same way on either database."""
    if item.get_closest_marker("any_database"):
        return False
    return bool(item.get_closest_marker("e2e") or item.get_closest_marker("production_database"))


def pytest_collection_modifyitems(config, items) -> None:
    """SAMSYN_TEST_DATABASE_ONLY=1 (make test's PostgreSQL half): only the tests that use the
    database; the others do the same on every database and run in the SQLite half.
    SAMSYN_TEST_NOT_ONCE=1 (make test's SQLite half, when PostgreSQL runs too): not the tests
    make test runs once, on PostgreSQL (`on_production_database`)."""
    if os.environ.get("SAMSYN_TEST_NOT_ONCE"):
        keep = [item for item in items if not on_production_database(item)]
    elif os.environ.get("SAMSYN_TEST_DATABASE_ONLY"):
        keep = [item for item in items if uses_database(item) or on_production_database(item)]
    else:
        return
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in set(keep)])
        items[:] = keep
