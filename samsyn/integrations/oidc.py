"""OpenID Connect login (authorisation code flow with PKCE) against an owner's provider.

1. `authorization_redirect` keeps state, nonce and the PKCE verifier in the session and sends
   the browser to the provider.
2. `complete_login` checks the state, exchanges the code at the token endpoint, verifies the
   ID token (signature through the provider's JWKS; iss, aud, exp, iat and nonce), finds or
   creates the account (just in time), hands out roles by the owner's claim rules, and logs the
   person in through Django's `login()`, so Samsyn's session table, session limits and
   logout-everywhere apply exactly as for a password login.

HTTP calls use the standard library (no extra dependency); JOSE is joserfc (installed with
authlib).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.contrib.auth import login
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from samsyn.accounts.access import account_within_owner
from samsyn.accounts.models import AuditEvent, Membership, User
from samsyn.accounts.services import audit_record
from samsyn.integrations.models import SsoIdentity, SsoProvider
from samsyn.lib import outbound

SESSION_KEY = "samsyn_oidc_pending"
PENDING_MAX = 5  # flows a browser may have open at once
PENDING_SECONDS = 600
HTTP_TIMEOUT = 10
METADATA_SECONDS = 3600
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
CLOCK_LEEWAY = 60

ERR_PROVIDER = gettext_lazy(
    "The identity provider could not be reached or answered unexpectedly. Try again later, "
    "or log in with your password."
)
ERR_STATE = gettext_lazy("This login link has expired or was already used. Please start again.")
ERR_DENIED = gettext_lazy("The identity provider did not log you in.")
ERR_TOKEN = gettext_lazy("The identity provider's answer could not be verified.")
ERR_EMAIL = gettext_lazy("The identity provider did not give a verified e-mail address.")
ERR_DOMAIN = gettext_lazy(
    "Your e-mail address is not in a domain this identity provider may log in."
)
ERR_LINK = gettext_lazy(
    "An account with your e-mail address already exists elsewhere in Samsyn, so it cannot be "
    "taken over by single sign-on. Log in with your password."
)
ERR_NO_ROLE = gettext_lazy(
    "Your account at the identity provider does not give you a role in Samsyn. Ask your "
    "school owner's administrator."
)
ERR_INACTIVE = gettext_lazy("This account has been deactivated.")


class SsoError(Exception):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def _http_json(url: str, *, data: dict | None = None, headers: dict | None = None) -> dict:
    # Only http(s): the URLs come from an administrator's settings and the provider's metadata.
    try:
        return outbound.fetch_json(url, data=data, headers=headers, timeout=HTTP_TIMEOUT)
    except outbound.FetchError as error:
        raise SsoError(ERR_PROVIDER) from error


def discovery(provider: SsoProvider) -> dict:
    """The provider's metadata, cached for an hour; its issuer must be the configured one."""
    key = f"samsyn:oidc:meta:{provider.issuer}"
    meta = cache.get(key)
    if meta is None:
        meta = _http_json(f"{provider.issuer}/.well-known/openid-configuration")
        if meta.get("issuer", "").rstrip("/") != provider.issuer.rstrip("/") or not all(
            meta.get(k) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        ):
            raise SsoError(ERR_PROVIDER)
        cache.set(key, meta, METADATA_SECONDS)
    return meta


# Why a provider failed its check (SsoProvider.check_error), as the owner reads it.
CHECK_MESSAGES = {
    "unreachable": gettext_lazy(
        "The discovery document could not be fetched (<issuer>/.well-known/openid-configuration)."
    ),
    "not_json": gettext_lazy("The discovery document is not a JSON object."),
    "issuer": gettext_lazy(
        "The discovery document names another issuer than the one entered here."
    ),
    "endpoints": gettext_lazy(
        "The discovery document lacks an authorization endpoint, a token endpoint or a JWKS "
        "address (each an http(s) URL)."
    ),
    "code_flow": gettext_lazy(
        "The provider does not offer the authorisation code flow (response type code)."
    ),
    "pkce": gettext_lazy("The provider does not offer PKCE with S256."),
    "algorithms": gettext_lazy(
        "The provider signs ID tokens with none of the algorithms Samsyn accepts."
    ),
    "keys": gettext_lazy("The provider's signing keys (JWKS) could not be read."),
}


