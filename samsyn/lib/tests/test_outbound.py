"""Addresses typed in by administrators never lead into the server's own network (SSRF)."""

from __future__ import annotations

import urllib.request

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from samsyn.integrations import oidc
from samsyn.integrations.forms import SsoProviderForm
from samsyn.lib import outbound
from samsyn.provisioning import client
from samsyn.provisioning.forms import ApiForm

INTERNAL = [
    "http://127.0.0.1:8000/ss12000/v2",
    "https://10.1.2.3/ss12000",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8080/",
    "http://192.168.0.10/",
    "http://172.16.5.5/",
    "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",
    "http://localhost:5432/",
]

pytestmark = pytest.mark.usefixtures("refuse_private")


@pytest.fixture
def refuse_private(settings):
    settings.SAMSYN_ALLOW_PRIVATE_URLS = False


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused(url):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        outbound.validate_public_url(url, field="Issuer URL")
    assert "Issuer URL" in caught.value.messages[0]
    assert "internal address" in caught.value.messages[0]


def test_a_public_address_passes():
    outbound.validate_public_url("https://93.184.216.34/ss12000/v2", field="x")  # no error
    outbound.validate_public_url("https://[2606:2800:220:1::]/", field="x")


def test_the_setting_allows_internal_addresses(settings):
    settings.SAMSYN_ALLOW_PRIVATE_URLS = True
    outbound.validate_public_url("http://127.0.0.1:8000/", field="x")


def test_the_ss12000_form_names_its_field():
    form = ApiForm(data={"base_url": "http://169.254.169.254/ss12000", "token": "t"})
    assert not form.is_valid()
    message = form.errors["base_url"][0]
    assert str(ApiForm.base_fields["base_url"].label) in message
    assert "169.254.169.254" in message
    assert ApiForm(data={"base_url": "https://93.184.216.34/ss12000", "token": "t"}).is_valid()


def test_the_sso_form_refuses_an_internal_issuer():
    data = {
        "name": "IdP",
        "issuer": "http://[::1]:8080",
        "client_id": "c",
        "client_secret": "s",
        "email_domains": "ekbacka.se",
    }
    form = SsoProviderForm(data=data, has_secret=False)
    assert not form.is_valid()
    assert str(SsoProviderForm.base_fields["issuer"].label) in form.errors["issuer"][0]
    form = SsoProviderForm(data={**data, "issuer": "https://93.184.216.34"}, has_secret=False)
    assert form.is_valid(), form.errors


@translation.override("en")
def test_the_fetches_refuse_before_connecting():
    """A provider saved before the guard (or a name that now resolves inwards) is refused
    when Samsyn connects, not only when the form is saved."""
    with pytest.raises(outbound.InternalAddressError):
        outbound.urlopen(urllib.request.Request("http://10.0.0.1/"), timeout=1)
    with pytest.raises(oidc.SsoError):
        oidc._http_json("http://169.254.169.254/.well-known/openid-configuration")
    document, error = oidc._fetch_json("http://127.0.0.1:9/.well-known/openid-configuration")
    assert document is None and "internal address" in error
    with pytest.raises(client.ApiError, match="internal address"):
        client._get("http://127.0.0.1:9/ss12000/v2/organisations", "token")


def test_a_redirect_inwards_is_refused():
    handler = outbound._CheckedRedirects()
    request = urllib.request.Request("https://93.184.216.34/")
    with pytest.raises(outbound.InternalAddressError):
        handler.redirect_request(request, None, 302, "Found", {}, "http://169.254.169.254/")


def test_debug_turns_it_on_by_default():
    """The settings module turns the guard off with DEBUG (a developer's fake servers)."""
    import importlib
    import os

    import samsyn.settings as module

    if "SAMSYN_ALLOW_PRIVATE_URLS" in os.environ:
        pytest.skip("SAMSYN_ALLOW_PRIVATE_URLS is set in the environment")
    old = os.environ.get("DEBUG")
    try:
        os.environ["DEBUG"] = "true"
        assert importlib.reload(module).SAMSYN_ALLOW_PRIVATE_URLS is True
        os.environ["DEBUG"] = "false"
        assert importlib.reload(module).SAMSYN_ALLOW_PRIVATE_URLS is False
    finally:
        if old is None:
            os.environ.pop("DEBUG", None)
        else:
            os.environ["DEBUG"] = old
        importlib.reload(module)


@pytest.fixture
def json_server(settings):
    """A server on 127.0.0.1 answering /ok with JSON, /text with HTML, /gone with 404, and
    echoing a POST's form body and Authorization header."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/ok":
                self._send(200, b'{"issuer": "x"}')
            elif self.path == "/text":
                self._send(200, b"<html>")
            else:
                self._send(404, b"")

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            answer = {"body": body, "auth": self.headers.get("Authorization")}
            self._send(200, json.dumps(answer).encode())

        def log_message(self, *args):
            pass

    settings.SAMSYN_ALLOW_PRIVATE_URLS = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_json_reads_posts_and_names_each_failure(json_server):
    assert outbound.fetch_json(f"{json_server}/ok", timeout=5) == {"issuer": "x"}
    echoed = outbound.fetch_json(
        f"{json_server}/post", data={"a": "b c"}, headers={"Authorization": "Bearer t"}, timeout=5
    )
    assert echoed == {"body": "a=b+c", "auth": "Bearer t"}
    with pytest.raises(outbound.FetchError) as gone:
        outbound.fetch_json(f"{json_server}/gone", timeout=5)
    assert (gone.value.detail, gone.value.status, gone.value.answered) == ("HTTP 404", 404, False)
    with pytest.raises(outbound.FetchError) as text:
        outbound.fetch_json(f"{json_server}/text", timeout=5)
    assert (text.value.detail, text.value.answered) == ("not JSON", True)
    with pytest.raises(outbound.FetchError, match="not an http"):
        outbound.fetch_json("file:///etc/passwd", timeout=5)


def test_fetch_json_refuses_internal_addresses():
    with pytest.raises(outbound.FetchError, match="internal address") as caught:
        outbound.fetch_json("http://169.254.169.254/latest/meta-data/", timeout=1)
    assert isinstance(caught.value.__cause__, outbound.InternalAddressError)
