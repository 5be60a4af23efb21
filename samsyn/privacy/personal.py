"""The personal export: every row Samsyn holds that is linked to one person.

Built from `registry.export_links()` (introspection of every user link) and the registered
mentions and sections, so a new model is included without touching this file.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from samsyn.privacy import registry


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    if isinstance(value, bytes | memoryview):
        return None
    return str(value)


def dataset_for(model, user) -> dict | None:
    """The person's rows of one model, with field names and labels; None if there are none."""
    label = model._meta.label
    user_model = registry.user_model()
    query = Q()
    fk_links, m2m_links = [], []
    if model is user_model:
        query |= Q(pk=user.pk)
    for link in registry.export_links():
        if link.model is model:
            query |= Q(**{link.field.name: user.pk})
            (m2m_links if link.field.many_to_many else fk_links).append(link.field)
    mentions = [m for m in registry.MENTIONS if m.model_label == label]
    for m in mentions:
        query |= m.lookup(user)
    if not query:
        return None
    redacted = registry.REDACTED.get(label, {})
    fields = [f for f in model._meta.concrete_fields if f.name not in redacted]
    m2m = [f for f in model._meta.many_to_many if f.name not in redacted]
    ids = list(model._default_manager.filter(query).values_list("pk", flat=True).distinct())
    if not ids:
        return None
    queryset = model._default_manager.filter(pk__in=ids).order_by("pk")
    if m2m:
        queryset = queryset.prefetch_related(*(f.name for f in m2m))
    rows = []
    for obj in queryset:
        row = {
            f.attname if f.is_relation else f.name: _plain(f.value_from_object(obj)) for f in fields
        }
        for f in m2m:
            row[f.name] = sorted(o.pk for o in getattr(obj, f.name).all())
        linked_by = [f.name for f in fk_links if getattr(obj, f.attname) == user.pk]
        linked_by += [f.name for f in m2m_links if user.pk in row.get(f.name, [])]
        if model is user_model and obj.pk == user.pk:
            linked_by.append("self")
        if not linked_by and mentions:
            linked_by.append("mention")
        row["_linked_by"] = linked_by
        rows.append(row)
    return {
        "model": label,
        "app": str(model._meta.app_config.verbose_name),
        "verbose_name": str(model._meta.verbose_name_plural),
        "fields": [
            {"name": f.attname if f.is_relation else f.name, "label": str(f.verbose_name)}
            for f in [*fields, *m2m]
        ],
        "redacted": {name: str(reason) for name, reason in redacted.items()},
        "rows": rows,
    }


def personal_export(user) -> dict:
    """Everything linked to `user`, grouped by model (machine-readable, JSON-safe)."""
    datasets = []
    for model in registry.personal_models():
        data = dataset_for(model, user)
        if data is not None:
            datasets.append(data)
    datasets.sort(key=lambda d: d["model"])
    sections = []
    for key, sec in sorted(registry.SECTIONS.items()):
        content = sec.producer(user)
        if content:
            sections.append({"key": key, "label": str(sec.label), "content": _plain(content)})
    return {
        "format": "samsyn-personal-export/1",
        "generated_at": timezone.now().isoformat(),
        "person": {"id": user.pk, "name": user.full_name, "email": user.email},
        "datasets": datasets,
        "sections": sections,
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
