"""School networks: local hubs, review headings and the annual peer review between schools.

A network is an `accounts.Organisation` of kind network; schools join it through
`accounts.NetworkMembership` (across owners). This app adds what the network does: its
settings, local hubs with their coordinators, the headings a review is written against, and
the reviews themselves with their self-evaluation, team, joint observations, agreed estimates,
report, sharing and follow-up actions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.observations.models import Round


class ShareScope(models.TextChoices):
    NONE = "none", _("No one outside the school and its review team")
    HUB = "hub", _("The school's local hub")
    NETWORK = "network", _("All schools in the network")


class Estimate(models.TextChoices):
    """The four-level scale of a review heading (our own wording)."""

    LEADING = "leading", _("Leading")
    EFFECTIVE = "effective", _("Effective")
    WORKING_TOWARDS = "working_towards", _("Working towards effective")
    INEFFECTIVE = "ineffective", _("Ineffective")


class NetworkSettings(models.Model):
    """How a network runs its reviews (one row per network, created on first use)."""

    network = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="network_settings"
    )
    reviews_per_year = models.PositiveSmallIntegerField(_("reviews per school and year"), default=1)
    team_size = models.PositiveSmallIntegerField(_("reviewers per team"), default=3)
    max_reviews_per_person = models.PositiveSmallIntegerField(
        _("most reviews per reviewer and year"), default=2
    )
    default_share = models.CharField(
        _("reports are shared by default with"),
        max_length=16,
        choices=ShareScope.choices,
        default=ShareScope.HUB,
    )

    class Meta:
        verbose_name = _("network settings")
        verbose_name_plural = _("network settings")

    def __str__(self) -> str:
        return str(self.network)


class Hub(models.Model):
    """A local group of member schools around one hub school."""

    network = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="hubs")
    name = models.CharField(_("name"), max_length=200)
    hub_school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("hub school")
    )
    schools = models.ManyToManyField(
        Organisation, related_name="network_hubs", verbose_name=_("member schools")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="hub_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class HubCoordinator(models.Model):
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="coordinators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_coordinations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hub", "user"], name="hub_coordinator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.hub}"


class ReviewHeading(models.Model):
    """What a review looks at, e.g. "Leadership at all levels"; editable per network."""

    network = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="review_headings"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    guidance_sv = models.TextField(_("guiding questions (Swedish)"), blank=True)
    guidance_en = models.TextField(_("guiding questions (English)"), blank=True)
    is_active = models.BooleanField(_("used in new reviews"), default=True)

    class Meta:
        verbose_name = _("review heading")
        verbose_name_plural = _("review headings")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" else self.title_sv

    @property
    def guidance(self) -> str:
        return self.guidance_en if get_language() == "en" else self.guidance_sv


class PeerReview(models.Model):
    """One school's annual peer review in a network."""

    class Status(models.TextChoices):
        PREPARATION = "preparation", _("In preparation")
        VISIT = "visit", _("Review visit")
        COMPLETED = "completed", _("Report completed")

    network = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="peer_reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREPARATION
    )
    visit_starts_on = models.DateField(_("first day of the visit"), null=True, blank=True)
    visit_ends_on = models.DateField(_("last day of the visit"), null=True, blank=True)
    excellence_title = models.CharField(
        _("proposed area of excellence"), max_length=200, blank=True
    )
    excellence_description = models.TextField(
        _("what the school does, and its evidence"), blank=True
    )
    self_evaluation_done_at = models.DateTimeField(null=True, blank=True)
    # The joint observations of the visit: a normal (not peer) round, owned by the school.
    round = models.OneToOneField(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="peer_review"
    )
    excellence_confirmed = models.BooleanField(
        _("the team confirms the area of excellence"), default=False
    )
    summary = models.TextField(_("summary"), blank=True)
    share_scope = models.CharField(
        _("share the report with"),
        max_length=16,
        choices=ShareScope.choices,
        default=ShareScope.HUB,
    )
    shared_schools = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("also share with")
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")
        ordering = ["-year", "school__name"]
        indexes = [models.Index(fields=["network", "year"])]

    def __str__(self) -> str:
        return f"{self.school} {self.year}"


