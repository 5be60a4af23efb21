"""Writes for indicators: reference data, imports, the catalogue, surveys and their answers.

Keyword-only `<entity>_<verb>` functions, one transaction each. An import parses every file
first and writes only when all of them are readable, so nothing is ever half-imported.
"""

from __future__ import annotations

import csv
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.accounts.models import Organisation, User, hash_token
from samsyn.indicators import kolada_files, skolverket
from samsyn.indicators.catalogue import CATALOGUE
from samsyn.indicators.models import (
    Answer,
    AnswerLink,
    ImportBatch,
    Indicator,
    KoladaFetch,
    Municipality,
    MunicipalityGroup,
    Question,
    Response,
    StatValue,
    Survey,
)

ERR_NO_SUCH_MUNICIPALITY = gettext_lazy("There is no municipality with the code %(code)s.")
ERR_NOT_AN_OWNER = gettext_lazy("Only a school owner can be linked to a municipality.")
ERR_CODE_TAKEN = gettext_lazy("An indicator with this code exists already.")
ERR_CODE_RESERVED = gettext_lazy("This code is used by Samsyn's pages; choose another.")
RESERVED_CODES = {"new", "municipality", "surveys"}
ERR_SURVEY_CLOSED = gettext_lazy("This survey is closed or the link has been used already.")
ERR_ANSWER_MISSING = gettext_lazy("Please answer every statement (“Don't know” is an answer).")
ERR_NO_QUESTIONS = gettext_lazy("Add at least one statement before creating answer links.")
ERR_LINK_COUNT = gettext_lazy("Create between 1 and 500 links at a time.")
ERR_HAS_ANSWERS = gettext_lazy("The survey has answers; its statements can no longer change.")
ERR_NOT_BASELINE = gettext_lazy("Only a baseline survey can be followed by an outcome survey.")

KEY_FIELDS = ("report", "measure", "subject", "group", "municipality_code", "owner_type", "year")


@dataclass(frozen=True)
class ImportResult:
    name: str
    report: str
    years: list[int]
    created: int
    updated: int
    unchanged: int
    batch: ImportBatch | None


# Reference data (Kolada's metadata snapshot) -------------------------------------------------


@transaction.atomic
def municipalities_load(*, path: Path) -> int:
    """Load municipalities.csv (id,title,type); returns how many were added or renamed."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = {m.code: m for m in Municipality.objects.all()}
    new, changed = [], []
    for row in rows:
        code, name, kind = row["id"].strip().zfill(4), row["title"].strip(), row["type"].strip()
        county = "" if kind == "L" else code[:2]
        current = existing.get(code)
        if current is None:
            new.append(Municipality(code=code, name=name, kind=kind, county_code=county))
        elif (current.name, current.kind, current.county_code) != (name, kind, county):
            current.name, current.kind, current.county_code = name, kind, county
            changed.append(current)
    Municipality.objects.bulk_create(new)
    Municipality.objects.bulk_update(changed, ["name", "kind", "county_code"])
    return len(new) + len(changed)


@transaction.atomic
def groups_load(*, path: Path) -> int:
    """Load municipality_groups.csv (id,title,member_ids with ';'); returns how many changed."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = {g.kolada_id: g for g in MunicipalityGroup.objects.all()}
    new, changed = [], []
    for row in rows:
        members = ";" + ";".join(c.strip() for c in row["member_ids"].split(";") if c) + ";"
        current = existing.get(row["id"])
        if current is None:
            new.append(
                MunicipalityGroup(kolada_id=row["id"], title=row["title"], member_codes=members)
            )
        elif (current.title, current.member_codes) != (row["title"], members):
            current.title, current.member_codes = row["title"], members
            changed.append(current)
    MunicipalityGroup.objects.bulk_create(new, batch_size=1000)
    MunicipalityGroup.objects.bulk_update(changed, ["title", "member_codes"], batch_size=1000)
    return len(new) + len(changed)


@transaction.atomic
def catalogue_ensure() -> int:
    """Create the shipped indicators that are missing (never overwrites edits); returns how many."""
    present = set(Indicator.objects.filter(owner=None).values_list("code", flat=True))
    missing = [
        Indicator(position=i, **entry)
        for i, entry in enumerate(CATALOGUE, start=1)
        if entry["code"] not in present
    ]
    Indicator.objects.bulk_create(missing)
    return len(missing)


# Skolverket ------------------------------------------------------------------------------------


INSERT_COLUMNS = (
    "source",
    "report",
    "measure",
    "subject",
    "group",
    "municipality_code",
    "owner_type",
    "school_year",
    "year",
    "value",
    "status",
    "batch_id",
)


