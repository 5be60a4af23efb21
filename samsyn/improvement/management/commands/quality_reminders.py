"""E-mail reminders for steps of the annual quality cycle that are due within two weeks or past
their deadline, in each person's language. Run it daily (cron or a scheduler); a person is
reminded of a step at most once a week."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samsyn.improvement.cycle import reminders_send


class Command(BaseCommand):
    help = "E-mail the people responsible for due steps of the quality cycle (weekly at most)."

    def handle(self, *args, **options) -> None:
        count = reminders_send()
        self.stdout.write(f"{count} people reminded")
