"""Indicator and survey pages: access helper → form → selector/service → render."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import (
    Perm,
    get_organisation_for_user,
    require_platform_admin,
)
from samsyn.accounts.models import Organisation
from samsyn.indicators import charts, selectors, services, surveys
from samsyn.indicators.forms import (
    AnswerForm,
    ImportForm,
    IndicatorForm,
    KoladaFileForm,
    KoladaForm,
    LinksForm,
    MunicipalityLinkForm,
    OutcomeForm,
    QuestionForm,
    SurveyForm,
    TrendForm,
)
from samsyn.indicators.kolada_files import KoladaFileRefused
from samsyn.indicators.models import Survey
from samsyn.indicators.skolverket import ImportRefused
from samsyn.indicators.tasks import kolada_refresh
from samsyn.lib import spreadsheet

SURVEY_KINDS = selectors.SURVEY_KINDS


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.INDICATORS_VIEW)
    code = selectors.organisation_municipality_code(user=request.user, organisation=org)
    rows = []
    if code:
        indicators = list(selectors.organisation_indicators(user=request.user, organisation=org))
        sources = selectors.indicator_sources(indicators=indicators, code=code)
        for indicator in indicators:
            series = selectors.indicator_series(indicator=indicator, code=code)
            latest = first = None
            if series:
                numbers = [p for p in series[0].points if p.value is not None]
                if numbers:
                    first, latest = numbers[0], numbers[-1]
            rows.append(
                {
                    "indicator": indicator,
                    "source": series[0].source if series else "",
                    "latest": latest,
                    "first": first,
                    "change": latest.value - first.value if latest and first else None,
                    "sources": sources.get(indicator.pk, []),
                    "missing": [x for x in sources.get(indicator.pk, []) if x.missing],
                }
            )
    ctx = {
        "org": org,
        "code": code,
        "municipality": selectors.municipality(code),
        "rows": rows,
        "owners": selectors.owners_below(user=request.user, organisation=org)
        if org.kind == Organisation.Kind.REGION
        else [],
        "can": selectors.indicator_perms(request.user, org),
    }
    return render(request, "indicators/overview.html", ctx)


@login_required
def indicator_detail(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.INDICATORS_VIEW)
    municipality_code = selectors.organisation_municipality_code(
        user=request.user, organisation=org
    )
    if not municipality_code:
        raise Http404
    indicator = selectors.indicator_for(user=request.user, organisation=org, code=code)
    owner_type = (
        request.GET.get("owner_type")
        if request.GET.get("owner_type")
        in (
            "all",
            "municipal",
        )
        else "all"
    )
    series = selectors.indicator_series(
        indicator=indicator, code=municipality_code, owner_type=owner_type
    )
    years = sorted({y for s in series for y in s.years})
    groups = selectors.comparison_groups(code=municipality_code)
    defaults = {
        "owner_type": owner_type,
        "base_year": years[0] if years else None,
        "group": "similar" if any(g.key == "similar" for g in groups) else "",
    }
    form = TrendForm(
        request.GET or None,
        initial=defaults,
        years=years,
        groups=[(g.key, g.label) for g in groups],
    )
    base_year = form.value("base_year", defaults["base_year"])
    group_key = (
        form.value("group", defaults["group"])
        if "group" not in request.GET
        else (form.cleaned_data.get("group", "") if form.is_valid() else defaults["group"])
    )
    group = next((g for g in groups if g.key == group_key), None)
    band = (
        selectors.group_band(indicator=indicator, codes=group.codes, owner_type=owner_type)
        if group
        else []
    )
    band_by_year = {b.year: b for b in band}
    table = []
    for s in series:
        base_value = s.value_in(base_year) if base_year is not None else None
        for p in s.points:
            table.append(
                {
                    "series": s.label,
                    "point": p,
                    "change": p.value - base_value
                    if p.value is not None and base_value is not None
                    else None,
                    "band": band_by_year.get(p.year),
                }
            )
    unit_label = selectors.unit_label(indicator)
    expected = selectors.expected_for(
        indicator=indicator, code=municipality_code, owner_type=owner_type
    )
    ctx = {
        "org": org,
        "indicator": indicator,
        "municipality": selectors.municipality(municipality_code),
        "code": municipality_code,
        "form": form,
        "series": series,
        "table": table,
        "base_year": base_year,
        "group": group,
        "owner_type": owner_type,
        "expected": expected,
        "trend_spec": charts.trend_spec(
            title=indicator.name,
            unit_label=unit_label,
            series=series,
            band=band,
            band_label=group.label if group else "",
            base_year=base_year,
        )
        if series
        else None,
        "residual_spec": charts.residual_spec(
            title=_("Actual minus expected value"),
            years=expected.years,
            unit_label=unit_label,
        )
        if expected and expected.years
        else None,
    }
    return render(request, "indicators/indicator_detail.html", ctx)


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.INDICATORS_MANAGE)
    if org.kind != Organisation.Kind.OWNER:
        raise Http404
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(owner=org, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The indicator %(name)s was added.") % {"name": indicator})
            return redirect("indicators:overview", pk=org.pk)
    return render(request, "indicators/indicator_form.html", {"org": org, "form": form})


@login_required
def municipality_link(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.INDICATORS_MANAGE)
    if org.kind != Organisation.Kind.OWNER:
        raise Http404
    form = MunicipalityLinkForm(
        request.POST or None, initial={"code": org.municipality_code or None}
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["code"]
        services.organisation_link_municipality(
            organisation=org, code=chosen.code if chosen else ""
        )
        messages.success(request, _("The link to the municipality was saved."))
        return redirect("indicators:overview", pk=org.pk)
    return render(request, "indicators/municipality_link.html", {"org": org, "form": form})


@login_required
def import_files(request: HttpRequest) -> HttpResponse:
    """Platform admins import Skolverket exports (the values are shared by every tenant)."""
    require_platform_admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
        try:
            results = services.skolverket_import(files=files, actor=request.user)
        except ImportRefused as error:
            form.add_error("files", str(error))
        else:
            _report_results(request, results)
            return redirect("indicators:import")
    return _import_page(request, form=form)


def _import_page(request: HttpRequest, **forms) -> HttpResponse:
    ctx = {
        "form": ImportForm(),
        "kolada_form": KoladaForm(initial={"first_year": 2016, "last_year": 2025}),
        "kolada_file_form": KoladaFileForm(),
        "imports": selectors.latest_imports(user=request.user),
        "fetches": selectors.latest_kolada_fetches(user=request.user),
        **forms,
    }
    return render(request, "indicators/import.html", ctx)


def _report_results(request: HttpRequest, results) -> None:
    for result in results:
        messages.success(
            request,
            _(
                "%(name)s: %(created)s values added, %(updated)s changed, "
                "%(unchanged)s already there."
            )
            % {
                "name": result.name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )


@require_POST
@login_required
def kolada_upload(request: HttpRequest) -> HttpResponse:
    """Kolada's values from files, for when the API cannot be reached or is not wanted."""
    require_platform_admin(request)
    form = KoladaFileForm(request.POST, request.FILES)
    if form.is_valid():
        files = [(f.name, f.read()) for f in form.cleaned_data["kolada_files"]]
        try:
            results = services.kolada_file_import(files=files, actor=request.user)
        except KoladaFileRefused as error:
            form.add_error("kolada_files", str(error))
        else:
            _report_results(request, results)
            return redirect("indicators:import")
    return _import_page(request, kolada_file_form=form)


