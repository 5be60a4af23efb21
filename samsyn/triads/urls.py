from django.urls import path

from samsyn.triads import views

app_name = "triads"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("school/<int:school_pk>/", views.school, name="school"),
    path("school/<int:school_pk>/propose/", views.propose, name="propose"),
    path("school/<int:school_pk>/details/", views.details, name="details"),
    path("sets/<int:pk>/", views.set_detail, name="set"),
    path("sets/<int:pk>/move/", views.move, name="move"),
    path("sets/<int:pk>/save/", views.save, name="save"),
    path("triad/<int:pk>/plan/", views.plan, name="plan"),
]
