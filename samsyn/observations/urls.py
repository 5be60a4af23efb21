from django.urls import path

from samsyn.observations import views

app_name = "observations"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("today/", views.today, name="today"),
    path("mine/", views.mine, name="mine"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/generate/", views.round_generate, name="round_generate"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/proposal/", views.proposal, name="proposal"),
    path("visits/<int:pk>/", views.assignment_edit, name="assignment_edit"),
    path("visits/<int:pk>/double/", views.assignment_double, name="assignment_double"),
    path("capture/<int:pk>/", views.capture, name="capture"),
    path("o/<uuid:uuid>/", views.observation_detail, name="detail"),
    path("o/<uuid:uuid>/release/", views.observation_release, name="release"),
    path("o/<uuid:uuid>/reopen/", views.observation_reopen, name="reopen"),
    path("o/<uuid:uuid>/acknowledge/", views.observation_acknowledge, name="acknowledge"),
    path("conflicts/<int:pk>/reviewed/", views.conflict_resolve, name="conflict_resolve"),
    path("rounds/<int:pk>/reliability/", views.round_reliability, name="round_reliability"),
    path("rounds/<int:pk>/measurement/", views.round_measurement, name="round_measurement"),
    path("calibration/", views.calibration_list, name="calibrations"),
    path("calibration/new/", views.calibration_create, name="calibration_create"),
    path("calibration/<int:pk>/", views.calibration_detail, name="calibration"),
]