def _insert_values(rows: Iterable[tuple], chunk: int = 5000) -> None:
    """Insert value rows with executemany: an export holds up to ~150,000 values, and the ORM's
    per-object work made bulk_create ten times slower than the database itself."""
    quote = connection.ops.quote_name
    # Identifiers from the model, quoted by the backend; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(StatValue._meta.db_table),
        ", ".join(quote(c) for c in INSERT_COLUMNS),
        ", ".join(["%s"] * len(INSERT_COLUMNS)),
    )
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    return a == b if (a is not None and b is not None) else a is b


@transaction.atomic
def skolverket_import(
    *, files: Iterable[tuple[str, bytes]], actor: User | None = None
) -> list[ImportResult]:
    """Import Skolverket exports: all files or none (`ImportRefused` names the line).

    Idempotent: a value already stored as in the file is left alone, so importing the same
    file twice changes nothing (and records no second batch).
    """
    parsed = [
        (skolverket.parse(name, data), hashlib.sha256(data).hexdigest()) for name, data in files
    ]
    results = []
    for file, digest in parsed:
        results.append(store_parsed(file=file, digest=digest, actor=actor))
    return results


@transaction.atomic
def store_parsed(
    *, file: skolverket.ParsedFile, digest: str, actor: User | None = None
) -> ImportResult:
    """Write one parsed file (see `skolverket_import`); the demo reuses parsed files."""
    known = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        Municipality(code=code, name=name, county_code=county)
        for code, (name, county) in file.municipalities.items()
        if code not in known
    )
    source = ImportBatch.Source.SKOLVERKET
    measures = {v.measure for v in file.values}
    existing = {
        tuple(row[:7]): row[7:]
        for row in StatValue.objects.filter(
            source=source, report=file.report, measure__in=measures, year__in=file.years
        ).values_list(*KEY_FIELDS, "value", "status", "school_year", "pk")
    }
    new, changed_rows = [], []
    unchanged = 0
    for v in file.values:
        key = (
            file.report,
            v.measure,
            v.subject,
            v.group,
            v.municipality_code,
            v.owner_type,
            v.year,
        )
        current = existing.get(key)
        if current is None:
            new.append(v)
        elif _same(current[0], v.value) and current[1] == v.status and current[2] == v.school_year:
            unchanged += 1
        else:
            changed_rows.append((current[3], v))
    batch = None
    if new or changed_rows:
        batch = ImportBatch.objects.create(
            source=source,
            name=file.name[:300],
            sha256=digest,
            report=file.report,
            created=len(new),
            updated=len(changed_rows),
            unchanged=unchanged,
            imported_by=actor,
        )
        _insert_values(
            (
                source,
                file.report,
                v.measure,
                v.subject,
                v.group,
                v.municipality_code,
                v.owner_type,
                v.school_year,
                v.year,
                v.value,
                v.status,
                batch.pk,
            )
            for v in new
        )
        StatValue.objects.bulk_update(
            [
                StatValue(
                    pk=pk, value=v.value, status=v.status, school_year=v.school_year, batch=batch
                )
                for pk, v in changed_rows
            ],
            ["value", "status", "school_year", "batch"],
            batch_size=1000,
        )
    return ImportResult(
        name=file.name,
        report=file.report,
        years=file.years,
        created=len(new),
        updated=len(changed_rows),
        unchanged=unchanged,
        batch=batch,
    )


# Kolada ------------------------------------------------------------------------------------------


@transaction.atomic
def kolada_store(*, values: Iterable, name: str, actor: User | None = None) -> ImportResult:
    """Store Kolada values (`kolada.KoladaValue`); a null value stays missing, never 0."""
    source = ImportBatch.Source.KOLADA
    rows = list(values)
    kpis = {v.kpi for v in rows}
    existing = {
        (m, g, c, y): (val, st, pk)
        for m, g, c, y, val, st, pk in StatValue.objects.filter(
            source=source, measure__in=kpis
        ).values_list("measure", "group", "municipality_code", "year", "value", "status", "pk")
    }
    new, changed_rows, unchanged = [], [], 0
    seen = set()
    for v in rows:
        key = (v.kpi, v.gender, v.municipality, v.year)
        if key in seen:
            continue
        seen.add(key)
        current = existing.get(key)
        if current is None:
            new.append(v)
        elif _same(current[0], v.value) and current[1] == v.status:
            unchanged += 1
        else:
            changed_rows.append((current[2], v))
    batch = None
    if new or changed_rows:
        batch = ImportBatch.objects.create(
            source=source,
            name=name[:300],
            created=len(new),
            updated=len(changed_rows),
            unchanged=unchanged,
            imported_by=actor,
        )
        StatValue.objects.bulk_create(
            (
                StatValue(
                    source=source,
                    measure=v.kpi,
                    group=v.gender,
                    municipality_code=v.municipality,
                    owner_type="",
                    year=v.year,
                    value=v.value,
                    status=v.status,
                    batch=batch,
                )
                for v in new
            ),
            batch_size=2000,
        )
        StatValue.objects.bulk_update(
            [
                StatValue(pk=pk, value=v.value, status=v.status, batch=batch)
                for pk, v in changed_rows
            ],
            ["value", "status", "batch"],
            batch_size=1000,
        )
    return ImportResult(
        name=name,
        report="",
        years=sorted({v.year for v in rows}),
        created=len(new),
        updated=len(changed_rows),
        unchanged=unchanged,
        batch=batch,
    )


