"""What apps building on dashboards add to it, registered from their `AppConfig.ready()`.

Dashboards never imports the apps that build on it (samsyn.workshops builds on dashboards, not
back). The complementary-suppression guard must know every team whose view a person can
obtain: an app that shows a team's figures registers a provider of its teams here.
"""

from __future__ import annotations

from collections.abc import Callable

# provider(school_ids) -> [(key, school_id, frozenset(user_ids)), ...]
TeamsProvider = Callable[[list[int]], list[tuple[object, int, frozenset]]]

_team_providers: list[TeamsProvider] = []


def register_teams(provider: TeamsProvider) -> TeamsProvider:
    """Register a provider of the teams (with their members) of these schools whose figures
    some person can obtain, oldest first."""
    if provider not in _team_providers:
        _team_providers.append(provider)
    return provider


def teams(school_ids: list[int]) -> list[tuple[object, int, frozenset]]:
    """Every registered provider's teams of these schools, in registration order."""
    return [team for provider in _team_providers for team in provider(school_ids)]
