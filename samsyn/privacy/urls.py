from django.urls import path

from samsyn.privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/reads/", views.my_reads, name="my_reads"),
    path("my-data/<str:fmt>/", views.my_data_download, name="my_data_download"),
    path("email/<str:token>/", views.email_confirm, name="email_confirm"),
    path("owner/<int:pk>/", views.owner_overview, name="owner"),
    path("owner/<int:pk>/person-export/", views.person_export, name="person_export"),
    path("owner/<int:pk>/retention/", views.retention, name="retention"),
    path("owner/<int:pk>/retention/run/", views.retention_run, name="retention_run"),
    path("owner/<int:pk>/requests/", views.requests, name="requests"),
    path("owner/<int:pk>/requests/<int:request_pk>/", views.request_detail, name="request_detail"),
    path(
        "owner/<int:pk>/requests/<int:request_pk>/execute/",
        views.request_execute,
        name="request_execute",
    ),
    path("owner/<int:pk>/records/", views.records_page, name="records"),
    path("owner/<int:pk>/records/pdf/", views.records_pdf, name="records_pdf"),
    path("owner/<int:pk>/research/", views.research_reviews, name="research_reviews"),
    path("owner/<int:pk>/research/<int:export_pk>/", views.research_review, name="research_review"),
    path("research/", views.research_list, name="research_list"),
    path("research/new/<int:pk>/", views.research_create, name="research_create"),
    path("research/<int:export_pk>/<str:fmt>/", views.research_download, name="research_download"),
]
