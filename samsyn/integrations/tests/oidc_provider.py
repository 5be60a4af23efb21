"""A small OpenID Connect provider for tests: a threaded http.server on 127.0.0.1.

Discovery, authorize (auto-consents as the configured user), token (checks client secret,
redirect URI and PKCE), JWKS and userinfo; RS256 keys made at start with joserfc. Tests can
make it misbehave (`tamper`) to check that Samsyn refuses bad ID tokens.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import override_settings
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "samsyn-test"
CLIENT_SECRET = "test-secret-" + "x" * 20


_KEYS: list[RSAKey] = []


def _keys() -> tuple[RSAKey, RSAKey]:
    """The signing key and an impostor's key with the same kid, made once per test run."""
    if not _KEYS:
        _KEYS.extend(
            RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"}) for _ in range(2)
        )
    return _KEYS[0], _KEYS[1]


class Provider:
    def __init__(self) -> None:
        self.key, self.other_key = _keys()
        self.user: dict = {
            "sub": "user-1",
            "email": "anna.berg@ekbacka.example",
            "email_verified": True,
            "name": "Anna Berg",
            "groups": ["teachers"],
        }
        # e.g. {"aud": "someone-else"}, {"exp": 1}, {"nonce": "x"}, {"iss": "..."}, or
        # {"_sign_with_other_key": True}
        self.tamper: dict = {}
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        # The server runs on 127.0.0.1, which samsyn.lib.outbound refuses unless allowed.
        self.allow_loopback = override_settings(SAMSYN_ALLOW_PRIVATE_URLS=True)
        self.allow_loopback.enable()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.allow_loopback.disable()

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.user,
        }
        tamper = dict(self.tamper)
        other = tamper.pop("_sign_with_other_key", False)
        claims.update(tamper)
        key = self.other_key if other else self.key
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _json(self, data: dict, status: int = 200) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.metadata())
                if url.path == "/jwks":
                    return self._json(KeySet([provider.key]).as_dict(private=False))
                if url.path == "/userinfo":
                    if (
                        self.headers.get("Authorization", "")
                        != "Bearer access-" + provider.user["sub"]
                    ):
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(provider.user)
                if url.path == "/authorize":
                    if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                        return self._json({"error": "invalid_request"}, 400)
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                return self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                if self.path != "/token":
                    return self._json({"error": "not_found"}, 404)
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                provider.token_requests.append(form)
                basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {basic}":
                    return self._json({"error": "invalid_client"}, 401)
                request = provider.codes.pop(form.get("code", ""), None)
                if request is None or form.get("redirect_uri") != request["redirect_uri"]:
                    return self._json({"error": "invalid_grant"}, 400)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if request.get("code_challenge_method") != "S256" or challenge != request.get(
                    "code_challenge"
                ):
                    return self._json({"error": "invalid_grant"}, 400)
                return self._json(
                    {
                        "access_token": "access-" + provider.user["sub"],
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(request.get("nonce", "")),
                    }
                )

        return Handler
