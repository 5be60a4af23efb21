"""Writes of progress pages: create and edit a draft, submit, approve (by another manager),
withdraw. Every step records who and when; approval freezes the content in both languages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, has_perm
from samsyn.accounts.models import Organisation, User
from samsyn.observations.models import Round
from samsyn.public import content
from samsyn.public.models import ProgressPage

KINDS = (Organisation.Kind.OWNER, Organisation.Kind.NETWORK)
# Path segments of the managers' pages under /progress/: never a page's address.
RESERVED_SLUGS = frozenset({"manage", "pages"})


def errors() -> dict[str, str]:
    """The refusals, in the active language (tests assert them)."""
    return {
        "kind": _("A progress page belongs to an owner or a network."),
        "reserved": _("This address is reserved: choose another."),
        "published": _("A published page cannot be edited: withdraw it first."),
        "not_submitted": _("Only a submitted page can be approved."),
        "own": _("You submitted this page: another person with the right must approve it."),
        "not_enabled": _("Turn the public page on before approving it."),
        "not_published": _("Only a published page can be withdrawn."),
        "no_figures": _("Choose the rounds or at least one indicator before submitting."),
        "rounds": _("The baseline round must start before the latest round."),
    }


def _manager(actor: User, page: ProgressPage) -> None:
    if not has_perm(actor, page.organisation, Perm.PROGRESS_PAGE_MANAGE):
        raise PermissionDenied


@transaction.atomic
def page_create(*, organisation: Organisation, actor: User, slug: str) -> ProgressPage:
    if organisation.kind not in KINDS:
        raise ValidationError(errors()["kind"])
    if not has_perm(actor, organisation, Perm.PROGRESS_PAGE_MANAGE):
        raise PermissionDenied
    if slug in RESERVED_SLUGS:
        raise ValidationError(errors()["reserved"])
    page = ProgressPage(organisation=organisation, slug=slug, created_by=actor)
    page.full_clean()
    page.save()
    return page


@transaction.atomic
def page_update(
    *,
    page: ProgressPage,
    actor: User,
    enabled: bool,
    indicator_codes: list[str],
    baseline_round: Round | None,
    latest_round: Round | None,
    intro_sv: str,
    intro_en: str,
) -> ProgressPage:
    """Edit the page; a submitted page goes back to draft (it needs a new submission)."""
    page = ProgressPage.objects.select_for_update().get(pk=page.pk)
    _manager(actor, page)
    if page.state == ProgressPage.State.PUBLISHED:
        raise ValidationError(errors()["published"])
    if baseline_round and latest_round and baseline_round.starts_on >= latest_round.starts_on:
        raise ValidationError(errors()["rounds"])
    page.enabled = enabled
    page.indicator_codes = list(indicator_codes)
    page.baseline_round = baseline_round
    page.latest_round = latest_round
    page.intro_sv = intro_sv
    page.intro_en = intro_en
    if page.state == ProgressPage.State.SUBMITTED:
        page.state = ProgressPage.State.DRAFT
        page.submitted_by = page.submitted_at = None
    page.full_clean()
    page.save()
    return page


@transaction.atomic
def page_submit(*, page: ProgressPage, actor: User) -> ProgressPage:
    page = ProgressPage.objects.select_for_update().get(pk=page.pk)
    _manager(actor, page)
    if page.state == ProgressPage.State.PUBLISHED:
        raise ValidationError(errors()["published"])
    if page.latest_round_id is None and not page.indicator_codes:
        raise ValidationError(errors()["no_figures"])
    page.state = ProgressPage.State.SUBMITTED
    page.submitted_by = actor
    page.submitted_at = timezone.now()
    page.save()
    return page


@transaction.atomic
def page_approve(*, page: ProgressPage, actor: User) -> ProgressPage:
    """Publish the submitted page: a manager other than the submitter approves, and the content
    is computed now, in Swedish and English, and frozen."""
    page = ProgressPage.objects.select_for_update().get(pk=page.pk)
    _manager(actor, page)
    if page.state != ProgressPage.State.SUBMITTED:
        raise ValidationError(errors()["not_submitted"])
    if page.submitted_by_id == actor.pk:
        raise ValidationError(errors()["own"])
    if not page.enabled:
        raise ValidationError(errors()["not_enabled"])
    page.snapshot = content.snapshot(page, actor)
    page.state = ProgressPage.State.PUBLISHED
    page.approved_by = actor
    page.approved_at = timezone.now()
    page.withdrawn_by = page.withdrawn_at = None
    page.save()
    return page


@transaction.atomic
def page_withdraw(*, page: ProgressPage, actor: User) -> ProgressPage:
    """Take the page offline at once: its address then says it was withdrawn, without content."""
    page = ProgressPage.objects.select_for_update().get(pk=page.pk)
    _manager(actor, page)
    if page.state != ProgressPage.State.PUBLISHED:
        raise ValidationError(errors()["not_published"])
    page.state = ProgressPage.State.WITHDRAWN
    page.snapshot = {}
    page.withdrawn_by = actor
    page.withdrawn_at = timezone.now()
    page.save()
    return page
