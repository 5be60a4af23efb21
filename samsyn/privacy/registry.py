"""Where personal data lives: found by introspection, completed by each app's registrations.

Coverage is automatic: `user_links()` walks `django.apps.apps.get_models()` and finds every
ForeignKey, OneToOneField and ManyToManyField to the user model, so a new app's model is part of
the personal export (and of the controller's record of processing) the moment it exists. What
introspection cannot see is registered explicitly, by the app that owns it, in a module
`samsyn/<app>/privacy.py` (imported at start-up by `samsyn.privacy.apps`):

- `mention(model_label, lookup, reason)`: rows that name a person in text or JSON, not by a key
  (an e-mail in a log line, a name in a JSON blob). `lookup(user)` returns a `Q`.
- `exclude(model_label, field_name, reason)`: a user link deliberately left out of the personal
  export, with the reason (the coverage test fails on a link that is neither exported nor
  excluded with a reason).
- `redact(model_label, fields, reason)`: columns never written into an export (hashes, secrets).
- `section(key, label, producer)`: an extra, readable section of the export computed by the app
  (e.g. coaching's `my_teaching_export(*, teacher)`).
- `record_type(RecordType(...))`: a record type for retention and erasure (see below).
- `purpose(app_label, text)`: why the app processes personal data (the controller's record).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class UserLink:
    model: type[models.Model]
    field: models.Field

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"


@dataclass(frozen=True)
class Mention:
    model_label: str
    lookup: Callable[[Any], Q]
    reason: str


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    producer: Callable[[Any], Any]


@dataclass(frozen=True)
class EraseResult:
    erased: int = 0
    kept: int = 0
    reason: str = ""


@dataclass(frozen=True)
class RecordType:
    """A kind of record an owner keeps for a limited time.

    - `expired(owner_ids, cutoff)` → QuerySet of rows of those organisations older than
      `cutoff` (an aware datetime); its `.count()` is the preview and its rows are removed.
    - `aggregate(queryset)` → list of (key dict, count): what is kept when the owner chose
      "keep anonymised aggregates"; None if the type has no meaningful aggregate.
    - `erase(owner_ids, user, kept_until)` → EraseResult: removes (or detaches) the person's
      rows of this type within the owner's organisations; rows that must be kept are counted
      as kept with the reason. `kept_until` is the cutoff of the owner's retention period or None.
    - `delete(queryset)` → how many primary rows were removed (defaults to `queryset.delete()`).
    """

    key: str
    label: Any
    description: Any
    expired: Callable[[list[int], Any], models.QuerySet]
    aggregate: Callable[[models.QuerySet], list[tuple[dict, int]]] | None = None
    erase: Callable[[list[int], Any, Any], EraseResult] | None = None
    delete: Callable[[models.QuerySet], int] | None = None
    default_months: int = 60

    def remove(self, queryset: models.QuerySet) -> int:
        if self.delete is not None:
            return self.delete(queryset)
        count = queryset.count()
        queryset.delete()
        return count


MENTIONS: list[Mention] = []
EXCLUDED: dict[str, str] = {}
REDACTED: dict[str, dict[str, str]] = {}
SECTIONS: dict[str, Section] = {}
RECORD_TYPES: dict[str, RecordType] = {}
PURPOSES: dict[str, Any] = {}


def mention(model_label: str, lookup: Callable[[Any], Q], reason: str) -> None:
    MENTIONS.append(Mention(model_label, lookup, reason))


def exclude(model_label: str, field_name: str, reason: str) -> None:
    if not reason:
        raise ValueError("An excluded user link needs a reason")
    EXCLUDED[f"{model_label}.{field_name}"] = reason


def redact(model_label: str, fields: list[str], reason: str) -> None:
    for name in fields:
        REDACTED.setdefault(model_label, {})[name] = reason


def section(key: str, label: Any, producer: Callable[[Any], Any]) -> None:
    SECTIONS[key] = Section(key, label, producer)


def record_type(entry: RecordType) -> RecordType:
    RECORD_TYPES[entry.key] = entry
    return entry


def purpose(app_label: str, text: Any) -> None:
    PURPOSES[app_label] = text


def user_model() -> type[models.Model]:
    return apps.get_model(settings.AUTH_USER_MODEL)


def all_user_links() -> list[UserLink]:
    """Every FK/O2O/M2M to the user model on every installed model (concrete, not proxies)."""
    user = user_model()
    links = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for f in [*model._meta.local_fields, *model._meta.local_many_to_many]:
            if f.is_relation and f.related_model is user:
                links.append(UserLink(model, f))
    return links


def export_links() -> list[UserLink]:
    """The user links the personal export follows (all except the explicitly excluded)."""
    return [link for link in all_user_links() if link.label not in EXCLUDED]


def uncovered_links() -> list[str]:
    """User links neither exported nor excluded with a reason (must be empty)."""
    exported = {link.label for link in export_links()}
    return sorted(
        link.label
        for link in all_user_links()
        if link.label not in exported and not EXCLUDED.get(link.label)
    )


def stale_exclusions() -> list[str]:
    """Exclusions naming a field that no longer links to a user (they hide nothing)."""
    current = {link.label for link in all_user_links()}
    return sorted(label for label in EXCLUDED if label not in current)


def personal_models() -> list[type[models.Model]]:
    """Models holding personal data: the user model, linked models and registered mentions."""
    seen: dict[str, type[models.Model]] = {user_model()._meta.label: user_model()}
    for link in export_links():
        seen.setdefault(link.model._meta.label, link.model)
    for m in MENTIONS:
        try:
            model = apps.get_model(m.model_label)
        except LookupError:
            continue
        seen.setdefault(model._meta.label, model)
    return list(seen.values())
