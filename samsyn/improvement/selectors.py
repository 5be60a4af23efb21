"""Reads for development projects, supervision groups and the library, scoped to the acting user.

Who sees a project: the school's principals (`Perm.PROJECTS_MANAGE`, they edit it), its staff
group, and its supervisors: the supervisor of the project's supervision group and researchers
with `Perm.PROJECTS_SUPERVISE` at the school. Supervisors see the project's own material (log,
measures, report), never the school's other data: evidence links show labels, not the data.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from samsyn.accounts.access import (
    Perm,
    ancestor_ids,
    get_object_for_user,
    permissions_at,
    refuse,
    require,
)
from samsyn.accounts.models import Organisation, User
from samsyn.frameworks.models import Dimension
from samsyn.improvement import search
from samsyn.improvement.models import (
    CycleStep,
    Evidence,
    LibraryEntry,
    Measure,
    Project,
    QualityCycle,
    Report,
    SupervisionGroup,
)
from samsyn.indicators.models import Survey
from samsyn.indicators.selectors import indicators_for_unscoped
from samsyn.observations.models import Round


def project_perms(user: User, project: Project) -> frozenset[Perm]:
    """The user's permissions on a project: those in its school, PROJECTS_SUPERVISE for the
    supervisor of its group, PROJECTS_FOLLOW (sessions, comments) for principals and
    supervisors, PROJECTS_VIEW for them and the project's staff group."""
    perms = set(permissions_at(user, project.school))
    if project.group is not None and project.group.supervisor_id == user.pk:
        perms.add(Perm.PROJECTS_SUPERVISE)
    if Perm.PROJECTS_MANAGE in perms or Perm.PROJECTS_SUPERVISE in perms:
        perms |= {Perm.PROJECTS_FOLLOW, Perm.PROJECTS_VIEW}
    elif user.is_authenticated and project.staff.filter(pk=user.pk).exists():
        perms.add(Perm.PROJECTS_VIEW)
    return frozenset(perms)


def get_project_for_user(*, user: User, pk: int, perm: Perm = Perm.PROJECTS_VIEW) -> Project:
    """The project if the user holds `perm` on it (`project_perms`); 404 for outsiders, 403 for
    other members of the school."""
    return get_object_for_user(
        user=user,
        queryset=Project.objects.select_related("school", "lead", "group__supervisor"),
        perm=perm,
        org_of=lambda project: project.school,
        perms_of=lambda project: project_perms(user, project),
        pk=pk,
    )


def get_cycle_for_user(
    *, user: User, pk: int, perm: Perm = Perm.QUALITY_CYCLE_VIEW
) -> QualityCycle:
    """The owner's annual quality cycle: 404 for outsiders, 403 for members without `perm`."""
    return get_object_for_user(
        user=user,
        queryset=QualityCycle.objects.select_related("owner"),
        perm=perm,
        org_of=lambda cycle: cycle.owner,
        pk=pk,
    )


def get_evidence_for_user(
    *, user: User, pk: int, project: Project, perm: Perm = Perm.PROJECTS_MANAGE
) -> Evidence:
    return get_object_for_user(
        user=user,
        queryset=Evidence.objects.filter(project=project),
        perm=perm,
        org_of=lambda evidence: project.school,
        perms_of=lambda evidence: project_perms(user, project),
        pk=pk,
    )


def get_measure_for_user(
    *, user: User, pk: int, project: Project, perm: Perm = Perm.PROJECTS_MANAGE
) -> Measure:
    return get_object_for_user(
        user=user,
        queryset=Measure.objects.filter(project=project),
        perm=perm,
        org_of=lambda measure: project.school,
        perms_of=lambda measure: project_perms(user, project),
        pk=pk,
    )


def get_report_for_user(*, user: User, project: Project, perm: Perm) -> Report:
    """The project's final report, addressed by its project (one report per project, the
    URL's): 404 for outsiders and when there is none yet, 403 for members without `perm`."""
    return get_object_for_user(
        user=user,
        queryset=Report.objects.all(),
        perm=perm,
        org_of=lambda report: project.school,
        perms_of=lambda report: project_perms(user, project),
        project=project,
    )


def library_perms(user: User) -> frozenset[Perm]:
    """LIBRARY_READ for every signed-in, active person: the library is proven experience
    published for all (`LibraryEntry`); nobody else reads it."""
    if user.is_authenticated and user.is_active:
        return frozenset({Perm.LIBRARY_READ})
    return frozenset()


def get_library_entry_for_user(*, user: User, pk: int, perm: Perm) -> LibraryEntry:
    """A published entry of the library if the user holds `perm` on it (LIBRARY_READ: every
    signed-in person); 404 for everyone else, since the library has no organisation to be a
    member of."""
    entry = LibraryEntry.objects.filter(pk=pk).first()
    if entry is None or perm not in library_perms(user):
        raise Http404
    return entry


