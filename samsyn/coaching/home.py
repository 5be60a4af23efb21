"""Coaching entries on people's home pages: follow-ups due, "my teaching", support plans."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, organisations_with_perm
from samsyn.accounts.home import Action, Panel, register, register_panel
from samsyn.accounts.models import Organisation
from samsyn.coaching import selectors


@register
def _coaching_actions(user, organisations: list) -> list[Action]:
    actions = []
    for step in selectors.follow_ups_due(user=user):
        conversation = step.conversation
        if user.pk == conversation.teacher_id:
            title = _("Follow-up due %(date)s: your next step") % {
                "date": formats.date_format(step.follow_up_on, "SHORT_DATE_FORMAT")
            }
            text = step.action
        else:
            title = _("Follow-up due %(date)s: next step of %(name)s") % {
                "date": formats.date_format(step.follow_up_on, "SHORT_DATE_FORMAT"),
                "name": conversation.teacher.full_name,
            }
            # The step is the teacher's coaching record: the coach reads it on the
            # conversation's page, where each read is audited, not on every home visit.
            text = _("Open the conversation to follow up the step you agreed.")
        actions.append(
            Action(title, text, reverse("coaching:conversation", args=[conversation.pk]))
        )
    if selectors.teacher_schools(user):
        actions.append(
            Action(
                _("My teaching"),
                _("Your profile over time, your coaching conversations and your next steps."),
                reverse("coaching:my_teaching"),
            )
        )
    elif selectors.coach_schools(user):
        actions.append(
            Action(
                _("Coaching conversations"),
                _("Start a conversation with a teacher, prepare it and record the next step."),
                reverse("coaching:my_teaching"),
            )
        )
    for org in organisations_with_perm(user, Perm.SUPPORT_PLANS_MANAGE):
        if org.kind != Organisation.Kind.SCHOOL:
            continue
        actions.append(
            Action(
                _("Support plans at %(school)s") % {"school": org.name},
                _("Teachers below the satisfactory step, and their time-boxed plans."),
                reverse("coaching:support_plans", args=[org.pk]),
            )
        )
        actions.append(
            Action(
                _("Coaching conversations at %(school)s") % {"school": org.name},
                _("Who had a coaching conversation and when (the content stays private)."),
                reverse("coaching:school_conversations", args=[org.pk]),
            )
        )
    return actions


@register_panel
def _teacher_surface(user, organisations: list) -> list[Panel]:
    """A teacher's working surface: released observations (unread first), the next step agreed
    in coaching and when it is followed up."""
    if not selectors.teacher_schools(user):
        return []
    from samsyn.observations.selectors import observations_released_to

    counts = observations_released_to(user=user).aggregate(
        released=Count("pk"), unread=Count("pk", filter=Q(acknowledged_at=None))
    )
    step = selectors.next_open_step_for_unscoped(teacher=user)
    return [Panel("coaching/_teacher_panel.html", {**counts, "step": step})]
