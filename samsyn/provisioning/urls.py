from django.urls import path

from samsyn.provisioning import views

app_name = "provisioning"
urlpatterns: list = [
    path("owner/<int:pk>/import/", views.import_start, name="import"),
    path("owner/<int:pk>/import/template.csv", views.csv_template, name="csv_template"),
    path("owner/<int:pk>/import/<int:run_pk>/", views.run_detail, name="run"),
    path("owner/<int:pk>/import/<int:run_pk>/progress/", views.run_progress, name="run_progress"),
    path("owner/<int:pk>/import/<int:run_pk>/save/", views.run_save, name="run_save"),
]
