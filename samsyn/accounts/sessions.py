"""A database session store that records which user a session belongs to.

This is the pattern from Django's docs ("Extending database-backed session engines"): with the
user on the row, `sessions_end_for_user` can end every session of a person who logs out or is
deactivated, without decoding every session in the table.

The row is read with its user (one query, not two on every request): `loaded_user`, which
`samsyn.accounts.middleware.AuthenticationMiddleware` takes when Django's own checks accept it.
That query is compiled once per process (`samsyn.lib.prepared`), not on every request.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from samsyn.lib.prepared import Prepared


class SessionStore(DBStore):
    # The user on the session row as it was loaded (None before loading, or without one).
    loaded_user = None

    @classmethod
    def get_model_class(cls):
        from samsyn.accounts.models import Session

        return Session

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            user_id = int(data.get("_auth_user_id"))
        except (TypeError, ValueError):
            user_id = None
        obj.user_id = user_id
        return obj

    def _get_session_from_db(self):
        """Django's lookup, with the row's user in the same query."""
        self.loaded_user = None
        try:
            row = _SESSION_WITH_USER.first(key=self.session_key, now=timezone.now())
        except SuspiciousOperation as error:
            logger = logging.getLogger(f"django.security.{error.__class__.__name__}")
            logger.warning(str(error))
            row = None
        if row is None:
            self._session_key = None
            return None
        self.loaded_user = row.user
        return row


def _session_with_user(param):
    from samsyn.accounts.models import Session

    field = Session._meta.get_field
    return Session.objects.select_related("user").filter(
        session_key=param("key", field("session_key")),
        expire_date__gt=param("now", field("expire_date")),
    )[:1]


# The session row with its user: compiled once per process (samsyn.lib.prepared), as every
# request reads it.
_SESSION_WITH_USER = Prepared(_session_with_user)
