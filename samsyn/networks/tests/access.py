"""Access-matrix rows for samsyn.networks (collected by samsyn/tests/test_access_matrix.py).

In the personas' world the network has School A (pia's school, the hub) as member; nina
coordinates it. A review of School A: pia acts for the school, nina coordinates, School A's
staff (alice, oscar) and the owner's administrator (olle) get 403, everyone else 404.
"""

from __future__ import annotations

import datetime as dt

from samsyn.networks import services
from samsyn.networks.models import FollowUpAction, Hub, PeerReview
from samsyn.networks.tests.access_collaboration import rows as collaboration_rows

ANON = "anon"


def _review(case) -> PeerReview:
    review = PeerReview.objects.filter(school=case.school, network=case.network).first()
    if review is None:
        review = services.review_create(
            actor=case.nina, network=case.network, school=case.school, year=2026
        )
    return review


def _hub(case) -> Hub:
    hub = Hub.objects.filter(network=case.network).first()
    if hub is None:
        hub = services.hub_save(
            network=case.network,
            name="Hubben",
            hub_school=case.school,
            schools=[case.school],
            coordinators=[],
        )
    return hub


def _practice(case):
    from samsyn.networks.models import Practice

    practice = Practice.objects.filter(network=case.network).first()
    if practice is None:
        practice = services.practice_create(
            actor=case.pia,
            network=case.network,
            school=case.school,
            source=Practice.Source.STRENGTH,
            title="Läsfixarna",
            description="Högläsning varje dag",
        )
    return practice


def _request(case):
    from samsyn.networks.models import VisitRequest

    practice = _practice(case)
    found = VisitRequest.objects.filter(practice=practice).first()
    if found is None:
        found = VisitRequest.objects.create(
            practice=practice,
            from_school=case.school_b,
            requested_by=case.nina,
            message="Får vi komma?",
        )
    return [practice.pk, found.pk]


def _exchange(case):
    from samsyn.accounts.models import Organisation
    from samsyn.networks.models import Exchange

    exchange = Exchange.objects.first()
    if exchange is None:
        neighbour = Organisation.objects.create(
            kind=Organisation.Kind.OWNER, name="Grannkommun", parent=case.region
        )
        exchange = services.exchange_create(
            actor=case.olle,
            organiser=case.owner,
            title="Utbyte",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 6, 30),
            owners=[case.owner, neighbour],
            development_area="Återkoppling",
        )
    return exchange


def _visit(case):
    exchange = _exchange(case)
    visit = exchange.visits.first()
    if visit is None:
        owners = list(exchange.owners.order_by("pk"))
        visit = services.exchange_visit_save(
            exchange=exchange,
            host=owners[0],
            visitors=owners[1:],
            starts_on=exchange.starts_on,
            ends_on=exchange.starts_on,
        )
    return [exchange.pk, visit.pk]


