"""Registrations for the apps that existed before samsyn.privacy (accounts, frameworks,
observations, indicators) and for Django's own apps. Other apps register theirs in
`samsyn/<app>/privacy.py`; see `samsyn/privacy/registry.py` and docs/privacy.md."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from samsyn.privacy import registry
from samsyn.privacy.registry import EraseResult, RecordType

# --- what the personal export must not contain -------------------------------------------
registry.redact("accounts.User", ["password"], _("a one-way hash of the password"))
registry.redact(
    "accounts.Session",
    ["session_key", "session_data"],
    _("the session key would let anyone act as the person"),
)
registry.redact("accounts.Invitation", ["token_hash"], _("a hash of the invitation link"))

registry.exclude(
    "observations.RatingSummary",
    "teacher",
    _(
        "step counts derived from the person's observations, which are exported themselves; "
        "recomputed (or removed) whenever those observations change"
    ),
)

# --- mentions by text, not by key ---------------------------------------------------------
registry.mention(
    "accounts.AuditEvent",
    lambda user: Q(actor_label__iexact=user.email) | Q(subject_label__iexact=user.email),
    _("audit rows keep the e-mail address even if the account link is gone"),
)
registry.mention(
    "accounts.Invitation",
    lambda user: Q(email__iexact=user.email),
    _("invitations sent to the person's e-mail address"),
)
registry.mention(
    "axes.AccessAttempt",
    lambda user: Q(username__iexact=user.email),
    _("failed log-in attempts with the person's e-mail address"),
)
registry.mention(
    "axes.AccessLog",
    lambda user: Q(username__iexact=user.email),
    _("log-ins with the person's e-mail address"),
)
registry.mention(
    "axes.AccessFailureLog",
    lambda user: Q(username__iexact=user.email),
    _("failed log-ins with the person's e-mail address"),
)
registry.mention(
    "privacy.SubjectRequest",
    lambda user: Q(subject_label__iexact=user.email),
    _("requests about the person"),
)


def _coaching_section(user):
    try:
        from samsyn.coaching.selectors import my_teaching_export_unscoped
    except ImportError:
        return None
    return my_teaching_export_unscoped(teacher=user)


registry.section("coaching.my_teaching", _("My teaching (coaching)"), _coaching_section)

# --- purposes (the controller's record of processing) -------------------------------------
registry.purpose(
    "accounts",
    _("Log-in, roles in organisations, invitations and the audit log of who read whose data."),
)
registry.purpose("frameworks", _("Who wrote and published versions of observation frameworks."))
registry.purpose(
    "observations",
    _(
        "Lesson observations against the framework, for the teacher's own development and the school's quality work."
    ),
)
registry.purpose(
    "indicators",
    _("Anonymous surveys and national statistics for following soft values and results."),
)
registry.purpose(
    "privacy", _("Handling data subjects' requests, retention and pseudonymised research exports.")
)


# --- record types -------------------------------------------------------------------------
def _observations_expired(org_ids, cutoff):
    from samsyn.observations.models import Observation

    return Observation.objects.filter(school_id__in=org_ids).filter(
        Q(observed_on__lt=cutoff.date()) | Q(observed_on__isnull=True, created_at__lt=cutoff)
    )


def _observations_aggregate(queryset):
    from samsyn.observations.models import Rating

    rows = (
        Rating.objects.filter(
            observation__in=queryset, step__isnull=False, observation__round__is_peer=False
        )
        .values(
            "observation__round_id",
            "observation__round__name",
            "observation__school_id",
            "dimension__code",
            "step__order",
        )
        .annotate(n=Count("id"))
        .order_by(
            "observation__round_id", "observation__school_id", "dimension__code", "step__order"
        )
    )
    return [
        (
            {
                "round": r["observation__round__name"],
                "round_id": r["observation__round_id"],
                "school_id": r["observation__school_id"],
                "dimension": r["dimension__code"],
                "step": r["step__order"],
            },
            r["n"],
        )
        for r in rows
    ]


def _observations_delete(queryset):
    """Delete, and recompute the dashboards' summaries at once (no trace of the rows left)."""
    from samsyn.observations import summaries

    count = queryset.count()
    queryset.delete()
    summaries.flush()
    return count


