"""A deploy that changes a static file moves a browser off the old files (Chromium).

The capture page's service worker caches static files "cache first". Here a browser installs it
from one collectstatic (deploy 1), then the server gets a second collectstatic in which one CSS
file changed (deploy 2): the browser's update check finds a new worker, whose cache is named
after the new static version, and activation deletes the old cache with the old files (the
observer's day page it kept comes along, fetched anew).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

from samsyn.test import PASSWORD, make_user
from tests.e2e.conftest import Server
from tests.e2e.waits import click_and_wait

pytestmark = [pytest.mark.e2e]

TODAY = "/observations/today/"
CACHES = """async () => {
  const result = {};
  for (const key of await caches.keys()) {
    const cache = await caches.open(key);
    result[key] = (await cache.keys()).map(r => new URL(r.url).pathname);
  }
  return result;
}"""
UPDATE = "async () => { await (await navigator.serviceWorker.getRegistration()).update(); }"


def deploy(source: Path, root: Path):
    """collectstatic of `source` into `root`, as settings in force until disabled."""
    deployed = override_settings(
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STATIC_ROOT=root,
    )
    deployed.enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    return deployed


def worker_config(base: str, page) -> dict:
    text = page.request.get(f"{base}/capture-sw.js").text()
    return json.loads(re.match(r"self\.SAMSYN_STATIC = (\{.*\});", text).group(1))


def wait_for_caches(page, keys: list[str], path: str, timeout: float = 30) -> dict:
    """The caches and their paths, once `keys` are the caches and each holds `path`."""
    deadline = time.monotonic() + timeout
    while True:
        found = page.evaluate(CACHES)
        ready = sorted(found) == sorted(keys) and all(path in found[k] for k in keys)
        if ready or time.monotonic() > deadline:
            return found
        page.wait_for_timeout(200)  # poll: until the caches are as expected, or the deadline


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "form.card button[type=submit]")


def test_a_deploy_renames_the_cache_and_drops_the_old_one(browser, transactional_db, tmp_path):
    make_user("obs", "Olga Observer")
    source = tmp_path / "static"
    # (Without the charts, which these pages do not use and which take long to compress.)
    shutil.copytree(
        Path(settings.BASE_DIR) / "static", source, ignore=shutil.ignore_patterns("vega*")
    )
    deployed = [deploy(source, tmp_path / "deploy-1")]
    # One request at a time, so that no request is in flight while the settings change.
    server = Server(one_at_a_time=True).start()
    context = browser.new_context()
    try:
        with server._live_server_modified_settings:
            page = context.new_page()
            log_in(page, server.url, "obs@example.org")
            before = worker_config(server.url, page)
            old_css = before["core"][0]
            assert re.fullmatch(r"/static/css/samsyn\.[0-9a-f]{12}\.css", old_css)
            assert old_css in page.content()  # the page links the versioned name
            # The observer's day registers the worker, which keeps the page for offline use.
            page.goto(f"{server.url}/observations/today/")
            old_cache = f"samsyn-capture-{before['version']}"
            cached = wait_for_caches(page, [old_cache], TODAY)
            assert list(cached) == [old_cache]
            assert set(before["core"]) | {TODAY} <= set(cached[old_cache])

            # Deploy 2: one CSS rule more; the server restarts on the new files.
            css = source / "css" / "samsyn.css"
            css.write_text(css.read_text() + "\n.deployed { outline: 1px solid; }\n")
            with server.redeploy():
                deployed.pop().disable()
                deployed.append(deploy(source, tmp_path / "deploy-2"))
            after = worker_config(server.url, page)
            new_cache = f"samsyn-capture-{after['version']}"
            assert new_cache != old_cache
            assert after["core"][0] != old_css
            page.evaluate(UPDATE)
            cached = wait_for_caches(page, [new_cache], TODAY)
            assert list(cached) == [new_cache], cached  # the old cache is gone
            assert after["core"][0] in cached[new_cache]
            assert old_css not in cached[new_cache]
            assert TODAY in cached[new_cache]  # the kept page came along, fetched anew
            page.reload()
            assert after["core"][0] in page.content()
    finally:
        # The server stops before the settings go back (no request may see them change).
        context.close()
        server.stop()
        for override in deployed:
            override.disable()
