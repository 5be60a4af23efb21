"""Playwright driving Debian's Chromium against a live server on loopback.

No browser is downloaded: we launch /usr/bin/chromium (installed by `make test`). Screenshots
of each journey's last page go to test-artifacts/ (SAMSYN_TEST_ARTIFACTS: make test gives each
database its own folder).

The live server (`live_server`, and `Server` for modules that run their own) is Django's, with
three differences: static files go through WhiteNoise, as in production, so pages get the
versioned (hashed) names; on SQLite, whose in-memory test database the server's threads share
with the test, it answers one request at a time; and stopping it closes the browser's open
keep-alive connections and waits for their threads, so none of them touches the shared
connection after the sharing ended ("DatabaseWrapper objects created in a thread can only be
used in that same thread").

The demo world is built once per run (`demo_snapshot`) and put back for each test that asks
for `demo_world`: see tests/demo_world.py, which every test can use.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

import pytest

from tests.demo_world import DatabaseSnapshot  # noqa: F401 (for modules that run their own server)

CHROMIUM = os.environ.get("SAMSYN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / os.environ.get(
    "SAMSYN_TEST_ARTIFACTS", "test-artifacts"
)
ARTIFACTS.mkdir(parents=True, exist_ok=True)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# --- the live server ---------------------------------------------------------------------


def _server_classes():
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class TrackedWSGIServer(ThreadedWSGIServer):
        """Django's threaded server, which knows the connections it has open."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.open_requests: dict[socket.socket, threading.Thread] = {}
            self.open_lock = threading.Lock()

        def process_request(self, request, client_address) -> None:
            thread = threading.Thread(
                target=self.process_request_thread,
                args=(request, client_address),
                name="process_request_thread",
                daemon=True,
            )
            with self.open_lock:
                self.open_requests[request] = thread
            thread.start()

        def shutdown_request(self, request) -> None:
            try:
                super().shutdown_request(request)
            finally:
                with self.open_lock:
                    self.open_requests.pop(request, None)

        def close_open_requests(self) -> None:
            """End every connection still open (the browser keeps idle ones alive) and wait for
            its thread, which closes the database connections it used as it ends."""
            with self.open_lock:
                still_open = list(self.open_requests.items())
            for request, _thread in still_open:
                with suppress(OSError):
                    request.shutdown(socket.SHUT_RDWR)
            for _request, thread in still_open:
                thread.join(timeout=30)

    class ServerThread(LiveServerThread):
        server_class = TrackedWSGIServer

        def terminate(self) -> None:
            if self.is_ready.is_set() and hasattr(self, "httpd"):
                self.httpd.shutdown()
                self.httpd.close_open_requests()
                self.httpd.server_close()
            self.join()

    return ServerThread


class _Application:
    """The server's WSGI application: Django with its middleware (WhiteNoise serves /static/).
    On a shared SQLite connection one request at a time, its body read inside the lock (a
    streamed CSV reads the database while it is sent)."""

    def __init__(self, app, one_at_a_time: bool) -> None:
        self.app = app
        self.lock = threading.RLock() if one_at_a_time else nullcontext()

    def __call__(self, environ, start_response):
        with self.lock:
            result = self.app(environ, start_response)
            try:
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()


class Server:
    """A live server on loopback for the browser (see the module's docstring)."""

    def __init__(
        self, host: str = "localhost", port: int = 0, *, one_at_a_time: bool = False
    ) -> None:
        from django.db import connections
        from django.test.utils import modify_settings

        self.shared = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        self.one_at_a_time = one_at_a_time or bool(self.shared)
        self.application: _Application | None = None
        self.thread = _server_classes()(
            host, self._wrap, connections_override=self.shared, port=port
        )
        self.thread.daemon = True
        # pytest-django's _live_server_helper enables this around each `live_server` test.
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": host})

    def _wrap(self, app) -> _Application:
        self.application = _Application(app, one_at_a_time=self.one_at_a_time)
        return self.application

    @property
    def url(self) -> str:
        return f"http://{self.thread.host}:{self.thread.port}"

    def start(self) -> Server:
        for conn in self.shared.values():
            conn.inc_thread_sharing()
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            self.stop()
            raise self.thread.error
        return self

    def stop(self) -> None:
        self.thread.terminate()
        for conn in self.shared.values():
            conn.dec_thread_sharing()

    @contextmanager
    def redeploy(self):
        """Between requests (a server made `one_at_a_time`): change settings inside the block;
        Django's application is then built anew (WhiteNoise reads STATIC_ROOT as it starts)."""
        from django.core.handlers.wsgi import WSGIHandler
        from django.test.testcases import _MediaFilesHandler

        assert self.one_at_a_time, "Server(one_at_a_time=True) for redeploy()"
        with self.application.lock:
            yield
            self.application.app = _MediaFilesHandler(WSGIHandler())


@pytest.fixture(scope="session")
def live_server(request):
    """Replaces pytest-django's: one server for the run, which serves the versioned static
    files and ends its threads when it stops."""
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    host, _colon, port = address.partition(":")
    server = Server(host, int(port or 0)).start()
    yield server
    server.stop()


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _allow_orm_beside_playwright():
    """Playwright's sync API keeps an event loop in this thread while the browser is open; the
    ORM calls that fixtures and test bodies make are still synchronous and safe. Set only
    while the browser lives, so nothing else in the run (or a subprocess) inherits it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser(_allow_orm_beside_playwright):
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("SAMSYN_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} (make test installs it)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """take(name) saves the `page` fixture's screen; take(name, other_page) another page's."""

    def take(name: str, target=None) -> Path:
        path = ARTIFACTS / f"{name}.png"
        (target or request.getfixturevalue("page")).screenshot(path=str(path), full_page=True)
        return path

    return take
