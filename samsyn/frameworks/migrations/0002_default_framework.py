"""Install the open default framework "Samsyn undervisning" as published version 1.

It is read from samsyn/frameworks/data/samsyn-undervisning.json through the same file format
as any import, with this migration's historical models.
"""

from pathlib import Path
from types import SimpleNamespace

from django.db import migrations
from django.utils import timezone

SLUG = "samsyn-undervisning"
DATA = Path(__file__).resolve().parent.parent / "data" / f"{SLUG}.json"


def install(apps, schema_editor):
    from samsyn.frameworks import format as fmt

    Framework = apps.get_model("frameworks", "Framework")
    if Framework.objects.filter(slug=SLUG).exists():
        return
    data = fmt.parse(DATA.read_bytes())
    # Added to the format later: 0003 adds the column and sets it from the same file.
    data.pop("satisfactory_step", None)
    framework = Framework.objects.create(slug=SLUG, organisation=None)
    models = SimpleNamespace(
        **{
            name: apps.get_model("frameworks", name)
            for name in ("FrameworkVersion", "Dimension", "Step", "Criterion")
        }
    )
    fmt.create_version(
        data,
        framework=framework,
        number=1,
        models=models,
        status="published",
        published_at=timezone.now(),
    )


def remove(apps, schema_editor):
    Framework = apps.get_model("frameworks", "Framework")
    for framework in Framework.objects.filter(slug=SLUG):
        framework.versions.all().delete()
        framework.delete()


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