def _fetch_json(url: str) -> tuple[dict | None, str]:
    """(document, "") or (None, what went wrong), without the cache ({} and the detail when
    the provider answered with something else than a JSON object)."""
    try:
        data = outbound.fetch_json(url, timeout=HTTP_TIMEOUT, limit=1_000_000)
    except outbound.FetchError as error:
        return ({} if error.answered else None), error.detail
    return (data, "") if isinstance(data, dict) else ({}, "not a JSON object")


def _offers(meta: dict, key: str, wanted: set[str]) -> bool:
    """A listed capability includes one of `wanted`; an absent list is not held against it."""
    values = meta.get(key)
    return values is None or (isinstance(values, list) and bool(wanted & set(values)))


def check_provider(issuer: str) -> tuple[str, str]:
    """Fetch and validate the provider's discovery document and keys, bypassing the cache:
    ("", "") when usable, else (a CHECK_MESSAGES code, a technical detail)."""
    issuer = issuer.rstrip("/")
    meta, detail = _fetch_json(f"{issuer}/.well-known/openid-configuration")
    if meta is None:
        return "unreachable", detail
    if detail:
        return "not_json", detail
    if str(meta.get("issuer", "")).rstrip("/") != issuer:
        return "issuer", str(meta.get("issuer", ""))[:300]
    endpoints = [meta.get(k) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")]
    if not all(isinstance(e, str) and e.startswith(("https://", "http://")) for e in endpoints):
        return "endpoints", ""
    if not _offers(meta, "response_types_supported", {"code"}):
        return "code_flow", ""
    if not _offers(meta, "code_challenge_methods_supported", {"S256"}):
        return "pkce", ""
    if not _offers(meta, "id_token_signing_alg_values_supported", set(ALGORITHMS)):
        return "algorithms", ""
    jwks, detail = _fetch_json(meta["jwks_uri"])
    try:
        if not jwks or detail or not KeySet.import_key_set(jwks).keys:
            return "keys", detail
    except (JoseError, ValueError, KeyError, TypeError) as error:
        return "keys", str(error)[:300]
    cache.delete(f"samsyn:oidc:meta:{issuer}")
    cache.delete(f"samsyn:oidc:jwks:{meta['jwks_uri']}")
    return "", ""


def _keys(provider: SsoProvider, meta: dict, *, refresh: bool = False) -> KeySet:
    key = f"samsyn:oidc:jwks:{meta['jwks_uri']}"
    data = None if refresh else cache.get(key)
    if data is None:
        data = _http_json(meta["jwks_uri"])
        cache.set(key, data, METADATA_SECONDS)
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise SsoError(ERR_PROVIDER) from error


def redirect_uri(request: HttpRequest) -> str:
    """The one callback address, without a language prefix, to register at the provider."""
    with translation.override("sv"):
        return request.build_absolute_uri(reverse("integrations:sso_callback"))


def authorization_redirect(request: HttpRequest, provider: SsoProvider, next_url: str = "") -> str:
    meta = discovery(provider)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    pending = {
        k: v
        for k, v in request.session.get(SESSION_KEY, {}).items()
        if v.get("at", 0) > time.time() - PENDING_SECONDS
    }
    while len(pending) >= PENDING_MAX:
        pending.pop(min(pending, key=lambda k: pending[k]["at"]))
    pending[state] = {
        "provider": provider.pk,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "at": time.time(),
    }
    request.session[SESSION_KEY] = pending
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri(request),
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
    }
    endpoint = meta["authorization_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urllib.parse.urlencode(query)}"


@dataclass(frozen=True)
class LoginResult:
    user: User
    created: bool
    next_url: str


def _pop_pending(request: HttpRequest, state: str) -> dict:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if entry is None or entry.get("at", 0) < time.time() - PENDING_SECONDS:
        raise SsoError(ERR_STATE)
    return entry


def _exchange(request: HttpRequest, provider: SsoProvider, meta: dict, code: str, verifier: str):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri(request),
        "code_verifier": verifier,
    }
    headers = {}
    methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" in methods:
        pair = (
            f"{urllib.parse.quote(provider.client_id, safe='')}:"
            f"{urllib.parse.quote(provider.client_secret, safe='')}"
        )
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    else:
        data.update(client_id=provider.client_id, client_secret=provider.client_secret)
    answer = _http_json(meta["token_endpoint"], data=data, headers=headers)
    if "id_token" not in answer:
        raise SsoError(ERR_TOKEN)
    return answer


