"""A deploy that changes a static file moves a browser off the old files (Chromium).

The capture page's service worker caches static files "cache first". Here a browser installs it
from one collectstatic (deploy 1), then the server gets a second collectstatic in which one CSS
file changed (deploy 2): the browser's update check finds a new worker, whose cache is named
after the new static version, and activation deletes the old cache with the old files.
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

from tests.e2e.conftest import Server

pytestmark = [pytest.mark.e2e]

REGISTER = """async () => {
  await navigator.serviceWorker.register('/capture-sw.js', {scope: '/'});
  await navigator.serviceWorker.ready;
}"""
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


def wait_for_caches(page, keys: list[str], timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        found = page.evaluate(CACHES)
        if sorted(found) == sorted(keys) or time.monotonic() > deadline:
            return found
        page.wait_for_timeout(200)


def test_a_deploy_renames_the_cache_and_drops_the_old_one(browser, transactional_db, tmp_path):
    source = tmp_path / "static"
    # (Without the charts, which the login page does not use and which take long to compress.)
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
            page.goto(f"{server.url}/accounts/login/")
            before = worker_config(server.url, page)
            old_css = before["core"][0]
            assert re.fullmatch(r"/static/css/samsyn\.[0-9a-f]{12}\.css", old_css)
            assert old_css in page.content()  # the page links the versioned name
            page.evaluate(REGISTER)
            old_cache = f"samsyn-capture-{before['version']}"
            cached = wait_for_caches(page, [old_cache])
            assert list(cached) == [old_cache]
            assert set(before["core"]) <= set(cached[old_cache])

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
            cached = wait_for_caches(page, [new_cache])
            assert list(cached) == [new_cache], cached  # the old cache is gone
            assert after["core"][0] in cached[new_cache]
            assert old_css not in cached[new_cache]
            page.reload()
            assert after["core"][0] in page.content()
    finally:
        # The server stops before the settings go back (no request may see them change).
        context.close()
        server.stop()
        for override in deployed:
            override.disable()
