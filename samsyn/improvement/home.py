"""Home-page actions for development projects, supervision and the library."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, permissions_at
from samsyn.accounts.home import Action, register
from samsyn.improvement.models import Project


@register
def _improvement_actions(user, organisations: list) -> list[Action]:
    actions = []
    supervises = False
    for entry in organisations:
        org = entry.organisation
        perms = permissions_at(user, org)
        if Perm.PROJECTS_MANAGE in perms and org.kind == "school":
            actions.append(
                Action(
                    _("Development projects in %(org)s") % {"org": org.name},
                    _("Lead a staff group from the school's results to a published final report."),
                    reverse("improvement:project_list", args=[org.pk]),
                )
            )
        supervises = supervises or Perm.PROJECTS_SUPERVISE in perms
    if supervises or user.supervision_groups.exists():
        actions.append(
            Action(
                _("Supervision groups"),
                _("Follow principals' development projects, plan sessions and review reports."),
                reverse("improvement:groups"),
            )
        )
    for project in Project.objects.filter(staff=user).exclude(lead=user)[:5]:
        actions.append(
            Action(
                project.title,
                _("The development project you take part in."),
                reverse("improvement:project", args=[project.pk]),
            )
        )
    if user.is_authenticated:
        actions.append(
            Action(
                _("Library of proven experience"),
                _("Search final reports and areas of excellence from other schools."),
                reverse("improvement:library"),
            )
        )
    return actions
