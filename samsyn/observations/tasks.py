"""Background work for observations (Django's tasks framework: inline by default, a worker
with TASKS_BACKEND=database)."""

from __future__ import annotations

from django.tasks import task


@task()
def refresh_round_measurement(round_id: int) -> None:
    """Refit the round's scale if its observations changed since the stored fit."""
    from samsyn.observations import measurement
    from samsyn.observations.models import Round, RoundMeasurement

    round_ = Round.objects.filter(pk=round_id, is_peer=False).first()  # peer rounds: never
    if round_ is None:
        return
    stored = RoundMeasurement.objects.filter(round=round_).first()
    if stored is not None and stored.signature == measurement.signature(round_):
        return
    measurement.refresh(round_)
