"""The public progress page (no login) and the managers' pages around it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from samsyn.accounts.access import Perm, get_organisation_for_user, permissions_at
from samsyn.observations.models import Round
from samsyn.public import content, selectors, services
from samsyn.public.models import ProgressPage

# The public page is the same for everyone, so shared caches may keep it, but they ask again
# each time (`no-cache` with an ETag: a 304 while the approved content is unchanged), so a
# withdrawal takes the page offline at once, for every reader.
PUBLIC_CACHE = "public, no-cache"


class CreateForm(forms.Form):
    slug = forms.SlugField(
        label=gettext_lazy("Address (the last part of the page's URL)"),
        max_length=80,
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. larande-kust."),
    )


class PageForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Turn the public page on (it is published only once approved)"),
        required=False,
    )
    baseline_round = forms.ModelChoiceField(
        label=gettext_lazy("Baseline round"), queryset=Round.objects.none(), required=False
    )
    latest_round = forms.ModelChoiceField(
        label=gettext_lazy("Latest round"), queryset=Round.objects.none(), required=False
    )
    indicator_codes = forms.MultipleChoiceField(
        label=gettext_lazy("National indicators to show"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    intro_sv = forms.CharField(
        label=gettext_lazy("Introduction in Swedish"),
        widget=forms.Textarea(attrs={"rows": 4, "lang": "sv"}),
        required=False,
    )
    intro_en = forms.CharField(
        label=gettext_lazy("Introduction in English"),
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        required=False,
    )

    def __init__(self, *args, page: ProgressPage, user, **kwargs):
        super().__init__(*args, **kwargs)
        org = page.organisation
        rounds = Round.objects.filter(
            pk__in=[r.pk for r in selectors.round_choices(user=user, organisation=org)]
        ).order_by("starts_on", "pk")
        self.fields["baseline_round"].queryset = rounds
        self.fields["latest_round"].queryset = rounds
        self.fields["indicator_codes"].choices = [
            (i.code, i.name) for i in selectors.indicator_choices(user=user, organisation=org)
        ]


def _language(request: HttpRequest) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _other_language_url(slug: str, language: str) -> tuple[str, str]:
    other = "en" if language == "sv" else "sv"
    with translation.override(other):
        return other, reverse("public:page", args=[slug])


@require_GET
def public_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The published page, from its frozen snapshot; 410 once withdrawn; 404 otherwise."""
    language = _language(request)
    page = selectors.public_page(slug)
    with translation.override(language):
        if page is not None and page.is_public:
            etag = f'"{page.pk}-{language}-{page.approved_at.timestamp():.0f}"'
            unchanged = get_conditional_response(request, etag=etag)
            if unchanged is not None:
                unchanged["Cache-Control"] = PUBLIC_CACHE
                return unchanged
            data = page.snapshot.get(language) or {}
            other, other_url = _other_language_url(slug, language)
            response = render(
                request,
                "public/page.html",
                {
                    "page": page,
                    "data": data,
                    "other_language": other,
                    "other_url": other_url,
                    "language": language,
                },
            )
            response["Cache-Control"] = PUBLIC_CACHE
            response["ETag"] = etag
            return response
        gone = page is not None and page.was_published
        response = render(
            request,
            "public/gone.html",
            {"gone": gone, "language": language},
            status=410 if gone else 404,
        )
    response["Cache-Control"] = "no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def manage(request: HttpRequest, org_pk: int) -> HttpResponse:
    """An owner's or network's progress pages, and a new one."""
    organisation = get_organisation_for_user(
        user=request.user, pk=org_pk, perm=Perm.PROGRESS_PAGE_MANAGE
    )
    pages = selectors.pages_of(user=request.user, organisation=organisation)
    form = CreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.page_create(
                organisation=organisation, actor=request.user, slug=form.cleaned_data["slug"]
            )
        except ValidationError as exc:
            form.add_error("slug", exc)
        else:
            return redirect("public:edit", page.pk)
    return render(
        request,
        "public/manage.html",
        {
            "organisation": organisation,
            "pages": pages,
            "form": form,
            "can": permissions_at(request.user, organisation),
        },
    )


def _validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.get_progress_page_for_user(user=request.user, pk=pk)
    initial = {
        "enabled": page.enabled,
        "baseline_round": page.baseline_round_id,
        "latest_round": page.latest_round_id,
        "indicator_codes": page.indicator_codes,
        "intro_sv": page.intro_sv,
        "intro_en": page.intro_en,
    }
    form = PageForm(request.POST or None, page=page, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.page_update(page=page, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The page is saved."))
            return redirect("public:edit", page.pk)
    can = permissions_at(request.user, page.organisation)
    return render(request, "public/edit.html", {"page": page, "form": form, "can": can})


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the page would show if approved now (live figures, the reader's language)."""
    page = selectors.get_progress_page_for_user(user=request.user, pk=pk)
    data = content.page_content(page, request.user)
    return render(request, "public/preview.html", {"page": page, "data": data})


def _step(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    page = selectors.get_progress_page_for_user(user=request.user, pk=pk)
    try:
        action(page=page, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _validation_message(exc))
    else:
        messages.success(request, done)
    return redirect("public:edit", page.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.page_submit, _("Submitted: another manager approves it."))


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.page_approve, _("Approved and published."))


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.page_withdraw, _("Withdrawn: the page is offline."))
