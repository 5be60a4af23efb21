"""Coverage of personal data is generic: every user link of every model is exported or
excluded with a reason, whatever app it belongs to."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

from samsyn.privacy import registry


def _independent_user_links() -> set[str]:
    """Every FK/O2O/M2M to the user model, found without the registry's own code."""
    user = apps.get_model(settings.AUTH_USER_MODEL)
    found = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if (
                f.is_relation
                and not f.auto_created
                and f.related_model is user
                and f.model is model
            ):
                found.add(f"{model._meta.label}.{f.name}")
    return found


def test_every_user_link_is_exported_or_excluded_with_a_reason():
    exported = {link.label for link in registry.export_links()}
    missing = [
        label
        for label in sorted(_independent_user_links())
        if label not in exported and not registry.EXCLUDED.get(label)
    ]
    assert missing == [], (
        "These models link to a person but are neither in the personal export nor excluded "
        f"with a reason (samsyn/<app>/privacy.py: registry.exclude(...)): {missing}"
    )
    assert registry.uncovered_links() == []


def test_the_registry_sees_the_same_links_as_independent_introspection():
    assert {link.label for link in registry.all_user_links()} == _independent_user_links()


def test_exclusions_name_real_links_and_give_a_reason():
    assert registry.stale_exclusions() == []
    assert all(reason for reason in registry.EXCLUDED.values())


def test_an_exclusion_without_reason_is_refused():
    try:
        registry.exclude("observations.Observation", "teacher", "")
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("an empty reason was accepted")
    assert "observations.Observation.teacher" not in registry.EXCLUDED


def test_an_exclusion_removes_a_link_from_the_export_and_only_with_a_reason():
    label = "observations.Observation.teacher"
    registry.EXCLUDED[label] = "test"
    try:
        assert label not in {link.label for link in registry.export_links()}
        assert registry.uncovered_links() == []
        registry.EXCLUDED[label] = ""
        assert registry.uncovered_links() == [label]
    finally:
        del registry.EXCLUDED[label]


def test_mentions_and_record_types_point_at_installed_models():
    for m in registry.MENTIONS:
        assert apps.get_model(m.model_label)
    assert {"observations", "surveys", "audit_log"} <= set(registry.RECORD_TYPES)
