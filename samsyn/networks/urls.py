from django.urls import path

from samsyn.networks import views

app_name = "networks"

urlpatterns = [
    path("", views.index, name="index"),
    path("exchanges/", views.exchanges, name="exchanges"),
    path("exchanges/new/", views.exchange_create, name="exchange_create"),
    path("exchanges/<int:pk>/", views.exchange_detail, name="exchange"),
    path("exchanges/<int:pk>/edit/", views.exchange_edit, name="exchange_edit"),
    path("exchanges/<int:pk>/members/", views.exchange_member_add, name="exchange_member_add"),
    path("exchanges/<int:pk>/visits/new/", views.exchange_visit, name="exchange_visit_add"),
    path(
        "exchanges/<int:pk>/visits/<int:visit_pk>/",
        views.exchange_visit,
        name="exchange_visit_edit",
    ),
    path("exchanges/<int:pk>/documentation.pdf", views.exchange_pdf, name="exchange_pdf"),
    path("exchanges/year/<int:pk>/<int:year>/", views.regional_year, name="regional_year"),
    path(
        "exchanges/year/<int:pk>/<int:year>/documentation.pdf",
        views.regional_year_pdf,
        name="regional_year_pdf",
    ),
    path("<int:pk>/", views.network_detail, name="network"),
    path("<int:pk>/settings/", views.network_settings, name="settings"),
    path("<int:pk>/hubs/new/", views.hub_create, name="hub_create"),
    path("<int:pk>/hubs/<int:hub_pk>/", views.hub_edit, name="hub_edit"),
    path("<int:pk>/headings/", views.headings, name="headings"),
    path("<int:pk>/headings/<int:heading_pk>/", views.heading_edit, name="heading_edit"),
    path("<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/self-evaluation/", views.self_evaluation, name="self_evaluation"),
    path("reviews/<int:pk>/team/", views.team, name="team"),
    path("reviews/<int:pk>/analysis/", views.analysis, name="analysis"),
    path("reviews/<int:pk>/visit/", views.visit, name="visit"),
    path("reviews/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("reviews/<int:pk>/complete/", views.complete, name="complete"),
    path("reviews/<int:pk>/report/", views.report, name="report"),
    path("reviews/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reviews/<int:pk>/share/", views.share, name="share"),
    path("reviews/<int:pk>/actions/", views.action_add, name="action_add"),
    path("reviews/<int:pk>/actions/<int:action_pk>/", views.action_update, name="action_update"),
    path("<int:pk>/practices/", views.practices, name="practices"),
    path("<int:pk>/practices/new/", views.practice_create, name="practice_create"),
    path("<int:pk>/match/<int:school_pk>/", views.match, name="match"),
    path("practices/<int:pk>/", views.practice_detail, name="practice"),
    path(
        "practices/<int:pk>/requests/<int:request_pk>/",
        views.request_answer,
        name="request_answer",
    ),
]