class HeadingEvaluation(models.Model):
    """One heading of one review: the school's own estimate, then the agreed one."""

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="evaluations")
    heading = models.ForeignKey(ReviewHeading, on_delete=models.PROTECT, related_name="+")
    self_estimate = models.CharField(
        _("the school's estimate"), max_length=16, choices=Estimate.choices, blank=True
    )
    self_evaluation = models.TextField(_("the school's self-evaluation"), blank=True)
    agreed_estimate = models.CharField(
        _("agreed estimate"), max_length=16, choices=Estimate.choices, blank=True
    )
    evidence = models.TextField(_("evidence"), blank=True)
    went_well = models.TextField(_("what went well"), blank=True)
    even_better_if = models.TextField(_("even better if"), blank=True)

    class Meta:
        ordering = ["heading__order", "heading__pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "heading"], name="heading_evaluation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.heading}"


class TeamMember(models.Model):
    """A school leader from another school on the review team."""

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_seats"
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("team lead"), default=False)

    class Meta:
        ordering = ["-is_lead", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="team_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.review}"


class ConflictOfInterest(models.Model):
    """A reviewer must not review this school (declared by them or their coordinator)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts"
    )
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="review_conflict_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ≠ {self.school}"


class FollowUpAction(models.Model):
    """What the school will do after the review; looked at again in next year's review."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        STARTED = "started", _("Started")
        DONE = "done", _("Done")

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="actions")
    heading = models.ForeignKey(
        ReviewHeading,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("heading"),
    )
    description = models.TextField(_("action"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    due_on = models.DateField(_("to be done by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.TextField(_("what came of it"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class Practice(models.Model):
    """An entry in the network's best-practice directory: what a school (or a teacher, who
    agreed to be listed) does well, with its evidence, a contact and related research."""

    class Source(models.TextChoices):
        EXCELLENCE = "excellence", _("Area of excellence confirmed in a peer review")
        REVIEW = "review", _("Finding of a peer review")
        STRENGTH = "strength", _("Strength in a framework dimension")

    network = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="practices")
    school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="listed_practices",
        verbose_name=_("teacher"),
    )
    teacher_consent_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    review = models.ForeignKey(
        PeerReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="practices"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what the practice is"))
    evidence = models.TextField(_("evidence"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    research = models.TextField(_("related research"), blank=True)
    dimension_code = models.SlugField(_("framework dimension"), max_length=60, blank=True)
    heading = models.ForeignKey(
        ReviewHeading,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("review heading"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class VisitRequest(models.Model):
    """A school asks to visit a practice or for a mentoring session; answered by its school."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("A visit")
        MENTORING = "mentoring", _("A mentoring session")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        DONE = "done", _("Done")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="requests")
    from_school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("from school")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VISIT)
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.from_school} → {self.practice}"


class Exchange(models.Model):
    """A critical-friend exchange between school owners (municipalities) for one period: a
    development area and soft values chosen together, a working group, preparation, visits
    with observations and notes, and the analysis afterwards."""

    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("first day of the period"))
    ends_on = models.DateField(_("last day of the period"))
    owners = models.ManyToManyField(
        Organisation, related_name="exchanges", verbose_name=_("participating school owners")
    )
    development_area = models.TextField(_("development area"))
    soft_values = models.TextField(
        _("soft values"),
        blank=True,
        help_text=_("Students' and teachers' experience to follow, e.g. safety, study peace."),
    )
    material = models.TextField(_("shared competence material"), blank=True)
    questions = models.TextField(_("questions for the visits"), blank=True)
    analysis = models.TextField(_("analysis afterwards"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title


class ExchangeMember(models.Model):
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_seats"
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("school owner")
    )
    task = models.CharField(_("task in the working group"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exchange", "user"], name="exchange_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.exchange}"


class ExchangeVisit(models.Model):
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="visits")
    host = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("host")
    )
    visitors = models.ManyToManyField(
        Organisation, related_name="+", verbose_name=_("visiting school owners")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    programme = models.TextField(_("programme"), blank=True)
    observations = models.TextField(_("observations and notes"), blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.host} {self.starts_on}"


# ----------------------------------------------------------------------------- collaboration


class CollaborationGroup(models.Model):
    """One of the collaboration's groups: the steering group (directors of education, the
    university, the region) commissions and decides, the process group prepares and plans,
    working groups carry out an exchange period, reference groups advise."""

    class Kind(models.TextChoices):
        STEERING = "steering", _("Steering group")
        PROCESS = "process", _("Process group")
        WORKING = "working", _("Working group")
        REFERENCE = "reference", _("Reference group")

    network = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="collaboration_groups"
    )
    kind = models.CharField(_("kind of group"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    mandate = models.TextField(_("mandate"), blank=True)
    exchange = models.ForeignKey(
        Exchange,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("exchange period"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collaboration group")
        verbose_name_plural = _("collaboration groups")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="collab_group_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    class GroupRole(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    group = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="collaboration_seats",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role in the group"), max_length=16, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    represents = models.CharField(_("represents"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="group_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.group}"


class GroupMeeting(models.Model):
    group = models.ForeignKey(CollaborationGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # A cancelled meeting stays listed as cancelled (never deleted: the group's record shows
    # that it was planned); one with decisions recorded at it took place and cannot be.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Who cancelled it: the group's record says who took the meeting off, as the decision log
    # says who decided and who corrected.
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.group} {self.held_on}"


class GroupAssignment(models.Model):
    """A task one group gives another (the steering group commissions the process group)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("assignment status", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    from_group = models.ForeignKey(
        CollaborationGroup,
        on_delete=models.CASCADE,
        related_name="assignments_given",
        verbose_name=_("from group"),
    )
    to_group = models.ForeignKey(
        CollaborationGroup,
        on_delete=models.CASCADE,
        related_name="assignments_received",
        verbose_name=_("to group"),
    )
    description = models.TextField(_("assignment"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment between groups")
        verbose_name_plural = _("assignments between groups")
        ordering = ["status", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.from_group} → {self.to_group}"


class GroupDecision(models.Model):
    """A decision with its basis, in the collaboration's searchable decision log.

    The log is append-only: a decision is never edited. A correction is a new decision that
    `corrects` the earlier one, with the reason; the earlier one stays in the log, marked as
    corrected (docs/networks.md)."""

    group = models.ForeignKey(
        CollaborationGroup, on_delete=models.CASCADE, related_name="decisions"
    )
    meeting = models.ForeignKey(
        GroupMeeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    decided_on = models.DateField(_("date"))
    text = models.TextField(_("decision"))
    basis = models.TextField(_("basis for the decision"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    # Swedish and English stems of text and basis (samsyn.improvement.search.stem), each
    # between spaces, so a stem matches as a whole word on every database.
    search_stems = models.TextField(default="", editable=False)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.group} {self.decided_on}"


class CompetenceEffort(models.Model):
    """Joint competence development planned from an exchange's analysis, with its
    participants and an evaluation on the survey engine (indicators.Survey)."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        NETWORK_MEETING = "network_meeting", _("Network meeting")
        READING = "reading", _("Joint reading")

    network = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="competence_efforts"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    exchange = models.ForeignKey(
        Exchange,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="competence_efforts",
        verbose_name=_("planned from the exchange"),
    )
    need = models.TextField(_("need from the analysis"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    material = models.TextField(
        _("material"), blank=True, help_text=_("Links or text, one item per line.")
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="competence_efforts",
        verbose_name=_("participants"),
    )
    evaluation = models.OneToOneField(
        "indicators.Survey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="competence_effort",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("competence effort")
        verbose_name_plural = _("competence efforts")
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title
