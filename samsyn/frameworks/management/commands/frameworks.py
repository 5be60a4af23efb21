"""`manage.py frameworks list | export SLUG [--version N] | import FILE [--organisation ID]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from samsyn.accounts.models import Organisation
from samsyn.frameworks import format as fmt
from samsyn.frameworks.models import Framework, FrameworkVersion
from samsyn.frameworks.services import framework_import


class Command(BaseCommand):
    help = "List, export and import observation frameworks (JSON, docs/framework.schema.json)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List frameworks and their versions.")
        export = sub.add_parser("export", help="Print a version as JSON.")
        export.add_argument("slug")
        export.add_argument("--version", type=int, help="Default: the latest published.")
        imp = sub.add_parser("import", help="Import a file as a new draft.")
        imp.add_argument("file")
        imp.add_argument(
            "--organisation", type=int, help="Owner organisation id (default: global)."
        )

    def handle(self, *args, action: str, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_list(self, **options):
        for framework in Framework.objects.select_related("organisation").order_by("slug"):
            versions = ", ".join(
                f"v{v.number} ({v.status})" for v in framework.versions.order_by("number")
            )
            owner = framework.organisation.name if framework.organisation else "global"
            self.stdout.write(f"{framework.slug}\t{owner}\t{versions}")

    def handle_export(self, *, slug: str, version: int | None = None, **options):
        versions = FrameworkVersion.objects.filter(framework__slug=slug)
        if version is None:
            chosen = versions.filter(status="published").order_by("-number").first()
        else:
            chosen = versions.filter(number=version).first()
        if chosen is None:
            raise CommandError(f"No such framework version: {slug} {version or '(published)'}")
        self.stdout.write(fmt.dumps(fmt.export_version(chosen)), ending="")

    def handle_import(self, *, file: str, organisation: int | None = None, **options):
        org = None
        if organisation is not None:
            org = Organisation.objects.filter(pk=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with id {organisation}")
        try:
            with open(file, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            version = framework_import(raw=raw, actor=None, organisation=org)
        except fmt.FrameworkFileError as error:
            raise CommandError("\n".join([f"{file} was not imported:", *error.errors])) from None
        self.stdout.write(f"Imported {version.framework.slug} v{version.number} as a draft.")
