"""Demo: Sjöviks kommun's public progress page, prepared and submitted by the owner's
administrator (huvudman@) and approved by a second administrator of the municipality."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from samsyn.accounts.models import Membership, Role, User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD, DemoWorld, cleanup, step
from samsyn.observations.models import Round
from samsyn.public import services
from samsyn.public.models import ProgressPage

OWNER = "Sjöviks kommun"
SLUG = "sjoviks-kommun"
APPROVER = f"kvalitet.sjovik@{DEMO_DOMAIN}"
INDICATORS = ["grade9-merit", "grade6-all-subjects"]

INTRO_SV = (
    "Sjöviks tre grundskolor arbetar sedan hösten 2025 med kollegialt lärande utifrån "
    "lektionsobservationer. Här visar vi hur undervisningen har utvecklats för alla skolor "
    "tillsammans mellan höstens nulägesbild och vårens uppföljning. Sjövik är en påhittad "
    "kommun i demon: de nationella siffrorna nedan är Falkenbergs, under Falkenbergs namn."
)
INTRO_EN = (
    "Since autumn 2025 Sjövik's three compulsory schools have worked on collegial learning "
    "based on lesson observations. This page shows how teaching developed for all schools "
    "together between the autumn baseline and the spring follow-up. Sjövik is a fictional "
    "municipality of the demo: the national figures below are Falkenberg's, under its name."
)


@step
def progress_page(world: DemoWorld) -> None:
    owner = world.owners[OWNER]
    author = User.objects.get(email=f"huvudman@{DEMO_DOMAIN}")
    approver = User.objects.create(
        email=APPROVER, full_name="Helena Sjöberg", password=make_password(DEMO_PASSWORD)
    )
    Membership.objects.create(user=approver, organisation=owner, role=Role.OWNER_ADMIN)
    world.users[APPROVER] = approver
    rounds = Round.objects.filter(organisation=owner, is_peer=False)
    page = services.page_create(organisation=owner, actor=author, slug=SLUG)
    page = services.page_update(
        page=page,
        actor=author,
        enabled=True,
        indicator_codes=INDICATORS,
        baseline_round=rounds.filter(kind=Round.Kind.BASELINE).order_by("starts_on").first(),
        latest_round=rounds.filter(kind=Round.Kind.FOLLOW_UP).order_by("starts_on").last(),
        intro_sv=INTRO_SV,
        intro_en=INTRO_EN,
    )
    services.page_submit(page=page, actor=author)
    services.page_approve(page=page, actor=approver)


@cleanup
def remove_pages(organisation_ids: list[int]) -> None:
    ProgressPage.objects.filter(organisation_id__in=organisation_ids).delete()
