"""Network and peer-review pages: access helper → form → service → render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.access import Perm, has_perm, perms_anywhere
from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.lib import pdf
from samsyn.lib.forms import errors_to_form as _errors
from samsyn.networks import forms, selectors, services
from samsyn.networks.models import FollowUpAction, Hub, PeerReview, ReviewHeading
from samsyn.observations.selectors import published_versions_for

# ----------------------------------------------------------------------------- networks


@login_required
def index(request: HttpRequest) -> HttpResponse:
    networks = selectors.networks_for_user(request.user)
    reviews = selectors.reviews_for_user(request.user)
    return render(request, "networks/index.html", {"networks": networks, **reviews})


@login_required
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(user=request.user, pk=pk)
    user = request.user
    coordinator = selectors.is_coordinator(user, network)
    schools = list(
        selectors.network_schools(user=request.user, network=network).select_related("parent")
    )
    hub_ids = selectors.network_hub_school_ids(user=request.user, network=network)
    hubs = list(
        Hub.objects.filter(network=network)
        .select_related("hub_school")
        .prefetch_related("schools", "coordinators__user")
    )
    year = timezone.localdate().year
    reviews = list(
        PeerReview.objects.filter(network=network, year__gte=year - 1)
        .select_related("school")
        .prefetch_related("team__user")
        .order_by("-year", "school__name")
    )
    return render(
        request,
        "networks/network.html",
        {
            "network": network,
            "coordinator": coordinator,
            "hub_coordinator": bool(selectors.coordinated_hubs(user, network)),
            "schools": [{"school": s, "is_hub": s.pk in hub_ids} for s in schools],
            "owners": len({s.parent_id for s in schools}),
            "hubs": hubs,
            "headings": services.headings_ensure(network=network),
            "settings": selectors.network_settings(user=request.user, network=network),
            "reviews": reviews,
            "led": selectors.led_schools(user, network),
        },
    )


@login_required
def network_settings(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(
        user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE
    )
    instance = selectors.network_settings(user=request.user, network=network)
    form = forms.SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.settings_update(network=network, **form.cleaned_data)
        messages.success(request, _("The network's settings are saved."))
        return redirect("networks:network", network.pk)
    return render(request, "networks/settings.html", {"network": network, "form": form})


def _hub_form(request: HttpRequest, network: Organisation, hub: Hub | None):
    schools = selectors.network_schools(user=request.user, network=network)
    people = User.objects.filter(
        is_active=True,
        memberships__organisation__in=schools,
        memberships__role=Role.PRINCIPAL,
    ).distinct()
    initial = {}
    if hub is not None:
        initial = {
            "name": hub.name,
            "hub_school": hub.hub_school_id,
            "schools": list(hub.schools.values_list("pk", flat=True)),
            "coordinators": list(hub.coordinators.values_list("user_id", flat=True)),
        }
    form = forms.HubForm(request.POST or None, initial=initial, schools=schools, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.hub_save(network=network, hub=hub, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The hub is saved."))
            return redirect("networks:network", network.pk)
    return render(request, "networks/hub.html", {"network": network, "form": form, "hub": hub})


@login_required
def hub_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(
        user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE
    )
    return _hub_form(request, network, None)


@login_required
def hub_edit(request: HttpRequest, pk: int, hub_pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(
        user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE
    )
    hub = Hub.objects.filter(pk=hub_pk, network=network).first()
    if hub is None:
        raise Http404
    return _hub_form(request, network, hub)


@login_required
def headings(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(
        user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE
    )
    existing = services.headings_ensure(network=network)
    form = forms.HeadingForm(
        request.POST or None,
        initial={"order": len(existing) + 1},
        instance=ReviewHeading(network=network),
    )
    if request.method == "POST" and form.is_valid():
        services.heading_save(heading=form.instance)
        messages.success(request, _("The heading is added."))
        return redirect("networks:headings", network.pk)
    return render(
        request, "networks/headings.html", {"network": network, "headings": existing, "form": form}
    )


@login_required
def heading_edit(request: HttpRequest, pk: int, heading_pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(
        user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE
    )
    heading = ReviewHeading.objects.filter(pk=heading_pk, network=network).first()
    if heading is None:
        raise Http404
    form = forms.HeadingForm(request.POST or None, instance=heading)
    if request.method == "POST" and form.is_valid():
        services.heading_save(heading=form.instance)
        messages.success(request, _("The heading is saved."))
        return redirect("networks:headings", network.pk)
    return render(
        request,
        "networks/heading_edit.html",
        {"network": network, "heading": heading, "form": form},
    )


@login_required
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(
        user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE
    )
    form = forms.ReviewCreateForm(
        request.POST or None, schools=selectors.network_schools(user=request.user, network=network)
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_create(
                actor=request.user, network=network, **form.cleaned_data
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(
                request, _("The review is started. The school writes its self-evaluation first.")
            )
            return redirect("networks:review", review.pk)
    return render(request, "networks/review_create.html", {"network": network, "form": form})


# ----------------------------------------------------------------------------- reviews


def _evaluations(review: PeerReview):
    return list(review.evaluations.select_related("heading"))


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_VIEW)
    can = selectors.review_perms(request.user, review)
    previous = selectors.previous_review(user=request.user, review=review)
    round_ = review.round
    assignments = []
    if round_ is not None:
        assignments = list(
            round_.assignments.select_related("observer", "teacher").order_by("planned_at", "pk")
        )
    return render(
        request,
        "networks/review.html",
        {
            "review": review,
            "can": can,
            "evaluations": _evaluations(review),
            "team": list(review.team.select_related("user", "school")),
            "previous": previous,
            "previous_actions": list(previous.actions.select_related("heading"))
            if previous
            else [],
            "actions": list(review.actions.select_related("heading")),
            "assignments": assignments,
            "my_assignments": [a for a in assignments if a.observer_id == request.user.pk],
            "n_observations": round_.observations.count() if round_ else 0,
            "action_form": forms.ActionForm(
                headings=ReviewHeading.objects.filter(network=review.network)
            ),
        },
    )


@login_required
def self_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_SCHOOL)
    if review.status == PeerReview.Status.COMPLETED:
        messages.info(
            request, _("The report is completed; the self-evaluation can no longer be changed.")
        )
        return redirect("networks:review", review.pk)
    evaluations = _evaluations(review)
    form = forms.SelfEvaluationForm(
        request.POST or None,
        evaluations=evaluations,
        initial={
            "excellence_title": review.excellence_title,
            "excellence_description": review.excellence_description,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.self_evaluation_save(
                review=review,
                entries=form.entries(),
                excellence_title=form.cleaned_data["excellence_title"],
                excellence_description=form.cleaned_data["excellence_description"],
                done="done" in request.POST,
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The self-evaluation is saved."))
            return redirect("networks:review", review.pk)
    return render(request, "networks/self_evaluation.html", {"review": review, "form": form})


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(
        user=request.user, pk=pk, perm=Perm.PEER_REVIEW_COORDINATE
    )
    network = review.network
    others = selectors.network_schools(user=request.user, network=network).exclude(
        pk=review.school_id
    )
    people = (
        User.objects.filter(
            is_active=True, memberships__organisation__in=others, memberships__role=Role.PRINCIPAL
        )
        .distinct()
        .order_by("full_name")
    )
    # Propose for every open review of the year at once, so the load is spread fairly.
    batch = list(
        PeerReview.objects.filter(network=network, year=review.year)
        .exclude(status=PeerReview.Status.COMPLETED)
        .select_related("network", "school")
    )
    if review not in batch:
        batch.append(review)
    proposal, users = services.team_proposal(reviews=batch)
    proposed = [users[i] for i in proposal.teams.get(review.pk, ())]
    reasons = {
        users[i]: [
            str(selectors.COMPROMISE_LABELS[c]) for c in proposal.reasons.get((review.pk, i), ())
        ]
        for i in proposal.teams.get(review.pk, ())
    }
    current = list(review.team.select_related("user"))
    initial = {
        "members": [m.user_id for m in current] or [u.pk for u in proposed],
        "lead": next(
            (m.user_id for m in current if m.is_lead), proposed[0].pk if proposed else None
        ),
    }
    form = forms.TeamForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_set(
                review=review,
                members=list(form.cleaned_data["members"]),
                lead=form.cleaned_data["lead"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The review team is saved."))
            return redirect("networks:review", review.pk)
    school_of = {
        m.user_id: m.organisation
        for m in Membership.objects.filter(
            user__in=people, organisation__in=others, role=Role.PRINCIPAL
        ).select_related("organisation")
    }
    return render(
        request,
        "networks/team.html",
        {
            "review": review,
            "form": form,
            "proposed": [(u, school_of.get(u.pk), reasons.get(u, [])) for u in proposed],
            "short": review.pk in proposal.short,
            "current": current,
        },
    )


@login_required
def analysis(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_VIEW)
    until = review.visit_starts_on if review.status != PeerReview.Status.PREPARATION else None
    since = dt.date(review.year - 1, 1, 1)
    profile = selectors.review_observation_profile(
        user=request.user, review=review, since=since, until=until
    )
    code, indicators = selectors.review_indicator_rows(user=request.user, review=review)
    return render(
        request,
        "networks/analysis.html",
        {
            "review": review,
            "profile": profile,
            "indicators": indicators,
            "municipality_code": code,
            "evaluations": _evaluations(review),
        },
    )


@login_required
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_VISIT)
    if review.round_id is not None:
        return redirect("networks:review", review.pk)
    teachers = (
        User.objects.filter(
            is_active=True, memberships__organisation=review.school, memberships__role=Role.TEACHER
        )
        .distinct()
        .order_by("full_name")
    )
    colleagues = (
        User.objects.filter(
            is_active=True,
            memberships__organisation=review.school,
            memberships__role__in=[Role.PRINCIPAL, Role.OBSERVER, Role.TEACHER],
        )
        .distinct()
        .order_by("full_name")
    )
    versions = published_versions_for(request.user)
    from samsyn.frameworks.models import FrameworkVersion

    version_qs = FrameworkVersion.objects.filter(pk__in=[v.pk for v in versions])
    start, end = forms.default_visit_dates(review)
    form = forms.VisitForm(
        request.POST or None,
        initial={
            "starts_on": start,
            "ends_on": end,
            "framework_version": versions[0].pk if versions else None,
        },
        versions=version_qs,
        teachers=teachers,
        colleagues=colleagues,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_plan(
                actor=request.user,
                review=review,
                framework_version=form.cleaned_data["framework_version"],
                teachers=list(form.cleaned_data["teachers"]),
                colleague=form.cleaned_data["colleague"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The visit is planned: each reviewer finds their lessons under their observations for the day."
                ),
            )
            return redirect("networks:review", review.pk)
    return render(request, "networks/visit.html", {"review": review, "form": form})


@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_AGREE)
    if review.status == PeerReview.Status.COMPLETED:
        return redirect("networks:report", review.pk)
    evaluations = _evaluations(review)
    form = forms.AgreementForm(
        request.POST or None,
        evaluations=evaluations,
        initial={"summary": review.summary, "excellence_confirmed": review.excellence_confirmed},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_save(
                review=review,
                entries=form.entries(),
                summary=form.cleaned_data["summary"],
                excellence_confirmed=form.cleaned_data["excellence_confirmed"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The agreed estimates are saved."))
            return redirect("networks:review", review.pk)
    profile = None
    if review.round_id:
        profile = selectors.review_round_summary(user=request.user, review=review)
    return render(
        request,
        "networks/agreement.html",
        {"review": review, "form": form, "round_summary": profile},
    )


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_AGREE)
    try:
        services.review_complete(review=review)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("networks:agreement", review.pk)
    messages.success(
        request, _("The report is completed. The school decides whom to share it with.")
    )
    return redirect("networks:report", review.pk)


def _report_context(review: PeerReview, can: frozenset[Perm]) -> dict:
    return {
        "review": review,
        "can": can,
        "evaluations": _evaluations(review),
        "team": list(review.team.select_related("user", "school")),
        "actions": list(review.actions.select_related("heading")),
        "shared_schools": list(review.shared_schools.all()),
    }


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_REPORT)
    can = selectors.review_perms(request.user, review)
    ctx = _report_context(review, can)
    if Perm.PEER_REVIEW_SCHOOL in can:
        ctx["share_form"] = forms.ShareForm(
            initial={
                "scope": review.share_scope,
                "schools": [s.pk for s in ctx["shared_schools"]],
            },
            schools=selectors.network_schools(user=request.user, network=review.network).exclude(
                pk=review.school_id
            ),
        )
    return render(request, "networks/report.html", ctx)


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_REPORT)
    can = selectors.review_perms(request.user, review)
    out = pdf.render_pdf(request, "networks/report_print.html", _report_context(review, can))
    return pdf.pdf_response(out, f"peer-review-{review.year}-{review.pk}.pdf")


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_SCHOOL)
    form = forms.ShareForm(
        request.POST,
        schools=selectors.network_schools(user=request.user, network=review.network).exclude(
            pk=review.school_id
        ),
    )
    if form.is_valid():
        try:
            services.share_set(
                review=review,
                scope=form.cleaned_data["scope"],
                schools=list(form.cleaned_data["schools"]),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Sharing is saved."))
    else:
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(
                    request,
                    f"{form.fields[field].label}: {message}" if field in form.fields else message,
                )
    return redirect("networks:report", review.pk)


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_SCHOOL)
    form = forms.ActionForm(
        request.POST, headings=ReviewHeading.objects.filter(network=review.network)
    )
    if form.is_valid():
        services.action_add(review=review, **form.cleaned_data)
        messages.success(request, _("The follow-up action is added."))
    else:
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(
                    request,
                    f"{form.fields[field].label}: {message}" if field in form.fields else message,
                )
    return redirect("networks:review", review.pk)


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Update a follow-up action: of this review, or of the school's previous review (the
    follow-up is looked at again in the next year's review)."""
    review = selectors.get_review_for_user(user=request.user, pk=pk, perm=Perm.PEER_REVIEW_SCHOOL)
    action = FollowUpAction.objects.filter(
        pk=action_pk, review__school=review.school, review__network=review.network
    ).first()
    if action is None:
        raise Http404
    form = forms.ActionUpdateForm(request.POST)
    if form.is_valid():
        services.action_update(action=action, **form.cleaned_data)
        messages.success(request, _("The follow-up action is updated."))
    else:
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(
                    request,
                    f"{form.fields[field].label}: {message}" if field in form.fields else message,
                )
    return redirect("networks:review", review.pk)


