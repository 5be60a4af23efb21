from django.urls import path

from samsyn.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("school/<int:pk>/", views.school, name="school"),
    path("school/<int:pk>/export.<str:fmt>", views.school_export, name="school_export"),
    path("area/<int:pk>/", views.area, name="area"),
    path("area/<int:pk>/export.<str:fmt>", views.area_export, name="area_export"),
]
