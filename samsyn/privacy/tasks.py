"""Background work for data protection: the daily retention run.

Schedule `manage.py retention_run` once a day (cron or a systemd timer), or enqueue
`retention_daily` from a scheduler; both do the same.
"""

from __future__ import annotations

from django.tasks import task


@task()
def retention_daily() -> int:
    """Remove what has passed its retention period, for every owner; returns the run's id."""
    from samsyn.privacy.services import retention_run

    return retention_run().pk
