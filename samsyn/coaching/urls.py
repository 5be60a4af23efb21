from django.urls import path

from samsyn.coaching import views

app_name = "coaching"

urlpatterns = [
    path("", views.my_teaching, name="my_teaching"),
    path("conversations/new/", views.conversation_start, name="conversation_start"),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation"),
    path("conversations/<int:pk>/reflect/", views.conversation_reflect, name="reflect"),
    path("conversations/<int:pk>/prepare/", views.conversation_prepare, name="prepare"),
    path("conversations/<int:pk>/record/", views.conversation_record, name="record"),
    path("next-steps/<int:pk>/status/", views.next_step_status, name="next_step_status"),
    path(
        "schools/<int:pk>/conversations/", views.school_conversations, name="school_conversations"
    ),
    path("schools/<int:pk>/support/", views.support_plans, name="support_plans"),
    path(
        "schools/<int:pk>/support/<int:teacher_pk>/new/",
        views.support_plan_create,
        name="support_plan_create",
    ),
    path("support/<int:pk>/", views.support_plan_detail, name="support_plan"),
    path("support/<int:pk>/check-in/", views.support_plan_check_in, name="support_plan_check_in"),
    path("support/<int:pk>/close/", views.support_plan_close, name="support_plan_close"),
]
