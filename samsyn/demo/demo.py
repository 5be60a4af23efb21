"""The demo app's own steps (discovered as `samsyn.demo.demo`, like every app's `demo` module;
kept here, not in accounts, because the demo app imports accounts).

An open invitation at one school of each municipality, so the members page shows one waiting
to be accepted (and withdrawn).

The rows are written directly, not through `services.invitation_create`: loading the demo
sends no e-mail, and nobody learns the token (the invitations can be withdrawn, not accepted).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from samsyn.accounts.models import Invitation, Role, hash_token
from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, step

# (school, inviter's e-mail key, invited name, invited e-mail key)
INVITATIONS = [
    ("Strandskolan", "rektor", "Moa Engström", "moa.engstrom"),
    ("Ekbacka centralskola", "huvudman.ekbacka", "Viktor Lund", "viktor.lund"),
]


@step
def open_invitations(world: DemoWorld) -> None:
    now = timezone.now()
    for school_name, inviter, full_name, key in INVITATIONS:
        Invitation.objects.create(
            email=f"{key}@{DEMO_DOMAIN}",
            full_name=full_name,
            organisation=world.schools[school_name],
            role=Role.TEACHER,
            token_hash=hash_token(secrets.token_urlsafe(32)),
            invited_by=world.users[f"{inviter}@{DEMO_DOMAIN}"],
            expires_at=now + timedelta(days=settings.SAMSYN_INVITATION_DAYS),
        )
