"""`{% school_workshop_actions school %}`: the school's open actions and next workshop, for the
school's page. Shown only to those who may see them (the school's own people and principals)."""

from __future__ import annotations

from django import template

from samsyn.accounts.access import Perm, permissions_at
from samsyn.workshops import selectors

register = template.Library()


@register.inclusion_tag("workshops/_school_actions.html", takes_context=True)
def school_workshop_actions(context, school) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or school.kind != "school":
        return {"visible": False}
    perms = permissions_at(user, school)
    if not selectors.can_view(user, school, perms):
        return {"visible": False}
    upcoming = [w for w in selectors.workshops_of(school).order_by("starts_at") if w.is_upcoming]
    return {
        "visible": True,
        "school": school,
        "actions": list(selectors.actions_of(school, open_only=True)[:10]),
        "next_workshop": upcoming[0] if upcoming else None,
        "can_manage": Perm.WORKSHOPS_MANAGE in perms,
    }
