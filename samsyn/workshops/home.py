"""Home-page entries for workshops (registered from apps.py): a principal's next workshop (or
the way to prepare one) and the open actions a person has taken on for their school."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, permissions_at
from samsyn.accounts.home import Action, Panel, register, register_panel
from samsyn.workshops import selectors


@register
def _workshop_actions(user, organisations: list) -> list[Action]:
    actions: list[Action] = []
    upcoming = selectors.upcoming_workshops_for(user)
    seen: set[int] = set()
    for workshop in upcoming:
        if workshop.school_id in seen:
            continue
        seen.add(workshop.school_id)
        when = formats.date_format(timezone.localtime(workshop.starts_at), "DATETIME_FORMAT")
        actions.append(
            Action(
                _("Next workshop: %(title)s") % {"title": workshop.title},
                _("%(school)s, %(when)s. Check the slides, then present.")
                % {"school": workshop.school.name, "when": when},
                reverse("workshops:workshop_detail", args=[workshop.school_id, workshop.pk]),
            )
        )
    for entry in organisations:
        org = entry.organisation
        if org.kind != "school" or org.pk in seen:
            continue
        if Perm.WORKSHOPS_MANAGE in permissions_at(user, org):
            seen.add(org.pk)
            actions.append(
                Action(
                    _("Workshops at %(school)s") % {"school": org.name},
                    _("Prepare a workshop where the staff look at the observations together."),
                    reverse("workshops:workshop_list", args=[org.pk]),
                )
            )
    owned = list(selectors.owned_open_actions(user)[:5])
    for action in owned:
        due = formats.date_format(action.due_on, "SHORT_DATE_FORMAT")
        actions.append(
            Action(
                _("Our action: %(what)s") % {"what": action.what},
                _("You carry it for %(school)s; due %(due)s. Update its status when it moves.")
                % {"school": action.school.name, "due": due},
                reverse("workshops:action_list", args=[action.school_id]),
            )
        )
    return actions


@register_panel
def _school_cycles(user, organisations: list) -> list[Panel]:
    """A principal's working surface: where each school they lead stands in its cycle."""
    from samsyn.workshops.cycle import school_cycle

    panels = []
    for entry in organisations:
        org = entry.organisation
        if org.kind == "school" and Perm.WORKSHOPS_MANAGE in permissions_at(user, org):
            panels.append(
                Panel("workshops/_cycle_panel.html", {"cycle": school_cycle(org)}, order=10)
            )
    return panels
