from django.urls import path

from samsyn.reliability import views

app_name = "reliability"
urlpatterns = [
    path("rounds/<int:pk>/severity/", views.severity_round, name="severity_round"),
    path("rounds/<int:pk>/severity/mine/", views.severity_mine, name="severity_mine"),
    path("certification/", views.certification_page, name="certification"),
    path("certification/certify/", views.certification_certify, name="certification_certify"),
]
