"""The frameworks' entry on people's home pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.home import Action, register
from samsyn.frameworks.selectors import can_create_any


@register
def _frameworks_actions(user, organisations: list) -> list[Action]:
    if not organisations and not user.is_platform_admin:
        return []
    if can_create_any(user):
        return [
            Action(
                _("Observation frameworks"),
                _("Read, edit, import and publish the frameworks lessons are observed with."),
                reverse("frameworks:list"),
            )
        ]
    return [
        Action(
            _("What good teaching looks like"),
            _("Read the observation framework: its dimensions, steps and observable criteria."),
            reverse("frameworks:list"),
        )
    ]
