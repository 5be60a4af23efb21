"""Reads for frameworks, scoped to the acting user.

A global framework (no organisation) is readable by every logged-in person; an organisation's
framework by anyone with a role in or below it (`Perm.VIEW`). Drafts are for those who may
manage the framework: owner administrators of its organisation, platform admins for global ones.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

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


def framework_perms(user: User, framework: Framework) -> frozenset[Perm]:
    """FRAMEWORKS_READ if the user may read it (`can_read`), MANAGE_FRAMEWORKS if they may edit
    it (`can_manage`: platform admins for global ones)."""
    perms: set[Perm] = set()
    if can_read(user, framework):
        perms.add(Perm.FRAMEWORKS_READ)
    if can_manage(user, framework):
        perms.add(Perm.MANAGE_FRAMEWORKS)
    return frozenset(perms)


def get_framework_for_user(
    *, user: User, slug: str, perm: Perm = Perm.FRAMEWORKS_READ
) -> Framework:
    """The framework if the user may read it (404 otherwise) and holds `perm` on it (403).
    A global framework has no organisation to be a member of, so get_object_for_user's
    organisation rule does not apply: reading decides between 404 and 403."""
    framework = Framework.objects.select_related("organisation").filter(slug=slug).first()
    perms = framework_perms(user, framework) if framework is not None else frozenset()
    if Perm.FRAMEWORKS_READ not in perms:
        raise Http404
    if perm not in perms:
        raise PermissionDenied
    return framework


def get_dimension_for_user(
    *, user: User, code: str, perm: Perm, version: FrameworkVersion
) -> Dimension:
    """The dimension `code` of `version` (its natural key, the URL's) if the user holds `perm`
    on the framework: 404 for those who may not read the framework and for a code the version
    does not have, 403 for readers without `perm` (managing a draft is MANAGE_FRAMEWORKS)."""
    perms = framework_perms(user, version.framework)
    if Perm.FRAMEWORKS_READ not in perms:
        raise Http404
    if perm not in perms:
        raise PermissionDenied
    dimension = Dimension.objects.filter(version=version, code=code).first()
    if dimension is None:
        raise Http404
    return dimension


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
        perms = framework_perms(user, framework)
        manage = Perm.MANAGE_FRAMEWORKS in perms
        draft = next((v for v in versions if v.is_draft), None) if manage else None
        if published is None and draft is None:
            continue
        rows.append(
            {
                "framework": framework,
                "published": published,
                "draft": draft,
                "can": perms,
                "version_count": sum(1 for v in versions if not v.is_draft),
            }
        )
    return sorted(rows, key=lambda r: (r["published"] or r["draft"]).name.lower())


def version_for_user(*, user: User, framework: Framework, number: int) -> FrameworkVersion:
    version = FrameworkVersion.objects.filter(framework=framework, number=number).first()
    if version is None:
        raise Http404
    if version.is_draft and not can_manage(user, framework):
        raise Http404
    return version


def latest_published(*, user: User, framework: Framework) -> FrameworkVersion | None:
    if Perm.FRAMEWORKS_READ not in framework_perms(user, framework):
        raise Http404
    return (
        framework.versions.filter(status=FrameworkVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def draft_of(*, user: User, framework: Framework) -> FrameworkVersion | None:
    """The framework's draft, for those who may manage it (None for everyone else)."""
    if Perm.MANAGE_FRAMEWORKS not in framework_perms(user, framework):
        return None
    return framework.versions.filter(status=FrameworkVersion.Status.DRAFT).first()


def version_content(*, user: User, version: FrameworkVersion) -> QuerySet[Dimension]:
    """Dimensions with steps and criteria, in order, in three queries."""
    if Perm.FRAMEWORKS_READ not in framework_perms(user, version.framework):
        raise Http404
    return version.dimensions.order_by("order").prefetch_related(
        Prefetch(
            "steps",
            queryset=Step.objects.order_by("order").prefetch_related(
                Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
            ),
        )
    )
