"""Integrations views: API tokens (each person's own) and single sign-on."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm, get_organisation_for_user
from samsyn.accounts.i18n import translate_path
from samsyn.accounts.models import Organisation
from samsyn.integrations import oidc, selectors, services
from samsyn.integrations.auth import WRITE_SCOPES
from samsyn.integrations.forms import SsoEmailForm, SsoProviderForm, SsoRuleForm, TokenForm
from samsyn.integrations.models import Scope, SsoProvider
from samsyn.lib.forms import errors_to_form as _form_errors

logger = logging.getLogger(__name__)


# --- API tokens -----------------------------------------------------------------------


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    ctx = {
        "tokens": selectors.api_tokens_for_user(user=request.user),
        "rate_limit": settings.SAMSYN_API_RATE_LIMIT,
        "rate_window": settings.SAMSYN_API_RATE_WINDOW,
        "header_example": f"Authorization: Bearer {services.TOKEN_PREFIX}…",
    }
    return render(request, "integrations/token_list.html", ctx)


@never_cache
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            # The secret is shown in this answer only; it is not stored and not redirected.
            return render(
                request, "integrations/token_created.html", {"token": token, "secret": secret}
            )
    ctx = {
        "form": form,
        "scopes": Scope.choices,
        "write_areas": sorted(WRITE_SCOPES),
    }
    return render(request, "integrations/token_create.html", ctx)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Only one's own tokens: anyone else's is "not found".
    token = selectors.get_api_token_for_user(user=request.user, pk=pk)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("integrations:token_list")


# --- single sign-on: logging in -------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def sso_choose(request: HttpRequest) -> HttpResponse:
    """Find the identity provider by the person's e-mail domain, or choose from the list."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SsoEmailForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        # The match is offered as a link, not a redirect: the page's CSP (form-action 'self')
        # rightly stops a form submission from being redirected to another site.
        found = selectors.sso_provider_for_email(email=form.cleaned_data["email"])
        if found is None:
            form.add_error(
                "email",
                _(
                    "No single sign-on is set up for this e-mail domain. Log in with your "
                    "password instead."
                ),
            )
    ctx = {
        "form": form,
        "found": found,
        "providers": selectors.sso_providers_offered(),
        "next": _safe_next(request),
    }
    return render(request, "integrations/sso_choose.html", ctx)


def _start(request: HttpRequest, provider: SsoProvider) -> HttpResponse:
    try:
        return redirect(oidc.authorization_redirect(request, provider, _safe_next(request)))
    except oidc.SsoError as error:
        logger.warning("SSO: provider %s could not be reached", provider.pk)
        messages.error(request, str(error.message))
        return redirect("integrations:sso_choose")


def sso_login(request: HttpRequest, pk: int) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    provider = selectors.sso_provider_offered(pk=pk)
    return _start(request, provider)


@never_cache
def sso_callback(request: HttpRequest) -> HttpResponse:
    try:
        result = oidc.complete_login(request, request.GET.dict())
    except oidc.SsoError as error:
        messages.error(request, str(error.message))
        return redirect("accounts:login")
    user = result.user
    if result.created:
        messages.success(
            request,
            _("Welcome to Samsyn, %(name)s! Your account was created through single sign-on.")
            % {"name": user.get_short_name()},
        )
    target = result.next_url or reverse("home")
    return redirect(translate_path(target, user.language))


# --- single sign-on: the owner administrator's settings -------------------------------


def _owner(request: HttpRequest, pk: int) -> Organisation:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.SSO_MANAGE)
    if org.kind != Organisation.Kind.OWNER:
        raise Http404
    return org


@login_required
def sso_settings(request: HttpRequest, pk: int) -> HttpResponse:
    owner = _owner(request, pk)
    provider = selectors.sso_provider_for_owner(user=request.user, owner=owner)
    initial = {"is_active": False}
    if provider is not None:
        initial = {
            "name": provider.name,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "email_domains": provider.email_domains,
            "is_active": provider.is_active,
        }
    form = SsoProviderForm(
        request.POST or None, initial=initial, has_secret=bool(provider and provider.client_secret)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.sso_provider_save(owner=owner, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if saved.check_error:
                messages.warning(
                    request,
                    _(
                        "The settings were saved, but the identity provider failed the check, "
                        "so it is not offered on the login page. The reason is shown below."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "The single sign-on settings were saved and the identity provider "
                        "answered correctly."
                    ),
                )
            return redirect("integrations:sso_settings", pk=owner.pk)
    organisations = selectors.rule_organisations(user=request.user, owner=owner)
    ctx = {
        "owner": owner,
        "provider": provider,
        "form": form,
        "rule_form": SsoRuleForm(organisations=organisations) if provider else None,
        "redirect_uri": oidc.redirect_uri(request),
        "check_message": oidc.CHECK_MESSAGES.get(provider.check_error) if provider else None,
    }
    return render(request, "integrations/sso_settings.html", ctx)


@require_POST
@login_required
def sso_rule_add(request: HttpRequest, pk: int) -> HttpResponse:
    owner = _owner(request, pk)
    provider = selectors.get_sso_provider_for_user(
        user=request.user, owner=owner, perm=Perm.SSO_MANAGE
    )
    form = SsoRuleForm(
        request.POST, organisations=selectors.rule_organisations(user=request.user, owner=owner)
    )
    if form.is_valid():
        try:
            services.sso_rule_add(provider=provider, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The rule was added."))
            return redirect("integrations:sso_settings", pk=owner.pk)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("integrations:sso_settings", pk=owner.pk)


@require_POST
@login_required
def sso_rule_remove(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    owner = _owner(request, pk)
    rule = selectors.get_sso_rule_for_user(
        user=request.user, pk=rule_pk, perm=Perm.SSO_MANAGE, owner=owner
    )
    services.sso_rule_remove(rule=rule)
    messages.success(request, _("The rule was removed."))
    return redirect("integrations:sso_settings", pk=owner.pk)
