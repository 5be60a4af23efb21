"""Background work for imports (inline by default, django-tasks-db in production)."""

from __future__ import annotations

from django.tasks import task


@task()
def read_api(run_id: int, base_url: str, token: str) -> None:
    from samsyn.provisioning.runs import read_api_now

    read_api_now(run_id, base_url, token)


@task()
def save_run(run_id: int) -> None:
    from samsyn.provisioning.runs import save_now

    save_now(run_id)