def verify_id_token(provider: SsoProvider, meta: dict, id_token: str, nonce: str) -> dict:
    """The ID token's claims, if its signature (JWKS) and iss, aud, exp, iat, nonce hold."""
    token = None
    for refresh in (False, True):  # a new signing key: fetch the JWKS again, once
        try:
            token = jwt.decode(id_token, _keys(provider, meta, refresh=refresh), ALGORITHMS)
            break
        except (JoseError, ValueError) as error:
            if refresh:
                raise SsoError(ERR_TOKEN) from error
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise SsoError(ERR_TOKEN) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SsoError(ERR_TOKEN)
    return dict(claims)


def _userinfo(meta: dict, access_token: str, sub: str) -> dict:
    if not meta.get("userinfo_endpoint") or not access_token:
        return {}
    info = _http_json(
        meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
    )
    return info if info.get("sub") == sub else {}


def _claim_values(claims: dict, name: str) -> list[str]:
    value = claims
    for part in name.split("."):  # nested claims, e.g. "org.unit"
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value).lower() if isinstance(value, bool) else str(value)]


def roles_from_claims(provider: SsoProvider, claims: dict) -> list[tuple[int, str]]:
    """(organisation id, role) for every rule the claims match."""
    found = []
    for rule in provider.rules.all():
        if not rule.claim or rule.value in _claim_values(claims, rule.claim):
            found.append((rule.organisation_id, rule.role))
    return list(dict.fromkeys(found))


def _may_link(user: User, provider: SsoProvider) -> bool:
    """An existing account is linked only if all its roles lie within this owner: an owner's
    identity provider must not take over accounts of other owners or platform admins."""
    return account_within_owner(user, provider.owner_id)


@transaction.atomic
def _account(provider: SsoProvider, claims: dict) -> tuple[User, bool]:
    sub = claims["sub"]
    identity = SsoIdentity.objects.select_related("user").filter(provider=provider, subject=sub)
    identity = identity.first()
    created = False
    email = str(claims.get("email") or "").strip().lower()
    if identity is None:
        if not email or "@" not in email or claims.get("email_verified") is False:
            raise SsoError(ERR_EMAIL)
        if email.rpartition("@")[2] not in provider.domains:
            raise SsoError(ERR_DOMAIN)
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and not _may_link(user, provider):
            raise SsoError(ERR_LINK)
        if user is None:
            name = claims.get("name") or " ".join(
                str(claims[k]) for k in ("given_name", "family_name") if claims.get(k)
            )
            user = User.objects.create_user(
                email,
                None,  # no password: this person logs in through their provider
                full_name=str(name or email.partition("@")[0])[:200],
                language=translation.get_language() or "sv",
            )
            created = True
        identity = SsoIdentity.objects.create(provider=provider, subject=sub, user=user)
    user = identity.user
    if not user.is_active:
        raise SsoError(ERR_INACTIVE)
    granted = roles_from_claims(provider, claims)
    for organisation_id, role in granted:
        Membership.objects.get_or_create(user=user, organisation_id=organisation_id, role=role)
    if not Membership.objects.filter(user=user).exists():
        raise SsoError(ERR_NO_ROLE)  # rolls back a just-created account
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    if created:
        audit_record(
            actor=user,
            action=AuditEvent.Action.CHANGE,
            object_type="sso_account",
            object_id=user.pk,
            organisation=provider.owner,
            detail=f"created by single sign-on ({provider.name}); roles: "
            + ", ".join(f"{role}@{org}" for org, role in granted),
        )
    return user, created


def complete_login(request: HttpRequest, params: dict) -> LoginResult:
    entry = _pop_pending(request, params.get("state", ""))
    if params.get("error"):
        raise SsoError(ERR_DENIED)
    provider = SsoProvider.objects.filter(pk=entry["provider"], is_active=True).first()
    if provider is None or not params.get("code"):
        raise SsoError(ERR_STATE)
    meta = discovery(provider)
    answer = _exchange(request, provider, meta, params["code"], entry["verifier"])
    claims = verify_id_token(provider, meta, answer["id_token"], entry["nonce"])
    claims = {**_userinfo(meta, answer.get("access_token", ""), claims["sub"]), **claims}
    user, created = _account(provider, claims)
    # The project's own login path: session row with its user, session limits, signals.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return LoginResult(user=user, created=created, next_url=entry.get("next", ""))
