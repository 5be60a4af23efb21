"""Principal-led development projects, their supervision, final reports and the library.

A project belongs to a school and is led by a principal. Its starting analysis links to
evidence the school already has in Samsyn (indicators, observation rounds, surveys). A
supervision group (a researcher or other supervisor) follows several projects: it sees their
logs and reports, never the schools' other data. The final report is written from the
project's own material, reviewed by the supervisor and, with the author's consent, published
as a `LibraryEntry` that every signed-in person may read and search.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation


class SchoolForm(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    COMPULSORY = "compulsory", _("Compulsory school")
    LEISURE = "leisure", _("Leisure-time centre")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    STUDENT_HEALTH = "student_health", _("Student health")
    CULTURE = "culture", _("Culture school")


class Area(models.TextChoices):
    TEACHING = "teaching", _("Teaching and learning")
    ASSESSMENT = "assessment", _("Assessment and feedback")
    INCLUSION = "inclusion", _("Inclusion and support for different needs")
    SAFETY = "safety", _("Safety and study peace")
    LITERACY = "literacy", _("Reading, writing and language")
    MATHEMATICS = "mathematics", _("Mathematics")
    LEADERSHIP = "leadership", _("Leadership and organisation")
    COLLEGIAL = "collegial", _("Collegial learning")
    GUARDIANS = "guardians", _("Cooperation with guardians")
    TRANSITIONS = "transitions", _("Transitions between school forms")


class Language(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class SupervisionGroup(models.Model):
    """A supervisor following several principals' projects with monthly sessions."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="supervision_groups",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supervision_groups",
        verbose_name=_("supervisor"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupSession(models.Model):
    """A planned monthly session of a supervision group."""

    group = models.ForeignKey(
        SupervisionGroup, on_delete=models.CASCADE, related_name="planned_sessions"
    )
    planned_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)

    class Meta:
        verbose_name = _("planned session")
        verbose_name_plural = _("planned sessions")
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return f"{self.group} {self.planned_on}"


