"""A database session store that records which user a session belongs to.

This is the pattern from Django's docs ("Extending database-backed session engines"): with the
user on the row, `sessions_end_for_user` can end every session of a person who logs out or is
deactivated, without decoding every session in the table.

The row is read with its user (one query, not two on every request): `loaded_user`, which
`samsyn.accounts.middleware.AuthenticationMiddleware` takes when Django's own checks accept it.
That query is compiled once per process (`samsyn.lib.prepared`), not on every request.

The signed session data a process has verified and decoded is kept (`decode`): the same row
read again (every request of a logged-in person until the session changes) is not verified and
parsed again. Only flat sessions (text, numbers, booleans) are kept, and each request gets its
own copy, so nothing one request changes reaches another.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from samsyn.lib.prepared import Prepared

# Signed session data → what it decodes to, for the flat sessions this process has verified.
_DECODED: dict[str, dict] = {}
_DECODED_MAX = 10_000
_FLAT = (str, int, float, bool, type(None))


class SessionStore(DBStore):
    # The user on the session row as it was loaded (None before loading, or without one).
    loaded_user = None

    def decode(self, session_data: str) -> dict:
        """Django's, verified and parsed once per process for the same signed data."""
        found = _DECODED.get(session_data)
        if found is not None:
            return dict(found)
        decoded = super().decode(session_data)
        if decoded and all(type(value) in _FLAT for value in decoded.values()):
            if len(_DECODED) >= _DECODED_MAX:
                _DECODED.clear()
            _DECODED[session_data] = dict(decoded)
        return decoded

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
