from django.urls import path

from samsyn.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/<int:org_pk>/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/measures/", views.programme_measures, name="measures"),
    path("<int:pk>/pdf/", views.programme_pdf, name="pdf"),
]
