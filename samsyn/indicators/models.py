"""National indicators: municipalities, groups, the indicator catalogue, imported values, surveys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation


class Municipality(models.Model):
    """A municipality or region as Kolada and SCB number them ("0180"; "0000" is Riket)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "K", _("Municipality")
        REGION = "L", _("Region or country")

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=1, choices=Kind.choices, default=Kind.MUNICIPALITY
    )
    county_code = models.CharField(_("county code"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class MunicipalityGroup(models.Model):
    """A Kolada group, e.g. "Liknande kommuner grundskola, Kungsbacka, 2024".

    Members are kept as ";0114;0123;" (with the separators at both ends, so a code can be
    found with `contains=";1384;"`): the groups are read, never edited, and there are thousands.
    """

    kolada_id = models.CharField(_("Kolada id"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    member_codes = models.TextField(_("members"))

    class Meta:
        verbose_name = _("municipality group")
        verbose_name_plural = _("municipality groups")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def members(self) -> list[str]:
        return [code for code in self.member_codes.split(";") if code]


class Indicator(models.Model):
    """An indicator of the catalogue (owner None: shipped with Samsyn) or an owner's own.

    Where the values come from: Skolverket's export (report title + measure label, optionally
    subject and group, exactly as in the file) and/or Kolada KPIs, per owner type: `kolada` is a
    list of parts `{"all": "N15421", "municipal": "N15433", "sv": "…", "en": "…"}` (most
    indicators have one part; eligibility for higher-education-preparatory programmes has
    three, one per programme group).
    """

    class Unit(models.TextChoices):
        PERCENT = "percent", _("per cent")
        POINTS = "points", _("points")
        COUNT = "count", _("pupils")

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.SlugField(_("code"), max_length=40)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices, default=Unit.PERCENT)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    # Labels exactly as in Skolverket's files: long enough for any real one (the longest
    # seen are ~150 characters; PostgreSQL refuses a longer value than max_length).
    skolverket_report = models.CharField(_("Skolverket report"), max_length=1000, blank=True)
    skolverket_measure = models.CharField(_("Skolverket measure"), max_length=1000, blank=True)
    skolverket_subject = models.CharField(_("Skolverket subject"), max_length=1000, blank=True)
    skolverket_group = models.CharField(
        _("Skolverket group"),
        max_length=1000,
        blank=True,
        help_text=_("A category such as Totalt, Flickor or Pojkar, exactly as in the file."),
    )
    kolada = models.JSONField(_("Kolada KPIs"), default=list, blank=True)
    # Further Skolverket measures, one series each, used where the measure above has no
    # values: [{"report", "measure", "subject", "group", "sv", "en"}] (eligibility for the
    # higher-education-preparatory programmes: three programme groups).
    skolverket_parts = models.JSONField(_("Skolverket parts"), default=list, blank=True)
    expected_model = models.BooleanField(
        _("expected-value model"),
        default=False,
        help_text=_("A grade-9 result modelled on the pupils' background (capacity gap)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(owner=None), name="indicator_unique_code"
            ),
            models.UniqueConstraint(fields=["owner", "code"], name="indicator_unique_owner_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_sv if (get_language() or "sv").startswith("sv") else self.name_en

    def kolada_kpis(self, owner_type: str) -> list[tuple[str, str]]:
        """(KPI id, part label) for the owner type ("all" or "municipal")."""
        swedish = (get_language() or "sv").startswith("sv")
        parts = []
        for part in self.kolada or []:
            kpi = part.get(owner_type) or ""
            if kpi:
                parts.append((kpi, part.get("sv" if swedish else "en") or ""))
        return parts


class ImportBatch(models.Model):
    """One imported file or Kolada fetch that changed something."""

    class Source(models.TextChoices):
        SKOLVERKET = "skolverket", _("Skolverket")
        KOLADA = "kolada", _("Kolada")

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    name = models.TextField(_("file or request"))
    sha256 = models.CharField(max_length=64, blank=True)
    report = models.TextField(_("report"), blank=True)
    created = models.PositiveIntegerField(_("values added"), default=0)
    updated = models.PositiveIntegerField(_("values changed"), default=0)
    unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.source}: {self.name}"


class KoladaFetch(models.Model):
    """One request to fetch Kolada's values, with what became of it.

    The page shows each fetch with its state; a failed one keeps Kolada's (or the network's)
    reason and can be tried again, so nothing says "being fetched" for ever.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Being fetched")
        DONE = "done", _("Fetched")
        FAILED = "failed", _("Failed")

    municipalities = models.CharField(_("municipalities"), max_length=500)
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("to year"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    error = models.TextField(_("reason"), blank=True)
    created = models.PositiveIntegerField(_("values added"), default=0)
    updated = models.PositiveIntegerField(_("values changed"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kolada fetch")
        verbose_name_plural = _("Kolada fetches")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.municipalities} {self.first_year}–{self.last_year}: {self.state}"

    @property
    def codes(self) -> list[str]:
        return [c for c in self.municipalities.split(",") if c]

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class StatValue(models.Model):
    """One published number (or its status marker) for a municipality, measure and year.

    Skolverket rows keep the report title and the measure's label exactly as in the file;
    Kolada rows have the KPI id as measure and the gender (T/K/M) as group. `value` is None
    whenever `status` holds a marker (`..`, `.`, `~100`, `*`, or Kolada's "Missing"): a
    marker never becomes a number.
    """

    class OwnerType(models.TextChoices):
        ALL = "all", _("All schools")
        MUNICIPAL = "municipal", _("Municipal schools")
        INDEPENDENT = "independent", _("Independent schools")
        INTERNATIONAL = "international", _("International schools")
        STATE = "state", _("State schools")
        REGION = "region", _("Regional schools")

    source = models.CharField(max_length=16, choices=ImportBatch.Source.choices)
    # Text, not varchar: Skolverket's labels have no fixed length (PostgreSQL refused a
    # measure label that landed in a varchar(40) group).
    report = models.TextField(blank=True)
    measure = models.TextField()
    subject = models.TextField(blank=True)
    group = models.TextField(blank=True)
    # Four digits, or a Kolada group id ("G35973") for a group's unweighted mean.
    municipality_code = models.CharField(max_length=12)
    owner_type = models.CharField(max_length=16, choices=OwnerType.choices)
    school_year = models.CharField(max_length=7, blank=True)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=16, blank=True)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="values"
    )

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "source",
                    "report",
                    "measure",
                    "subject",
                    "group",
                    "municipality_code",
                    "owner_type",
                    "year",
                ],
                name="statvalue_unique_cell",
            )
        ]
        indexes = [
            models.Index(fields=["municipality_code", "measure"]),
            models.Index(fields=["report", "measure", "year"]),
        ]

    def __str__(self) -> str:
        shown = self.status or self.value
        return f"{self.municipality_code} {self.measure} {self.year}: {shown}"


class Survey(models.Model):
    """A short survey of students or teachers on the 4-point agreement scale (+ don't know)."""

    class Audience(models.TextChoices):
        STUDENTS = "students", _("Students")
        TEACHERS = "teachers", _("Teachers")

    class Phase(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        OUTCOME = "outcome", _("Outcome")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("who answers"), max_length=16, choices=Audience.choices)
    phase = models.CharField(
        _("phase"), max_length=16, choices=Phase.choices, default=Phase.BASELINE
    )
    baseline = models.ForeignKey(
        "self",
        verbose_name=_("baseline survey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
    )
    is_open = models.BooleanField(_("open for answers"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Area(models.TextChoices):
        SAFETY = "safety", _("Safety")
        STUDY_PEACE = "study_peace", _("Study peace")
        JOB_SATISFACTION = "job_satisfaction", _("Job satisfaction")
        WORKLOAD = "workload", _("Workload")
        OWN = "own", _("Own questions")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    text = models.CharField(_("statement"), max_length=300)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class AnswerLink(models.Model):
    """One anonymous answer link. Only a hash of the token is stored; used once.

    The link is not connected to the response it produced, so whoever handed out the links
    cannot tell which answer came from which link.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer link")
        verbose_name_plural = _("answer links")

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.token_hash[:8]}"


class Response(models.Model):
    """One anonymous set of answers: no user, no IP address, no link, only the day."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField(_("day"))

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"


class Answer(models.Model):
    """0 = don't know; 1–4 from "strongly disagree" to "strongly agree"."""

    class Choice(models.IntegerChoices):
        DONT_KNOW = 0, _("Don't know")
        STRONGLY_DISAGREE = 1, _("Strongly disagree")
        DISAGREE = 2, _("Somewhat disagree")
        AGREE = 3, _("Somewhat agree")
        STRONGLY_AGREE = 4, _("Strongly agree")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(choices=Choice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique"),
            models.CheckConstraint(condition=models.Q(value__lte=4), name="answer_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"
