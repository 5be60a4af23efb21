"""What apps building on observations add to it, registered from their `AppConfig.ready()`.

Observations never imports the apps that build on it (samsyn.triads keeps teachers' subject
and grade details): such an app registers a provider here instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from samsyn.observations.models import Round

# provider(round_) -> {(teacher_id, school_id): {"subject": ..., "grade": ...}}
DetailsProvider = Callable[["Round"], dict[tuple[int, int], dict[str, str]]]

_details_providers: list[DetailsProvider] = []


def register_teacher_details(provider: DetailsProvider) -> DetailsProvider:
    """Register a provider of the fields to pre-fill a round's planned visits with, per
    (teacher, school)."""
    if provider not in _details_providers:
        _details_providers.append(provider)
    return provider


def teacher_details(round_: Round) -> dict[tuple[int, int], dict[str, str]]:
    """The registered providers' pre-fill fields per (teacher, school); a later provider's
    fields add to an earlier one's."""
    out: dict[tuple[int, int], dict[str, str]] = {}
    for provider in _details_providers:
        for key, fields in provider(round_).items():
            out.setdefault(key, {}).update(fields)
    return out
