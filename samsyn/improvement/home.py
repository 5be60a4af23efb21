"""Home-page actions for development projects, supervision and the library."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, permissions_at
from samsyn.accounts.home import Action, register
from samsyn.improvement.cycle import due_steps
from samsyn.improvement.models import Project, Report


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
                    reverse("improvement:school_projects", args=[org.pk]),
                )
            )
        if Perm.QUALITY_CYCLE_VIEW in perms and org.kind in ("school", "owner"):
            actions.append(
                Action(
                    _("Quality work in %(org)s") % {"org": org.name},
                    _("The annual cycle: follow-up, analysis, planning and implementation."),
                    reverse("improvement:cycles", args=[org.pk]),
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
    for report in Report.objects.filter(
        project__group__supervisor=user, status=Report.Status.SUBMITTED
    ).select_related("project")[:5]:
        actions.append(
            Action(
                _("Review the final report: %(title)s") % {"title": report.project.title},
                _("Submitted for your review; approve it or ask for changes."),
                reverse("improvement:report", args=[report.project_id]),
                urgent=True,
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
    for step, school in due_steps(user)[:5]:
        where = school.name if school else step.cycle.owner.name
        if step.deadline < timezone.localdate():
            description = _("Past its deadline %(date)s (%(where)s).")
        else:
            description = _("Due %(date)s (%(where)s).")
        actions.append(
            Action(
                step.title,
                description % {"date": date_format(step.deadline), "where": where},
                reverse("improvement:cycle_school", args=[step.cycle_id, school.pk])
                if school
                else reverse("improvement:cycle", args=[step.cycle_id]),
                urgent=True,
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


@register
def _plan_actions(user, organisations: list) -> list[Action]:
    """The school's plan for skilled teaching: principals draft and follow it up, the rest of
    the school reads the approved plan."""
    from samsyn.improvement.models import SchoolPlan

    schools = [e.organisation for e in organisations if e.organisation.kind == "school"]
    managed = {org.pk for org in schools if Perm.PROJECTS_MANAGE in permissions_at(user, org)}
    latest: dict[int, SchoolPlan] = {}  # the newest approved plan per school, in one query
    for plan in SchoolPlan.objects.filter(
        school__in=[org for org in schools if org.pk not in managed],
        status=SchoolPlan.Status.APPROVED,
    ).order_by("-approved_at"):
        latest.setdefault(plan.school_id, plan)
    actions = []
    for org in schools:
        if org.pk in managed:
            actions.append(
                Action(
                    _("Plans for skilled teaching in %(name)s") % {"name": org.name},
                    _("Draft the school's plan from its baseline round and follow it up."),
                    reverse("improvement:plans", args=[org.pk]),
                )
            )
        elif (plan := latest.get(org.pk)) is not None:
            actions.append(
                Action(
                    plan.title,
                    _("The school's approved plan for skilled teaching in every classroom."),
                    reverse("improvement:plan", args=[plan.pk]),
                )
            )
    return actions
