"""A database session store that records which user a session belongs to.

This is the pattern from Django's docs ("Extending database-backed session engines"): with the
user on the row, `sessions_end_for_user` can end every session of a person who logs out or is
deactivated, without decoding every session in the table.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
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
