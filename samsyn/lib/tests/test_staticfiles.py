"""Versioned static files and the service worker's version (samsyn/lib/staticfiles.py)."""

from __future__ import annotations

import json
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.templatetags.static import static
from django.test import SimpleTestCase, override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from samsyn.lib.staticfiles import SERVICE_WORKER_CORE, VersionedStaticFilesStorage

SOURCE = Path(settings.BASE_DIR) / "static"
ONLY_OUR_FOLDER = ["django.contrib.staticfiles.finders.FileSystemFinder"]


def worker_config(client) -> dict:
    """The configuration line the server puts before capture-sw.js."""
    response = client.get("/capture-sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    first = response.content.decode().splitlines()[0]
    match = re.fullmatch(r"self\.SAMSYN_STATIC = (\{.*\});", first)
    assert match, first
    return json.loads(match.group(1))


def copy_core(folder: Path) -> Path:
    for name in SERVICE_WORKER_CORE:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SOURCE / name, folder / name)
    return folder


class VersionedStaticFilesTests(SimpleTestCase):
    def setUp(self) -> None:
        import tempfile

        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)
        self.source = copy_core(self.tmp / "src")

    @contextmanager
    def deployed(self, root: str):
        """A deploy: collectstatic of self.source into tmp/<root>, in force inside the block."""
        with override_settings(
            STATICFILES_DIRS=[self.source],
            STATICFILES_FINDERS=ONLY_OUR_FOLDER,
            STATIC_ROOT=self.tmp / root,
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
            yield

    def test_the_storage_is_whitenoise_compressed_manifest(self):
        self.assertTrue(
            issubclass(VersionedStaticFilesStorage, CompressedManifestStaticFilesStorage)
        )
        self.assertIsInstance(staticfiles_storage, VersionedStaticFilesStorage)
        # The run collected the static files (conftest.py): pages link hashed names.
        self.assertRegex(static("css/samsyn.css"), r"^/static/css/samsyn\.[0-9a-f]{12}\.css$")

    def test_a_changed_static_file_changes_the_worker_version(self):
        with self.deployed("deploy-1"):
            before = worker_config(self.client)
            self.assertEqual(len(before["core"]), len(SERVICE_WORKER_CORE))
            self.assertTrue(all(re.search(r"\.[0-9a-f]{12}\.", url) for url in before["core"]))
            self.assertEqual(worker_config(self.client), before)  # stable while nothing changes

        css = self.source / "css" / "samsyn.css"
        css.write_text(css.read_text() + "\n.deployed { color: #123456; }\n")
        with self.deployed("deploy-2"):
            after = worker_config(self.client)

        self.assertNotEqual(after["version"], before["version"])
        changed = [old != new for old, new in zip(before["core"], after["core"], strict=True)]
        self.assertEqual(changed, [name == "css/samsyn.css" for name in SERVICE_WORKER_CORE])
        # The new name is really there, compressed too.
        css_url = after["core"][SERVICE_WORKER_CORE.index("css/samsyn.css")]
        collected = self.tmp / "deploy-2" / css_url.removeprefix("/static/")
        self.assertIn(".deployed", collected.read_text())
        self.assertTrue(collected.with_name(collected.name + ".gz").exists())

    def test_without_a_manifest_links_are_plain_and_the_version_still_follows_the_files(self):
        (self.tmp / "never-collected").mkdir()
        with override_settings(
            STATICFILES_DIRS=[self.source],
            STATICFILES_FINDERS=ONLY_OUR_FOLDER,
            STATIC_ROOT=self.tmp / "never-collected",
        ):
            self.assertEqual(static("css/samsyn.css"), "/static/css/samsyn.css")
            before = worker_config(self.client)
            self.assertIn("/static/css/samsyn.css", before["core"])
            (self.source / "js" / "today.js").write_text("/* changed */\n")
            self.assertNotEqual(worker_config(self.client)["version"], before["version"])
