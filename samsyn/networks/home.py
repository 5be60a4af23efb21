"""Network and peer-review entries on people's home pages, and the coordinator's panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.accounts.home import Action, Figure, Panel, figures_panel, register, register_panel
from samsyn.accounts.models import Role
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


@register_panel
def _coordinator_panel(user, organisations: list) -> list[Panel]:
    """A network coordinator's working surface, per network: this year's peer reviews in
    progress and completed, those without visit dates, and the next visit."""
    from samsyn.networks.models import PeerReview

    panels = []
    today = timezone.localdate()
    for entry in organisations:
        network = entry.organisation
        if network.kind != "network" or Role.NETWORK_COORDINATOR not in entry.roles:
            continue
        reviews = PeerReview.objects.filter(network=network, year=today.year)
        open_reviews = reviews.exclude(status=PeerReview.Status.COMPLETED)
        next_visit = (
            open_reviews.filter(visit_starts_on__gte=today)
            .select_related("school")
            .order_by("visit_starts_on", "pk")
            .first()
        )
        url = reverse("networks:network", args=[network.pk])
        figures = [
            Figure(
                "in-progress",
                _("Peer reviews in progress this year"),
                str(open_reviews.count()),
                url,
            ),
            Figure(
                "completed",
                _("Reports completed this year"),
                str(reviews.filter(status=PeerReview.Status.COMPLETED).count()),
                url,
            ),
            Figure(
                "no-visit",
                _("Reviews without visit dates"),
                str(open_reviews.filter(visit_starts_on=None).count()),
                url,
            ),
            Figure(
                "next-visit",
                _("Next review visit"),
                f"{date_format(next_visit.visit_starts_on)} · {next_visit.school.name}"
                if next_visit
                else _("None scheduled"),
                reverse("networks:review", args=[next_visit.pk]) if next_visit else "",
            ),
        ]
        panels.append(
            figures_panel(
                css="coordinator-panel",
                anchor=f"network-{network.pk}",
                heading=_("%(network)s: where the network stands") % {"network": network.name},
                figures=figures,
                order=10,
            )
        )
    return panels


@register
def _collaboration_actions(user, organisations: list) -> list:
    """The collaboration's groups for coordinators and everyone with a seat in a group; joint
    competence development for its participants."""
    from samsyn.accounts.access import Perm, organisations_with_perm
    from samsyn.accounts.models import Organisation
    from samsyn.networks.models import CompetenceEffort, GroupMember

    if not user.is_authenticated:
        return []
    ids = set(GroupMember.objects.filter(user=user).values_list("group__network_id", flat=True))
    for org in organisations_with_perm(user, Perm.COLLABORATION_MANAGE):
        if org.kind == Organisation.Kind.NETWORK:
            ids.add(org.pk)
        else:  # a region's coordinator reaches the networks below it
            ids.update(
                Organisation.objects.filter(parent=org, kind=Organisation.Kind.NETWORK).values_list(
                    "pk", flat=True
                )
            )
    actions = [
        Action(
            _("The collaboration's groups: %(network)s") % {"network": network.name},
            _("Groups and mandates, meetings, assignments and the decision log."),
            reverse("networks:collaboration", args=[network.pk]),
        )
        for network in Organisation.objects.filter(pk__in=ids).order_by("name")
    ]
    for network_id, name in (
        CompetenceEffort.objects.filter(participants=user)
        .exclude(network_id__in=ids)
        .values_list("network_id", "network__name")
        .distinct()
    ):
        actions.append(
            Action(
                _("Joint competence development: %(network)s") % {"network": name},
                _("The efforts you take part in, their material and evaluation."),
                reverse("networks:efforts", args=[network_id]),
            )
        )
    return actions