@transaction.atomic
def kolada_file_import(
    *, files: Iterable[tuple[str, bytes]], actor: User | None = None
) -> list[ImportResult]:
    """Kolada's values from files (v3 JSON, or Kolada's CSV/Excel export): all or none.

    `kolada_files.KoladaFileRefused` names what was not understood. Municipalities may be
    named instead of numbered; the names are those loaded from Kolada's metadata.
    """
    names = dict(Municipality.objects.values_list("name", "code"))
    parsed = [(name, kolada_files.parse(name, data, names=names)) for name, data in files]
    return [kolada_store(values=values, name=name, actor=actor) for name, values in parsed]


@transaction.atomic
def kolada_fetch_request(
    *, municipalities: list[str], first_year: int, last_year: int, actor: User | None
) -> KoladaFetch:
    """Record a fetch to run in the background (`tasks.kolada_refresh(fetch_id=…)`)."""
    fetch = KoladaFetch(
        municipalities=",".join(municipalities),
        first_year=first_year,
        last_year=last_year,
        requested_by=actor,
    )
    fetch.full_clean()
    fetch.save()
    return fetch


@transaction.atomic
def kolada_fetch_retry(*, fetch: KoladaFetch) -> KoladaFetch:
    """Try a failed fetch again: it is pending once more, its old reason cleared."""
    fetch.state, fetch.error, fetch.finished_at = KoladaFetch.State.PENDING, "", None
    fetch.save(update_fields=["state", "error", "finished_at"])
    return fetch


# Catalogue and organisations ---------------------------------------------------------------------


@transaction.atomic
def indicator_create(
    *,
    owner: Organisation,
    code: str,
    name_sv: str,
    name_en: str,
    unit: str,
    higher_is_better: bool,
    skolverket_report: str = "",
    skolverket_measure: str = "",
    skolverket_subject: str = "",
    skolverket_group: str = "",
    kolada_all: str = "",
    kolada_municipal: str = "",
) -> Indicator:
    """An owner's own indicator, mapped to a Skolverket measure and/or Kolada KPIs."""
    if code in RESERVED_CODES:
        raise ValidationError({"code": ERR_CODE_RESERVED})
    if (
        Indicator.objects.filter(owner=owner, code=code).exists()
        or Indicator.objects.filter(owner=None, code=code).exists()
    ):
        raise ValidationError({"code": ERR_CODE_TAKEN})
    kolada = []
    if kolada_all or kolada_municipal:
        kolada = [{"all": kolada_all, "municipal": kolada_municipal, "sv": "", "en": ""}]
    indicator = Indicator(
        owner=owner,
        code=code,
        name_sv=name_sv.strip(),
        name_en=name_en.strip(),
        unit=unit,
        higher_is_better=higher_is_better,
        skolverket_report=skolverket_report.strip(),
        skolverket_measure=skolverket_measure.strip(),
        skolverket_subject=skolverket_subject.strip(),
        skolverket_group=skolverket_group.strip(),
        kolada=kolada,
        position=1000,
    )
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def organisation_link_municipality(*, organisation: Organisation, code: str) -> Organisation:
    """Link a school owner to a municipality by its four-digit code (empty: unlink)."""
    if organisation.kind != Organisation.Kind.OWNER:
        raise ValidationError(ERR_NOT_AN_OWNER)
    if code and not Municipality.objects.filter(code=code).exists():
        raise ValidationError({"code": ERR_NO_SUCH_MUNICIPALITY % {"code": code}})
    organisation.municipality_code = code
    organisation.save(update_fields=["municipality_code"])
    return organisation


# Surveys -----------------------------------------------------------------------------------------


