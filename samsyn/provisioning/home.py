"""Home-page action for owner administrators: onboarding schools and staff."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, permissions_at
from samsyn.accounts.home import Action, register
from samsyn.accounts.models import Organisation, Role


@register
def _provisioning_actions(user, organisations: list) -> list[Action]:
    actions = []
    for entry in organisations:
        org = entry.organisation
        if org.kind != Organisation.Kind.OWNER:
            continue
        if Perm.ORGANISATIONS_MANAGE in permissions_at(user, org):
            actions.append(
                Action(
                    _("Import schools and staff to %(org)s") % {"org": org.name},
                    _("From your staff system (SS 12000) or a CSV file; see the changes first."),
                    reverse("provisioning:import", args=[org.pk]),
                )
            )
            actions.append(
                Action(
                    _("Schools of %(org)s") % {"org": org.name},
                    _("Add a school or correct its name, school unit code and municipality."),
                    reverse("provisioning:schools", args=[org.pk]),
                )
            )
    return actions


@register
def _conflict_actions(user, organisations: list) -> list[Action]:
    """Reviewers (principals, observers) of member schools declare their own conflicts."""
    school_ids = [
        entry.organisation.pk
        for entry in organisations
        if entry.organisation.kind == Organisation.Kind.SCHOOL
        and {Role.PRINCIPAL, Role.OBSERVER} & set(entry.roles)
    ]
    if not school_ids:
        return []
    networks = Organisation.objects.filter(network_members__school_id__in=school_ids).distinct()
    return [
        Action(
            _("My conflicts of interest in %(org)s") % {"org": network.name},
            _("Schools you must not review in peer reviews."),
            reverse("provisioning:my_conflicts", args=[network.pk]),
        )
        for network in networks.order_by("name")
    ]
