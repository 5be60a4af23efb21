"""Pseudonymised research files: one row per rating of an observation in the approved scope.

Pseudonyms: HMAC-SHA256 with the owner's secret key (`OwnerKey`, never shown) over the project
name, the kind of identifier and its id, shortened to 16 hex digits. The same person gets the
same pseudonym in every export of one project and unrelated pseudonyms in other projects.

Small cells (documented in docs/privacy.md): the file is k-anonymous with k =
`SAMSYN_MIN_GROUP` over every released quasi-identifier (school, round, and those of subject,
grade, observer, month, group size and minutes observed that the file holds): every
combination of their values in the file is shared by at least k distinct teachers.
`samsyn.analysis.kanonymity.k_anonymise` generalises (grade → grade span → "*", subject →
subject area → "*", month → term → "*", sizes → bands → "*", observer → "*") and then drops
the rows that are still in smaller combinations. Peer rounds (`Round.is_peer`) are never
included. Free text (evidence notes, teachers' comments) only when the owner approved it.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samsyn.analysis.kanonymity import ANY, k_anonymise
from samsyn.analysis.suppression import MIN_GROUP_FLOOR
from samsyn.lib import spreadsheet
from samsyn.observations.models import Observation, Rating
from samsyn.observations.summaries import grade_span
from samsyn.privacy.models import OwnerKey, ResearchExport

GENERALISED = ANY

# Subject → subject area (Lgr22 groupings), the first rung of the subject's ladder.
SUBJECT_AREAS = {
    "NO": ("biologi", "fysik", "kemi", "naturorienterande ämnen", "no", "teknik"),
    "SO": ("geografi", "historia", "religionskunskap", "samhällskunskap", "so"),
    "Svenska": ("svenska", "svenska som andraspråk", "sva"),
    "Matematik": ("matematik", "ma"),
    "Språk": ("engelska", "moderna språk", "spanska", "tyska", "franska", "modersmål"),
    "Praktisk-estetiska": (
        "bild",
        "musik",
        "slöjd",
        "idrott och hälsa",
        "idrott",
        "hem- och konsumentkunskap",
    ),
}
_AREA_OF = {name: area for area, names in SUBJECT_AREAS.items() for name in names}
OTHER_AREA = "Övrigt"

# Optional fields the researcher can ask for (the rating itself is always in the file).
FIELDS = {
    "observer": _("Observer (pseudonym)"),
    "subject": _("Subject"),
    "grade": _("Grade"),
    "observed_month": _("Month of the lesson"),
    "group_size": _("Group size"),
    "minutes_observed": _("Minutes observed"),
}
FREE_TEXT = {
    "note": _("Evidence note of the rating"),
    "teacher_comment": _("Teacher's comment"),
}
BASE_COLUMNS = ["observation", "round", "round_kind", "school", "teacher", "dimension", "step"]


@dataclass(frozen=True)
class ExportStats:
    rows: int
    dropped: int
    generalised: int


def owner_key(owner) -> bytes:
    key, _created = OwnerKey.objects.get_or_create(owner=owner)
    return key.secret.encode()


def pseudonym(key: bytes, project: str, kind: str, ident: object) -> str:
    message = f"{project.strip().casefold()}\x1f{kind}\x1f{ident}".encode()
    return f"{kind[0].upper()}-{hmac.new(key, message, hashlib.sha256).hexdigest()[:16]}"


def min_group() -> int:
    return max(MIN_GROUP_FLOOR, int(settings.SAMSYN_MIN_GROUP))


def columns_for(export: ResearchExport) -> list[str]:
    columns = [*BASE_COLUMNS, *(f for f in FIELDS if f in export.fields)]
    if export.notes_approved:
        columns += list(FREE_TEXT)
    return columns


def build_rows(export: ResearchExport) -> tuple[list[str], list[dict], ExportStats]:
    """The export's rows after pseudonymisation and small-cell rules."""
    key = owner_key(export.owner)
    project = export.project
    observations = (
        Observation.objects.filter(
            round__in=export.rounds.all(),
            round__is_peer=False,
            school__in=export.schools.all(),
            status__in=Observation.COUNTED,
        )
        .select_related("round")
        .order_by("pk")
    )
    ratings = (
        Rating.objects.filter(observation__in=observations)
        .select_related("observation__round", "dimension", "step")
        .order_by("observation_id", "dimension__order")
    )
    raw = []
    for rating in ratings:
        obs = rating.observation
        raw.append(
            {
                "_teacher_id": obs.teacher_id,
                "_school_id": obs.school_id,
                "observation": pseudonym(key, project, "observation", obs.pk),
                "round": pseudonym(key, project, "round", obs.round_id),
                "round_kind": obs.round.kind,
                "school": pseudonym(key, project, "school", obs.school_id),
                "teacher": pseudonym(key, project, "teacher", obs.teacher_id),
                "dimension": rating.dimension.code,
                "step": rating.step.order if rating.step_id else None,
                "observer": pseudonym(key, project, "observer", obs.observer_id),
                "subject": obs.subject.strip() or GENERALISED,
                "grade": obs.grade,
                "observed_month": obs.observed_on.strftime("%Y-%m") if obs.observed_on else "",
                "group_size": obs.group_size,
                "minutes_observed": obs.minutes_observed,
                "note": rating.note,
                "teacher_comment": obs.teacher_comment,
            }
        )
    columns = columns_for(export)
    result = k_anonymise(
        raw,
        person="_teacher_id",
        quasi=quasi_identifiers(columns),
        ladders=LADDERS,
        k=min_group(),
        partition="school",
    )
    rows = [{c: row[c] for c in columns} for row in result.rows]
    return (
        columns,
        rows,
        ExportStats(rows=len(rows), dropped=result.dropped, generalised=result.generalised),
    )


