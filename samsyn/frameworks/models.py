"""Observation frameworks: framework → versions → dimensions → steps → criteria.

A version is a draft until published; a published version never changes again (services refuse
to edit it), and editing means a new draft that copies it. Observations point at the exact
version, dimension and step rows they were rated against, so old data keep their text.

Texts are stored per language in `<field>_sv` / `<field>_en` columns; `text(obj, "name")`
returns the one for the active language, falling back to the other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("sv", "en")


def text(obj: object, field: str, language: str | None = None) -> str:
    """The text of `field` in `language` (default: the active one), else in the other one."""
    language = (language or translation.get_language() or "sv")[:2]
    order = [language, *[code for code in LANGUAGES if code != language]]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class Framework(models.Model):
    """A framework, identified by its slug; its content lives in its versions."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("belongs to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frameworks",
        help_text=_("Empty for a framework available to everyone."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class FrameworkVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    languages = models.JSONField(_("languages"), default=list)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # The order of the lowest step that counts as satisfactory (support plans start below it);
    # empty means the default rule of `satisfactory_order`.
    # (No translated verbose name yet: it would belong to the project-wide catalogue.)
    satisfactory_step = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="framework_version_unique"
            ),
            # One draft at a time: a second editor continues the same draft.
            models.UniqueConstraint(
                fields=["framework"],
                condition=models.Q(status="draft"),
                name="framework_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.slug} v{self.number}"

    @property
    def name(self) -> str:
        return text(self, "name")

    @property
    def description(self) -> str:
        return text(self, "description")

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @cached_property
    def satisfactory_order(self) -> int:
        """The lowest step order counted as satisfactory: the version's `satisfactory_step`, or
        else the step just above the middle of the shortest dimension (3 of 4, 3 of 5, 2 of 3)."""
        if self.satisfactory_step is not None:
            return self.satisfactory_step
        counts = self.dimensions.annotate(n=models.Count("steps")).values_list("n", flat=True)
        fewest = min(counts, default=4)
        return fewest // 2 + 1


class Dimension(models.Model):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("Stays the same across versions, so results can be followed over time."),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name_sv = models.CharField(_("short name (Swedish)"), max_length=60, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=60, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    references = models.JSONField(_("research references"), default=list, blank=True)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="dimension_order_unique"),
            models.UniqueConstraint(fields=["version", "code"], name="dimension_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return text(self, "name")

    @property
    def short_name(self) -> str:
        return text(self, "short_name") or self.name

    @property
    def description(self) -> str:
        return text(self, "description")


class Step(models.Model):
    """A developmental step of a dimension; order 1 is the lowest."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    label_sv = models.CharField(_("label (Swedish)"), max_length=120, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["dimension", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "order"], name="step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.label}"

    @property
    def label(self) -> str:
        return text(self, "label")

    @property
    def description(self) -> str:
        return text(self, "description")


class Criterion(models.Model):
    """Something an observer can see or hear that shows the step."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"))
    text_sv = models.TextField(_("text (Swedish)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["step", "order"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return text(self, "text")
