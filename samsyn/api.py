"""The JSON API under /api/v1/ (django-ninja); schema at /api/v1/openapi.json.

Each app contributes a router; reads go through the same selectors and access helpers as the
pages, so the API never shows more than the UI. Errors share one shape: {"detail": "..."}.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.security import django_auth

from samsyn.accounts.api import router as accounts_router
from samsyn.coaching.api import router as coaching_router
from samsyn.dashboards.api import router as dashboards_router
from samsyn.frameworks.api import router as frameworks_router
from samsyn.improvement.api import router as improvement_router
from samsyn.indicators.api import router as indicators_router
from samsyn.integrations.api import router as integrations_router
from samsyn.integrations.auth import ApiRateThrottle, TokenAuth
from samsyn.lib.middleware import CachedJsonParser
from samsyn.networks.api import router as networks_router
from samsyn.observations.api import router as observations_router
from samsyn.privacy.api import router as privacy_router
from samsyn.triads.api import router as triads_router
from samsyn.workshops.api import router as workshops_router


class LocalisedSwagger(Swagger):
    """Swagger UI from django-ninja's own static files (templates/ninja/swagger.html), its page
    in the reader's language: the account's, else the language cookie or the browser's. (The
    API's URLs carry no language prefix, so the page would otherwise always be Swedish.)"""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        language = language or translation.get_language_from_request(request)
        with translation.override(language):
            return super().render_page(request, api, **kwargs)


api = NinjaAPI(
    title="Samsyn API",
    version="1",
    description=(
        "Samsyn's JSON API. Authenticate with a logged-in session or a personal API token "
        "(`Authorization: Bearer samsyn_…`, scoped and expiring; see docs/integrations.md). "
        "Requests are rate-limited per token or user: 429 with Retry-After."
    ),
    # A bearer token, when sent, decides alone (401/403 if it does not do); else the session.
    auth=[TokenAuth(), django_auth],
    throttle=ApiRateThrottle(),
    urls_namespace="api",
    docs=LocalisedSwagger(),
    parser=CachedJsonParser(),  # the body JsonLimitsMiddleware parsed, not parsed twice
)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": "Permission denied"}, status=403)


api.add_router("/", accounts_router)
api.add_router("/", indicators_router)
api.add_router("/", frameworks_router)
api.add_router("/", observations_router)
api.add_router("/", coaching_router)
api.add_router("/", triads_router)
api.add_router("/", dashboards_router)
api.add_router("/", workshops_router)
api.add_router("/", networks_router)
api.add_router("/", improvement_router)
api.add_router("/", privacy_router)
api.add_router("/", integrations_router)