def _observations_erase(org_ids, user, kept_until):
    from samsyn.observations.models import (
        Assignment,
        CalibrationResponse,
        Observation,
        RoundTeacher,
    )

    own = Observation.objects.filter(school_id__in=org_ids, teacher=user)
    erased = _observations_delete(own)
    erased += (
        Assignment.objects.filter(school_id__in=org_ids, teacher=user)
        .delete()[1]
        .get("observations.Assignment", 0)
    )
    RoundTeacher.objects.filter(school_id__in=org_ids, teacher=user).delete()
    CalibrationResponse.objects.filter(
        exercise__organisation_id__in=org_ids, observer=user
    ).delete()
    kept = Observation.objects.filter(school_id__in=org_ids, observer=user).count()
    return EraseResult(
        erased=erased,
        kept=kept,
        reason=str(
            _(
                "Observations this person made of other teachers belong to those teachers' "
                "records; they are kept and still name the observer."
            )
        )
        if kept
        else "",
    )


registry.record_type(
    RecordType(
        key="observations",
        label=_("Observations"),
        description=_(
            "Lesson observations with their ratings and evidence notes, by the lesson's date."
        ),
        expired=_observations_expired,
        aggregate=_observations_aggregate,
        erase=_observations_erase,
        delete=_observations_delete,
        default_months=60,
    )
)


def _surveys_expired(org_ids, cutoff):
    from samsyn.indicators.models import Response

    return Response.objects.filter(
        survey__organisation_id__in=org_ids, submitted_on__lt=cutoff.date()
    )


def _surveys_aggregate(queryset):
    from samsyn.indicators.models import Answer

    rows = (
        Answer.objects.filter(response__in=queryset)
        .values("question__survey_id", "question__survey__title", "question_id", "value")
        .annotate(n=Count("id"))
        .order_by("question__survey_id", "question_id", "value")
    )
    return [
        (
            {
                "survey": r["question__survey__title"],
                "survey_id": r["question__survey_id"],
                "question_id": r["question_id"],
                "value": r["value"],
            },
            r["n"],
        )
        for r in rows
    ]


def _surveys_erase(org_ids, user, kept_until):
    from samsyn.indicators.models import Survey

    detached = Survey.objects.filter(organisation_id__in=org_ids, created_by=user).update(
        created_by=None
    )
    return EraseResult(erased=detached)


registry.record_type(
    RecordType(
        key="surveys",
        label=_("Survey answers"),
        description=_("Anonymous answers to surveys, by the day they were given."),
        expired=_surveys_expired,
        aggregate=_surveys_aggregate,
        erase=_surveys_erase,
        default_months=36,
    )
)


def _audit_expired(org_ids, cutoff):
    from samsyn.accounts.models import AuditEvent

    return AuditEvent.objects.filter(organisation_id__in=org_ids, at__lt=cutoff)


def _audit_aggregate(queryset):
    rows = (
        queryset.annotate(month=TruncMonth("at"))
        .values("month", "action", "object_type")
        .annotate(n=Count("id"))
        .order_by("month", "action", "object_type")
    )
    return [
        (
            {
                "month": r["month"].date().isoformat()[:7],
                "action": r["action"],
                "what": r["object_type"],
            },
            r["n"],
        )
        for r in rows
    ]


def _audit_erase(org_ids, user, kept_until):
    from samsyn.accounts.models import AuditEvent

    about = AuditEvent.objects.filter(organisation_id__in=org_ids).filter(
        Q(subject=user) | Q(actor=user)
    )
    if kept_until is None:
        kept = about.count()
        return EraseResult(
            kept=kept,
            reason=str(
                _(
                    "The audit log is kept under the owner's records-management plan; no "
                    "retention period is set for it."
                )
            )
            if kept
            else "",
        )
    old = about.filter(at__lt=kept_until)
    erased = old.count()
    old.delete()
    kept = about.count()
    reason = ""
    if kept:
        reason = str(
            _("Audit rows within the retention period (newer than %(date)s) must be kept.")
            % {"date": kept_until.date().isoformat()}
        )
    return EraseResult(erased=erased, kept=kept, reason=reason)


