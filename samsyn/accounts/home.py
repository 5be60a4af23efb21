"""What a person can do next, shown on their home page.

Each app adds a provider with `register`; a provider looks at the user and their organisations
and returns the actions that apply. Only actions that exist are offered: no placeholders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, permissions_at


@dataclass(frozen=True)
class Action:
    title: str
    description: str
    url: str
    # Needs this person now (a review waiting, a deadline passed): shown first, under
    # "Needs you now", instead of in the menu of everything else.
    urgent: bool = False


Provider = Callable[[object, list], list[Action]]
_providers: list[Provider] = []


@dataclass(frozen=True)
class Panel:
    """A working surface at the top of the home page: `template` rendered with `context`."""

    template: str
    context: dict
    order: int = 50  # lower first: a principal's school cycle before their own visits


@dataclass(frozen=True)
class Figure:
    """One figure of a role's panel: what it counts (`label`), the figure as shown, where to
    act on it (or ""), and `key` for `data-figure` (tests and styles)."""

    key: str
    label: str
    value: str
    url: str = ""


def figures_panel(
    *, css: str, anchor: str, heading: str, figures: list[Figure], order: int = 30
) -> Panel:
    """A panel of figures, each linking to where it is acted on (`accounts/_figures_panel.html`):
    the owner's, the network coordinator's and the researcher's homes."""
    context = {"css": css, "anchor": anchor, "heading": heading, "figures": figures}
    return Panel("accounts/_figures_panel.html", context, order=order)


PanelProvider = Callable[[object, list], list[Panel]]
_panel_providers: list[PanelProvider] = []


def register_panel(provider: PanelProvider) -> PanelProvider:
    _panel_providers.append(provider)
    return provider


def home_panels(user, organisations: list) -> list[Panel]:
    """What needs this person now (e.g. a principal's school cycle), before everything else."""
    panels: list[Panel] = []
    for provider in _panel_providers:
        panels.extend(provider(user, organisations))
    return sorted(panels, key=lambda panel: panel.order)


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def home_actions(user, organisations: list) -> list[Action]:
    actions: list[Action] = []
    for provider in _providers:
        actions.extend(provider(user, organisations))
    # One's own settings come last, after the work.
    actions.append(
        Action(
            _("Your profile and language"),
            _("Your name, the language Samsyn speaks to you, and your password."),
            reverse("accounts:profile"),
        )
    )
    return actions


@register
def _accounts_actions(user, organisations: list) -> list[Action]:
    actions = []
    for entry in organisations:
        org = entry.organisation
        perms = permissions_at(user, org)
        if Perm.INVITE in perms:
            actions.append(
                Action(
                    _("Invite colleagues to %(org)s") % {"org": org.name},
                    _("Send an invitation by e-mail; it opens an account in the right role."),
                    reverse("accounts:organisation_invite", args=[org.pk]),
                )
            )
        if Perm.VIEW_MEMBERS in perms:
            actions.append(
                Action(
                    _("People in %(org)s") % {"org": org.name},
                    _("See who holds which role, and manage roles and invitations."),
                    reverse("accounts:organisation_members", args=[org.pk]),
                )
            )
    if user.is_platform_admin:
        actions.append(
            Action(
                _("Audit log"),
                _("Who read or exported someone else's individual data, and when."),
                reverse("accounts:audit_log"),
            )
        )
    return actions
