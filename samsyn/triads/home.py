"""Triad entries on people's home pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.home import Action, register
from samsyn.triads import selectors


@register
def _triad_actions(user, organisations: list) -> list[Action]:
    actions = []
    if selectors.current_triads_for(user=user):
        actions.append(
            Action(
                _("My triad"),
                _("See your triad and plan peer visits: only its members see them."),
                reverse("triads:mine"),
            )
        )
    for school in selectors.schools_for_manager(user):
        actions.append(
            Action(
                _("Triads at %(school)s") % {"school": school.name},
                _("Let Samsyn propose triads with complementary strengths, adjust and save them."),
                reverse("triads:school", args=[school.pk]),
            )
        )
    return actions
