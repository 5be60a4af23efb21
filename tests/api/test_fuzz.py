"""API fuzzing: schemathesis generates requests from /api/v1/openapi.json for every operation and
sends each, in process through the WSGI app, as every role (and anonymously).

Checks on every response: no server error (5xx), the body matches the documented schema for its
status code, and the content type is the documented one. Undocumented error statuses (a 403 or
404 the schema does not list) are not counted as failures: the access rules themselves are
tested by the authorisation matrix. Bounded: `SAMSYN_FUZZ_EXAMPLES` examples per operation and
role (default 5), no deadline, derandomised (the same run every time, so CI is repeatable).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from samsyn.test import BaseTestCase

EXAMPLES = int(os.environ.get("SAMSYN_FUZZ_EXAMPLES", "5"))
ROLES = ["anon", "alice", "oscar", "pia", "olle", "nina", "rita", "charlie"]


def _schema():
    from samsyn.api import api
    from samsyn.wsgi import application

    # The document the API serves at /api/v1/openapi.json, bound to the WSGI app in process.
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
    loaded.app = application
    return loaded


schema = _schema()


class _World:
    """The personas of samsyn.test.BaseTestCase, made once per test (in its transaction)."""


@pytest.fixture
def role_headers(db) -> dict[str, dict[str, str]]:
    """Request headers (session cookie, CSRF token) for each role."""
    BaseTestCase.setUpTestData.__func__(_World)
    return {role: _headers(_World, role) for role in ROLES}


def _headers(world, role: str) -> dict[str, str]:
    client = Client(enforce_csrf_checks=True)
    # The CSRF cookie first: a logged-in user is redirected away from the login page before
    # it sets one (and writes without a token were all refused, never reaching the API).
    client.get("/accounts/login/")
    if role != "anon":
        client.force_login(getattr(world, role))
    cookies = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    headers = {"Cookie": cookies}
    if "csrftoken" in client.cookies:
        headers["X-CSRFToken"] = client.cookies["csrftoken"].value
    return headers


@pytest.fixture
def keep_connection():
    """schemathesis calls the WSGI app directly, and Django's handler closes the database
    connection at the end of each request (`close_old_connections`). On PostgreSQL that ends
    the test's transaction (every later call a 500 that is the harness's, not the API's).
    Django's own test client unhooks it the same way for the duration of a request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_errs_and_keeps_to_its_schema(case, role_headers, keep_connection):
    for headers in role_headers.values():  # the same generated request, as every role
        case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        )
