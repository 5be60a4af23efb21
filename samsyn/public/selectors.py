"""Reads of progress pages: the managers' (scoped to the acting user) and the public one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from samsyn.accounts.access import Perm, get_object_for_user, organisations_with_perm, require
from samsyn.accounts.models import Organisation, User
from samsyn.dashboards.selectors import area_schools_unscoped, counted_rounds_unscoped
from samsyn.indicators.models import Indicator
from samsyn.indicators.selectors import indicators_for_unscoped
from samsyn.observations.models import Round
from samsyn.public.models import ProgressPage
from samsyn.public.services import KINDS


def managed_organisations(user: User) -> list[Organisation]:
    """Owners and networks where the user may prepare progress pages, by name."""
    orgs = organisations_with_perm(user, Perm.PROGRESS_PAGE_MANAGE)
    return sorted((o for o in orgs if o.kind in KINDS), key=lambda o: o.name)


def pages_of(*, user: User, organisation: Organisation) -> QuerySet[ProgressPage]:
    """The organisation's pages for a manager: 404 outsider, 403 without the right."""
    if organisation.kind not in KINDS:
        raise Http404
    require(user, organisation, Perm.PROGRESS_PAGE_MANAGE)
    return ProgressPage.objects.filter(organisation=organisation).select_related(
        "submitted_by", "approved_by", "withdrawn_by"
    )


def get_progress_page_for_user(
    *, user: User, pk: int, perm: Perm = Perm.PROGRESS_PAGE_MANAGE
) -> ProgressPage:
    """A progress page for those who prepare it (`perm` at its organisation): 404 for
    outsiders, 403 for members of the owner or network without the right."""
    return get_object_for_user(
        user=user,
        queryset=ProgressPage.objects.select_related(
            "organisation", "baseline_round", "latest_round"
        ),
        perm=perm,
        org_of=lambda page: page.organisation,
        pk=pk,
    )


def public_page(slug: str) -> ProgressPage | None:
    """The page at `slug`, whatever its state (the view answers 404, 410 or the content)."""
    return ProgressPage.objects.filter(slug=slug).first()


def round_choices(*, user: User, organisation: Organisation) -> list[Round]:
    """The area's non-peer rounds with counted observations, oldest first, for those who
    prepare its progress page."""
    require(user, organisation, Perm.PROGRESS_PAGE_MANAGE)
    return counted_rounds_unscoped([s.pk for s in area_schools_unscoped(organisation)])


def indicator_choices(*, user: User, organisation: Organisation) -> list[Indicator]:
    """The indicators a progress page of the area may show, for those who prepare it."""
    require(user, organisation, Perm.PROGRESS_PAGE_MANAGE)
    return list(indicators_for_unscoped(organisation=organisation))
