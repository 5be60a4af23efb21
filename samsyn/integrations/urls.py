from django.urls import path

from samsyn.integrations import views

app_name = "integrations"
urlpatterns: list = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("sso/", views.sso_choose, name="sso_choose"),
    path("sso/<int:pk>/login/", views.sso_login, name="sso_login"),
    path("sso/callback/", views.sso_callback, name="sso_callback"),
    path("owner/<int:pk>/sso/", views.sso_settings, name="sso_settings"),
    path("owner/<int:pk>/sso/rules/", views.sso_rule_add, name="sso_rule_add"),
    path(
        "owner/<int:pk>/sso/rules/<int:rule_pk>/remove/",
        views.sso_rule_remove,
        name="sso_rule_remove",
    ),
]
