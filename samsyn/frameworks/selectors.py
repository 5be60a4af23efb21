"""Reads for frameworks, scoped to the acting user.

A global framework (no organisation) is readable by every logged-in person; an organisation's
framework by anyone with a role in or below it (`Perm.VIEW`). Drafts are for those who may
manage the framework: owner administrators of its organisation, platform admins for global ones.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from samsyn.accounts.access import Perm, organisations_with_perm, permissions_at
from samsyn.accounts.models import Organisation, User
from samsyn.frameworks.models import (
    Criterion,
    Dimension,
    Framework,
    FrameworkVersion,
    Step,
)


def can_read(user: User, framework: Framework) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if framework.organisation_id is None:
        return True
    return bool(permissions_at(user, framework.organisation))


def can_manage(user: User, framework: Framework) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_platform_admin:
        return True
    if framework.organisation_id is None:
        return False
    return Perm.MANAGE_FRAMEWORKS in permissions_at(user, framework.organisation)


def manageable_organisations(user: User) -> list[Organisation]:
    """Organisations where the user may create frameworks (platform admins may also go global)."""
    return organisations_with_perm(user, Perm.MANAGE_FRAMEWORKS)


def can_create_any(user: User) -> bool:
    return user.is_platform_admin or bool(manageable_organisations(user))


def get_framework_for_user(request: HttpRequest, slug: str, *, manage: bool = False) -> Framework:
    """The framework if the user may read it (404 otherwise); with `manage`, 403 if they may not
    edit it."""
    framework = Framework.objects.select_related("organisation").filter(slug=slug).first()
    if framework is None or not can_read(request.user, framework):
        raise Http404
    if manage and not can_manage(request.user, framework):
        raise PermissionDenied
    return framework


def frameworks_for_user(*, user: User) -> list[dict]:
    """Frameworks the user may read, each with its latest published version and any draft."""
    rows = []
    frameworks = Framework.objects.select_related("organisation").prefetch_related(
        Prefetch("versions", queryset=FrameworkVersion.objects.order_by("-number"))
    )
    for framework in frameworks:
        if not can_read(user, framework):
            continue
        versions = list(framework.versions.all())
        published = next((v for v in versions if not v.is_draft), None)
        manage = can_manage(user, framework)
        draft = next((v for v in versions if v.is_draft), None) if manage else None
        if published is None and draft is None:
            continue
        rows.append(
            {
                "framework": framework,
                "published": published,
                "draft": draft,
                "can_manage": manage,
                "version_count": sum(1 for v in versions if not v.is_draft),
            }
        )
    return sorted(rows, key=lambda r: (r["published"] or r["draft"]).name.lower())


def version_for_user(request: HttpRequest, framework: Framework, number: int) -> FrameworkVersion:
    version = FrameworkVersion.objects.filter(framework=framework, number=number).first()
    if version is None:
        raise Http404
    if version.is_draft and not can_manage(request.user, framework):
        raise Http404
    return version


def latest_published(framework: Framework) -> FrameworkVersion | None:
    return (
        framework.versions.filter(status=FrameworkVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def draft_of(framework: Framework) -> FrameworkVersion | None:
    return framework.versions.filter(status=FrameworkVersion.Status.DRAFT).first()


def version_content(version: FrameworkVersion) -> QuerySet[Dimension]:
    """Dimensions with steps and criteria, in order, in three queries."""
    return version.dimensions.order_by("order").prefetch_related(
        Prefetch(
            "steps",
            queryset=Step.objects.order_by("order").prefetch_related(
                Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
            ),
        )
    )
