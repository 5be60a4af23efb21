"""Demo: national indicators for the five municipalities of the Halland collaboration, and a
baseline/outcome survey with answers at Strandskolan.

Decision (see docs/indicators.md): the demo region keeps its two fictional municipalities, and
the five real municipalities of the regional collaboration (Kungsbacka 1384, Varberg 1383,
Halmstad 1380, Laholm 1381, Hylte 1315) are added to it as school owners with their real codes,
so their pages show real public statistics (Källa: Skolverket) and expected-value residuals.
They have no schools or people, except one quality developer in Kungsbacka. Where the shared
data is absent the statistics are skipped, saying why; the owners and the survey still appear.

The fictional Sjöviks kommun is linked to Falkenberg's code (1382, a real Halland municipality
outside the collaboration, so no two demo owners share a code), as an administrator would on
"Link to a municipality": its programme's goal attainment and its public progress page then
show real register figures, always under the name Falkenberg with their source and import
date, never as Sjövik's own. Ekbacka kommun stays unlinked (its pages say why there are no
national figures).
"""

from __future__ import annotations

import logging
import urllib.error
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from samsyn.accounts.models import Membership, Organisation, Role, User
from samsyn.demo.services import DEMO_DOMAIN, DEMO_PASSWORD, DemoWorld, cleanup, step
from samsyn.indicators import services, skolverket
from samsyn.indicators.catalogue import COLLABORATION
from samsyn.indicators.models import KoladaFetch, Municipality, Question

logger = logging.getLogger(__name__)

GRADE9 = "Grundskola - Jämförelse av betygsresultat över tid 2025 Kommun_Åk9.xlsx"
GRADE6 = (
    "Grundskola - Betyg årskurs 6, andel som fått godkänt betyg (A-E), samtliga elever "
    "{year} Kommun.csv"
)
PUPILS = "Grundskola - Antal elever per årskurs {year} Kommun.csv"
ELIGIBILITY = "behorighet_grundskola_2024_25.csv"
DEMO_FILES = [
    GRADE9,
    *(GRADE6.format(year=y) for y in range(2020, 2025)),
    # the background of grade 6's expected values (school years 2020/21–2024/25)
    *(PUPILS.format(year=y) for y in range(2020, 2025)),
    ELIGIBILITY,
]


@lru_cache(maxsize=16)
def _parsed(path: str, mtime: float) -> skolverket.ParsedFile:
    """Parsing the XLSX takes a second or two; the demo may be loaded many times a run."""
    return skolverket.parse(Path(path).name, Path(path).read_bytes())


def _load_statistics() -> None:
    data = Path(settings.SAMSYN_SHARED_DIR) / "data"
    kolada = data / "kolada"
    if (kolada / "municipalities.csv").exists():
        services.municipalities_load(path=kolada / "municipalities.csv")
        services.groups_load(path=kolada / "municipality_groups.csv")
    else:
        logger.info("Demo: Kolada metadata not found in %s; municipality names skipped.", kolada)
    for name in DEMO_FILES:
        path = data / "skolverket" / name
        if not path.exists():
            logger.info("Demo: %s not found in %s; its statistics are skipped.", name, path.parent)
            continue
        parsed = _parsed(str(path), path.stat().st_mtime)
        services.store_parsed(file=parsed, digest="")


# The real municipality whose public statistics Sjöviks kommun shows in the demo.
SJOVIK_STAND_IN = "1382"  # Falkenberg


@step
def indicators(world: DemoWorld) -> None:
    services.catalogue_ensure()
    _load_statistics()
    if Municipality.objects.filter(code=SJOVIK_STAND_IN).exists():
        services.organisation_link_municipality(
            organisation=world.owners["Sjöviks kommun"], code=SJOVIK_STAND_IN
        )
    else:
        logger.info("Demo: Kolada's municipality list is absent; Sjöviks kommun stays unlinked.")
    owners = {}
    for code, name in COLLABORATION.items():
        owners[code] = Organisation.objects.create(
            kind=Organisation.Kind.OWNER,
            name=f"{name} kommun",
            parent=world.region,
            owner_type=Organisation.OwnerType.MUNICIPAL,
            municipality_code=code,
        )
    developer = User.objects.create(
        email=f"kvalitet.kungsbacka@{DEMO_DOMAIN}",
        full_name="Elin Nyström",
        password=make_password(DEMO_PASSWORD),
    )
    Membership.objects.create(user=developer, organisation=owners["1384"], role=Role.OWNER_ADMIN)
    world.users[developer.email] = developer


@step
def surveys(world: DemoWorld) -> None:
    """A student survey on safety and study peace: a baseline and an outcome, with answers."""
    principal = world.users[f"rektor@{DEMO_DOMAIN}"]
    school = world.schools["Strandskolan"]
    baseline = services.survey_create(
        organisation=school,
        actor=principal,
        title="Trygghet och studiero, hösten",
        audience="students",
    )
    services.survey_question_add(
        survey=baseline, text="Jag vet vad jag ska lära mig på lektionerna.", area=Question.Area.OWN
    )
    outcome = services.survey_outcome_create(
        baseline=baseline, actor=principal, title="Trygghet och studiero, våren"
    )
    rng = world.rng
    for survey, respondents, lift in ((baseline, 26, 0.0), (outcome, 24, 0.45)):
        questions = list(survey.questions.all())
        tokens = services.survey_links_create(survey=survey, count=respondents + 4)
        for token in tokens[:respondents]:
            answers = {}
            for q in questions:
                if rng.random() < 0.06:
                    answers[q.pk] = 0  # don't know
                    continue
                centre = 2.7 + lift + (0.3 if q.area == Question.Area.SAFETY else -0.2)
                answers[q.pk] = min(4, max(1, round(rng.gauss(centre, 0.8))))
            services.survey_answer_submit(token=token, answers=answers)
    services.survey_set_open(survey=baseline, is_open=False)


@step
def failed_kolada_fetch(world: DemoWorld) -> None:
    """A fetch from Kolada that failed (the demo never reaches the internet): the import page
    shows it with its reason and a button to try again. It runs through the task's own path,
    with a client whose every request is refused."""
    from samsyn.indicators.kolada import KoladaClient
    from samsyn.indicators.tasks import kolada_fetch_run

    def offline(request, timeout=None):
        raise urllib.error.URLError("the demo does not reach Kolada")

    year = timezone.localdate().year
    fetch = services.kolada_fetch_request(
        municipalities=sorted(COLLABORATION),
        first_year=year - 5,
        last_year=year - 1,
        actor=world.users[f"admin@{DEMO_DOMAIN}"],
    )
    kolada_fetch_run(fetch_id=fetch.pk, client=KoladaClient(opener=offline, sleep=lambda s: None))


@cleanup
def remove_kolada_fetches(organisation_ids: list[int]) -> None:
    """Kolada fetches belong to no organisation: the demo's are those its people asked for."""
    KoladaFetch.objects.filter(requested_by__email__endswith=f"@{DEMO_DOMAIN}").delete()