class Project(models.Model):
    class Phase(models.TextChoices):
        ANALYSIS = "analysis", _("Starting analysis")
        PLANNING = "planning", _("Planning")
        IMPLEMENTATION = "implementation", _("Implementation")
        FOLLOW_UP = "follow_up", _("Follow-up")
        REPORTING = "reporting", _("Final report")
        FINISHED = "finished", _("Finished")

    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects", verbose_name=_("school")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("project lead"),
    )
    title = models.CharField(_("title"), max_length=200)
    school_form = models.CharField(
        _("school form"), max_length=20, choices=SchoolForm.choices, default=SchoolForm.COMPULSORY
    )
    area = models.CharField(
        _("development area"), max_length=20, choices=Area.choices, default=Area.TEACHING
    )
    dimension_code = models.CharField(_("framework dimension"), max_length=60, blank=True)
    analysis = models.TextField(
        _("starting analysis"),
        blank=True,
        help_text=_("What the school's results show, and why this area was chosen."),
    )
    area_description = models.TextField(_("the chosen development area"), blank=True)
    question = models.TextField(_("question to answer"), blank=True)
    methods = models.TextField(
        _("methods tried"), blank=True, help_text=_("What the staff group tries, and how.")
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="improvement_projects",
        verbose_name=_("staff group"),
    )
    group = models.ForeignKey(
        SupervisionGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("supervision group"),
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.ANALYSIS
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("development project")
        verbose_name_plural = _("development projects")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PhaseChange(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phase_changes")
    phase = models.CharField(_("phase"), max_length=20, choices=Project.Phase.choices)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.phase} {self.on}"


class Evidence(models.Model):
    """A link from the starting analysis to something the school has in Samsyn."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator trend")
        ROUND = "round", _("Observation round")
        SURVEY = "survey", _("Survey")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    indicator_code = models.CharField(max_length=40, blank=True)
    round = models.ForeignKey(
        "observations.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    survey = models.ForeignKey(
        "indicators.Survey", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(_("label"), max_length=300)
    note = models.TextField(_("what it shows"), blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


class Measure(models.Model):
    """A follow-up measure: what is measured, the baseline, the target and when."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(_("measure"), max_length=200)
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("For example an observation round, a survey or an indicator."),
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    measured_on = models.DateField(_("follow-up date"), null=True, blank=True)
    outcome = models.DecimalField(
        _("outcome"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    n = models.PositiveIntegerField(_("number measured (n)"), null=True, blank=True)
    interval_low = models.DecimalField(
        _("95% interval, low"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    interval_high = models.DecimalField(
        _("95% interval, high"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class SupervisionSession(models.Model):
    """One entry of a project's supervision log."""

    class Kind(models.TextChoices):
        METHOD = "method", _("Method supervision")
        LITERATURE = "literature", _("Literature")
        RESEARCH_REVIEW = "research_review", _("Research review")
        DIALOGUE = "dialogue", _("Dialogue")
        TRIAL = "trial", _("Trial")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("participants")
    )
    other_participants = models.CharField(_("other participants"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    literature = models.TextField(
        _("literature references"), blank=True, help_text=_("One reference per line.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.held_on}"

    @property
    def references(self) -> list[str]:
        return [line.strip() for line in self.literature.splitlines() if line.strip()]


class Comment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} · {self.project}"


class Report(models.Model):
    """The project's final report, in a structured template."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES = "changes", _("Changes requested")
        APPROVED = "approved", _("Approved by the supervisor")
        PUBLISHED = "published", _("Published")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="report")
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )
    summary = models.TextField(_("summary"), blank=True)
    background = models.TextField(_("background"), blank=True)
    area = models.TextField(_("development area and question"), blank=True)
    method = models.TextField(_("method"), blank=True)
    what_happened = models.TextField(_("what happened"), blank=True)
    results = models.TextField(_("results"), blank=True)
    obstacles = models.TextField(_("obstacles and changed intentions"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    review_comment = models.TextField(_("supervisor's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    consent_at = models.DateTimeField(_("author's consent"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    SECTIONS = (
        "background",
        "area",
        "method",
        "what_happened",
        "results",
        "obstacles",
        "lessons",
    )

    def __str__(self) -> str:
        return str(self.project)


class LibraryEntry(models.Model):
    """A piece of proven experience, readable by every signed-in person.

    Fed by other apps through `services.library_entry_publish` (final reports here, a peer
    review's areas of excellence in networks). `source` + `source_id` identify the origin, so
    publishing again updates the entry. `search_text` is what full-text search reads.
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("Final report of a development project")
        EXCELLENCE = "excellence", _("Area of excellence from a peer review")
        PRACTICE = "practice", _("Described practice")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )
    school_form = models.CharField(
        _("school form"), max_length=20, choices=SchoolForm.choices, blank=True
    )
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, blank=True)
    dimension_code = models.CharField(_("framework dimension"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_name = models.CharField(_("from"), max_length=300, blank=True)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    # Optional structure for display: [{"heading": ..., "text": ...}]; `body` holds the same text.
    sections = models.JSONField(_("sections"), default=list, blank=True)
    url = models.CharField(max_length=300, blank=True)
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related entries"))
    search_text = models.TextField(blank=True)
    # The title and search_text stemmed by `search.stem`: what full-text search matches.
    search_stems = models.TextField(blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")
        ordering = ["-published_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="library_entry_source")
        ]

    def __str__(self) -> str:
        return self.title


class QualityCycle(models.Model):
    """An owner's annual cycle of systematic quality work (SKA): a year wheel of steps."""

    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="quality_cycles",
        verbose_name=_("school owner"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("quality cycle")
        verbose_name_plural = _("quality cycles")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "year"], name="quality_cycle_owner_year")
        ]

    def __str__(self) -> str:
        return self.title


class CycleStep(models.Model):
    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Follow-up")
        ANALYSIS = "analysis", _("Analysis")
        PLANNING = "planning", _("Planning")
        IMPLEMENTATION = "implementation", _("Implementation")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        STARTED = "started", _("Started")
        DONE = "done", _("Done")

    cycle = models.ForeignKey(QualityCycle, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    school = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("school"),
        help_text=_("Empty: the step is done by the owner, or by every school."),
    )
    every_school = models.BooleanField(_("every school does this step"), default=False)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quality_steps",
        verbose_name=_("responsible"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.TextField(_("what was done and concluded"), blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("step of the quality cycle")
        verbose_name_plural = _("steps of the quality cycle")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class StepSchoolStatus(models.Model):
    """How far one school has come with a step that every school does."""

    step = models.ForeignKey(CycleStep, on_delete=models.CASCADE, related_name="school_statuses")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=CycleStep.Status.choices, default="planned"
    )
    outcome = models.TextField(_("what was done and concluded"), blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "school"], name="step_school_status_unique")
        ]

    def __str__(self) -> str:
        return f"{self.step} · {self.school}"


class StepEvidence(models.Model):
    """Evidence a step used or produced: an indicator, a round, a workshop or a project."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator")
        ROUND = "round", _("Observation round")
        WORKSHOP = "workshop", _("Data workshop")
        PROJECT = "project", _("Development project")

    step = models.ForeignKey(CycleStep, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    indicator_code = models.CharField(max_length=40, blank=True)
    round = models.ForeignKey(
        "observations.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(_("label"), max_length=300)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


# ---------------------------------------------------------------- school plans


class SchoolPlan(models.Model):
    """A school's plan for skilled teaching in every classroom (see `samsyn.improvement.plans`).

    Drafted from a baseline round: the weakest and strongest dimensions come pre-filled with
    their mean and interval at baseline (a snapshot, so the approved document does not move);
    approved by a principal of the school; followed up each term against a later round.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="school_plans",
        verbose_name=_("school"),
    )
    title = models.CharField(_("title"), max_length=200)
    baseline_round = models.ForeignKey(
        "observations.Round",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("baseline round"),
    )
    follow_up = models.TextField(
        _("how progress is followed up"),
        blank=True,
        help_text=_("When and how the school looks at the plan again, and against what."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="editable_school_plans",
        verbose_name=_("may also edit"),
        help_text=_("People of the school a principal lets draft the plan (not approve it)."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("school plan")
        verbose_name_plural = _("school plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PlanGoal(models.Model):
    """The school's goal in one dimension, with the dimension's value at baseline."""

    class Origin(models.TextChoices):
        WEAKEST = "weakest", _("Among the weakest at baseline")
        STRONGEST = "strongest", _("Among the strongest at baseline")
        CHOSEN = "chosen", _("Chosen by the school")

    plan = models.ForeignKey(SchoolPlan, on_delete=models.CASCADE, related_name="goals")
    dimension_code = models.CharField(_("dimension"), max_length=60)
    dimension_name = models.CharField(max_length=200)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.CHOSEN)
    baseline_mean = models.FloatField(null=True, blank=True)
    baseline_low = models.FloatField(null=True, blank=True)
    baseline_high = models.FloatField(null=True, blank=True)
    baseline_teachers = models.PositiveIntegerField(default=0)
    baseline_hidden = models.CharField(max_length=300, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.dimension_name


class PlanAction(models.Model):
    """What the school does towards the goals: who does what and when, and the Samsyn record
    that carries it out (one of the school's own)."""

    class Kind(models.TextChoices):
        COACHING = "coaching", _("Coaching")
        TRIADS = "triads", _("Triads")
        WORKSHOP = "workshop", _("Workshop")
        SUPPORT = "support", _("Support")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(SchoolPlan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        PlanGoal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("goal"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    what = models.TextField(_("what"))
    who = models.CharField(_("who"), max_length=200)
    when = models.CharField(_("when"), max_length=200, help_text=_("E.g. every other week."))
    conversation = models.ForeignKey(
        "coaching.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triad_set = models.ForeignKey(
        "triads.TriadSet", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    support_plan = models.ForeignKey(
        "coaching.SupportPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.what[:60]


class PlanFollowUp(models.Model):
    """One term's follow-up: the plan's goal dimensions in a later round beside the baseline.

    `values` is a snapshot taken when the follow-up is recorded: per goal dimension the
    baseline and follow-up means with intervals and the change with its interval, or the
    reason a figure is hidden."""

    plan = models.ForeignKey(SchoolPlan, on_delete=models.CASCADE, related_name="follow_ups")
    term = models.CharField(_("term"), max_length=40, help_text=_("E.g. HT 2026."))
    round = models.ForeignKey(
        "observations.Round",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("follow-up round"),
    )
    values = models.JSONField(default=list)
    note = models.TextField(_("what the school makes of it"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.term}"
