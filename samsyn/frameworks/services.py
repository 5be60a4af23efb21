"""Writes for frameworks. A published version is frozen: every edit goes to a draft.

Who may call these is checked by the views (`selectors.get_framework_for_user(perm=Perm.MANAGE_FRAMEWORKS)`);
what is valid is checked here. Each function is one transaction.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from samsyn.accounts.models import Organisation, User
from samsyn.frameworks import format as fmt
from samsyn.frameworks.models import (
    Criterion,
    Dimension,
    Framework,
    FrameworkVersion,
    Step,
)

MODELS = SimpleNamespace(
    FrameworkVersion=FrameworkVersion, Dimension=Dimension, Step=Step, Criterion=Criterion
)

ERR_NOT_DRAFT = gettext_lazy("A published version cannot change. Create a new version to edit.")
ERR_SLUG_TAKEN = gettext_lazy("slug: another organisation's framework already uses %(slug)s")
ERR_DRAFT_EXISTS = gettext_lazy(
    "slug: %(slug)s already has a draft; publish or discard it before importing"
)
ERR_STEP_LIMITS = gettext_lazy("A dimension has from %(min)d to %(max)d steps.")
ERR_LAST_DIMENSION = gettext_lazy("A framework needs at least one dimension.")


def _ensure_draft(version: FrameworkVersion) -> None:
    # Ask the database, not the (possibly stale) instance: publishing may have happened since.
    if not FrameworkVersion.objects.filter(
        pk=version.pk, status=FrameworkVersion.Status.DRAFT
    ).exists():
        raise ValidationError(ERR_NOT_DRAFT)


@transaction.atomic
def framework_import(
    *, raw: str | bytes, actor: User | None, organisation: Organisation | None
) -> FrameworkVersion:
    """Import a framework file as a new draft (a new framework, or a new version of it).

    Raises FrameworkFileError naming every problem; nothing is written then.
    """
    data = fmt.parse(raw)
    slug = data["slug"]
    framework = Framework.objects.select_for_update().filter(slug=slug).first()
    if framework is None:
        framework = Framework.objects.create(slug=slug, organisation=organisation)
        number = 1
    else:
        if framework.organisation_id != (organisation.pk if organisation else None):
            raise fmt.FrameworkFileError([str(ERR_SLUG_TAKEN % {"slug": slug})])
        if framework.versions.filter(status=FrameworkVersion.Status.DRAFT).exists():
            raise fmt.FrameworkFileError([str(ERR_DRAFT_EXISTS % {"slug": slug})])
        number = (framework.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return fmt.create_version(
        data, framework=framework, number=number, models=MODELS, created_by=actor
    )


DEFAULT_SLUG = "samsyn-undervisning"


@transaction.atomic
def default_framework_ensure() -> FrameworkVersion:
    """The open default framework, installed from its file if it is missing.

    The data migration installs it; this puts it back where a database was emptied since
    (a demo reset, or tests that flush the database).
    """
    from pathlib import Path

    existing = FrameworkVersion.objects.filter(framework__slug=DEFAULT_SLUG, number=1).first()
    if existing is not None:
        return existing
    raw = (Path(__file__).resolve().parent / "data" / f"{DEFAULT_SLUG}.json").read_bytes()
    framework = Framework.objects.create(slug=DEFAULT_SLUG, organisation=None)
    return fmt.create_version(
        fmt.parse(raw),
        framework=framework,
        number=1,
        models=MODELS,
        status=FrameworkVersion.Status.PUBLISHED,
        published_at=timezone.now(),
    )


@transaction.atomic
def framework_create(
    *,
    actor: User,
    organisation: Organisation | None,
    slug: str,
    name_sv: str,
    name_en: str,
    description_sv: str = "",
    description_en: str = "",
) -> FrameworkVersion:
    """A new framework with an empty draft, to be filled in the editor."""
    framework = Framework(slug=slug, organisation=organisation)
    framework.full_clean()
    framework.save()
    return FrameworkVersion.objects.create(
        framework=framework,
        number=1,
        languages=[code for code, name in (("sv", name_sv), ("en", name_en)) if name] or ["sv"],
        name_sv=name_sv,
        name_en=name_en,
        description_sv=description_sv,
        description_en=description_en,
        created_by=actor,
    )


@transaction.atomic
def version_new_draft(*, framework: Framework, actor: User) -> FrameworkVersion:
    """The framework's draft: the existing one, or a copy of the latest published version.

    The copy goes through the file format, so a draft is exactly what export → import gives.
    """
    Framework.objects.select_for_update().filter(pk=framework.pk).first()
    existing = framework.versions.filter(status=FrameworkVersion.Status.DRAFT).first()
    if existing is not None:
        return existing
    latest = framework.versions.order_by("-number").first()
    number = latest.number + 1
    return fmt.create_version(
        fmt.export_version(latest),
        framework=framework,
        number=number,
        models=MODELS,
        created_by=actor,
    )


@transaction.atomic
def version_publish(*, version: FrameworkVersion, actor: User) -> FrameworkVersion:
    """Freeze the draft. Refused, naming each problem, if it is not complete in its languages."""
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    _ensure_draft(version)
    errors = fmt.check(fmt.export_version(version))
    if errors:
        raise fmt.FrameworkFileError(errors)
    version.status = FrameworkVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    return version


@transaction.atomic
def version_discard(*, version: FrameworkVersion) -> None:
    """Throw a draft away; a framework with nothing published goes with it."""
    _ensure_draft(version)
    framework = version.framework
    version.delete()
    if not framework.versions.exists():
        framework.delete()


@transaction.atomic
def version_update(*, version: FrameworkVersion, languages: list[str], **texts: str) -> None:
    _ensure_draft(version)
    version.languages = [code for code in fmt.LANGUAGES if code in languages]
    for field, value in texts.items():
        setattr(version, field, value.strip())
    version.save()


def _default_step_labels(version: FrameworkVersion, count: int) -> list[dict[str, str]]:
    """Step labels for a new dimension: those of the framework's first dimension if it has the
    same number of steps (frameworks usually share one scale), else numbered ones."""
    first = version.dimensions.order_by("order").first()
    if first is not None:
        steps = list(first.steps.order_by("order"))
        if len(steps) == count:
            return [{"sv": s.label_sv, "en": s.label_en} for s in steps]
    return [{"sv": f"Steg {i}", "en": f"Step {i}"} for i in range(1, count + 1)]


@transaction.atomic
def dimension_create(
    *, version: FrameworkVersion, code: str, name_sv: str, name_en: str, steps: int = 4
) -> Dimension:
    _ensure_draft(version)
    if not fmt.MIN_STEPS <= steps <= fmt.MAX_STEPS:
        raise ValidationError(
            {"steps": ERR_STEP_LIMITS % {"min": fmt.MIN_STEPS, "max": fmt.MAX_STEPS}}
        )
    order = (version.dimensions.aggregate(n=Max("order"))["n"] or 0) + 1
    dimension = Dimension(
        version=version, code=code, order=order, name_sv=name_sv.strip(), name_en=name_en.strip()
    )
    dimension.full_clean()
    dimension.save()
    labels = _default_step_labels(version, steps)
    Step.objects.bulk_create(
        Step(dimension=dimension, order=i, label_sv=label["sv"], label_en=label["en"])
        for i, label in enumerate(labels, start=1)
    )
    return dimension


@transaction.atomic
def dimension_update(*, dimension: Dimension, fields: dict, steps: list[dict]) -> Dimension:
    """Save a dimension and its steps with their criteria (lists of {"sv", "en"} texts)."""
    _ensure_draft(dimension.version)
    for name, value in fields.items():
        setattr(dimension, name, value)
    dimension.full_clean(exclude=["version"])
    dimension.save()
    existing = {s.order: s for s in dimension.steps.all()}
    for order, step_data in enumerate(steps, start=1):
        step = existing[order]
        for name in ("label_sv", "label_en", "description_sv", "description_en"):
            setattr(step, name, step_data[name].strip())
        step.save()
        step.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(step=step, order=k, text_sv=c["sv"], text_en=c["en"])
            for k, c in enumerate(step_data["criteria"], start=1)
        )
    return dimension


@transaction.atomic
def dimension_move(*, dimension: Dimension, offset: int) -> None:
    """Swap a dimension with its neighbour (offset -1 up, +1 down)."""
    _ensure_draft(dimension.version)
    neighbour = dimension.version.dimensions.filter(order=dimension.order + offset).first()
    if neighbour is None:
        return
    # Orders are unique per version: park one out of the way while swapping.
    mine, theirs = dimension.order, neighbour.order
    Dimension.objects.filter(pk=dimension.pk).update(order=32000)
    Dimension.objects.filter(pk=neighbour.pk).update(order=mine)
    Dimension.objects.filter(pk=dimension.pk).update(order=theirs)


@transaction.atomic
def dimension_delete(*, dimension: Dimension) -> None:
    version = dimension.version
    _ensure_draft(version)
    if version.dimensions.count() <= 1:
        raise ValidationError(ERR_LAST_DIMENSION)
    order = dimension.order
    dimension.delete()
    for later in version.dimensions.filter(order__gt=order).order_by("order"):
        Dimension.objects.filter(pk=later.pk).update(order=F("order") - 1)


@transaction.atomic
def step_add(*, dimension: Dimension) -> Step:
    _ensure_draft(dimension.version)
    count = dimension.steps.count()
    if count >= fmt.MAX_STEPS:
        raise ValidationError(ERR_STEP_LIMITS % {"min": fmt.MIN_STEPS, "max": fmt.MAX_STEPS})
    n = count + 1
    return Step.objects.create(
        dimension=dimension, order=n, label_sv=f"Steg {n}", label_en=f"Step {n}"
    )


@transaction.atomic
def step_remove_last(*, dimension: Dimension) -> None:
    _ensure_draft(dimension.version)
    count = dimension.steps.count()
    if count <= fmt.MIN_STEPS:
        raise ValidationError(ERR_STEP_LIMITS % {"min": fmt.MIN_STEPS, "max": fmt.MAX_STEPS})
    dimension.steps.filter(order=count).delete()
