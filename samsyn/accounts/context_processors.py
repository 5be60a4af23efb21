"""Navigation that depends on who is logged in."""

from __future__ import annotations

from django.http import HttpRequest

from samsyn.accounts.access import Perm, _memberships, organisations_with_perm
from samsyn.accounts.models import Role


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {m.role for m in _memberships(user)}
    return {
        "nav_member_orgs": organisations_with_perm(user, Perm.VIEW_MEMBERS),
        "nav_is_platform_admin": user.is_platform_admin,
        "nav_is_teacher": Role.TEACHER in roles,
        "nav_networks": bool(roles & {Role.NETWORK_COORDINATOR, Role.PRINCIPAL, Role.OWNER_ADMIN}),
        "nav_projects": bool(roles & {Role.PRINCIPAL, Role.RESEARCHER, Role.OWNER_ADMIN}),
    }