def survey_templates() -> dict[str, list[tuple[str, str]]]:
    """Starter statements (area, text) per audience, in the language that is active."""
    return {
        Survey.Audience.STUDENTS: [
            (Question.Area.SAFETY, _("I feel safe at school.")),
            (Question.Area.SAFETY, _("Adults at school act if someone is treated badly.")),
            (Question.Area.SAFETY, _("Students at my school treat each other well.")),
            (Question.Area.STUDY_PEACE, _("I can concentrate during lessons.")),
            (Question.Area.STUDY_PEACE, _("Lessons start on time and get going quickly.")),
            (Question.Area.STUDY_PEACE, _("My teachers make sure it is calm enough to work.")),
        ],
        Survey.Audience.TEACHERS: [
            (Question.Area.JOB_SATISFACTION, _("I enjoy my work at this school.")),
            (Question.Area.JOB_SATISFACTION, _("I would recommend this school as a workplace.")),
            (
                Question.Area.JOB_SATISFACTION,
                _("I get to develop my teaching together with colleagues."),
            ),
            (Question.Area.WORKLOAD, _("My workload lets me prepare my lessons well.")),
            (Question.Area.WORKLOAD, _("I can usually finish my work within working hours.")),
            (Question.Area.WORKLOAD, _("Administrative tasks leave me enough time for teaching.")),
        ],
    }


@transaction.atomic
def survey_create(
    *,
    organisation: Organisation,
    actor: User,
    title: str,
    audience: str,
    use_template: bool = True,
) -> Survey:
    survey = Survey(
        organisation=organisation, title=title.strip(), audience=audience, created_by=actor
    )
    survey.full_clean()
    survey.save()
    if use_template:
        Question.objects.bulk_create(
            Question(survey=survey, position=i, area=area, text=text)
            for i, (area, text) in enumerate(survey_templates()[audience], start=1)
        )
    return survey


@transaction.atomic
def survey_question_add(*, survey: Survey, text: str, area: str = Question.Area.OWN) -> Question:
    if survey.responses.exists():
        raise ValidationError(ERR_HAS_ANSWERS)
    last = survey.questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = Question(survey=survey, position=last + 1, area=area, text=text.strip())
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def survey_question_remove(*, question: Question) -> None:
    if question.survey.responses.exists():
        raise ValidationError(ERR_HAS_ANSWERS)
    question.delete()


@transaction.atomic
def survey_links_create(*, survey: Survey, count: int) -> list[str]:
    """Create `count` one-time answer links; returns the tokens (only their hashes are kept)."""
    if not 1 <= count <= 500:
        raise ValidationError({"count": ERR_LINK_COUNT})
    if not survey.questions.exists():
        raise ValidationError(ERR_NO_QUESTIONS)
    tokens = [secrets.token_urlsafe(16) for _i in range(count)]
    AnswerLink.objects.bulk_create(
        AnswerLink(survey=survey, token_hash=hash_token(token)) for token in tokens
    )
    return tokens


def answer_link_by_token(token: str) -> AnswerLink | None:
    return (
        AnswerLink.objects.select_related("survey", "survey__organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def survey_answer_submit(*, token: str, answers: dict[int, int]) -> Response:
    """Store one anonymous response for the link `token` and mark the link used.

    The response keeps no user, address or link; only the day. The link row is locked so
    two submits of the same link store one response.
    """
    link = (
        AnswerLink.objects.select_for_update()
        .select_related("survey")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or link.used_at is not None or not link.survey.is_open:
        raise ValidationError(ERR_SURVEY_CLOSED)
    question_ids = set(link.survey.questions.values_list("pk", flat=True))
    if set(answers) != question_ids or any(v not in range(0, 5) for v in answers.values()):
        raise ValidationError(ERR_ANSWER_MISSING)
    today = timezone.localdate()
    response = Response.objects.create(survey=link.survey, submitted_on=today)
    Answer.objects.bulk_create(
        Answer(response=response, question_id=qid, value=value) for qid, value in answers.items()
    )
    link.used_at = today
    link.save(update_fields=["used_at"])
    return response


@transaction.atomic
def survey_set_open(*, survey: Survey, is_open: bool) -> Survey:
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])
    return survey


@transaction.atomic
def survey_outcome_create(*, baseline: Survey, actor: User, title: str) -> Survey:
    """An outcome survey with the baseline's statements, so the two can be compared."""
    if baseline.phase != Survey.Phase.BASELINE:
        raise ValidationError(ERR_NOT_BASELINE)
    outcome = Survey(
        organisation=baseline.organisation,
        title=title.strip(),
        audience=baseline.audience,
        phase=Survey.Phase.OUTCOME,
        baseline=baseline,
        created_by=actor,
    )
    outcome.full_clean()
    outcome.save()
    Question.objects.bulk_create(
        Question(survey=outcome, position=q.position, area=q.area, text=q.text)
        for q in baseline.questions.all()
    )
    return outcome
