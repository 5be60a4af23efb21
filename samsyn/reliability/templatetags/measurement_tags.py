"""`{% profile_reliability teacher %}`: the reliability block for 'my teaching' and the coach's
preparation. The page that uses it has already checked that the reader may see the teacher's
data (the teacher themself, or their coach)."""

from __future__ import annotations

from django import template

from samsyn.accounts.models import User

register = template.Library()


@register.inclusion_tag("reliability/_profile_reliability.html")
def profile_reliability(teacher: User, heading_level: int = 2) -> dict:
    from samsyn.reliability.profiles import for_teacher

    return {"rows": for_teacher(teacher), "h": heading_level}
