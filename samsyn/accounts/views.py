"""Accounts views: short functions — access helper → form → service → render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts import selectors, services, throttle
from samsyn.accounts.access import (
    Perm,
    get_organisation_for_user,
    invitable_roles,
    permissions_at,
    require_platform_admin,
    role_labels,
)
from samsyn.accounts.forms import (
    AcceptInvitationForm,
    AuditFilterForm,
    InvitationForm,
    LoginForm,
    MemberFilterForm,
    ProfileForm,
)
from samsyn.accounts.home import home_actions, home_panels
from samsyn.accounts.i18n import translate_path
from samsyn.accounts.models import AuditEvent, Language, Membership, User


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refused = throttle.refusal(request, request.POST.get("username", ""))
        if refused is not None:
            ctx = {"reason": refused.reason, "wait": refused.wait}
            return render(request, "accounts/locked_out.html", ctx, status=429)
        return super().post(request, *args, **kwargs)


def home(request: HttpRequest) -> HttpResponse:
    """The front door: the login page for visitors, the person's own home page otherwise."""
    if not request.user.is_authenticated:
        return LoginView.as_view()(request)
    organisations = selectors.organisations_for_user(user=request.user)
    ctx = {
        "organisations": organisations,
        "panels": home_panels(request.user, organisations),
    }
    actions = home_actions(request.user, organisations)
    ctx["urgent"] = [a for a in actions if a.urgent]
    ctx["actions"] = [a for a in actions if not a.urgent]
    return render(request, "accounts/home.html", ctx)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Your profile was saved."))
        return redirect(translate_path(reverse("accounts:profile"), user.language))
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; a logged-in user's choice is kept on their account."""
    language = request.POST.get("language", "")
    if language not in dict(Language.choices):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(translate_path(next_url, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_by_token(token)
    if invitation is None or not invitation.is_open:
        return render(request, "accounts/invitation_closed.html", status=410)
    user = request.user if request.user.is_authenticated else None
    existing = user or User.objects.filter(email__iexact=invitation.email).first()
    if user is None and existing is not None:
        # The person already has an account: they log in, then accept.
        messages.info(request, _("You already have an account. Log in to accept the invitation."))
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    form = None if user else AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                accepted = services.invitation_accept(token=token, user=user)
            else:
                accepted = services.invitation_accept(
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    language=translation.get_language(),
                )
                login(request, accepted, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Welcome! You are now %(role)s in %(organisation)s.")
                % {
                    "role": invitation.get_role_display().lower(),
                    "organisation": invitation.organisation.name,
                },
            )
            return redirect("home")
    if form is not None and invitation.full_name and not form.is_bound:
        form.initial["full_name"] = invitation.full_name
    ctx = {
        "invitation": invitation,
        "form": form,
        "wrong_account": bool(user and user.email.lower() != invitation.email.lower()),
    }
    return render(request, "accounts/invitation_accept.html", ctx)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.VIEW)
    ctx = {
        "org": org,
        "can": permissions_at(request.user, org),
        "children": selectors.organisation_children(user=request.user, organisation=org),
        "hub_ids": selectors.network_hub_ids(user=request.user, organisation=org),
        "my_roles": role_labels(
            Membership.objects.filter(user=request.user, organisation=org)
            .order_by("role")
            .values_list("role", flat=True)
        ),
    }
    return render(request, "accounts/organisation_detail.html", ctx)


@login_required
def organisation_members(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.VIEW_MEMBERS)
    filters = MemberFilterForm(request.GET or None)
    q = role = ""
    if filters.is_valid():
        q, role = filters.cleaned_data["q"], filters.cleaned_data["role"]
    members = selectors.organisation_members(
        user=request.user, organisation=org, query=q, role=role
    )
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    ctx = {
        "org": org,
        "page": page,
        "filters": filters,
        "invitations": selectors.organisation_open_invitations(user=request.user, organisation=org),
        "can": selectors.organisation_perms(request.user, org),
    }
    return render(request, "accounts/organisation_members.html", ctx)


@login_required
def organisation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.INVITE)
    roles = invitable_roles(request.user, org)
    if not roles:
        return render(request, "accounts/no_roles_to_invite.html", {"org": org}, status=403)
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                actor=request.user, organisation=org, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("accounts:organisation_members", pk=org.pk)
    return render(request, "accounts/organisation_invite.html", {"org": org, "form": form})


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.INVITE)
    invitation = selectors.get_invitation_for_user(
        user=request.user, pk=invitation_pk, organisation=org
    )
    services.invitation_revoke(invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("accounts:organisation_members", pk=org.pk)


@require_POST
@login_required
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.MANAGE_MEMBERS)
    membership = selectors.get_membership_for_user(
        user=request.user, pk=membership_pk, organisation=org
    )
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s no longer has the role %(role)s here.")
            % {"name": membership.user, "role": membership.get_role_display().lower()},
        )
    return redirect("accounts:organisation_members", pk=org.pk)


@login_required
def person_detail(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.VIEW_PERSON)
    person = selectors.person_for_user(user=request.user, organisation=org, person_id=user_pk)
    services.audit_record(
        actor=request.user,
        action=AuditEvent.Action.READ,
        subject=person,
        organisation=org,
        object_type="person",
        object_id=person.pk,
        request=request,
    )
    ctx = {
        "org": org,
        "person": person,
        "memberships": selectors.person_memberships_visible_to(user=request.user, person=person),
        "can": permissions_at(request.user, org),
    }
    return render(request, "accounts/person_detail.html", ctx)


@require_POST
@login_required
def person_deactivate(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.DEACTIVATE_USERS)
    person = selectors.person_for_user(user=request.user, organisation=org, person_id=user_pk)
    reactivate = request.POST.get("reactivate") == "1"
    try:
        if reactivate:
            services.user_reactivate(actor=request.user, user=person, request=request)
            messages.success(request, _("%(name)s can log in again.") % {"name": person})
        else:
            services.user_deactivate(actor=request.user, user=person, request=request)
            messages.success(
                request,
                _("%(name)s was deactivated and logged out everywhere.") % {"name": person},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:person_detail", pk=org.pk, user_pk=person.pk)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_platform_admin(request)
    filters = AuditFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    events = selectors.audit_events(
        user=request.user,
        actor_query=data.get("actor", ""),
        subject_query=data.get("subject", ""),
        action=data.get("action", ""),
    )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page, "filters": filters})


password_change = login_required(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("accounts:password_change_done"),
    )
)
password_change_done = login_required(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="emails/password_reset.txt",
    subject_template_name="emails/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
