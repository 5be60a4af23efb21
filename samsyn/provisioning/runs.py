"""An import run: read (file, CSV or API) → compare (dry run) → on confirmation, save.

Each step updates the run's progress row outside the import's transaction, so the page that
polls it (htmx, every two seconds) sees the reading and comparing advance. The save itself is
one transaction: the page says "saving" until it has committed or rolled back.
"""

from __future__ import annotations

import json
import logging

from django.db import transaction
from django.utils import timezone

from samsyn.accounts.models import Organisation, User
from samsyn.provisioning import client, csvformat, services, ss12000
from samsyn.provisioning.models import ImportRun

logger = logging.getLogger(__name__)
Status = ImportRun.Status


def _progress(run_id: int, label: str, done: int, total: int) -> None:
    ImportRun.objects.filter(pk=run_id).update(
        progress_label=label, progress_done=done, progress_total=total
    )


def _discard_open_runs(owner: Organisation) -> None:
    """A new run replaces the owner's unsaved ones (and their copy of the records)."""
    ImportRun.objects.filter(owner=owner, status__in=[Status.READING, Status.PREVIEW]).update(
        status=Status.FAILED, payload={}, error="replaced"
    )


def run_from_export(
    *,
    owner: Organisation,
    actor: User | None,
    source: str,
    file_name: str,
    export: dict,
    extra_problems: list[dict] | None = None,
) -> ImportRun:
    """A run for an export already read (file or CSV), compared at once: the dry run."""
    snapshot = ss12000.normalise(export)
    snapshot.problems = [*(extra_problems or []), *snapshot.problems]
    _discard_open_runs(owner)
    run = ImportRun.objects.create(
        owner=owner,
        started_by=actor,
        source=source,
        source_label=file_name[:300],
        payload=snapshot.as_json(),
        problems=snapshot.problems,
    )
    compare(run.pk)
    run.refresh_from_db()
    return run


def run_from_bytes(
    *, owner: Organisation, actor: User | None, name: str, content: bytes
) -> ImportRun:
    """A run for an uploaded file: SS 12000 JSON, or the CSV template (by its name)."""
    text = content.decode("utf-8-sig", errors="replace")
    if name.lower().endswith(".csv"):
        export, problems = csvformat.to_export(text)
        return run_from_export(
            owner=owner,
            actor=actor,
            source=ImportRun.Source.CSV,
            file_name=name,
            export=export,
            extra_problems=problems,
        )
    try:
        export = json.loads(text)
    except ValueError:
        export = None
    return run_from_export(
        owner=owner, actor=actor, source=ImportRun.Source.FILE, file_name=name, export=export
    )


def run_from_api(*, owner: Organisation, actor: User | None, base_url: str, token: str):
    """A run that reads the owner's SS 12000 API in the background (inline by default).

    The token is handed to the task and used for this reading only; it is never stored on the
    run."""
    from samsyn.provisioning.tasks import read_api

    _discard_open_runs(owner)
    run = ImportRun.objects.create(
        owner=owner,
        started_by=actor,
        source=ImportRun.Source.API,
        source_label=base_url[:300],
    )
    transaction.on_commit(lambda: read_api.enqueue(run.pk, base_url, token))
    return run


def read_api_now(run_id: int, base_url: str, token: str) -> None:
    def progress(endpoint: str, count: int) -> None:
        _progress(run_id, f"read:{endpoint}", count, 0)

    try:
        export = client.fetch_all(base_url, token, progress=progress)
    except client.ApiError as error:
        ImportRun.objects.filter(pk=run_id).update(status=Status.FAILED, error=str(error)[:500])
        return
    snapshot = ss12000.normalise(export)
    ImportRun.objects.filter(pk=run_id).update(
        payload=snapshot.as_json(), problems=snapshot.problems
    )
    compare(run_id)


def compare(run_id: int) -> None:
    """The dry run: what saving would change, stored on the run for review."""
    run = ImportRun.objects.select_related("owner").get(pk=run_id)
    snapshot = ss12000.Snapshot.from_json(run.payload, run.problems)
    plan = services.plan_import(
        owner=run.owner,
        snapshot=snapshot,
        progress=lambda label, done, total: _progress(run_id, f"compare:{label}", done, total),
    )
    ImportRun.objects.filter(pk=run_id).update(
        status=Status.PREVIEW, summary=plan.summary(), problems=plan.problems
    )


def run_confirm(*, run: ImportRun) -> ImportRun:
    """Save a reviewed run (in the background; inline by default)."""
    from samsyn.provisioning.tasks import save_run

    updated = ImportRun.objects.filter(pk=run.pk, status=Status.PREVIEW).update(
        status=Status.SAVING, progress_label="save", progress_done=0, progress_total=1
    )
    if updated:
        transaction.on_commit(lambda: save_run.enqueue(run.pk))
    run.refresh_from_db()
    return run


def save_now(run_id: int) -> None:
    run = ImportRun.objects.select_related("owner", "started_by").get(pk=run_id)
    snapshot = ss12000.Snapshot.from_json(run.payload, run.problems)
    try:
        plan = services.import_save(owner=run.owner, snapshot=snapshot, actor=run.started_by)
    except Exception as error:  # the transaction rolled back: nothing was saved
        logger.exception("SS 12000 import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(status=Status.FAILED, error=str(error)[:500])
        return
    ImportRun.objects.filter(pk=run_id).update(
        status=Status.DONE,
        summary=plan.summary(),
        problems=plan.problems,
        payload={},  # the records are saved; the copy is not kept
        progress_done=1,
        finished_at=timezone.now(),
    )
