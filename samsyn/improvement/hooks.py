"""What other apps add to the quality cycle, registered from their `AppConfig.ready()`.

Improvement never imports the apps that build on it (samsyn.networks builds on improvement,
not back): an app with something for the owner's annual quality report registers a provider
here instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from samsyn.accounts.models import Organisation

ExchangesProvider = Callable[[Organisation, date, date], list]

_exchange_providers: list[ExchangesProvider] = []


def register_exchanges(provider: ExchangesProvider) -> ExchangesProvider:
    """Register `provider(owner, year_start, year_end)`: the regional experience exchanges the
    owner took part in during the period (shown in the annual quality report)."""
    if provider not in _exchange_providers:
        _exchange_providers.append(provider)
    return provider


def exchanges_of(owner: Organisation, year_start: date, year_end: date) -> list:
    """Every registered provider's exchanges for the owner and period, in registration order."""
    return [x for provider in _exchange_providers for x in provider(owner, year_start, year_end)]
