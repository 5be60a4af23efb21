"""The demo world, built once per run and shared with the browser tests' mechanism."""

from tests.e2e.conftest import demo_snapshot, demo_world  # noqa: F401
