"""Access-matrix rows for samsyn.integrations (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from django.utils import timezone

from samsyn.accounts.models import Role
from samsyn.integrations import services

ANON = "anon"


def rows(case) -> dict:
    # Active, but its issuer does not answer: starting a login falls back to the chooser.
    provider = services.sso_provider_save(
        owner=case.owner,
        name="Testkommun-ID",
        issuer="http://127.0.0.1:9",
        client_id="samsyn",
        client_secret="s3cret",
        email_domains="testkommun.example",
        is_active=True,
    )
    owner = lambda: [case.owner.pk]  # noqa: E731

    def alice_token():
        token, _secret = services.api_token_create(user=case.alice, name="t", scopes=["read"])
        return [token.pk]

    def rule():
        return [
            case.owner.pk,
            services.sso_rule_add(
                provider=provider,
                claim="groups",
                value=f"g{timezone.now().timestamp()}",
                organisation=case.school,
                role=Role.TEACHER,
            ).pk,
        ]

    own = {ANON: 302, "alice": 200, "charlie": 200, "adam": 200}
    sso_admin = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 200, "adam": 200}
    sso_admin_post = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 302}
    return {
        "integrations:token_list": ("get", list, own),
        "integrations:token_create": ("get", list, own),
        # Only one's own tokens: anyone else's is not found.
        "integrations:token_revoke": (
            "post",
            alice_token,
            {ANON: 302, "bob": 404, "olle": 404, "adam": 404, "alice": 302},
        ),
        "integrations:sso_choose": ("get", list, {ANON: 200, "alice": 302}),
        "integrations:sso_login": ("get", lambda: [provider.pk], {ANON: 302, "alice": 302}),
        "integrations:sso_callback": ("get", list, {ANON: 302, "alice": 302}),
        "integrations:sso_settings": ("get", owner, sso_admin),
        "integrations:sso_rule_add": ("post", owner, sso_admin_post),
        "integrations:sso_rule_remove": ("post", rule, sso_admin_post),
    }
