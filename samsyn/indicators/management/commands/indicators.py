"""`manage.py indicators …`: reference data, Skolverket import/export, Kolada refresh.

indicators reference [--shared DIR]      municipalities, groups (Kolada's metadata snapshot)
indicators import PATH [PATH …]           Skolverket CSV/XLSX exports, all or none
indicators export [--municipality CODE] [--format csv|json]
indicators kolada --municipality 1384,1383 --years 2016-2025 [--enqueue]
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samsyn.indicators import selectors, services
from samsyn.indicators.skolverket import ImportRefused


def _years(text: str) -> list[int]:
    if "-" in text:
        first, last = (int(x) for x in text.split("-", 1))
        return list(range(first, last + 1))
    return [int(x) for x in text.split(",") if x.strip()]


class Command(BaseCommand):
    help = "National indicators: reference data, Skolverket import/export, Kolada refresh."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ref = sub.add_parser("reference", help="Load municipalities and groups from Kolada's CSVs.")
        ref.add_argument("--shared", help="Folder with kolada/*.csv (default: shared data).")
        imp = sub.add_parser("import", help="Import Skolverket exports (CSV or XLSX).")
        imp.add_argument("paths", nargs="+")
        exp = sub.add_parser("export", help="Write Skolverket values as CSV or JSON.")
        exp.add_argument("--municipality", default="", help="Only this four-digit code.")
        exp.add_argument("--format", choices=["csv", "json"], default="csv")
        kol = sub.add_parser("kolada", help="Fetch the catalogue's KPIs from Kolada v3.")
        kol.add_argument("--municipality", required=True, help="Comma-separated codes.")
        kol.add_argument("--years", required=True, help="2016-2025 or 2023,2024")
        kol.add_argument("--enqueue", action="store_true", help="Run as a background task.")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _reference(self, shared=None, **options):
        folder = Path(shared) if shared else Path(settings.SAMSYN_SHARED_DIR) / "data" / "kolada"
        if not folder.is_dir():
            self.stdout.write(f"Skipped: no Kolada metadata at {folder} (set SAMSYN_SHARED_DIR).")
            return
        for name, load in (
            ("municipalities.csv", services.municipalities_load),
            ("municipality_groups.csv", services.groups_load),
        ):
            path = folder / name
            if not path.exists():
                self.stdout.write(f"Skipped {name}: not found in {folder}.")
                continue
            self.stdout.write(f"{name}: {load(path=path)} added or changed.")
        services.catalogue_ensure()

    def _import(self, paths, **options):
        files = []
        for raw in paths:
            path = Path(raw)
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            files.append((path.name, path.read_bytes()))
        try:
            results = services.skolverket_import(files=files)
        except ImportRefused as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        for r in results:
            self.stdout.write(
                f"{r.name}: {r.created} added, {r.updated} changed, {r.unchanged} unchanged "
                f"({r.report}; {', '.join(str(y) for y in r.years)})"
            )

    def _export(self, municipality="", format="csv", **options):
        rows = selectors.values_for_export(code=municipality)
        if format == "json":
            self.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=1))
            return
        from samsyn.lib.spreadsheet import csv_dict_writer

        writer = csv_dict_writer(
            self.stdout, fieldnames=selectors.EXPORT_COLUMNS, lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow(row)

    def _kolada(self, municipality, years, enqueue=False, **options):
        from samsyn.indicators.kolada import KoladaError
        from samsyn.indicators.tasks import kolada_refresh, kolada_refresh_now

        codes = [c.strip() for c in municipality.split(",") if c.strip()]
        year_list = _years(years)
        if enqueue:
            result = kolada_refresh.enqueue(municipalities=codes, years=year_list)
            self.stdout.write(f"Enqueued Kolada refresh: {result.id}")
            return
        try:
            result = kolada_refresh_now(municipalities=codes, years=year_list)
        except KoladaError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Kolada: {result.created} added, {result.updated} changed, {result.unchanged} unchanged."
        )
