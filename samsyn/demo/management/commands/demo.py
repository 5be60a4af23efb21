"""`manage.py demo`: load the fictional demo world (idempotent); `--reset` rebuilds it."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samsyn.accounts.models import User
from samsyn.demo.services import DEMO_PASSWORD, demo_exists, demo_load, demo_logins


class Command(BaseCommand):
    help = "Load the demo data (does nothing if it is there; --reset rebuilds it)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete and rebuild the demo.")
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database without users (what `make run` does).",
        )

    def handle(self, *args, reset=False, logins=False, if_empty=False, **options):
        if if_empty and User.objects.exists():
            if not demo_exists():
                self.stdout.write("The database has users: the demo was not loaded.")
            return
        if not logins:
            created = demo_load(reset=reset)
            self.stdout.write(
                "Demo data loaded." if created else "Demo data already present (use --reset)."
            )
        if not demo_exists():
            self.stdout.write("No demo data in this database.")
            return
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for role, email, org in demo_logins():
            self.stdout.write(f"  {role:<22} {email:<34} {org}")
