"""Home-page actions for data protection, and the owner's and the researcher's panels
(registered from apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.accounts.access import Perm, permissions_at
from samsyn.accounts.home import Action, Figure, Panel, figures_panel, register, register_panel
from samsyn.accounts.models import Organisation
from samsyn.privacy import selectors


def _waiting_reviews(owner) -> list[Action]:
    """Requests from people and research exports that wait for the owner's decision."""
    from samsyn.privacy.models import ResearchExport, SubjectRequest

    waiting = []
    requests = SubjectRequest.objects.filter(
        owner=owner, status=SubjectRequest.Status.REQUESTED
    ).count()
    if requests:
        waiting.append(
            Action(
                ngettext(
                    "One request from a person awaits review",
                    "%(n)s requests from people await review",
                    requests,
                )
                % {"n": requests},
                _("%(org)s: export, erasure or rectification.") % {"org": owner.name},
                reverse("privacy:requests", args=[owner.pk]),
                urgent=True,
            )
        )
    exports = ResearchExport.objects.filter(
        owner=owner, status=ResearchExport.Status.PENDING
    ).count()
    if exports:
        waiting.append(
            Action(
                ngettext(
                    "One research export awaits review",
                    "%(n)s research exports await review",
                    exports,
                )
                % {"n": exports},
                _("%(org)s: approve or reject the researchers' requests.") % {"org": owner.name},
                reverse("privacy:research_reviews", args=[owner.pk]),
                urgent=True,
            )
        )
    return waiting


@register
def _privacy_actions(user, organisations: list) -> list[Action]:
    actions = []
    for owner in selectors.owners_with_perm(user, Perm.PRIVACY_MANAGE):
        actions.extend(_waiting_reviews(owner))
        actions.append(
            Action(
                _("Data protection for %(org)s") % {"org": owner.name},
                _(
                    "Retention, requests from people, research exports and the record of processing."
                ),
                reverse("privacy:owner", args=[owner.pk]),
            )
        )
    if selectors.owners_with_perm(user, Perm.RESEARCH_EXPORT_REQUEST) and not user.is_superuser:
        from samsyn.privacy.models import ResearchExport

        ready = ResearchExport.objects.filter(
            researcher=user, status=ResearchExport.Status.APPROVED, downloads__isnull=True
        ).count()
        if ready:
            actions.append(
                Action(
                    ngettext(
                        "One approved research export is ready to download",
                        "%(n)s approved research exports are ready to download",
                        ready,
                    )
                    % {"n": ready},
                    _("Pseudonymised, as the owner approved it."),
                    reverse("privacy:research_list"),
                    urgent=True,
                )
            )
        actions.append(
            Action(
                _("Research exports"),
                _("Request pseudonymised observation data and download approved exports."),
                reverse("privacy:research_list"),
            )
        )
    actions.append(
        Action(
            _("Your data"),
            _("Download everything Samsyn holds about you, as a readable PDF or as JSON."),
            reverse("privacy:my_data"),
        )
    )
    return actions


@register_panel
def _owner_panel(user, organisations: list) -> list[Panel]:
    """An owner administrator's working surface, per owner: requests and research exports that
    wait for a decision, schools without an open round or an approved plan, visits in open
    rounds not yet scheduled; each figure links to where it is acted on."""
    return [
        _owner_figures(entry.organisation)
        for entry in organisations
        if entry.organisation.kind == Organisation.Kind.OWNER
        and Perm.PRIVACY_MANAGE in permissions_at(user, entry.organisation)
    ]


def _owner_figures(owner: Organisation) -> Panel:
    from samsyn.improvement.models import SchoolPlan
    from samsyn.observations.models import Assignment, Round
    from samsyn.privacy.models import ResearchExport, SubjectRequest

    ids = selectors.owner_org_ids_unscoped(owner)
    schools = set(
        Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.SCHOOL).values_list(
            "pk", flat=True
        )
    )
    open_rounds = Round.objects.filter(
        status=Round.Status.OPEN, is_peer=False, organisation_id__in=ids
    )
    in_a_round = set(open_rounds.values_list("schools", flat=True))
    with_plan = set(
        SchoolPlan.objects.filter(
            school_id__in=schools, status=SchoolPlan.Status.APPROVED
        ).values_list("school_id", flat=True)
    )
    requests = SubjectRequest.objects.filter(
        owner=owner, status=SubjectRequest.Status.REQUESTED
    ).count()
    exports = ResearchExport.objects.filter(
        owner=owner, status=ResearchExport.Status.PENDING
    ).count()
    unscheduled = Assignment.objects.filter(round__in=open_rounds, planned_at=None).count()
    of_schools = _("%(n)s of %(total)s schools")
    figures = [
        Figure(
            "requests",
            _("Requests from people awaiting review"),
            str(requests),
            reverse("privacy:requests", args=[owner.pk]),
        ),
        Figure(
            "exports",
            _("Research exports awaiting review"),
            str(exports),
            reverse("privacy:research_reviews", args=[owner.pk]),
        ),
        Figure(
            "no-round",
            _("Schools without an open observation round"),
            of_schools % {"n": len(schools - in_a_round), "total": len(schools)},
            reverse("observations:overview"),
        ),
        Figure(
            "unscheduled",
            _("Visits in open rounds not yet scheduled"),
            str(unscheduled),
            reverse("observations:overview"),
        ),
        Figure(
            "no-plan",
            _("Schools without an approved plan for skilled teaching"),
            of_schools % {"n": len(schools - with_plan), "total": len(schools)},
            reverse("improvement:cycles", args=[owner.pk]),
        ),
    ]
    return figures_panel(
        css="owner-panel",
        anchor=f"owner-{owner.pk}",
        heading=_("%(org)s: what needs you") % {"org": owner.name},
        figures=figures,
        order=10,
    )


@register_panel
def _researcher_panel(user, organisations: list) -> list[Panel]:
    """A researcher's working surface: approved exports ready to download, requests waiting for
    an owner's decision, and rejected ones (with the owner's reason on the list)."""
    if user.is_superuser or not selectors.owners_with_perm(user, Perm.RESEARCH_EXPORT_REQUEST):
        return []
    from samsyn.privacy.models import ResearchExport

    mine = ResearchExport.objects.filter(researcher=user)
    ready = mine.filter(status=ResearchExport.Status.APPROVED, downloads__isnull=True)
    url = reverse("privacy:research_list")
    figures = [
        Figure(
            "ready",
            _("Approved exports ready to download"),
            str(ready.distinct().count()),
            url,
        ),
        Figure(
            "pending",
            _("Requests awaiting the owner's review"),
            str(mine.filter(status=ResearchExport.Status.PENDING).count()),
            url,
        ),
        Figure(
            "rejected",
            _("Requests rejected"),
            str(mine.filter(status=ResearchExport.Status.REJECTED).count()),
            url,
        ),
    ]
    return [
        figures_panel(
            css="researcher-panel",
            anchor="researcher-exports",
            heading=_("Your research exports"),
            figures=figures,
            order=10,
        )
    ]
