"""Home-page actions for the managers of public progress pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.home import Action, register
from samsyn.public.models import ProgressPage
from samsyn.public.selectors import managed_organisations


@register
def _progress_actions(user, organisations: list) -> list[Action]:
    actions = []
    for org in managed_organisations(user):
        actions.append(
            Action(
                _("Public progress page of %(org)s") % {"org": org.name},
                _("Show the collaboration's progression to decision makers, staff and the public."),
                reverse("public:manage", args=[org.pk]),
            )
        )
        waiting = ProgressPage.objects.filter(
            organisation=org, state=ProgressPage.State.SUBMITTED
        ).exclude(submitted_by=user)
        for page in waiting[:3]:
            actions.append(
                Action(
                    _("Approve the progress page %(slug)s") % {"slug": page.slug},
                    _("Submitted by another manager: read the preview and approve or edit it."),
                    reverse("public:edit", args=[page.pk]),
                    urgent=True,
                )
            )
    return actions
