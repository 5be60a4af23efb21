"""The controller's record of processing for one owner, generated from the configuration:
the models that hold personal data (introspection + registrations), the purposes the apps
declare, the roles and what they may do, the owner's retention settings and sub-processors."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.accounts.access import ROLE_PERMISSIONS, Perm
from samsyn.accounts.models import Membership, Organisation, Role
from samsyn.privacy import registry, selectors

PERM_LABELS = {
    Perm.VIEW: gettext_lazy("see the organisation"),
    Perm.VIEW_MEMBERS: gettext_lazy("see its people"),
    Perm.INVITE: gettext_lazy("invite people"),
    Perm.VIEW_PERSON: gettext_lazy("see a person's page"),
    Perm.MANAGE_MEMBERS: gettext_lazy("manage roles"),
    Perm.DEACTIVATE_USERS: gettext_lazy("deactivate accounts"),
    Perm.MANAGE_FRAMEWORKS: gettext_lazy("manage frameworks"),
    Perm.MANAGE_ROUNDS: gettext_lazy("plan observation rounds"),
    Perm.VIEW_OBSERVATIONS: gettext_lazy("read individual observations (audited)"),
    Perm.RUN_CALIBRATION: gettext_lazy("run calibration"),
    Perm.VIEW_MEASUREMENT: gettext_lazy("see measurement scales"),
    Perm.INDICATORS_VIEW: gettext_lazy("see indicators"),
    Perm.INDICATORS_MANAGE: gettext_lazy("manage indicators"),
    Perm.SURVEYS_MANAGE: gettext_lazy("run surveys"),
    Perm.TRIADS_MANAGE: gettext_lazy("form triads"),
    Perm.SUPPORT_PLANS_MANAGE: gettext_lazy("manage support plans"),
    Perm.DASHBOARD_VIEW: gettext_lazy("see dashboards (aggregates)"),
    Perm.WORKSHOPS_MANAGE: gettext_lazy("run data workshops"),
    Perm.PEER_REVIEW_COORDINATE: gettext_lazy("coordinate peer reviews"),
    Perm.PEER_REVIEW_SCHOOL: gettext_lazy("take part in peer reviews"),
    Perm.EXCHANGES_MANAGE: gettext_lazy("manage exchanges"),
    Perm.PROJECTS_MANAGE: gettext_lazy("lead development projects"),
    Perm.PROJECTS_SUPERVISE: gettext_lazy("supervise projects"),
    Perm.QUALITY_CYCLE_MANAGE: gettext_lazy("manage the quality cycle"),
    Perm.QUALITY_CYCLE_VIEW: gettext_lazy("see the quality cycle"),
    Perm.PRIVACY_MANAGE: gettext_lazy("administer data protection"),
    Perm.RESEARCH_EXPORT_REQUEST: gettext_lazy("request pseudonymised research exports"),
    Perm.SSO_MANAGE: gettext_lazy("configure single sign-on"),
    Perm.COLLABORATION_MANAGE: gettext_lazy("manage the collaboration's groups and efforts"),
}


# Models and fields whose names Django derived from the code (no verbose_name), or whose
# app has no Swedish catalogue (django-axes): the record names them in the reader's language.
FIELD_LABELS = {
    "accepted_by": gettext_lazy("accepted by"),
    "acknowledged_at": gettext_lazy("acknowledged"),
    "action": gettext_lazy("action"),
    "actor": gettext_lazy("who acted"),
    "answered_at": gettext_lazy("answered"),
    "assignment": gettext_lazy("assignment"),
    "at": gettext_lazy("when"),
    "author": gettext_lazy("author"),
    "by": gettext_lazy("by"),
    "closed_at": gettext_lazy("closed"),
    "completed_at": gettext_lazy("completed"),
    "count": gettext_lazy("number of requests"),
    "created_at": gettext_lazy("created"),
    "created_by": gettext_lazy("created by"),
    "cycle": gettext_lazy("quality cycle"),
    "downloaded_by": gettext_lazy("downloaded by"),
    "exchange": gettext_lazy("exchange"),
    "exercise": gettext_lazy("calibration exercise"),
    "expire_date": gettext_lazy("expires"),
    "export": gettext_lazy("research export"),
    "framework": gettext_lazy("framework"),
    "framework_version": gettext_lazy("framework version"),
    "hub": gettext_lazy("hub"),
    "imported_by": gettext_lazy("imported by"),
    "invited_by": gettext_lazy("invited by"),
    "key": gettext_lazy("key"),
    "last_login_at": gettext_lazy("last log-in"),
    "network": gettext_lazy("network"),
    "observation": gettext_lazy("observation"),
    "observer": gettext_lazy("observer"),
    "organisation": gettext_lazy("organisation"),
    "owner": gettext_lazy("school owner"),
    "payload_hash": gettext_lazy("checksum of the content"),
    "practice": gettext_lazy("practice"),
    "prepared_at": gettext_lazy("prepared"),
    "project": gettext_lazy("project"),
    "proposed_at": gettext_lazy("proposed"),
    "provider": gettext_lazy("identity provider"),
    "published_by": gettext_lazy("published by"),
    "ratings": gettext_lazy("ratings"),
    "reason": gettext_lazy("reason"),
    "recorded_at": gettext_lazy("recorded"),
    "reflected_at": gettext_lazy("reflected"),
    "released_at": gettext_lazy("released"),
    "reminded_on": gettext_lazy("reminded"),
    "requested_by": gettext_lazy("requested by"),
    "researcher": gettext_lazy("researcher"),
    "review": gettext_lazy("peer review"),
    "reviewed_at": gettext_lazy("reviewed"),
    "reviewed_by": gettext_lazy("reviewed by"),
    "reviewed_in": gettext_lazy("reviewed in"),
    "revision": gettext_lazy("revision"),
    "round": gettext_lazy("round"),
    "satisfactory_step": gettext_lazy("satisfactory step"),
    "school": gettext_lazy("school"),
    "search_text": gettext_lazy("search text"),
    "self_evaluation_done_at": gettext_lazy("self-evaluation done"),
    "source": gettext_lazy("source"),
    "source_id": gettext_lazy("source id"),
    "started_by": gettext_lazy("started by"),
    "subject": gettext_lazy("whose data"),
    "submitted_at": gettext_lazy("submitted"),
    "teacher": gettext_lazy("teacher"),
    "teacher_consent_at": gettext_lazy("teacher's consent"),
    "triad": gettext_lazy("triad"),
    "triggered_by": gettext_lazy("started by"),
    "updated_at": gettext_lazy("updated"),
    "updated_by": gettext_lazy("updated by"),
    "url": gettext_lazy("web address"),
    "user": gettext_lazy("user"),
    "uuid": gettext_lazy("identifier"),
    "window_start": gettext_lazy("start of the time window"),
    "attempt_time": gettext_lazy("time of the attempt"),
    "failures_since_start": gettext_lazy("failed log-ins"),
    "get_data": gettext_lazy("query data"),
    "http_accept": gettext_lazy("browser's accepted formats"),
    "ip_address": gettext_lazy("IP address"),
    "locked_out": gettext_lazy("locked out"),
    "logout_time": gettext_lazy("logged out"),
    "path_info": gettext_lazy("path"),
    "post_data": gettext_lazy("form data"),
    "session_hash": gettext_lazy("session key (hashed)"),
    "user_agent": gettext_lazy("browser"),
    "username": gettext_lazy("user name"),
}
MODEL_LABELS = {
    "accounts.Session": gettext_lazy("sessions"),
    "axes.AccessAttempt": gettext_lazy("log-in attempts"),
    "axes.AccessFailureLog": gettext_lazy("failed log-ins"),
    "axes.AccessLog": gettext_lazy("log-ins"),
    "improvement.Comment": gettext_lazy("comments on projects"),
    "improvement.PhaseChange": gettext_lazy("phase changes"),
    "improvement.Report": gettext_lazy("final reports"),
    "integrations.RateWindow": gettext_lazy("API request counts"),
    "integrations.SsoIdentity": gettext_lazy("single sign-on identities"),
    "networks.ConflictOfInterest": gettext_lazy("conflicts of interest"),
    "networks.ExchangeMember": gettext_lazy("exchange members"),
    "networks.HubCoordinator": gettext_lazy("hub coordinators"),
    "networks.TeamMember": gettext_lazy("review team members"),
    "networks.VisitRequest": gettext_lazy("visit requests"),
    "observations.CalibrationResponse": gettext_lazy("calibration responses"),
    "observations.ObservationEvent": gettext_lazy("observation events"),
    "observations.RoundObserver": gettext_lazy("observers in rounds"),
    "observations.RoundTeacher": gettext_lazy("teachers in rounds"),
    "triads.TeacherDetails": gettext_lazy("teacher details"),
    "triads.TriadMember": gettext_lazy("triad members"),
}
APP_LABELS = {"axes": gettext_lazy("Log-in throttling")}
UNTRANSLATED_APPS = {"axes"}


def field_label(model, field) -> str:
    """The field's name as the reader should see it."""
    derived = isinstance(field.verbose_name, str)  # Django made it from the attribute name
    if (derived or model._meta.app_label in UNTRANSLATED_APPS) and field.name in FIELD_LABELS:
        return str(FIELD_LABELS[field.name])
    return str(field.verbose_name)


