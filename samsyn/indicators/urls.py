from django.urls import path

from samsyn.indicators import views

app_name = "indicators"

urlpatterns = [
    path("org/<int:pk>/", views.overview, name="overview"),
    path("org/<int:pk>/new/", views.indicator_create, name="indicator_create"),
    path("org/<int:pk>/municipality/", views.municipality_link, name="municipality_link"),
    path("org/<int:pk>/surveys/", views.survey_list, name="survey_list"),
    path("org/<int:pk>/surveys/new/", views.survey_create, name="survey_create"),
    path("org/<int:pk>/surveys/<int:survey_pk>/", views.survey_detail, name="survey_detail"),
    path(
        "org/<int:pk>/surveys/<int:survey_pk>/statements/",
        views.survey_question_add,
        name="survey_question_add",
    ),
    path(
        "org/<int:pk>/surveys/<int:survey_pk>/statements/<int:question_pk>/remove/",
        views.survey_question_remove,
        name="survey_question_remove",
    ),
    path("org/<int:pk>/surveys/<int:survey_pk>/links/", views.survey_links, name="survey_links"),
    path("org/<int:pk>/surveys/<int:survey_pk>/open/", views.survey_open, name="survey_open"),
    path(
        "org/<int:pk>/surveys/<int:survey_pk>/outcome/", views.survey_outcome, name="survey_outcome"
    ),
    path(
        "org/<int:pk>/surveys/<int:survey_pk>/results/",
        views.survey_results,
        name="survey_results",
    ),
    path(
        "org/<int:pk>/surveys/<int:survey_pk>/results.csv",
        views.survey_export,
        name="survey_export",
    ),
    path("org/<int:pk>/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("import/", views.import_files, name="import"),
    path("import/kolada/", views.kolada_fetch, name="kolada_fetch"),
    path("import/kolada/file/", views.kolada_upload, name="kolada_upload"),
    path("import/kolada/<int:fetch_pk>/retry/", views.kolada_retry, name="kolada_retry"),
    path("s/<str:token>/", views.survey_answer, name="survey_answer"),
]