# Quasi-identifiers, least useful first (given up first on a tie); school and round have no
# ladder: they are never recoded, a combination too small is dropped.
QUASI = ["observer", "minutes_observed", "group_size", "observed_month", "grade", "subject"]


def quasi_identifiers(columns: list[str]) -> list[str]:
    """The released columns an outsider could know about a teacher."""
    return ["school", "round", *(q for q in QUASI if q in columns)]


def subject_area(subject: object) -> str:
    text = str(subject or "").strip()
    if not text or text == ANY:
        return ANY
    return _AREA_OF.get(text.casefold(), OTHER_AREA)


def _span(grade: object) -> str:
    return grade_span(str(grade or "")) if grade not in (None, "", ANY) else ANY


def _term(month: object) -> str:
    text = str(month or "")
    if len(text) < 7:
        return ANY
    return f"{text[:4]}-{'VT' if int(text[5:7]) <= 6 else 'HT'}"


def _band(edges: tuple[int, ...]):
    def band(value: object) -> str:
        if value in (None, "", ANY):
            return ANY
        number = int(value)
        low = 0
        for edge in edges:
            if number < edge:
                return f"{low}-{edge - 1}"
            low = edge
        return f"{low}+"

    return band


def _anything(_value: object) -> str:
    return ANY


LADDERS = {
    "subject": [subject_area, _anything],
    "grade": [_span, _anything],
    "observed_month": [_term, _anything],
    "group_size": [_band((10, 20, 30)), _anything],
    "minutes_observed": [_band((20, 40, 60)), _anything],
    "observer": [_anything],
}


def to_csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = spreadsheet.csv_dict_writer(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_parquet(columns: list[str], rows: list[dict]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Sizes generalised to bands ("20-29", "*") are text; otherwise they stay whole numbers.
    integer = {
        c
        for c in ("step", "group_size", "minutes_observed")
        if all(row.get(c) is None or isinstance(row.get(c), int) for row in rows)
    }
    schema = pa.schema([(c, pa.int32() if c in integer else pa.string()) for c in columns])
    table = pa.Table.from_pylist(rows, schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
