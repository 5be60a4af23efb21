"""Pages of programme evaluations (`selectors` holds the access rules and the figures)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samsyn.accounts.access import Perm, get_organisation_for_user
from samsyn.lib import pdf
from samsyn.lib.forms import errors_to_form as _errors
from samsyn.programmes import selectors, services
from samsyn.programmes.figures import scatter_svg
from samsyn.programmes.forms import MeasureForm, ProgrammeForm
from samsyn.programmes.models import Programme, ProgrammeMeasure


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/programme_list.html",
        {
            "programmes": selectors.programmes_for(request.user),
            "organisations": selectors.manageable_organisations(request.user),
        },
    )


@login_required
def programme_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(user=request.user, pk=org_pk, perm=Perm.PROGRAMMES_MANAGE)
    form = ProgrammeForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                organisation=org, actor=request.user, **_fields(form)
            )
            messages.success(request, _("The programme is created; now fix its measures."))
            return redirect("programmes:measures", programme.pk)
        except ValidationError as error:
            _errors(form, error)
    return render(request, "programmes/programme_form.html", {"form": form, "org": org})


def _fields(form: ProgrammeForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "start_year": data["start_year"],
        "end_year": data["end_year"],
        "schools": list(data["schools"]),
        "description": data.get("description", ""),
    }


def _manage(request: HttpRequest, pk: int) -> Programme:
    return selectors.get_programme_for_user(user=request.user, pk=pk, perm=Perm.PROGRAMMES_MANAGE)


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _manage(request, pk)
    form = ProgrammeForm(
        request.POST or None, instance=programme, organisation=programme.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(programme=programme, **_fields(form))
            messages.success(request, _("The programme is saved."))
            return redirect("programmes:detail", programme.pk)
        except ValidationError as error:
            _errors(form, error)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "org": programme.organisation, "programme": programme},
    )


@login_required
def programme_measures(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _manage(request, pk)
    measures = list(programme.measures.all())
    measures.sort(key=lambda m: list(ProgrammeMeasure.Kind).index(m.kind))
    data = request.POST if request.method == "POST" else None
    forms = [MeasureForm(data, measure=m) for m in measures]
    if data is not None and all(f.is_valid() for f in forms):
        try:
            with transaction.atomic():
                for f in forms:
                    services.measure_set(measure=f.measure, **f.cleaned_data)
            messages.success(request, _("The measures are saved."))
            return redirect("programmes:detail", programme.pk)
        except ValidationError as error:
            # which form: the one whose fields the error names (else the first)
            names = set(getattr(error, "error_dict", {}))
            target = next((f for f in forms if names & set(f.fields)), forms[0])
            _errors(target, error)
    return render(
        request, "programmes/programme_measures.html", {"programme": programme, "forms": forms}
    )


def _context(request: HttpRequest, pk: int) -> dict:
    programme, evaluation = selectors.programme_evaluation(user=request.user, pk=pk)
    for relation in evaluation.relations:
        relation.svg = scatter_svg(relation)
    return {
        "programme": programme,
        "can": selectors.programme_perms(request.user, programme),
        "evaluation": evaluation,
        "schools": list(programme.schools.order_by("name")),
    }


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "programmes/programme_detail.html", _context(request, pk))


@login_required
def programme_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _context(request, pk)
    out = pdf.render_pdf(request, "programmes/programme_pdf.html", context)
    return pdf.pdf_response(out, f"{slugify(context['programme'].name) or 'programme'}.pdf")
