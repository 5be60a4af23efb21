"""Session bookkeeping on login and logout."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from samsyn.accounts.middleware import LAST_SEEN_KEY, LOGIN_TIME_KEY


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    now = time.time()
    request.session[LOGIN_TIME_KEY] = now
    request.session[LAST_SEEN_KEY] = now


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs) -> None:
    # Logging out ends the person's sessions on every device (DESIGN.md, "Access"): on a shared
    # school laptop or a lost tablet, one logout must be enough.
    if user is not None:
        from samsyn.accounts.services import sessions_end_for_user

        sessions_end_for_user(user=user)
