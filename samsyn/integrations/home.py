"""Home-page actions for integrations: one's own API tokens; SSO settings for owner admins."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, permissions_at
from samsyn.accounts.home import Action, register
from samsyn.accounts.models import Organisation
from samsyn.integrations.models import SsoProvider


@register
def _integrations_actions(user, organisations: list) -> list[Action]:
    actions = []
    for entry in organisations:
        org = entry.organisation
        if org.kind == Organisation.Kind.OWNER and Perm.SSO_MANAGE in permissions_at(user, org):
            provider = SsoProvider.objects.filter(owner=org).only("check_error").first()
            if provider is not None and provider.check_error:
                actions.append(
                    Action(
                        _("Single sign-on for %(org)s is not offered") % {"org": org.name},
                        _("The identity provider failed its check; see why and correct it."),
                        reverse("integrations:sso_settings", args=[org.pk]),
                        urgent=True,
                    )
                )
            actions.append(
                Action(
                    _("Single sign-on for %(org)s") % {"org": org.name},
                    _("Let your staff log in with their work account; roles follow claims."),
                    reverse("integrations:sso_settings", args=[org.pk]),
                )
            )
    actions.append(
        Action(
            _("API tokens"),
            _("Personal tokens for programs that use Samsyn's JSON API on your behalf."),
            reverse("integrations:token_list"),
        )
    )
    return actions
