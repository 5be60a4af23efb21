"""Home-page actions for data protection (registered from apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.accounts.access import Perm
from samsyn.accounts.home import Action, register
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
