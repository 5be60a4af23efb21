"""Single sign-on end to end in Chromium: the login page's "Log in with …" button, the local
OpenID Connect provider (samsyn/integrations/tests/oidc_provider.py), and back to Samsyn's home
page as a just-in-time account with the role the owner's claim rule maps to."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from samsyn.accounts.models import Membership, Organisation, Role, Session, User
from samsyn.integrations import services
from samsyn.integrations.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.e2e.waits import click_and_wait

pytestmark = pytest.mark.e2e


@pytest.fixture
def idp():
    cache.clear()
    with Provider() as provider:
        yield provider


@pytest.fixture
def ekbacka(transactional_db, idp):
    region = Organisation.objects.create(kind=Organisation.Kind.REGION, name="Region Havsbandet")
    owner = Organisation.objects.create(
        kind=Organisation.Kind.OWNER, name="Ekbacka kommun", parent=region
    )
    school = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="Ekbacka centralskola", parent=owner
    )
    provider = services.sso_provider_save(
        owner=owner,
        name="Ekbacka-ID",
        issuer=idp.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        email_domains="ekbacka.example",
        is_active=True,
    )
    services.sso_rule_add(
        provider=provider, claim="groups", value="teachers", organisation=school, role=Role.TEACHER
    )
    services.sso_rule_add(
        provider=provider,
        claim="groups",
        value="principals",
        organisation=school,
        role=Role.PRINCIPAL,
    )
    return school


def test_it_logs_in_a_new_principal_through_the_identity_provider(
    live_server, ekbacka, idp, page, screenshot
):
    idp.user.update(
        sub="ekb-4711",
        email="karin.lind@ekbacka.example",
        name="Karin Lind",
        groups=["staff", "principals"],
    )
    page.goto(f"{live_server.url}/")
    # Through the provider and back, logged in, on the home page.
    click_and_wait(page, "text=Ekbacka-ID")  # (the provider answers with redirects only)
    assert page.url.rstrip("/") == live_server.url
    main = page.locator("main").inner_text()
    assert "Ekbacka centralskola" in main
    with translation.override("sv"):
        assert str(Role.PRINCIPAL.label) in main
    screenshot("sso-principal-home")

    user = User.objects.get(email="karin.lind@ekbacka.example")
    assert user.full_name == "Karin Lind"
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (ekbacka.pk, Role.PRINCIPAL)
    ]
    assert Session.objects.filter(user=user).exists()
    # The provider saw PKCE and a client authenticated with its secret.
    assert idp.token_requests[-1]["code_verifier"]


def test_the_chooser_finds_the_provider_by_e_mail(live_server, ekbacka, idp, page):
    idp.user.update(sub="ekb-1", email="olof@ekbacka.example", name="Olof", groups=["teachers"])
    page.goto(f"{live_server.url}/integrations/sso/")
    page.fill("#id_email", "olof@ekbacka.example")
    click_and_wait(page, "form.card button[type=submit]")
    page.wait_for_selector("#sso-found")
    click_and_wait(page, "#sso-found")
    assert "Ekbacka centralskola" in page.locator("main").inner_text()
    assert User.objects.filter(email="olof@ekbacka.example", is_active=True).exists()


def test_a_person_makes_uses_and_revokes_an_api_token(live_server, ekbacka, page, screenshot):
    import json
    import urllib.error
    import urllib.request

    user = User.objects.create_user("lars@ekbacka.example", "lars-password-42", full_name="Lars")
    Membership.objects.create(user=user, organisation=ekbacka, role=Role.TEACHER)
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "lars@ekbacka.example")
    page.fill("#id_password", "lars-password-42")
    click_and_wait(page, "form.card button[type=submit]")
    page.goto(f"{live_server.url}/integrations/tokens/new/")
    page.fill("#id_name", "Schemasynk")
    click_and_wait(page, "form.card button[type=submit]")
    secret = page.wait_for_selector("#token-secret").input_value()
    assert secret.startswith("samsyn_")
    screenshot("integrations-token-created")

    def call() -> int:
        url = f"{live_server.url}/api/v1/me"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                assert json.loads(response.read())["email"] == "lars@ekbacka.example"
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert call() == 200
    page.goto(f"{live_server.url}/integrations/tokens/")
    assert secret not in page.content()
    click_and_wait(page, "table button.button-danger")
    page.wait_for_selector(".badge")
    assert call() == 401
