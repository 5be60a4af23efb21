from django.urls import path

from samsyn.workshops import views

app_name = "workshops"

urlpatterns = [
    path("school/<int:pk>/", views.workshop_list, name="workshop_list"),
    path("school/<int:pk>/new/", views.workshop_create, name="workshop_create"),
    path("school/<int:pk>/actions/", views.action_list, name="action_list"),
    path(
        "school/<int:pk>/actions/<int:action_pk>/status/",
        views.action_status,
        name="action_status",
    ),
    path("school/<int:pk>/<int:workshop_pk>/", views.workshop_detail, name="workshop_detail"),
    path("school/<int:pk>/<int:workshop_pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path(
        "school/<int:pk>/<int:workshop_pk>/delete/", views.workshop_delete, name="workshop_delete"
    ),
    path("school/<int:pk>/<int:workshop_pk>/present/", views.present, name="present"),
    path("school/<int:pk>/<int:workshop_pk>/slides/", views.item_add, name="item_add"),
    path(
        "school/<int:pk>/<int:workshop_pk>/slides/<int:item_pk>/",
        views.item_edit,
        name="item_edit",
    ),
    path(
        "school/<int:pk>/<int:workshop_pk>/slides/<int:item_pk>/move/",
        views.item_move,
        name="item_move",
    ),
    path(
        "school/<int:pk>/<int:workshop_pk>/slides/<int:item_pk>/remove/",
        views.item_remove,
        name="item_remove",
    ),
    path(
        "school/<int:pk>/<int:workshop_pk>/slides/<int:item_pk>/notes/",
        views.notes_save,
        name="notes_save",
    ),
    path("school/<int:pk>/<int:workshop_pk>/actions/", views.action_add, name="action_add"),
]
