"""How the JSON API accepts personal tokens and limits how fast anyone may call it.

`TokenAuth` reads `Authorization: Bearer samsyn_…`. It answers 401 for an unknown, expired or
revoked token (or a deactivated user) and 403 when the token's scopes do not cover the request.
The token's user then goes through the same access checks as a logged-in session, so a token
never grants more than its user may do. `ApiRateThrottle` counts requests per token (or per
user for a session) in fixed windows and answers 429 with Retry-After (settings
`SAMSYN_API_RATE_LIMIT` per `SAMSYN_API_RATE_WINDOW` seconds).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from samsyn.integrations import services
from samsyn.integrations.models import ApiToken, Scope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writes under /api/v1/<area>/… need the area's scope, or `write`.
WRITE_SCOPES: dict[str, str] = {
    "observations": Scope.OBSERVATIONS_WRITE,
}


def required_scope(method: str, path: str) -> str:
    """The scope a request needs, besides `write`, which covers every write."""
    if method.upper() in SAFE_METHODS:
        return Scope.READ
    root = reverse("api:api-root")
    area = path[len(root) :].split("/", 1)[0] if path.startswith(root) else ""
    return WRITE_SCOPES.get(area, Scope.WRITE)


def token_allows(scopes: list[str], method: str, path: str) -> bool:
    needed = required_scope(method, path)
    if needed == Scope.READ:
        return Scope.READ in scopes
    return needed in scopes or Scope.WRITE in scopes


class TokenAuth(HttpBearer):
    """Bearer tokens (documented in the OpenAPI document as the `TokenAuth` scheme)."""

    openapi_description = (
        "A personal API token (`samsyn_…`) made on the API tokens page; see docs/integrations.md."
    )

    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=services.hash_secret(token.strip()))
            .first()
        )
        if (
            found is None
            or found.revoked_at is not None
            or found.expires_at <= timezone.now()
            or not found.user.is_active
        ):
            raise AuthenticationError(401, "Invalid, expired or revoked token")
        if not token_allows(found.scopes, request.method or "GET", request.path):
            needed = required_scope(request.method or "GET", request.path)
            raise HttpError(403, f"The token's scopes do not allow this request (needs {needed})")
        services.api_token_touch(token=found)
        # Views and access helpers read request.user; for a token request it is the token's
        # owner, with exactly their own permissions.
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


# Requests a process counts in the database at once for one key (see ApiRateThrottle).
RATE_LEASE = 10


def lease_size(limit: int) -> int:
    """How many requests one database write counts for a key: RATE_LEASE, and 1 for small
    limits (below 50 every request is counted on its own, exactly as it comes)."""
    return max(1, min(RATE_LEASE, limit // 50))


class ApiRateThrottle(BaseThrottle):
    """A fixed-window limit per token (or per user for session calls), kept in the database.

    A process does not write the counter on every request: when a key's allowance here is used
    up it counts `lease_size(limit)` requests in the database at once (one upsert … RETURNING)
    and serves that many from memory, as long as the window lasts. The database's count
    covers every request any process was allowed, so the sum over all app servers never
    exceeds the limit; what a process counted but was not asked for in that window (at most
    `lease - 1` per key) is refused to the others, so with P processes a client may be
    answered 429 up to (P - 1) × (lease - 1) requests before the limit (18 of 600 with two
    processes). A capture page saving every few seconds writes its counter once in ten
    requests instead of on every one."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._leases: dict[str, tuple[int, int]] = {}  # key → (window start, requests left)

    def allow_request(self, request: HttpRequest) -> bool:
        limit = settings.SAMSYN_API_RATE_LIMIT
        if limit <= 0:
            return True
        token = getattr(request, "api_token", None)
        user = getattr(request, "auth", None)
        if token is not None:
            key = f"token:{token.pk}"
        elif getattr(user, "pk", None) is not None:
            key = f"user:{user.pk}"
        else:
            key = f"addr:{self.get_ident(request)}"
        window, now = settings.SAMSYN_API_RATE_WINDOW, time.time()
        start = int(now // window * window)
        if self._take(key, start):
            self._local.wait = max(1, int(start + window - now + 0.999))
            return True
        lease = lease_size(limit)
        count, remaining = services.rate_window_hit(key=key, window=window, now=now, claim=lease)
        self._local.wait = remaining
        # This claim counted requests count - lease + 1 … count: those within the limit are
        # allowed, this one and the rest from memory.
        granted = min(lease, limit - (count - lease))
        if granted <= 0:
            return False
        if granted > 1:
            self._keep(key, start, granted - 1)
        return True

    def _take(self, key: str, start: int) -> bool:
        """Serve one request from this process's allowance for `key` in the window `start`."""
        with self._lock:
            held = self._leases.get(key)
            if held is None or held[0] != start or held[1] <= 0:
                return False
            self._leases[key] = (start, held[1] - 1)
            return True

    def _keep(self, key: str, start: int, left: int) -> None:
        with self._lock:
            if len(self._leases) > 10_000:  # forget the windows that have ended
                self._leases = {k: v for k, v in self._leases.items() if v[0] >= start}
            self._leases[key] = (start, left)

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
