"""What provisioning keeps about people, for samsyn.privacy (see samsyn/privacy/registry.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samsyn.accounts.access import Perm
from samsyn.privacy import registry
from samsyn.privacy.records import PERM_LABELS

registry.redact(
    "provisioning.ImportRun",
    ["payload", "problems"],
    _("other staff members' names and addresses read for an import, kept until it is saved"),
)
registry.purpose(
    "provisioning",
    _(
        "Schools, staff (name and work e-mail address, never civic numbers) and their duties, "
        "read from the owner's staff system (SS 12000) to give people their roles; the link "
        "between an account and its id in that system."
    ),
)

# The record of processing lists what each role may do; name this app's permission there.
PERM_LABELS[Perm.ORGANISATIONS_MANAGE] = _("manage schools and import staff")
