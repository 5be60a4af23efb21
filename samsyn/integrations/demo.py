"""Demo: a single sign-on set-up for Ekbacka kommun (inactive: its identity provider is
fictional) and a read-only API token for the demo owner administrator (its secret is neither
printed nor kept; make your own on the API tokens page)."""

from __future__ import annotations

import logging
import secrets

from samsyn.accounts.models import Organisation, Role
from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, cleanup, step
from samsyn.integrations import services
from samsyn.integrations.models import ApiToken, SsoProvider

logger = logging.getLogger(__name__)

EKBACKA = "Ekbacka kommun"
# Ekbacka's (fictional) identity provider: a Keycloak-style realm. The set-up is inactive, so
# the login page does not offer it; an administrator who points it at a real provider and ticks
# "Offer on the login page" can try it (docs/integrations.md).
ISSUER = "https://login.ekbacka.example/realms/skola"


@step
def integrations_demo(world: DemoWorld) -> None:
    owner = world.owners.get(EKBACKA)
    if owner is not None:
        provider = services.sso_provider_save(
            owner=owner,
            name="Ekbacka-ID",
            issuer=ISSUER,
            client_id="samsyn",
            client_secret=secrets.token_urlsafe(32),
            email_domains="ekbacka.example",
            is_active=False,
            check=False,  # fictional: nothing answers at ISSUER
        )
        schools = Organisation.objects.filter(parent=owner, kind=Organisation.Kind.SCHOOL)
        for school in schools.order_by("name"):
            # The municipality's directory puts each employee's workplace in "department".
            services.sso_rule_add(
                provider=provider,
                claim="department",
                value=school.name,
                organisation=school,
                role=Role.TEACHER,
            )
        central = schools.filter(name="Ekbacka centralskola").first()
        if central is not None:
            services.sso_rule_add(
                provider=provider,
                claim="groups",
                value="rektorer",
                organisation=central,
                role=Role.PRINCIPAL,
            )
        services.sso_rule_add(
            provider=provider,
            claim="groups",
            value="forvaltning-kvalitet",
            organisation=owner,
            role=Role.OWNER_ADMIN,
        )
    admin = world.users.get(f"huvudman@{DEMO_DOMAIN}")
    if admin is not None:
        services.api_token_create(user=admin, name="Rapportexport (demo)", scopes=["read"])
        logger.info("Demo: a read-only API token for %s (secret not shown).", admin.email)


@cleanup
def integrations_cleanup(organisation_ids: list[int]) -> None:
    SsoProvider.objects.filter(owner_id__in=organisation_ids).delete()
    ApiToken.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}").delete()
