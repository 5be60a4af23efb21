"""Reads for integrations, scoped to the acting user.

The login side of single sign-on is public (nobody is signed in yet): `sso_providers_offered`,
`sso_provider_offered` and `sso_provider_for_email` read only what the login page shows of
active providers, and are listed as public reads in samsyn/tests/test_access_layer.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from samsyn.accounts.access import (
    Perm,
    get_object_for_user,
    get_party_object_for_user,
    require,
)
from samsyn.accounts.models import Organisation, User
from samsyn.integrations.models import ApiToken, SsoProvider, SsoRule


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The person's own tokens; nobody else's are ever listed."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def get_api_token_for_user(*, user: User, pk: int) -> ApiToken:
    """One's own token; anyone else's is "not found"."""
    return get_party_object_for_user(
        user=user, queryset=ApiToken, parties=lambda token: [token.user_id], pk=pk
    )


def sso_provider_for_owner(*, user: User, owner: Organisation) -> SsoProvider | None:
    require(user, owner, Perm.SSO_MANAGE)
    return SsoProvider.objects.filter(owner=owner).prefetch_related("rules__organisation").first()


def sso_providers_offered() -> list[SsoProvider]:
    """Active providers that passed their last check, for the login page."""
    return list(SsoProvider.objects.filter(is_active=True, check_error="").order_by("name"))


def sso_provider_for_email(*, email: str) -> SsoProvider | None:
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    for provider in sso_providers_offered():
        if domain in provider.domains:
            return provider
    return None


def get_sso_provider_for_user(*, user: User, owner: Organisation, perm: Perm) -> SsoProvider:
    """The owner's identity provider, addressed by its owner (one provider per owner, the
    URL's), if the user holds `perm` there: 404 for outsiders and when it has none, 403 for
    members without `perm`."""
    return get_object_for_user(
        user=user,
        queryset=SsoProvider.objects.prefetch_related("rules__organisation"),
        perm=perm,
        org_of=lambda provider: provider.owner,
        owner=owner,
    )


def get_sso_rule_for_user(*, user: User, pk: int, perm: Perm, owner: Organisation) -> SsoRule:
    """A claim rule of the owner's provider if the user holds `perm` there: 404 for outsiders
    and for another owner's rule, 403 for members without `perm`."""
    return get_object_for_user(
        user=user,
        queryset=SsoRule.objects.filter(provider__owner=owner),
        perm=perm,
        org_of=lambda rule: owner,
        pk=pk,
    )


def sso_provider_offered(*, pk: int) -> SsoProvider:
    """An active provider to log in with (public; 404 when inactive or unknown)."""
    provider = SsoProvider.objects.filter(pk=pk, is_active=True).first()
    if provider is None:
        raise Http404
    return provider


def rule_organisations(*, user: User, owner: Organisation) -> list[Organisation]:
    """The owner and its schools: where claim rules may hand out roles."""
    require(user, owner, Perm.SSO_MANAGE)
    schools = Organisation.objects.filter(parent=owner, kind=Organisation.Kind.SCHOOL)
    return [owner, *schools.order_by("name")]
