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
}


def controller_record(owner: Organisation) -> dict:
    by_app: dict[str, list] = defaultdict(list)
    for model in registry.personal_models():
        redacted = registry.REDACTED.get(model._meta.label, {})
        fields = [
            str(f.verbose_name)
            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if f.name not in redacted and not f.primary_key
        ]
        by_app[model._meta.app_label].append(
            {"name": str(model._meta.verbose_name_plural), "fields": fields}
        )
    from django.apps import apps

    categories = []
    for app_label, models in sorted(by_app.items()):
        config = apps.get_app_config(app_label)
        categories.append(
            {
                "app": str(config.verbose_name),
                "purpose": str(registry.PURPOSES.get(app_label, "")),
                "models": sorted(models, key=lambda m: m["name"]),
            }
        )
    counts = dict(
        Membership.objects.filter(organisation_id__in=selectors.owner_org_ids(owner))
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
        for row in selectors.retention_preview(owner)
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