# ----------------------------------------------------------------------------- best practice


def _led_or_all(user: User, network: Organisation):
    if selectors.is_coordinator(user, network):
        return selectors.network_schools(user=user, network=network)
    led = selectors.led_schools(user, network)
    return Organisation.objects.filter(pk__in=[s.pk for s in led]).order_by("name")


@login_required
def practices(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(user=request.user, pk=pk)
    names = selectors.dimension_names()
    code = request.GET.get("dimension", "")
    code = code if code in names else ""
    entries = list(
        selectors.network_practices(user=request.user, network=network, dimension_code=code)
    )
    return render(
        request,
        "networks/practices.html",
        {
            "network": network,
            "practices": entries,
            "names": names,
            "dimension": code,
            "dimensions": sorted(names.items(), key=lambda kv: kv[1]),
            "led": selectors.led_schools(request.user, network),
            "can": selectors.network_perms(request.user, network),
        },
    )


@login_required
def practice_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(user=request.user, pk=pk)
    schools = _led_or_all(request.user, network)
    if not schools:
        raise PermissionDenied
    names = selectors.dimension_names()
    review = None
    initial: dict = {}
    review_id = request.GET.get("review") or request.POST.get("review")
    if review_id and str(review_id).isdigit():
        review = PeerReview.objects.filter(
            pk=int(review_id), network=network, school__in=schools, status="completed"
        ).first()
        if review is not None:
            initial = {
                "school": review.school_id,
                "source": "excellence",
                "title": review.excellence_title,
                "description": review.excellence_description,
                "evidence": _("Confirmed in the peer review %(year)s.") % {"year": review.year}
                if review.excellence_confirmed
                else "",
            }
    form = forms.PracticeForm(
        request.POST or None,
        initial=initial,
        schools=schools,
        headings=ReviewHeading.objects.filter(network=network),
        teachers=User.objects.filter(
            is_active=True, memberships__organisation__in=schools, memberships__role=Role.TEACHER
        )
        .distinct()
        .order_by("full_name"),
        dimensions=sorted(names.items(), key=lambda kv: kv[1]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_create(
                actor=request.user, network=network, review=review, **form.cleaned_data
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The practice is listed in the directory."))
            return redirect("networks:practice", practice.pk)
    return render(
        request,
        "networks/practice_form.html",
        {"network": network, "form": form, "review": review},
    )


def _practice_for(request: HttpRequest, pk: int):
    from samsyn.networks.models import Practice

    practice = (
        Practice.objects.select_related("network", "school", "teacher", "heading")
        .filter(pk=pk)
        .first()
    )
    if practice is None:
        raise Http404
    selectors.get_network_for_user(user=request.user, pk=practice.network_id)
    return practice


@login_required
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice_for(request, pk)
    network = practice.network

    own_school = has_perm(request.user, practice.school, Perm.PEER_REVIEW_SCHOOL)
    requesters = [
        s for s in selectors.led_schools(request.user, network) if s.pk != practice.school_id
    ]
    form = forms.VisitRequestForm(
        request.POST or None,
        schools=Organisation.objects.filter(pk__in=[s.pk for s in requesters]),
    )
    if request.method == "POST":
        if not requesters:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.visit_request_create(
                    actor=request.user, practice=practice, **form.cleaned_data
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Your request is sent to the school."))
                return redirect("networks:practice", practice.pk)
    requests = practice.requests.select_related("from_school", "requested_by")
    visible = (
        list(requests)
        if own_school
        else [r for r in requests if r.requested_by_id == request.user.pk]
    )
    contributions = sum(1 for r in requests if r.status in ("accepted", "done"))
    return render(
        request,
        "networks/practice.html",
        {
            "practice": practice,
            "network": network,
            "dimension_name": selectors.dimension_names().get(practice.dimension_code, ""),
            "form": form if requesters else None,
            "requests": visible,
            "own_school": own_school,
            "contributions": contributions,
            "answer_form": forms.RequestAnswerForm(),
        },
    )


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    practice = _practice_for(request, pk)

    if not has_perm(request.user, practice.school, Perm.PEER_REVIEW_SCHOOL):
        raise PermissionDenied
    visit_request = practice.requests.filter(pk=request_pk).first()
    if visit_request is None:
        raise Http404
    form = forms.RequestAnswerForm(request.POST)
    if form.is_valid():
        services.visit_request_answer(request=visit_request, status=form.cleaned_data["status"])
        messages.success(request, _("Your answer is saved."))
    else:
        messages.error(request, _("Choose an answer."))
    return redirect("networks:practice", practice.pk)


@login_required
def match(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    network = selectors.get_network_for_user(user=request.user, pk=pk)
    school = (
        selectors.network_schools(user=request.user, network=network).filter(pk=school_pk).first()
    )
    if school is None:
        raise Http404

    if not (
        selectors.is_coordinator(request.user, network)
        or has_perm(request.user, school, Perm.PEER_REVIEW_SCHOOL)
    ):
        raise PermissionDenied
    return render(
        request,
        "networks/match.html",
        {
            "network": network,
            "school": school,
            **selectors.network_match(user=request.user, network=network, school=school),
        },
    )


# ----------------------------------------------------------------------------- exchanges


@login_required
def exchanges(request: HttpRequest) -> HttpResponse:
    exchanges = selectors.exchanges_for_user(request.user)
    yearly = sorted(
        {(x.organiser, year) for x in exchanges for year in (x.starts_on.year, x.ends_on.year)},
        key=lambda pair: (pair[0].name, -pair[1]),
    )
    return render(
        request,
        "networks/exchanges.html",
        {
            "exchanges": exchanges,
            "perms_anywhere": perms_anywhere(request.user),
            "yearly": yearly,
        },
    )


@login_required
def exchange_create(request: HttpRequest) -> HttpResponse:
    organisers = selectors.exchange_organisers(request.user)
    if not organisers:
        raise PermissionDenied
    organiser_qs = Organisation.objects.filter(pk__in=[o.pk for o in organisers])
    owner_ids: set[int] = set()
    for organiser in organisers:
        owner_ids.update(
            selectors.exchange_owner_choices_for(
                user=request.user, organiser=organiser
            ).values_list("pk", flat=True)
        )
    form = forms.ExchangeCreateForm(
        request.POST or None,
        initial={"organiser": organisers[0].pk},
        organisers=organiser_qs,
        owners=Organisation.objects.filter(pk__in=owner_ids).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            exchange = services.exchange_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The exchange is created. Add the working group next."))
            return redirect("networks:exchange", exchange.pk)
    return render(request, "networks/exchange_create.html", {"form": form})


def _exchange_context(exchange) -> dict:
    return {
        "exchange": exchange,
        "owners": list(exchange.owners.all()),
        "members": list(exchange.members.select_related("user", "owner")),
        "visits": list(exchange.visits.select_related("host").prefetch_related("visitors")),
    }


def _member_form(exchange, data=None):
    owners = exchange.owners.all()
    schools = Organisation.objects.filter(parent__in=owners)
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(memberships__organisation__in=owners) | Q(memberships__organisation__in=schools))
        .distinct()
        .order_by("full_name")
    )
    return forms.ExchangeMemberForm(data, people=people, owners=owners)


@login_required
def exchange_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = selectors.get_exchange_for_user(user=request.user, pk=pk)
    ctx = _exchange_context(exchange)
    ctx["can"] = selectors.exchange_perms(request.user, exchange)
    if Perm.EXCHANGES_MANAGE in ctx["can"]:
        ctx["member_form"] = _member_form(exchange)
        ctx["visit_form"] = forms.ExchangeVisitForm(owners=exchange.owners.all())
    return render(request, "networks/exchange.html", ctx)


@login_required
def exchange_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = selectors.get_exchange_for_user(user=request.user, pk=pk, perm=Perm.EXCHANGES_MANAGE)
    fields = forms.ExchangeEditForm.base_fields
    form = forms.ExchangeEditForm(
        request.POST or None, initial={name: getattr(exchange, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.exchange_update(exchange=exchange, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The exchange is saved."))
            return redirect("networks:exchange", exchange.pk)
    return render(request, "networks/exchange_edit.html", {"exchange": exchange, "form": form})


def _post_errors(request: HttpRequest, form, error: ValidationError | None = None) -> None:
    if error is not None:
        _errors(form, error)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


@login_required
@require_POST
def exchange_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = selectors.get_exchange_for_user(user=request.user, pk=pk, perm=Perm.EXCHANGES_MANAGE)
    form = _member_form(exchange, request.POST)
    if form.is_valid():
        try:
            services.exchange_member_add(exchange=exchange, **form.cleaned_data)
        except ValidationError as error:
            _post_errors(request, form, error)
        else:
            messages.success(request, _("The working group is updated."))
    else:
        _post_errors(request, form)
    return redirect("networks:exchange", exchange.pk)


@login_required
def exchange_visit(request: HttpRequest, pk: int, visit_pk: int | None = None) -> HttpResponse:
    exchange = selectors.get_exchange_for_user(user=request.user, pk=pk, perm=Perm.EXCHANGES_MANAGE)
    visit = None
    initial = {}
    if visit_pk is not None:
        visit = exchange.visits.filter(pk=visit_pk).first()
        if visit is None:
            raise Http404
        initial = {
            "host": visit.host_id,
            "visitors": list(visit.visitors.values_list("pk", flat=True)),
            "starts_on": visit.starts_on,
            "ends_on": visit.ends_on,
            "programme": visit.programme,
            "observations": visit.observations,
        }
    form = forms.ExchangeVisitForm(
        request.POST or None, initial=initial, owners=exchange.owners.all()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.exchange_visit_save(exchange=exchange, visit=visit, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The visit is saved."))
            return redirect("networks:exchange", exchange.pk)
    return render(
        request,
        "networks/exchange_visit.html",
        {"exchange": exchange, "form": form, "visit": visit},
    )


@login_required
def exchange_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = selectors.get_exchange_for_user(user=request.user, pk=pk)
    out = pdf.render_pdf(request, "networks/exchange_print.html", _exchange_context(exchange))
    return pdf.pdf_response(out, f"exchange-{exchange.pk}.pdf")


def _regional_context(request: HttpRequest, pk: int, year: int) -> dict:
    doc = selectors.regional_year_for_user(user=request.user, organiser_pk=pk, year=year)
    rows = [
        (owner, doc.visits_hosted.get(owner.pk, 0), doc.visits_made.get(owner.pk, 0))
        for owner in doc.owners
    ]
    from samsyn.networks.competence import efforts_in_year

    efforts = efforts_in_year(year=year, exchanges=doc.exchanges, organiser=doc.organiser)
    return {"doc": doc, "owner_rows": rows, "efforts": efforts}


@login_required
def regional_year(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """A collaboration's yearly documentation of its exchanges: areas, visits, analyses and
    the members' follow-up."""
    ctx = _regional_context(request, pk, year)
    # The years before and after, linked only when the reader may open them (no 403 link).
    ctx["nearby_years"] = []
    for other in (year - 1, year + 1):
        try:
            selectors.regional_year_for_user(user=request.user, organiser_pk=pk, year=other)
        except (Http404, PermissionDenied):
            continue
        ctx["nearby_years"].append(other)
    return render(request, "networks/regional_year.html", ctx)


@login_required
def regional_year_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    ctx = _regional_context(request, pk, year)
    out = pdf.render_pdf(request, "networks/regional_year_print.html", ctx)
    return pdf.pdf_response(out, f"regional-{pk}-{year}.pdf")