registry.record_type(
    RecordType(
        key="audit_log",
        label=_("Audit log"),
        description=_("Who read, exported or changed whose data, by the time it happened."),
        expired=_audit_expired,
        aggregate=_audit_aggregate,
        erase=_audit_erase,
        default_months=24,
    )
)


# --- coaching records and support plans ----------------------------------------------------
# Registered here while samsyn.coaching has no privacy.py of its own; if it adds one with the
# same keys, its registrations win (apps are discovered in INSTALLED_APPS order, coaching first).
def _model(label: str):
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _yearly_counts(queryset, date_field: str):
    from django.db.models.functions import ExtractYear

    rows = (
        queryset.annotate(year=ExtractYear(date_field))
        .values("school_id", "year")
        .annotate(n=Count("id"))
        .order_by("school_id", "year")
    )
    return [({"school_id": r["school_id"], "year": r["year"]}, r["n"]) for r in rows]


def _coaching_expired(org_ids, cutoff):
    return (
        _model("coaching.Conversation")
        .objects.filter(school_id__in=org_ids)
        .filter(Q(held_on__lt=cutoff.date()) | Q(held_on__isnull=True, created_at__lt=cutoff))
    )


def _coaching_erase(org_ids, user, kept_until):
    conversations = _model("coaching.Conversation").objects.filter(school_id__in=org_ids)
    own = conversations.filter(teacher=user)
    erased = own.count()
    own.delete()
    as_coach = conversations.filter(coach=user).update(coach=None)
    return EraseResult(erased=erased + as_coach)


def _plans_expired(org_ids, cutoff):
    return _model("coaching.SupportPlan").objects.filter(
        school_id__in=org_ids, ends_on__lt=cutoff.date()
    )


def _plans_erase(org_ids, user, kept_until):
    plans = _model("coaching.SupportPlan").objects.filter(school_id__in=org_ids)
    own = plans.filter(teacher=user)
    erased = own.count()
    own.delete()
    as_coach = plans.filter(coach=user).update(coach=None)
    return EraseResult(erased=erased + as_coach)


if _model("coaching.Conversation") is not None and "coaching" not in registry.RECORD_TYPES:
    registry.record_type(
        RecordType(
            key="coaching",
            label=_("Coaching records"),
            description=_(
                "Coaching conversations with self-ratings and next steps, by the day of the "
                "conversation."
            ),
            expired=_coaching_expired,
            aggregate=lambda qs: _yearly_counts(qs, "created_at"),
            erase=_coaching_erase,
            default_months=36,
        )
    )
if _model("coaching.SupportPlan") is not None and "support_plans" not in registry.RECORD_TYPES:
    registry.record_type(
        RecordType(
            key="support_plans",
            label=_("Support plans"),
            description=_("Support plans and their check-ins, by the plan's last day."),
            expired=_plans_expired,
            aggregate=lambda qs: _yearly_counts(qs, "ends_on"),
            erase=_plans_erase,
            default_months=36,
        )
    )
if _model("coaching.Conversation") is not None:
    registry.purpose(
        "coaching",
        _(
            "Coaching conversations, self-reflection and support plans between a teacher and a coach."
        ),
    )

# Purposes of the later apps, unless they declare their own in their privacy.py.
for _label, _text in {
    "triads": _("Triads of teachers who observe and learn from each other (peer observations)."),
    "workshops": _("Data workshops where a school reflects on its aggregated teaching data."),
    "networks": _("Peer reviews and exchanges between schools in a network."),
    "improvement": _("Development projects, supervision and the owner's annual quality cycle."),
    "dashboards": _("Aggregated views of teaching data for leaders and the owner."),
    "integrations": _(
        "Personal API tokens and single sign-on through the owner's identity provider."
    ),
}.items():
    registry.PURPOSES.setdefault(_label, _text)
