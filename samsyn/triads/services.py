"""Writes for triads: proposing, editing and saving a set; planning peer visits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.models import Organisation, User
from samsyn.analysis import triads as proposer
from samsyn.frameworks.models import FrameworkVersion
from samsyn.observations.models import Assignment, Round, RoundObserver, RoundTeacher
from samsyn.triads import selectors
from samsyn.triads.models import TeacherDetails, Triad, TriadMember, TriadSet

PEER_ROUND_DAYS = 366


@transaction.atomic
def triad_set_propose(
    *,
    actor: User,
    school: Organisation,
    same_subject_area: bool = False,
    same_grade_span: bool = False,
    seed: int = 0,
) -> TriadSet:
    """A new proposal (a draft set) for the school's teachers from the latest closed round,
    avoiding the pairs of the last saved set. Earlier drafts of the school are replaced."""
    TriadSet.objects.filter(school=school, status=TriadSet.Status.DRAFT).delete()
    round_ = selectors.latest_round_unscoped(school)
    teachers = selectors.proposer_teachers_unscoped(school, round_)
    options = proposer.Options(
        same_subject_area=same_subject_area, same_grade_span=same_grade_span, seed=seed
    )
    previous = selectors.groups_of_unscoped(selectors.last_saved_set_unscoped(school))
    result = proposer.propose(teachers, options, previous)
    triad_set = TriadSet.objects.create(
        school=school,
        source_round=round_,
        same_subject_area=same_subject_area,
        same_grade_span=same_grade_span,
        created_by=actor,
    )
    _create_triads(triad_set, [list(g.members) for g in result.groups])
    return triad_set


def _create_triads(triad_set: TriadSet, groups: list[list[int]]) -> None:
    for number, group in enumerate(groups, start=1):
        triad = Triad.objects.create(triad_set=triad_set, number=number)
        TriadMember.objects.bulk_create(TriadMember(triad=triad, teacher_id=t) for t in group)


@transaction.atomic
def triad_member_move(*, triad_set: TriadSet, teacher: User, to: Triad | None) -> Triad:
    """Move `teacher` (a member, or a teacher left out) into triad `to`, or into a new triad
    when `to` is None. Only a proposal can be edited; a triad left empty is removed. The
    constraints are checked afterwards by `selectors.set_view_unscoped`, not here: the principal may
    pass through a state with a problem while rearranging."""
    if triad_set.status != TriadSet.Status.DRAFT:
        raise ValidationError(_("A saved set cannot be changed; make a new proposal instead."))
    if teacher.pk not in {u.pk for u in selectors.school_teachers_unscoped(triad_set.school)}:
        raise ValidationError({"teacher": _("Choose a teacher of this school.")})
    if to is not None and to.triad_set_id != triad_set.pk:
        raise ValidationError({"to": _("Choose a triad of this proposal.")})
    TriadMember.objects.filter(triad__triad_set=triad_set, teacher=teacher).delete()
    if to is None:
        last = triad_set.triads.order_by("-number").first()
        to = Triad.objects.create(triad_set=triad_set, number=(last.number + 1) if last else 1)
    TriadMember.objects.create(triad=to, teacher=teacher)
    triad_set.triads.filter(members__isnull=True).delete()
    return to


@transaction.atomic
def triad_set_save(*, triad_set: TriadSet, name: str) -> TriadSet:
    """Save the proposal under `name`; refused while a hard constraint is violated. The set
    saved before stays as history."""
    name = name.strip()
    if triad_set.status != TriadSet.Status.DRAFT:
        raise ValidationError(_("This set is already saved."))
    if not name:
        raise ValidationError({"name": _("Give the set a name, e.g. the term.")})
    if TriadSet.objects.filter(
        school=triad_set.school, status=TriadSet.Status.SAVED, name__iexact=name
    ).exists():
        raise ValidationError({"name": _("The school already has a set with this name.")})
    view = selectors.set_view_unscoped(triad_set)
    if view.hard:
        raise ValidationError(
            _("Solve the problems listed above before saving: they break the rules for triads.")
        )
    triad_set.name = name
    triad_set.status = TriadSet.Status.SAVED
    triad_set.saved_at = timezone.now()
    triad_set.full_clean()
    triad_set.save(update_fields=["name", "status", "saved_at"])
    return triad_set


@transaction.atomic
def teacher_details_update(
    *,
    school: Organisation,
    teacher: User,
    subject_area: str,
    grade_span: str,
    line_manager: User | None,
) -> TeacherDetails:
    if line_manager is not None and line_manager.pk == teacher.pk:
        raise ValidationError({"line_manager": _("A teacher cannot be their own line manager.")})
    details, _created = TeacherDetails.objects.update_or_create(
        school=school,
        teacher=teacher,
        defaults={
            "subject_area": subject_area.strip(),
            "grade_span": grade_span.strip(),
            "line_manager": line_manager,
        },
    )
    return details


def _framework_for(triad: Triad) -> FrameworkVersion:
    source = triad.triad_set.source_round
    if source is not None:
        return source.framework_version
    version = (
        FrameworkVersion.objects.filter(status="published")
        .order_by("framework__slug", "-number")
        .first()
    )
    if version is None:
        raise ValidationError(_("There is no published framework to observe with."))
    return version


def peer_round_for(triad: Triad, *, actor: User) -> Round:
    """The triad's peer round, created on first use. Its teachers are the triad's members
    (this is what lets them read its released observations); nobody plans or manages it."""
    if triad.peer_round_id is not None:
        return triad.peer_round
    today = timezone.localdate()
    saved_at = triad.triad_set.saved_at
    starts_on = min(today, timezone.localdate(saved_at)) if saved_at else today
    school = triad.triad_set.school
    round_ = Round.objects.create(
        organisation=school,
        name=_("Peer observations: %(set)s, triad %(number)d")
        % {"set": triad.triad_set.name, "number": triad.number},
        kind=Round.Kind.ONGOING,
        framework_version=_framework_for(triad),
        starts_on=starts_on,
        ends_on=today + dt.timedelta(days=PEER_ROUND_DAYS),
        target_lessons=1,
        release_mode=Round.Release.BY_OBSERVER,
        is_peer=True,
        created_by=actor,
    )
    round_.schools.add(school)
    RoundTeacher.objects.bulk_create(
        RoundTeacher(round=round_, teacher_id=m.teacher_id, school=school)
        for m in triad.members.all()
    )
    triad.peer_round = round_
    triad.save(update_fields=["peer_round"])
    return round_


@transaction.atomic
def peer_visit_plan(
    *,
    actor: User,
    triad: Triad,
    observer: User,
    teacher: User,
    planned_at: dt.datetime | None,
    subject: str = "",
    group_name: str = "",
) -> Assignment:
    """A peer visit within the triad: `observer` observes a lesson of `teacher` (both members,
    not the same person). It is captured in the ordinary capture page."""
    members = {m.teacher_id for m in triad.members.all()}
    errors = {}
    if actor.pk not in members:
        errors["observer"] = _("Only the triad's members plan its peer visits.")
    if observer.pk not in members:
        errors["observer"] = _("The observer must be a member of the triad.")
    if teacher.pk not in members:
        errors["teacher"] = _("The teacher must be a member of the triad.")
    elif teacher.pk == observer.pk:
        errors["teacher"] = _("Choose another member than the observer.")
    if errors:
        raise ValidationError(errors)
    round_ = peer_round_for(triad, actor=actor)
    RoundObserver.objects.get_or_create(round=round_, observer=observer)
    return Assignment.objects.create(
        round=round_,
        observer=observer,
        teacher=teacher,
        school=triad.triad_set.school,
        planned_at=planned_at,
        subject=subject,
        group_name=group_name,
    )
