"""Writes for integrations: API tokens, rate-limit counters, single sign-on set-up.

Keyword-only `<entity>_<verb>` functions, one transaction each. The OpenID Connect login itself
lives in `oidc.py`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from samsyn.accounts.access import ROLES_FOR_KIND, ancestor_ids
from samsyn.accounts.models import Organisation, User
from samsyn.integrations import oidc
from samsyn.integrations.models import ApiToken, RateWindow, Scope, SsoProvider, SsoRule

# A token looks like `samsyn_<43 url-safe characters>`: 256 random bits, recognisable by its
# prefix (secret scanners can look for it), stored only as its SHA-256.
TOKEN_PREFIX = "samsyn_"  # noqa: S105 (a public prefix, not a secret)
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
TOKENS_PER_USER = 50
# Record "last used" at most this often, so a busy client does not write on every request.
LAST_USED_EVERY = timedelta(minutes=1)

ERR_NO_SCOPE = gettext_lazy("Choose at least one scope.")
ERR_UNKNOWN_SCOPE = gettext_lazy("Unknown scope: %(scope)s.")
ERR_DAYS = gettext_lazy("A token lasts between 1 and %(max)s days.")
ERR_TOO_MANY = gettext_lazy(
    "You have %(max)s active tokens. Revoke one you no longer use before making another."
)
ERR_RULE_ORG = gettext_lazy("Choose the school owner itself or one of its schools.")
ERR_RULE_ROLE = gettext_lazy("This role cannot be held in that organisation.")
ERR_RULE_VALUE = gettext_lazy("Give the value the claim must have, or leave both empty.")
ERR_RULE_EXISTS = gettext_lazy("That rule already exists.")
ERR_DOMAINS = gettext_lazy("Give at least one e-mail domain, e.g. ekbacka.se.")
ERR_DOMAIN = gettext_lazy("“%(domain)s” is not an e-mail domain.")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scopes: list[str], days: int = TOKEN_DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with its secret, which is never stored."""
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError({"scopes": ERR_NO_SCOPE})
    for scope in scopes:
        if scope not in Scope.values:
            raise ValidationError({"scopes": ERR_UNKNOWN_SCOPE % {"scope": scope}})
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError({"days": ERR_DAYS % {"max": TOKEN_MAX_DAYS}})
    now = timezone.now()
    active = ApiToken.objects.filter(user=user, revoked_at=None, expires_at__gt=now).count()
    if active >= TOKENS_PER_USER:
        raise ValidationError(ERR_TOO_MANY % {"max": TOKENS_PER_USER})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        token_hash=hash_secret(secret),
        scopes=scopes,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def rate_window_hit(*, key: str, window: int, now: float, claim: int = 1) -> tuple[int, int]:
    """Count `claim` requests for `key` in the current fixed window of `window` seconds; returns
    (requests counted so far in this window, this claim included; seconds until it ends).

    One statement in autocommit (an upsert with RETURNING, SQLite ≥ 3.35 and PostgreSQL): the
    window's row is made by its first claim and added to by the others, so it is one round
    trip and one short write either way (before: a transaction with a savepoint around the
    INSERT, 7 round trips once per key and window). The first claim of a window, which made
    the row, also removes the key's older windows. `claim` > 1 counts several requests at once
    for a process that serves them from its own allowance (`auth.ApiRateThrottle`)."""
    start = int(now // window * window)
    qn = connection.ops.quote_name
    table, count = qn(RateWindow._meta.db_table), qn("count")
    key_column, start_column = qn("key"), qn("window_start")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {start_column}, {count}) "  # noqa: S608
            f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}, {start_column}) "
            f"DO UPDATE SET {count} = {table}.{count} + excluded.{count} RETURNING {count}",
            [key, start, claim],
        )
        total = int(cursor.fetchone()[0])
        if total == claim:  # this claim opened the window: the key's old ones are of no use
            cursor.execute(
                f"DELETE FROM {table} WHERE {key_column} = %s AND {start_column} < %s",  # noqa: S608
                [key, start],
            )
    return total, max(1, int(start + window - now + 0.999))


# --- single sign-on set-up -------------------------------------------------------------


def _clean_domains(raw: str) -> str:
    domains = [d.strip().lower().lstrip("@") for d in raw.replace("\n", ",").split(",")]
    domains = [d for d in domains if d]
    if not domains:
        raise ValidationError({"email_domains": ERR_DOMAINS})
    for domain in domains:
        if "." not in domain or any(c in domain for c in " /:@"):
            raise ValidationError({"email_domains": ERR_DOMAIN % {"domain": domain}})
    return ", ".join(dict.fromkeys(domains))


@transaction.atomic
def sso_provider_save(
    *,
    owner: Organisation,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    email_domains: str,
    is_active: bool,
    check: bool = True,
) -> SsoProvider:
    """Create or change the owner's identity provider. An empty `client_secret` keeps the
    stored one (the form never shows it back). The provider's discovery document and keys are
    fetched and validated (`oidc.check_provider`); a provider that fails is saved with the
    reason and not offered on the login page until a later save passes. (`check=False` only
    for the demo's fictional provider, left unchecked.)"""
    provider = SsoProvider.objects.filter(owner=owner).first() or SsoProvider(owner=owner)
    provider.name = name.strip()
    provider.issuer = issuer.strip().rstrip("/")
    provider.client_id = client_id.strip()
    if client_secret:
        provider.client_secret = client_secret.strip()
    provider.email_domains = _clean_domains(email_domains)
    provider.is_active = is_active
    provider.full_clean()
    if check:
        provider.check_error, provider.check_detail = oidc.check_provider(provider.issuer)
        provider.checked_at = timezone.now()
    provider.save()
    return provider


@transaction.atomic
def sso_rule_add(
    *, provider: SsoProvider, claim: str, value: str, organisation: Organisation, role: str
) -> SsoRule:
    claim, value = claim.strip(), value.strip()
    if bool(claim) != bool(value):
        raise ValidationError({"value": ERR_RULE_VALUE})
    if provider.owner_id not in ancestor_ids(organisation) or organisation.kind not in (
        Organisation.Kind.OWNER,
        Organisation.Kind.SCHOOL,
    ):
        raise ValidationError({"organisation": ERR_RULE_ORG})
    if role not in ROLES_FOR_KIND.get(organisation.kind, ()):
        raise ValidationError({"role": ERR_RULE_ROLE})
    if SsoRule.objects.filter(
        provider=provider, claim=claim, value=value, organisation=organisation, role=role
    ).exists():
        raise ValidationError(ERR_RULE_EXISTS)
    rule = SsoRule(
        provider=provider, claim=claim, value=value, organisation=organisation, role=role
    )
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def sso_rule_remove(*, rule: SsoRule) -> None:
    rule.delete()
