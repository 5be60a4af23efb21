"""The test run's own shortcuts give what they stand for (conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware


def _described(middleware: WhiteNoiseMiddleware) -> dict:
    """Each URL's file, headers and compressed variants, as WhiteNoise would serve them."""
    return {
        url: (
            static_file.etag,
            static_file.last_modified,
            [(path, list(headers)) for _test, path, headers in static_file.alternatives],
        )
        if hasattr(static_file, "alternatives")
        else repr(static_file)
        for url, static_file in middleware.files.items()
    }


def _walked() -> WhiteNoiseMiddleware:
    """A middleware whose table comes from WhiteNoise's own walk, nothing shared."""
    build = WhiteNoiseMiddleware._samsyn_unshared[0]  # (WhiteNoise's own __init__)
    middleware = WhiteNoiseMiddleware.__new__(WhiteNoiseMiddleware)
    middleware._samsyn_shared = False  # (so the walks run)
    build(middleware, lambda request: None)
    return middleware


def test_a_shared_whitenoise_table_is_the_one_a_fresh_walk_gives():
    WhiteNoiseMiddleware(lambda request: None)  # (the table is kept by now)
    shared = WhiteNoiseMiddleware(lambda request: None)
    assert shared._samsyn_shared
    walked = _walked()
    assert len(walked.files) > 100
    assert _described(shared) == _described(walked)
    assert shared.files is not walked.files


def test_the_client_serves_the_collected_files():
    path = next(url for url in _walked().files if url.endswith(".css"))
    response = Client().get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_another_static_root_gets_a_table_of_its_own(tmp_path: Path):
    root = tmp_path / "static"
    shutil.copytree(settings.STATIC_ROOT, root)
    (root / "only-here.txt").write_text("new", encoding="utf-8")
    with override_settings(STATIC_ROOT=root):
        first = WhiteNoiseMiddleware(lambda request: None)
        (root / "added-later.txt").write_text("later", encoding="utf-8")
        second = WhiteNoiseMiddleware(lambda request: None)
    assert not first._samsyn_shared and not second._samsyn_shared
    assert "/static/only-here.txt" in first.files
    assert "/static/added-later.txt" in second.files
    assert "/static/only-here.txt" not in WhiteNoiseMiddleware(lambda request: None).files
