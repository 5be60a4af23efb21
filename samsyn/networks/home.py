"""Network and peer-review entries on people's home pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.accounts.home import Action, register
from samsyn.networks.models import TeamMember


def _reviews_in_progress(user) -> list[Action]:
    """For a network coordinator: this year's peer reviews not yet completed, per network."""
    from samsyn.accounts.models import Membership, Role
    from samsyn.networks.models import PeerReview

    actions = []
    for membership in Membership.objects.filter(
        user=user, role=Role.NETWORK_COORDINATOR, organisation__kind="network"
    ).select_related("organisation"):
        network = membership.organisation
        open_reviews = (
            PeerReview.objects.filter(network=network, year=timezone.localdate().year)
            .exclude(status=PeerReview.Status.COMPLETED)
            .count()
        )
        if open_reviews:
            actions.append(
                Action(
                    ngettext(
                        "One peer review in progress in %(network)s",
                        "%(n)s peer reviews in progress in %(network)s",
                        open_reviews,
                    )
                    % {"n": open_reviews, "network": network.name},
                    _("Teams, visits and reports still to finish this year."),
                    reverse("networks:network", args=[network.pk]),
                    urgent=True,
                )
            )
    return actions


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
    actions.extend(_reviews_in_progress(user))
    if exchange_organisers(user) or ExchangeMember.objects.filter(user=user).exists():
        actions.append(
            Action(
                _("Critical-friend exchanges"),
                _("Exchanges and visits between school owners, prepared, documented and analysed."),
                reverse("networks:exchanges"),
            )
        )
    return actions