def rows(case) -> dict:
    network = lambda: [case.network.pk]  # noqa: E731
    review = lambda: [_review(case).pk]  # noqa: E731

    def hub():
        return [case.network.pk, _hub(case).pk]

    def heading():
        return [case.network.pk, services.headings_ensure(network=case.network)[0].pk]

    def action():
        found = FollowUpAction.objects.filter(review__school=case.school).first()
        if found is None:
            found = services.action_add(
                review=_review(case), description="x", heading=None, responsible="", due_on=None
            )
        return [found.review_id, found.pk]

    member = {
        ANON: 302,
        "charlie": 404,
        "olle": 404,
        "alice": 403,
        "rita": 403,
        "pia": 200,
        "nina": 200,
        "adam": 200,
    }
    coordinator = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "nina": 200, "adam": 200}
    # A review of School A: its staff 403, outsiders (other schools, other owners) 404.
    participants = {
        ANON: 302,
        "charlie": 404,
        "bob": 404,
        "alice": 403,
        "olle": 403,
        "pia": 200,
        "nina": 200,
    }
    school_only = {ANON: 302, "charlie": 404, "bob": 404, "alice": 403, "nina": 403, "pia": 200}
    school_post = {ANON: 302, "charlie": 404, "bob": 404, "alice": 403, "nina": 403, "pia": 302}
    exchange_manager = {
        ANON: 302,
        "charlie": 404,
        "nina": 404,
        "alice": 403,
        "pia": 403,
        "rita": 403,
        "olle": 200,
        "adam": 200,
    }
    coordinator_only = {
        ANON: 302,
        "charlie": 404,
        "bob": 404,
        "alice": 403,
        "pia": 403,
        "nina": 200,
    }
    return {
        "networks:index": ("get", list, {ANON: 302, "alice": 200, "charlie": 200, "nina": 200}),
        "networks:network": ("get", network, member),
        "networks:settings": ("get", network, coordinator),
        "networks:hub_create": ("get", network, coordinator),
        "networks:hub_edit": ("get", hub, coordinator),
        "networks:headings": ("get", network, coordinator),
        "networks:heading_edit": ("get", heading, coordinator),
        "networks:review_create": ("get", network, coordinator),
        "networks:review": ("get", review, participants),
        "networks:self_evaluation": ("get", review, school_only),
        "networks:team": ("get", review, coordinator_only),
        "networks:analysis": ("get", review, participants),
        "networks:visit": ("get", review, coordinator_only),
        "networks:agreement": ("get", review, school_only),
        "networks:complete": ("post", review, school_post),
        # Before completion only the school and its team read the report; the coordinator
        # has a part in the review, so 403.
        "networks:report": ("get", review, school_only),
        "networks:report_pdf": (
            "get",
            review,
            {ANON: 302, "charlie": 404, "nina": 403, "pia": 200},
        ),
        "networks:share": ("post", review, school_post),
        "networks:action_add": ("post", review, school_post),
        "networks:action_update": ("post", action, school_post),
        # Exchanges: owner administrators and coordinators organise; the organiser's other
        # members get 403; the working group reads (see test_exchanges).
        "networks:exchanges": ("get", list, {ANON: 302, "alice": 200, "olle": 200}),
        "networks:exchange_create": (
            "get",
            list,
            {ANON: 302, "alice": 403, "pia": 403, "olle": 200, "nina": 200, "adam": 403},
        ),
        "networks:exchange": ("get", lambda: [_exchange(case).pk], exchange_manager),
        "networks:exchange_edit": ("get", lambda: [_exchange(case).pk], exchange_manager),
        "networks:exchange_member_add": (
            "post",
            lambda: [_exchange(case).pk],
            {ANON: 302, "charlie": 404, "nina": 404, "alice": 403, "pia": 403, "olle": 302},
        ),
        "networks:exchange_visit_add": ("get", lambda: [_exchange(case).pk], exchange_manager),
        "networks:exchange_visit_edit": ("get", lambda: _visit(case), exchange_manager),
        "networks:exchange_pdf": ("get", lambda: [_exchange(case).pk], exchange_manager),
        "networks:regional_year": (
            "get",
            lambda: [_exchange(case).organiser_id, 2026],
            exchange_manager,
        ),
        "networks:regional_year_pdf": (
            "get",
            lambda: [_exchange(case).organiser_id, 2026],
            exchange_manager,
        ),
        # Best practice: the network's leaders and coordinators.
        "networks:practices": ("get", network, member),
        "networks:practice_create": ("get", network, member),
        "networks:practice": ("get", lambda: [_practice(case).pk], member),
        "networks:match": ("get", lambda: [case.network.pk, case.school.pk], member),
        "networks:request_answer": (
            "post",
            lambda: _request(case),
            {ANON: 302, "charlie": 404, "olle": 404, "alice": 403, "nina": 403, "pia": 302},
        ),
        **collaboration_rows(case),
    }
