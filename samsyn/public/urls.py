from django.urls import path

from samsyn.public import views

app_name = "public"

urlpatterns = [
    path("manage/<int:org_pk>/", views.manage, name="manage"),
    path("pages/<int:pk>/", views.edit, name="edit"),
    path("pages/<int:pk>/preview/", views.preview, name="preview"),
    path("pages/<int:pk>/submit/", views.submit, name="submit"),
    path("pages/<int:pk>/approve/", views.approve, name="approve"),
    path("pages/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/", views.public_page, name="page"),
]