def model_label(model) -> str:
    if model._meta.label in MODEL_LABELS:
        return str(MODEL_LABELS[model._meta.label])
    return str(model._meta.verbose_name_plural)


def controller_record(owner: Organisation) -> dict:
    by_app: dict[str, list] = defaultdict(list)
    for model in registry.personal_models():
        redacted = registry.REDACTED.get(model._meta.label, {})
        fields = [
            field_label(model, f)
            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if f.name not in redacted and not f.primary_key
        ]
        by_app[model._meta.app_label].append({"name": model_label(model), "fields": fields})
    from django.apps import apps

    categories = []
    for app_label, models in sorted(by_app.items()):
        config = apps.get_app_config(app_label)
        categories.append(
            {
                "app": str(APP_LABELS.get(app_label, config.verbose_name)),
                "purpose": str(registry.PURPOSES.get(app_label, "")),
                "models": sorted(models, key=lambda m: m["name"]),
            }
        )
    counts = dict(
        Membership.objects.filter(organisation_id__in=selectors.owner_org_ids_unscoped(owner))
        .values_list("role")
        .annotate(n=Count("id"))
    )
    roles = [
        {
            "label": str(role.label),
            "people": counts.get(role.value, 0),
            "permissions": sorted(str(PERM_LABELS.get(p, p.value)) for p in ROLE_PERMISSIONS[role]),
        }
        for role in Role
    ]
    retention = [
        {
            "label": str(row["type"].label),
            "description": str(row["type"].description),
            "setting": row["setting"],
        }
        for row in selectors.retention_preview_unscoped(owner)
    ]
    return {
        "owner": owner,
        "generated_at": timezone.now(),
        "categories": categories,
        "roles": roles,
        "retention": retention,
        "subprocessors": list(getattr(settings, "SAMSYN_SUBPROCESSORS", []) or []),
        "min_group": settings.SAMSYN_MIN_GROUP,
        "measures": [
            _(
                "Access by role in the organisation tree; outsiders cannot even see that data exists."
            ),
            _("Reading or exporting someone else's individual data is written to the audit log."),
            _("Aggregates over fewer than %(n)s teachers are not shown outside school leadership.")
            % {"n": settings.SAMSYN_MIN_GROUP},
            _("Peer observations within a triad are seen by the triad only."),
            _("Research exports are pseudonymised with a key held by the owner."),
            _("Passwords are stored as one-way hashes; log-in attempts are throttled."),
        ],
    }
