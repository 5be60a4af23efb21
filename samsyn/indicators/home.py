"""Home-page actions for indicators and surveys (registered from apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, permissions_at
from samsyn.accounts.home import Action, register


@register
def _indicator_actions(user, organisations: list) -> list[Action]:
    actions = []
    for entry in organisations:
        org = entry.organisation
        perms = permissions_at(user, org)
        if Perm.INDICATORS_VIEW in perms and org.kind != "network":
            actions.append(
                Action(
                    _("Indicators for %(org)s") % {"org": org.name},
                    _("Results over time from Skolverket and Kolada, with expected values."),
                    reverse("indicators:overview", args=[org.pk]),
                )
            )
        if Perm.SURVEYS_MANAGE in perms and org.kind in ("school", "owner"):
            actions.append(
                Action(
                    _("Surveys in %(org)s") % {"org": org.name},
                    _("Ask students or teachers about safety, study peace and workload."),
                    reverse("indicators:survey_list", args=[org.pk]),
                )
            )
    if user.is_platform_admin:
        actions.append(
            Action(
                _("Import national statistics"),
                _("Upload Skolverket's exports or fetch key figures from Kolada."),
                reverse("indicators:import"),
            )
        )
    return actions
