"""`{% sso_login_options %}`: the "Log in with …" buttons on the login page."""

from __future__ import annotations

from django import template

from samsyn.integrations.selectors import sso_providers_offered

register = template.Library()


@register.inclusion_tag("integrations/sso_login_options.html")
def sso_login_options(next_url: str = "") -> dict:
    """`next_url` (the login page's `next`) is checked again when the login starts."""
    return {"providers": sso_providers_offered(), "next": next_url}
