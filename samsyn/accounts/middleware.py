"""Authentication from the session row's user, session limits and the per-user language."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    logout,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

LOGIN_TIME_KEY = "samsyn_login_at"
LAST_SEEN_KEY = "samsyn_last_seen"
# Write the "last seen" stamp at most this often, so a busy page does not write on every request.
TOUCH_EVERY_SECONDS = 60


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, except that `request.user` is the user the session store read with the session
    row (`SessionStore.loaded_user`) when Django's checks accept it as it stands, which saves a
    query on every request; in every other case Django's `auth.get_user` decides."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))


def _cached_user(request: HttpRequest):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _session_row_user(request) or auth.get_user(request)
    return request._cached_user


def _session_row_user(request: HttpRequest):
    """The session row's user if `auth.get_user` would return that very user: the session
    names it with the model backend, it may log in, and the session's hash verifies with the
    current secret. None otherwise (then `auth.get_user` runs: fallback secrets, flush)."""
    session = request.session
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    user = getattr(session, "loaded_user", None)
    if (
        user is None
        or user.pk != user_id
        or backend_path != MODEL_BACKEND
        or backend_path not in settings.AUTHENTICATION_BACKENDS
        or not ModelBackend().user_can_authenticate(user)
    ):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


class SessionLimitsMiddleware:
    """Ends a session that has been idle too long or has reached its absolute age.

    The absolute limit is also SESSION_COOKIE_AGE (the cookie and the row expire); checking the
    login time here makes it hold even if the cookie was kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.get(LOGIN_TIME_KEY, now)
            last_seen = session.get(LAST_SEEN_KEY, now)
            idle = now - last_seen > settings.SAMSYN_SESSION_IDLE_SECONDS
            too_old = now - login_at > settings.SESSION_COOKIE_AGE
            if idle or too_old:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after a period of inactivity. Please log in again.")
                    if idle
                    else _("Your session reached its time limit. Please log in again."),
                )
                return redirect_to_login(request.get_full_path())
            session.setdefault(LOGIN_TIME_KEY, now)
            if now - last_seen >= TOUCH_EVERY_SECONDS or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """Keeps the language a logged-in user chose, whatever the URL prefix says.

    With `i18n_patterns`, `/…` is Swedish and `/en/…` English. A URL without a language prefix
    (a link in an e-mail, a bookmark) follows the account: a user who chose English is sent to
    the English page (GET only, so no form post is lost). A URL that names its language
    (`/en/…`) is shown in that language, whatever the account says: the person asked for it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.method == "GET"
            and user.is_authenticated
            and user.language
            and user.language != translation.get_language()
            and not request.path.startswith(("/api/", "/static/", "/admin/"))
            and translation.get_language_from_path(request.path_info) is None
        ):
            from samsyn.accounts.i18n import translate_path

            target = translate_path(request.get_full_path(), user.language)
            if target != request.get_full_path():
                return redirect(target)
        return self.get_response(request)
