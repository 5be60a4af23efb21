"""Pseudonymised research files: one row per rating of an observation in the approved scope.

Pseudonyms: HMAC-SHA256 with the owner's secret key (`OwnerKey`, never shown) over the project
name, the kind of identifier and its id, shortened to 16 hex digits. The same person gets the
same pseudonym in every export of one project and unrelated pseudonyms in other projects.

Small cells (documented in docs/privacy.md): rows are grouped by school and subject. A group
with fewer than `SAMSYN_MIN_GROUP` distinct teachers has its subject generalised to "*"; after
that, a school/"*" group that still has fewer teachers is dropped, and a school with fewer
teachers in total is dropped entirely. Peer rounds (`Round.is_peer`) are never included. Free
text (evidence notes, teachers' comments) only when the owner approved it.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samsyn.analysis.suppression import MIN_GROUP_FLOOR
from samsyn.lib import spreadsheet
from samsyn.observations.models import Observation, Rating
from samsyn.privacy.models import OwnerKey, ResearchExport

GENERALISED = "*"

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
    kept, dropped, generalised = apply_small_cells(raw, min_group())
    columns = columns_for(export)
    rows = [{c: row[c] for c in columns} for row in kept]
    return columns, rows, ExportStats(rows=len(rows), dropped=dropped, generalised=generalised)


def apply_small_cells(rows: list[dict], threshold: int) -> tuple[list[dict], int, int]:
    """Generalise then drop rows of school/subject groups with fewer than `threshold` teachers.

    Returns (kept rows, number dropped, number generalised). Pure: works on the dicts given,
    which need `_school_id`, `_teacher_id` and `subject`.
    """
    teachers: dict[tuple, set] = defaultdict(set)
    for row in rows:
        teachers[(row["_school_id"], row["subject"])].add(row["_teacher_id"])
    generalised = 0
    for row in rows:
        if (
            len(teachers[(row["_school_id"], row["subject"])]) < threshold
            and row["subject"] != GENERALISED
        ):
            row["subject"] = GENERALISED
            generalised += 1
    after: dict[tuple, set] = defaultdict(set)
    per_school: dict[object, set] = defaultdict(set)
    for row in rows:
        after[(row["_school_id"], row["subject"])].add(row["_teacher_id"])
        per_school[row["_school_id"]].add(row["_teacher_id"])
    kept = [
        row
        for row in rows
        if len(per_school[row["_school_id"]]) >= threshold
        and len(after[(row["_school_id"], row["subject"])]) >= threshold
    ]
    return kept, len(rows) - len(kept), generalised


def to_csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = spreadsheet.csv_dict_writer(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_parquet(columns: list[str], rows: list[dict]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    integer = {"step", "group_size", "minutes_observed"}
    schema = pa.schema([(c, pa.int32() if c in integer else pa.string()) for c in columns])
    table = pa.Table.from_pylist(rows, schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
