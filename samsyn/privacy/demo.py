"""Demo data protection for Sjöviks kommun: retention periods for every record type, one
approved and one pending research export for forskare@, and one erasure request carried out
for a teacher who has left (registered by huvudman@, reviewed by the owner's data protection
coordinator dataskydd@: a request is never approved by the person who registered it), and
the principal's read of one of larare@'s observations, for *Who has read your data*."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils import translation

from samsyn.accounts.models import AuditEvent, Membership, Organisation, Role, User
from samsyn.accounts.services import audit_record
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD, DemoWorld, cleanup, step
from samsyn.observations.models import Observation, Round
from samsyn.privacy import registry, selectors, services
from samsyn.privacy.models import (
    OwnerKey,
    ResearchExport,
    RetainedAggregate,
    RetentionSetting,
    SubjectRequest,
)

OWNER = "Sjöviks kommun"
PERIODS = {
    "observations": (60, RetentionSetting.Action.AGGREGATE),
    "coaching": (36, RetentionSetting.Action.DELETE),
    "support_plans": (36, RetentionSetting.Action.DELETE),
    "surveys": (36, RetentionSetting.Action.AGGREGATE),
    "audit_log": (24, RetentionSetting.Action.DELETE),
}


@step
def privacy(world: DemoWorld) -> None:
    # The demo's people read Swedish; what is stored as text (results) is in Swedish too.
    with translation.override("sv"):
        _privacy(world)


def _privacy(world: DemoWorld) -> None:
    owner = world.owners[OWNER]
    admin = world.users[f"huvudman@{DEMO_DOMAIN}"]
    researcher = world.users[f"forskare@{DEMO_DOMAIN}"]
    for key, (months, action) in PERIODS.items():
        if key in registry.RECORD_TYPES:
            services.retention_setting_save(
                owner=owner, record_type=key, months=months, action=action, actor=admin
            )

    ids = selectors.owner_org_ids_unscoped(owner)
    rounds = list(
        Round.objects.filter(organisation_id__in=ids, is_peer=False).order_by("starts_on")
    )
    schools = list(
        Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.SCHOOL).order_by("name")
    )
    if rounds and schools:
        approved = services.research_request_create(
            researcher=researcher,
            owner=owner,
            project="Kollegialt lärande i Sjövik 2026",
            purpose="Följa hur undervisningens kvalitet förändras mellan nollmätning och "
            "eftermätning, per dimension, i kommunens skolor.",
            rounds=rounds,
            schools=schools,
            fields=["observer", "subject", "grade", "observed_month"],
            notes_requested=True,
        )
        services.research_review(
            export=approved,
            actor=admin,
            approve=True,
            notes_approved=False,
            note="Godkänd utan fritext enligt forskningsavtalet.",
        )
        services.research_request_create(
            researcher=researcher,
            owner=owner,
            project="Återkoppling i klassrummet",
            purpose="Studera sambandet mellan återkoppling och elevernas delaktighet.",
            rounds=rounds[-1:],
            schools=schools[:1],
            fields=["subject", "grade"],
            notes_requested=False,
        )

    # A teacher who has left asked to be erased; the owner reviewed and carried it out.
    school = world.schools["Björkhagens skola"]
    leaver = User.objects.create(
        email=f"slutat.larare@{DEMO_DOMAIN}",
        full_name="Maja Lund",
        password=make_password(DEMO_PASSWORD),
    )
    Membership.objects.create(user=leaver, organisation=school, role=Role.TEACHER)
    reviewer = User.objects.create(
        email=f"dataskydd@{DEMO_DOMAIN}",
        full_name="Eva Sjöberg",
        password=make_password(DEMO_PASSWORD),
    )
    Membership.objects.create(user=reviewer, organisation=owner, role=Role.OWNER_ADMIN)
    request = services.request_create(
        owner=owner,
        actor=admin,
        subject=leaver,
        kind=SubjectRequest.Kind.ERASURE,
        scope=[key for key, _label in services.erasure_scopes()],
        reason="Har slutat sin anställning och begärt radering via e-post.",
    )
    services.request_review(request=request, actor=reviewer, approve=True)
    services.request_execute(request=request, actor=admin)
    _principal_reads(world)


def _principal_reads(world: DemoWorld) -> None:
    """The principal has read one of larare@'s released observations: it shows on her page
    *Who has read your data* (written as the observation page writes it)."""
    teacher = world.users[f"larare@{DEMO_DOMAIN}"]
    observation = (
        Observation.objects.filter(
            teacher=teacher, status=Observation.Status.RELEASED, round__is_peer=False
        )
        .order_by("observed_on")
        .first()
    )
    if observation is not None:
        audit_record(
            actor=world.users[f"rektor@{DEMO_DOMAIN}"],
            action=AuditEvent.Action.READ,
            subject=teacher,
            organisation=observation.school,
            object_type="observation",
            object_id=observation.uuid,
        )


@cleanup
def remove_privacy(organisation_ids: list[int]) -> None:
    # Erased demo people no longer carry the demo's e-mail domain: remove them here.
    User.objects.filter(
        privacy_requests__owner_id__in=organisation_ids,
        privacy_requests__kind=SubjectRequest.Kind.ERASURE,
        email__endswith="@invalid.samsyn",
    ).delete()
    ResearchExport.objects.filter(owner_id__in=organisation_ids).delete()
    SubjectRequest.objects.filter(owner_id__in=organisation_ids).delete()
    RetentionSetting.objects.filter(owner_id__in=organisation_ids).delete()
    RetainedAggregate.objects.filter(owner_id__in=organisation_ids).delete()
    OwnerKey.objects.filter(owner_id__in=organisation_ids).delete()
