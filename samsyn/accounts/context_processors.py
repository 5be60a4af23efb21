"""Navigation that depends on who is logged in."""

from __future__ import annotations

from django.http import HttpRequest

from samsyn.accounts.access import Perm, organisations_with_perm


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_member_orgs": organisations_with_perm(user, Perm.VIEW_MEMBERS),
        "nav_is_platform_admin": user.is_platform_admin,
    }
