"""Versioned static files, and the capture service worker whose cache follows their version.

`manage.py collectstatic` (run by `make run` and by every deployment, docs/operations.md) writes
each file under a name carrying a hash of its content (`css/samsyn.3f1c….css`), compressed, with
a manifest (WhiteNoise's CompressedManifestStaticFilesStorage); `{% static %}` then links the
hashed names, which browsers may keep for ever. Where collectstatic has not run (a bare
`manage.py runserver`, DEBUG), the links stay unhashed and WhiteNoise serves the source folders.

The capture page's service worker (static/js/capture-sw.js) keeps static files and capture pages
for offline use. It is served with the static version and the URLs of its core files prepended:
a deploy that changes any static file changes the worker's bytes, the browser installs the new
worker, and on activation it drops the caches of every older version.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import FileSystemStorage
from django.templatetags.static import static
from whitenoise.storage import CompressedManifestStaticFilesStorage

SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "capture-sw.js"
# What the capture page needs offline, cached when the worker installs.
SERVICE_WORKER_CORE = [
    "css/samsyn.css",
    "js/capture.js",
    "js/today.js",
    "js/outbox.js",
    "vendor/htmx-2.0.8.min.js",
    "favicon.svg",
]


class VersionedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage; without a manifest (collectstatic has not run)
    the URLs are the plain names, served from the source folders, instead of an error page."""

    def url(self, name: str, force: bool = False) -> str:
        if not self.hashed_files and not force:
            return FileSystemStorage.url(self, name)
        return super().url(name, force)


def static_version() -> str:
    """A short hash that changes whenever any static file does.

    From the manifest when collectstatic has run (the hashed names are the content); otherwise
    (development) from the size and modification time of every file the finders see."""
    digest = hashlib.sha256()
    manifest = getattr(staticfiles_storage, "hashed_files", None)
    if manifest and not settings.DEBUG:
        digest.update(json.dumps(sorted(manifest.items())).encode())
    else:
        for finder in finders.get_finders():
            for path, storage in finder.list(["CVS", ".*", "*~"]):
                stat = Path(storage.path(path)).stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


_built_script: dict[tuple, str] = {}


def service_worker_script() -> str:
    """capture-sw.js with its configuration (the static version, its core files' URLs) first.

    With a manifest (production) nothing it depends on changes while the process runs, so it is
    built once; in development it is rebuilt per request so that an edited file shows at once."""
    manifest = getattr(staticfiles_storage, "hashed_files", None)
    if manifest and not settings.DEBUG:
        key = (str(settings.STATIC_ROOT), id(manifest), len(manifest))
        if key not in _built_script:
            _built_script.clear()
            _built_script[key] = _build_service_worker_script()
        return _built_script[key]
    return _build_service_worker_script()


def _build_service_worker_script() -> str:
    config = {
        "version": static_version(),
        "core": [static(name) for name in SERVICE_WORKER_CORE],
    }
    return f"self.SAMSYN_STATIC = {json.dumps(config)};\n" + SERVICE_WORKER.read_text()
