"""A multi-year programme evaluation: an owner's or a collaboration's schools, years, and the
baseline and outcome points of four measures (docs/programmes.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation


class Programme(models.Model):
    """A programme of an owner (municipality) or a collaboration (network) over some of its
    schools and years."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner or collaboration"),
        on_delete=models.CASCADE,
        related_name="programmes",
    )
    name = models.CharField(_("name"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    schools = models.ManyToManyField(Organisation, verbose_name=_("schools"), related_name="+")
    description = models.TextField(_("aim and actions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_year", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="programme_years_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeMeasure(models.Model):
    """One of the programme's four measures and its baseline and outcome points.

    - teaching: two observation rounds (baseline and outcome) of the programme's schools;
    - safety (pupils' safety and study peace) and workload (teachers' job satisfaction and
      workload): per school at most one baseline and one outcome survey of the right audience;
    - attainment: a national indicator and a baseline and an outcome year (register figures
      of the schools' municipalities).
    """

    class Kind(models.TextChoices):
        TEACHING = "teaching", _("Quality of teaching")
        SAFETY = "safety", _("Pupils' safety and study peace")
        WORKLOAD = "workload", _("Teachers' job satisfaction and workload")
        ATTAINMENT = "attainment", _("Pupils' goal attainment")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=16, choices=Kind.choices)
    baseline_round = models.ForeignKey(
        "observations.Round",
        verbose_name=_("baseline round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome_round = models.ForeignKey(
        "observations.Round",
        verbose_name=_("outcome round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    baseline_surveys = models.ManyToManyField(
        "indicators.Survey", verbose_name=_("baseline surveys"), blank=True, related_name="+"
    )
    outcome_surveys = models.ManyToManyField(
        "indicators.Survey", verbose_name=_("outcome surveys"), blank=True, related_name="+"
    )
    indicator_code = models.SlugField(_("indicator"), max_length=40, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    outcome_year = models.PositiveSmallIntegerField(_("outcome year"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme measure")
        verbose_name_plural = _("programme measures")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="programme_measure_kind")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.kind}"
