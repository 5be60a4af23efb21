"""Programme entries on people's home pages: managers (owner administrators, network
coordinators) and principals of the programmes' schools."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.home import Action, register
from samsyn.accounts.models import Membership, Role
from samsyn.programmes.models import Programme


@register
def _programme_actions(user, organisations: list) -> list[Action]:
    roles = list(Membership.objects.filter(user=user).values_list("role", "organisation_id"))
    manages = any(role in (Role.OWNER_ADMIN, Role.NETWORK_COORDINATOR) for role, _o in roles)
    led = [org for role, org in roles if role == Role.PRINCIPAL]
    if not (manages or (led and Programme.objects.filter(schools__in=led).exists())):
        return []
    return [
        Action(
            _("Programme evaluations"),
            _(
                "Follow a multi-year programme from baseline to outcome on teaching, safety, "
                "workload and goal attainment, with what the design can and cannot show."
            ),
            reverse("programmes:list"),
        )
    ]