@require_POST
@login_required
def kolada_fetch(request: HttpRequest) -> HttpResponse:
    require_platform_admin(request)
    form = KoladaForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("indicators:import")
    fetch = services.kolada_fetch_request(
        municipalities=form.cleaned_data["municipalities"],
        first_year=form.cleaned_data["first_year"],
        last_year=form.cleaned_data["last_year"],
        actor=request.user,
    )
    transaction.on_commit(partial(kolada_refresh.enqueue, fetch_id=fetch.pk))
    messages.success(
        request,
        _("Kolada's values are being fetched; the list below shows when they are in or why not."),
    )
    return redirect("indicators:import")


@require_POST
@login_required
def kolada_retry(request: HttpRequest, fetch_pk: int) -> HttpResponse:
    require_platform_admin(request)
    fetch = selectors.get_failed_kolada_fetch_for_user(
        user=request.user, pk=fetch_pk, perm=Perm.PLATFORM_MANAGE
    )
    services.kolada_fetch_retry(fetch=fetch)
    transaction.on_commit(partial(kolada_refresh.enqueue, fetch_id=fetch.pk))
    messages.success(request, _("Kolada is asked again."))
    return redirect("indicators:import")


# Surveys -------------------------------------------------------------------------------------


def _survey_org(request: HttpRequest, pk: int) -> Organisation:
    org = get_organisation_for_user(user=request.user, pk=pk, perm=Perm.SURVEYS_MANAGE)
    if org.kind not in SURVEY_KINDS:
        raise Http404
    return org


def _survey(request: HttpRequest, org: Organisation, survey_pk: int) -> Survey:
    return selectors.get_survey_for_user(user=request.user, pk=survey_pk, organisation=org)


@login_required
def survey_list(request: HttpRequest, pk: int) -> HttpResponse:
    org = _survey_org(request, pk)
    surveys_qs = org.surveys.select_related("baseline").order_by("-created_at")
    return render(request, "indicators/survey_list.html", {"org": org, "surveys": surveys_qs})


