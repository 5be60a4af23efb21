"""Demo: the default framework is installed by migrate; Ekbacka kommun adds a small one of its
own, imported from a file and published, with a draft of version 2 under way."""

from __future__ import annotations

from pathlib import Path

from samsyn.demo.services import DEMO_DOMAIN, DemoWorld, cleanup, step
from samsyn.frameworks import services
from samsyn.frameworks.models import Framework

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo-ekbacka-lasundervisning.json"


@step
def custom_framework(world: DemoWorld) -> None:
    services.default_framework_ensure()
    admin = world.users[f"huvudman.ekbacka@{DEMO_DOMAIN}"]
    version = services.framework_import(
        raw=DEMO_FILE.read_bytes(), actor=admin, organisation=world.owners["Ekbacka kommun"]
    )
    services.version_publish(version=version, actor=admin)
    draft = services.version_new_draft(framework=version.framework, actor=admin)
    dimension = draft.dimensions.get(code="skrivande")
    dimension.description_sv += " Version 2 lägger till digitalt skrivande."
    dimension.description_en += " Version 2 adds digital writing."
    dimension.save(update_fields=["description_sv", "description_en"])


@cleanup
def remove_frameworks(organisation_ids: list[int]) -> None:
    Framework.objects.filter(organisation_id__in=organisation_ids).delete()
