from django.urls import path

from samsyn.provisioning import views, views_setup

app_name = "provisioning"
urlpatterns: list = [
    path("owner/<int:pk>/import/", views.import_start, name="import"),
    path("owner/<int:pk>/import/template.csv", views.csv_template, name="csv_template"),
    path("owner/<int:pk>/import/<int:run_pk>/", views.run_detail, name="run"),
    path("owner/<int:pk>/import/<int:run_pk>/progress/", views.run_progress, name="run_progress"),
    path("owner/<int:pk>/import/<int:run_pk>/save/", views.run_save, name="run_save"),
]
urlpatterns += [
    path("owner/<int:pk>/schools/", views_setup.schools, name="schools"),
    path("owner/<int:pk>/schools/<int:school_pk>/", views_setup.school_edit, name="school_edit"),
    path("rounds/<int:pk>/edit/", views_setup.round_edit, name="round_edit"),
    path("networks/<int:pk>/members/", views_setup.network_members, name="network_members"),
    path(
        "networks/<int:pk>/members/<int:member_pk>/remove/",
        views_setup.network_member_remove,
        name="network_member_remove",
    ),
    path("networks/<int:pk>/conflicts/", views_setup.conflicts, name="conflicts"),
    path(
        "networks/<int:pk>/conflicts/<int:conflict_pk>/remove/",
        views_setup.conflict_remove,
        name="conflict_remove",
    ),
]
urlpatterns += [
    path("owner/<int:pk>/paperwork/", views_setup.paperwork_view, name="paperwork"),
    path(
        "owner/<int:pk>/paperwork/<str:document>.odt",
        views_setup.paperwork_download,
        name="paperwork_download",
    ),
]
urlpatterns += [
    path("networks/<int:pk>/my-conflicts/", views_setup.my_conflicts, name="my_conflicts"),
    path(
        "networks/<int:pk>/my-conflicts/<int:conflict_pk>/remove/",
        views_setup.my_conflict_remove,
        name="my_conflict_remove",
    ),
]
