"""URL map. Pages sit under i18n_patterns: `/…` is Swedish, `/en/…` English."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from samsyn.accounts import views as account_views
from samsyn.api import api
from samsyn.lib.views import favicon, healthz
from samsyn.observations import views as observation_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("capture-sw.js", observation_views.service_worker, name="capture_sw"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
]
urlpatterns += i18n_patterns(
    path("", account_views.home, name="home"),
    path("accounts/", include("samsyn.accounts.urls")),
    path("indicators/", include("samsyn.indicators.urls")),
    path("frameworks/", include("samsyn.frameworks.urls")),
    path("observations/", include("samsyn.observations.urls")),
    path("coaching/", include("samsyn.coaching.urls")),
    path("triads/", include("samsyn.triads.urls")),
    path("dashboards/", include("samsyn.dashboards.urls")),
    path("workshops/", include("samsyn.workshops.urls")),
    path("networks/", include("samsyn.networks.urls")),
    path("improvement/", include("samsyn.improvement.urls")),
    path("privacy/", include("samsyn.privacy.urls")),
    path("integrations/", include("samsyn.integrations.urls")),
    path("onboarding/", include("samsyn.provisioning.urls")),
    path("reliability/", include("samsyn.reliability.urls")),
    path("progress/", include("samsyn.public.urls")),
    path("admin/", admin.site.urls),
    path("programmes/", include("samsyn.programmes.urls")),
    prefix_default_language=False,
)

handler400 = "samsyn.lib.views.bad_request"
handler403 = "samsyn.lib.views.permission_denied"
handler404 = "samsyn.lib.views.page_not_found"
handler500 = "samsyn.lib.views.server_error"
