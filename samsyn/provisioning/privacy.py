"""What provisioning keeps about people, for samsyn.privacy (see samsyn/privacy/registry.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samsyn.privacy import registry

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
