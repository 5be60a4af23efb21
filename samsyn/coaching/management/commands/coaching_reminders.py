"""Send the e-mail reminders for coaching follow-ups that are due. Run it daily (cron or a
scheduler); it is idempotent: each next step is reminded once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samsyn.coaching.services import reminders_send


class Command(BaseCommand):
    help = "E-mail teachers and coaches whose next step's follow-up is due (once per next step)."

    def handle(self, *args, **options) -> None:
        count = reminders_send()
        self.stdout.write(f"{count} next steps reminded")
