"""Network and peer-review entries on people's home pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.home import Action, register
from samsyn.networks.models import TeamMember


@register
def _network_actions(user, organisations: list) -> list:
    from samsyn.networks.models import ExchangeMember
    from samsyn.networks.selectors import exchange_organisers, networks_for_user

    actions = []
    if networks_for_user(user) or TeamMember.objects.filter(user=user).exists():
        actions.append(
            Action(
                _("Networks and peer review"),
                _(
                    "Your school's annual peer review, the reviews you take part in, and reports shared with you."
                ),
                reverse("networks:index"),
            )
        )
    if exchange_organisers(user) or ExchangeMember.objects.filter(user=user).exists():
        actions.append(
            Action(
                _("Critical-friend exchanges"),
                _("Exchanges and visits between school owners, prepared, documented and analysed."),
                reverse("networks:exchanges"),
            )
        )
    return actions
