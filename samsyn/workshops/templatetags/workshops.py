"""`{% school_workshop_actions school %}`: the school's open actions and next workshop, for the
school's page. Shown only to those who may see them (the school's own people and principals)."""

from __future__ import annotations

from django import template

from samsyn.accounts.access import Perm
from samsyn.workshops import selectors

register = template.Library()


@register.inclusion_tag("workshops/_school_actions.html", takes_context=True)
def school_workshop_actions(context, school) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or school.kind != "school":
        return {"visible": False}
    can = selectors.workshop_perms(user, school)
    if Perm.WORKSHOPS_VIEW not in can:
        return {"visible": False}
    workshops = selectors.workshops_of(user=user, school=school).order_by("starts_at")
    upcoming = [w for w in workshops if w.is_upcoming]
    return {
        "visible": True,
        "school": school,
        "actions": list(selectors.actions_of(user=user, school=school, open_only=True)[:10]),
        "next_workshop": upcoming[0] if upcoming else None,
        "can": can,
    }