def get_cycle_step_for_user(
    *, user: User, pk: int, cycle_pk: int, perm: Perm = Perm.QUALITY_CYCLE_MANAGE
) -> CycleStep:
    """A step of the owner's quality cycle `cycle_pk` (404 when it is another cycle's)."""
    return get_object_for_user(
        user=user,
        queryset=CycleStep.objects.select_related("cycle__owner"),
        perm=perm,
        org_of=lambda step: step.cycle.owner,
        pk=pk,
        cycle_id=cycle_pk,
    )


def projects_at(*, user: User, school: Organisation) -> QuerySet[Project]:
    require(user, school, Perm.PROJECTS_MANAGE)
    return Project.objects.filter(school=school).select_related("lead", "group")


def projects_for_user(user: User) -> QuerySet[Project]:
    """Projects the user leads, takes part in, or supervises through a group."""
    return (
        Project.objects.filter(Q(lead=user) | Q(staff=user) | Q(group__supervisor=user))
        .select_related("school", "lead")
        .distinct()
    )


def staff_choices_unscoped(school: Organisation) -> QuerySet[User]:
    """People of the school (any role held at the school itself)."""
    return (
        User.objects.filter(memberships__organisation=school, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def participant_choices_unscoped(project: Project) -> QuerySet[User]:
    """Who can be named as taking part in a session: the school's people and the supervisor."""
    ids = set(staff_choices_unscoped(project.school).values_list("pk", flat=True))
    if project.group_id:
        ids.add(project.group.supervisor_id)
    return User.objects.filter(pk__in=ids).order_by("full_name")


def indicator_choices_unscoped(school: Organisation) -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in indicators_for_unscoped(organisation=school)]


def round_choices_unscoped(school: Organisation) -> QuerySet[Round]:
    """Observation rounds at the school; a triad's peer rounds are never offered."""
    return (
        Round.objects.filter(Q(schools=school) | Q(organisation=school), is_peer=False)
        .distinct()
        .order_by("-starts_on")
    )


def survey_choices_unscoped(school: Organisation) -> QuerySet[Survey]:
    return Survey.objects.filter(organisation=school).order_by("-created_at")


def groups_for_school_unscoped(school: Organisation) -> QuerySet[SupervisionGroup]:
    """Supervision groups a project of this school may join: those of the school's owner and
    region (or the school itself)."""
    return SupervisionGroup.objects.filter(organisation_id__in=ancestor_ids(school)).select_related(
        "supervisor"
    )


def groups_for_user(user: User) -> list[SupervisionGroup]:
    """Groups the user supervises, and those of organisations where they may supervise (a
    researcher of a region sees the groups of its owners too)."""
    groups = SupervisionGroup.objects.select_related("organisation", "supervisor")
    return [
        group
        for group in groups
        if group.supervisor_id == user.pk
        or Perm.PROJECTS_SUPERVISE in permissions_at(user, group.organisation)
    ]


def group_access(user: User, pk: int) -> SupervisionGroup:
    group = SupervisionGroup.objects.filter(pk=pk).select_related("organisation").first()
    if group is None:
        raise Http404
    if group.supervisor_id == user.pk:
        return group
    perms = permissions_at(user, group.organisation)
    if Perm.PROJECTS_SUPERVISE not in perms:
        refuse(user, group.organisation, perms)
    return group


# ---------------------------------------------------------------- library


def dimension_choices() -> list[tuple[str, str]]:
    """Framework dimensions by their stable code, named after the newest published version."""
    seen: dict[str, str] = {}
    for dimension in Dimension.objects.filter(version__published_at__isnull=False).order_by(
        "-version__published_at", "order"
    ):
        seen.setdefault(dimension.code, dimension.name)
    return sorted(seen.items(), key=lambda item: item[1].lower())


def library_entries_unscoped(
    *, query: str = "", school_form: str = "", area: str = "", dimension: str = ""
) -> QuerySet[LibraryEntry]:
    entries = LibraryEntry.objects.all()
    if school_form:
        entries = entries.filter(school_form=school_form)
    if area:
        entries = entries.filter(area=area)
    if dimension:
        entries = entries.filter(dimension_code=dimension)
    return search.search(query, entries)


def library_search(
    *, user: User, query: str = "", school_form: str = "", area: str = "", dimension: str = ""
) -> QuerySet[LibraryEntry]:
    """`library_entries_unscoped` for a signed-in reader (the library is everyone's who signs in)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    return library_entries_unscoped(
        query=query, school_form=school_form, area=area, dimension=dimension
    )


def related_entries(*, user: User, entry: LibraryEntry, limit: int = 5) -> list[LibraryEntry]:
    """Entries linked to this one, then others on the same area or framework dimension (the
    library is read by every signed-in person)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    linked = list(entry.related.all())
    similar = Q()
    if entry.area:
        similar |= Q(area=entry.area)
    if entry.dimension_code:
        similar |= Q(dimension_code=entry.dimension_code)
    if similar and len(linked) < limit:
        others = (
            LibraryEntry.objects.filter(similar)
            .exclude(pk=entry.pk)
            .exclude(pk__in=[e.pk for e in linked])
        )
        linked += list(others[: limit - len(linked)])
    return linked
