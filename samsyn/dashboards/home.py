"""Home-page actions for dashboards (registered from apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, permissions_at
from samsyn.accounts.home import Action, register


@register
def _dashboard_actions(user, organisations: list) -> list[Action]:
    actions = []
    for entry in organisations:
        org = entry.organisation
        if Perm.DASHBOARD_VIEW not in permissions_at(user, org):
            continue
        if org.kind == "school":
            url = reverse("dashboards:school", args=[org.pk])
            text = _("Our teaching at a glance: steps per dimension and change between rounds.")
        else:
            url = reverse("dashboards:area", args=[org.pk])
            text = _("The schools' observations, aggregated and anonymised: each school's trend.")
        actions.append(Action(_("Dashboard for %(org)s") % {"org": org.name}, text, url))
    return actions
