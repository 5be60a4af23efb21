from django.urls import path

from samsyn.improvement import views

app_name = "improvement"

urlpatterns = [
    path("org/<int:pk>/projects/", views.project_list, name="project_list"),
    path("org/<int:pk>/projects/new/", views.project_create, name="project_create"),
    path("org/<int:pk>/supervision/new/", views.group_create, name="group_create"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "projects/<int:pk>/evidence/<int:evidence_pk>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path("projects/<int:pk>/measures/new/", views.measure_edit, name="measure_create"),
    path("projects/<int:pk>/measures/<int:measure_pk>/", views.measure_edit, name="measure_edit"),
    path("projects/<int:pk>/phase/", views.phase_set, name="phase_set"),
    path("projects/<int:pk>/group/", views.group_set, name="group_set"),
    path("projects/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("projects/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("projects/<int:pk>/report/", views.report_detail, name="report"),
    path("projects/<int:pk>/report/edit/", views.report_edit, name="report_edit"),
    path("projects/<int:pk>/report/submit/", views.report_submit, name="report_submit"),
    path("projects/<int:pk>/report/review/", views.report_review, name="report_review"),
    path("projects/<int:pk>/report/publish/", views.report_publish, name="report_publish"),
    path("projects/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("supervision/", views.group_list, name="groups"),
    path("supervision/<int:pk>/", views.group_detail, name="group"),
    path("library/", views.library, name="library"),
    path("library/<int:pk>/", views.library_entry, name="library_entry"),
]
