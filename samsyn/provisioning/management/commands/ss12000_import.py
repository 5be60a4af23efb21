"""Import schools, staff and duties from an SS 12000 export (JSON) or the CSV template.

manage.py ss12000_import <owner id> export.json            # dry run: what would change
manage.py ss12000_import <owner id> export.json --save     # save (one transaction)
manage.py ss12000_import <owner id> --api URL --token-env SS12000_TOKEN [--save]
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samsyn.accounts.models import Organisation
from samsyn.provisioning import client, csvformat, services, ss12000
from samsyn.provisioning.problems import describe


class Command(BaseCommand):
    help = "Import schools, staff and duties from SS 12000 (dry run unless --save)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("owner", type=int, help="Id of the owner (huvudman) organisation.")
        parser.add_argument("file", nargs="?", help="SS 12000 JSON export or CSV template.")
        parser.add_argument("--api", help="Base address of an SS 12000 API instead of a file.")
        parser.add_argument(
            "--token-env", default="SS12000_TOKEN", help="Environment variable with the token."
        )
        parser.add_argument("--save", action="store_true", help="Save (default: dry run).")

    def handle(self, *args, owner: int, file: str | None, api: str | None, **options) -> None:
        org = Organisation.objects.filter(pk=owner, kind=Organisation.Kind.OWNER).first()
        if org is None:
            raise CommandError(f"No owner organisation with id {owner}.")
        extra: list[dict] = []
        if api:
            try:
                export = client.fetch_all(api, os.environ.get(options["token_env"], ""))
            except client.ApiError as error:
                raise CommandError(str(error)) from error
        elif file:
            text = Path(file).read_text(encoding="utf-8-sig")
            if file.lower().endswith(".csv"):
                export, extra = csvformat.to_export(text)
            else:
                try:
                    export = json.loads(text)
                except ValueError as error:
                    raise CommandError(f"{file} is not JSON: {error}") from error
        else:
            raise CommandError("Give a file or --api.")
        snapshot = ss12000.normalise(export)
        snapshot.problems = [*extra, *snapshot.problems]
        if options["save"]:
            plan = services.import_save(owner=org, snapshot=snapshot, actor=None)
        else:
            plan = services.plan_import(owner=org, snapshot=snapshot)
        self._report(plan, saved=options["save"])

    def _report(self, plan: services.Plan, *, saved: bool) -> None:
        self.stdout.write("Saved:" if saved else "Dry run (nothing saved; add --save):")
        for key, value in plan.summary().items():
            self.stdout.write(f"  {key.replace('_', ' ')}: {value}")
        for problem in plan.problems:
            p = describe(problem)
            self.stdout.write(f"  ! {p['kind']} {p['id']}: {p['reason_label']} {p['value']}")
