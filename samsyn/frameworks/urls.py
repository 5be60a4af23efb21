from django.urls import path

from samsyn.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("new/", views.framework_create, name="create"),
    path("import/", views.framework_import, name="import"),
    path("<slug:slug>/", views.framework_detail, name="detail"),
    path("<slug:slug>/v<int:number>/", views.version_detail, name="version"),
    path("<slug:slug>/v<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("<slug:slug>/v<int:number>/json/", views.version_export, name="version_export"),
    path("<slug:slug>/draft/new/", views.draft_create, name="draft_create"),
    path("<slug:slug>/draft/", views.draft, name="draft"),
    path("<slug:slug>/draft/preview/", views.draft_preview, name="draft_preview"),
    path("<slug:slug>/draft/publish/", views.draft_publish, name="draft_publish"),
    path("<slug:slug>/draft/discard/", views.draft_discard, name="draft_discard"),
    path("<slug:slug>/draft/dimensions/", views.dimension_create, name="dimension_create"),
    path("<slug:slug>/draft/dimensions/<slug:code>/", views.dimension_edit, name="dimension"),
    path(
        "<slug:slug>/draft/dimensions/<slug:code>/action/",
        views.dimension_action,
        name="dimension_action",
    ),
]
