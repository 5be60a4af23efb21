from django.contrib.auth import views as auth_views
from django.urls import path

from samsyn.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_change_done, name="password_change_done"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("org/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("org/<int:pk>/people/", views.organisation_members, name="organisation_members"),
    path("org/<int:pk>/invite/", views.organisation_invite, name="organisation_invite"),
    path(
        "org/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "org/<int:pk>/roles/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("org/<int:pk>/people/<int:user_pk>/", views.person_detail, name="person_detail"),
    path(
        "org/<int:pk>/people/<int:user_pk>/active/",
        views.person_deactivate,
        name="person_deactivate",
    ),
    path("audit/", views.audit_log, name="audit_log"),
]
