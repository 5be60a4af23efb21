from django.urls import path

from samsyn.improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("org/<int:pk>/projects/", views.school_projects, name="school_projects"),
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
    path("org/<int:pk>/quality/", views.cycle_list, name="cycles"),
    path("quality/<int:pk>/", views.cycle_detail, name="cycle"),
    path("quality/<int:pk>/school/<int:school_pk>/", views.cycle_school, name="cycle_school"),
    path("quality/<int:pk>/steps/new/", views.step_edit, name="step_create"),
    path("quality/<int:pk>/steps/<int:step_pk>/", views.step_edit, name="step_edit"),
    path("quality/<int:pk>/steps/<int:step_pk>/remove/", views.step_remove, name="step_remove"),
    path("quality/<int:pk>/steps/<int:step_pk>/status/", views.step_status, name="step_status"),
    path(
        "quality/<int:pk>/steps/<int:step_pk>/evidence/", views.step_evidence, name="step_evidence"
    ),
    path("quality/<int:pk>/report.pdf", views.cycle_report, name="cycle_report"),
    path("quality/<int:pk>/report/", views.cycle_report_page, name="cycle_report_page"),
    path("library/", views.library, name="library"),
    path("library/<int:pk>/", views.library_entry, name="library_entry"),
]

# School plans for skilled teaching in every classroom (samsyn/improvement/plan_views.py).
from samsyn.improvement import plan_views  # noqa: E402

urlpatterns += [
    path("org/<int:pk>/plans/", plan_views.plan_list, name="plans"),
    path("org/<int:pk>/plans/new/", plan_views.plan_draft, name="plan_draft"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/editors/", plan_views.plan_editors, name="plan_editors"),
    path("plans/<int:pk>/goals/new/", plan_views.goal_add, name="plan_goal_add"),
    path("plans/<int:pk>/goals/<int:goal_pk>/", plan_views.goal_edit, name="plan_goal"),
    path(
        "plans/<int:pk>/goals/<int:goal_pk>/remove/",
        plan_views.goal_remove,
        name="plan_goal_remove",
    ),
    path("plans/<int:pk>/actions/new/", plan_views.action_edit, name="plan_action_add"),
    path("plans/<int:pk>/actions/<int:action_pk>/", plan_views.action_edit, name="plan_action"),
    path(
        "plans/<int:pk>/actions/<int:action_pk>/remove/",
        plan_views.action_remove,
        name="plan_action_remove",
    ),
    path("plans/<int:pk>/approve/", plan_views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/follow-up/", plan_views.follow_up_add, name="plan_follow_up"),
    path("plans/<int:pk>/plan.pdf", plan_views.plan_pdf, name="plan_pdf"),
]
