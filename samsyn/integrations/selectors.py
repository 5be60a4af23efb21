"""Reads for integrations, scoped to the acting user."""

from __future__ import annotations

from django.db.models import QuerySet

from samsyn.accounts.models import Organisation, User
from samsyn.integrations.models import ApiToken, SsoProvider


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The person's own tokens; nobody else's are ever listed."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def sso_provider_for_owner(*, owner: Organisation) -> SsoProvider | None:
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


def rule_organisations(*, owner: Organisation) -> list[Organisation]:
    """The owner and its schools: where claim rules may hand out roles."""
    schools = Organisation.objects.filter(parent=owner, kind=Organisation.Kind.SCHOOL)
    return [owner, *schools.order_by("name")]
