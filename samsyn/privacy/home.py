"""Home-page actions for data protection (registered from apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm
from samsyn.accounts.home import Action, register
from samsyn.privacy import selectors


@register
def _privacy_actions(user, organisations: list) -> list[Action]:
    actions = []
    for owner in selectors.owners_with_perm(user, Perm.PRIVACY_MANAGE):
        actions.append(
            Action(
                _("Data protection for %(org)s") % {"org": owner.name},
                _(
                    "Retention, requests from people, research exports and the record of processing."
                ),
                reverse("privacy:owner", args=[owner.pk]),
            )
        )
    if selectors.owners_with_perm(user, Perm.RESEARCH_EXPORT_REQUEST) and not user.is_superuser:
        actions.append(
            Action(
                _("Research exports"),
                _("Request pseudonymised observation data and download approved exports."),
                reverse("privacy:research_list"),
            )
        )
    actions.append(
        Action(
            _("Your data"),
            _("Download everything Samsyn holds about you, as a readable PDF or as JSON."),
            reverse("privacy:my_data"),
        )
    )
    return actions
