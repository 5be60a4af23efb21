"""What integrations keeps about people, for samsyn.privacy (see samsyn/privacy/registry.py)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.privacy import registry

registry.redact(
    "integrations.ApiToken",
    ["token_hash"],
    _("a fingerprint of the token's secret; the secret itself is never stored"),
)
registry.mention(
    "integrations.RateWindow",
    lambda user: (
        Q(key=f"user:{user.pk}")
        | Q(key__in=[f"token:{pk}" for pk in user.api_tokens.values_list("pk", flat=True)])
    ),
    _("request counts of the last minute for the person and their API tokens"),
)
registry.purpose(
    "integrations",
    _(
        "Personal API tokens (name, scopes, expiry, last use) and the link between a person and "
        "their account at the school owner's identity provider for single sign-on."
    ),
)
