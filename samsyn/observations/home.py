"""Observation entries on people's home pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.home import Action, Panel, register, register_panel
from samsyn.observations import selectors
from samsyn.observations.models import Observation, RoundObserver, RoundTeacher


@register
def _observation_actions(user, organisations: list) -> list[Action]:
    actions = []
    if RoundObserver.objects.filter(observer=user, round__status="open").exists():
        count = selectors.assignments_for_observer(user=user, day=timezone.localdate()).count()
        actions.append(
            Action(
                _("Your observations today (%(count)d)") % {"count": count},
                _("Open a visit to capture it; it works offline and saves every tap."),
                reverse("observations:today"),
            )
        )
    released = Observation.objects.filter(teacher=user, status="released")
    if released.exists():
        unread = released.filter(acknowledged_at=None).count()
        actions.append(
            Action(
                _("Observations of your lessons (%(count)d new)") % {"count": unread},
                _("Read what was seen, and add your comment."),
                reverse("observations:mine"),
            )
        )
    pending = RoundTeacher.objects.filter(
        teacher=user, round__ask_proposals=True, round__status="open", proposed_at=None
    ).select_related("round")
    for entry in pending:
        actions.append(
            Action(
                _("Propose a lesson for %(round)s") % {"round": entry.round.name},
                _("Say which lesson you would like observed, and your own focus."),
                reverse("observations:proposal", args=[entry.round_id]),
            )
        )
    if selectors.calibrations_for_user(user=user) or selectors.calibration_organisations_for(user):
        actions.append(
            Action(
                _("Calibration"),
                _("Rate the same lesson as other observers and compare with the reference."),
                reverse("observations:calibrations"),
            )
        )
    if selectors.round_organisations_for(user):
        actions.append(
            Action(
                _("Observation rounds"),
                _("Plan rounds, follow coverage, and see who is overdue."),
                reverse("observations:overview"),
            )
        )
    return actions


@register_panel
def _observer_day(user, organisations: list) -> list[Panel]:
    """An observer's working surface: today's visits (and overdue drafts), each marked on this
    device when something is not yet sent (static/js/outbox.js), and the drafts not submitted."""
    if not RoundObserver.objects.filter(observer=user, round__status="open").exists():
        return []
    day = timezone.localdate()
    visits = list(selectors.assignments_for_observer(user=user))
    for a in visits:
        a.current = next(iter(a.observations.all()), None)
    todays = [
        a
        for a in visits
        if a.planned_at
        and timezone.localdate(a.planned_at) <= day
        and (
            timezone.localdate(a.planned_at) == day
            or a.current is None
            or a.current.status == "draft"
        )
    ]
    drafts = Observation.objects.filter(
        observer=user, status=Observation.Status.DRAFT, round__status="open"
    ).count()
    return [
        Panel(
            "observations/_observer_panel.html",
            {
                "visits": todays,
                "drafts": drafts,
                "unplanned": sum(a.planned_at is None for a in visits),
            },
            order=20,
        )
    ]