@login_required
def survey_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = _survey_org(request, pk)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = services.survey_create(organisation=org, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The survey was created. Check its statements."))
        return redirect("indicators:survey_detail", pk=org.pk, survey_pk=survey.pk)
    return render(request, "indicators/survey_form.html", {"org": org, "form": form})


@login_required
def survey_detail(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    org = _survey_org(request, pk)
    survey = _survey(request, org, survey_pk)
    ctx = {
        "org": org,
        "survey": survey,
        "questions": survey.questions.all(),
        "question_form": QuestionForm(),
        "links_form": LinksForm(initial={"count": 25}),
        "outcome_form": OutcomeForm(),
        "responses": survey.responses.count(),
        "links_total": survey.links.count(),
        "links_used": survey.links.exclude(used_at=None).count(),
        "tokens": [],
    }
    return render(request, "indicators/survey_detail.html", ctx)


@require_POST
@login_required
def survey_question_add(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    org = _survey_org(request, pk)
    survey = _survey(request, org, survey_pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.survey_question_add(survey=survey, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The statement was added."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("indicators:survey_detail", pk=org.pk, survey_pk=survey.pk)


@require_POST
@login_required
def survey_question_remove(
    request: HttpRequest, pk: int, survey_pk: int, question_pk: int
) -> HttpResponse:
    org = _survey_org(request, pk)
    survey = _survey(request, org, survey_pk)
    question = selectors.get_question_for_user(user=request.user, pk=question_pk, survey=survey)
    try:
        services.survey_question_remove(question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The statement was removed."))
    return redirect("indicators:survey_detail", pk=org.pk, survey_pk=survey.pk)


@require_POST
@login_required
def survey_links(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    """Create answer links and show them once: only their hashes are stored."""
    org = _survey_org(request, pk)
    survey = _survey(request, org, survey_pk)
    form = LinksForm(request.POST)
    tokens: list[str] = []
    if form.is_valid():
        try:
            tokens = services.survey_links_create(survey=survey, count=form.cleaned_data["count"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    if not tokens:
        return redirect("indicators:survey_detail", pk=org.pk, survey_pk=survey.pk)
    urls = [
        request.build_absolute_uri(reverse("indicators:survey_answer", args=[t])) for t in tokens
    ]
    return render(
        request, "indicators/survey_links.html", {"org": org, "survey": survey, "urls": urls}
    )


@require_POST
@login_required
def survey_open(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    org = _survey_org(request, pk)
    survey = _survey(request, org, survey_pk)
    services.survey_set_open(survey=survey, is_open=request.POST.get("open") == "1")
    messages.success(
        request,
        _("The survey is open for answers.") if survey.is_open else _("The survey is closed."),
    )
    return redirect("indicators:survey_detail", pk=org.pk, survey_pk=survey.pk)


@require_POST
@login_required
def survey_outcome(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    org = _survey_org(request, pk)
    baseline = _survey(request, org, survey_pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the outcome survey a title."))
        return redirect("indicators:survey_detail", pk=org.pk, survey_pk=baseline.pk)
    try:
        outcome = services.survey_outcome_create(
            baseline=baseline, actor=request.user, title=form.cleaned_data["title"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("indicators:survey_detail", pk=org.pk, survey_pk=baseline.pk)
    messages.success(request, _("The outcome survey was created with the same statements."))
    return redirect("indicators:survey_detail", pk=org.pk, survey_pk=outcome.pk)


def _comparison(survey: Survey, results: surveys.SurveyResults):
    if survey.phase == Survey.Phase.OUTCOME and survey.baseline_id:
        baseline = surveys.survey_results(survey.baseline)
        return baseline, surveys.compare(baseline, results)
    return None, []


@login_required
def survey_results(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    org = _survey_org(request, pk)
    survey = _survey(request, org, survey_pk)
    results = surveys.survey_results(survey)
    baseline, comparison = _comparison(survey, results)
    ctx = {
        "org": org,
        "survey": survey,
        "results": results,
        "baseline": baseline,
        "comparison": comparison,
    }
    return render(request, "indicators/survey_results.html", ctx)


@login_required
def survey_export(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    """The shown aggregates as CSV: hidden (small) groups are left empty, never exported."""
    org = _survey_org(request, pk)
    survey = _survey(request, org, survey_pk)
    results = surveys.survey_results(survey)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    writer = spreadsheet.csv_writer(response)
    writer.writerow(
        [
            "kind",
            "area",
            "statement",
            "n",
            "index_0_10",
            "share_positive",
            "share_low",
            "share_high",
            "hidden",
        ]
    )

    def fmt(x, digits=3):
        return "" if x is None else f"{x:.{digits}f}"

    for a in results.areas:
        writer.writerow(
            [
                "area",
                a.area,
                "",
                a.n if not a.hidden else "",
                fmt(a.index),
                "",
                "",
                "",
                int(a.hidden),
            ]
        )
    for q in results.questions:
        writer.writerow(
            [
                "statement",
                q.question.area,
                q.question.text,
                q.n if not q.hidden else "",
                fmt(q.index),
                fmt(q.share_positive),
                fmt(q.share_low),
                fmt(q.share_high),
                int(q.hidden),
            ]
        )
    return response


def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The anonymous answer page: no login, nothing about the person or their device stored."""
    link = services.answer_link_by_token(token)
    if link is None:
        raise Http404
    if link.used_at is not None or not link.survey.is_open:
        return render(request, "indicators/survey_closed.html", {"survey": link.survey}, status=410)
    questions = list(link.survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer_submit(token=token, answers=form.answers())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "indicators/survey_thanks.html", {"survey": link.survey})
    return render(request, "indicators/survey_answer.html", {"survey": link.survey, "form": form})
