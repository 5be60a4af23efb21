"""A version's satisfactory step (optional in the file format), set for the default framework
from its file: its steps are unsatisfactory / satisfactory / good / very good, so 2."""

import json
from pathlib import Path

from django.db import migrations, models

SLUG = "samsyn-undervisning"
DATA = Path(__file__).resolve().parent.parent / "data" / f"{SLUG}.json"


def set_default(apps, schema_editor):
    FrameworkVersion = apps.get_model("frameworks", "FrameworkVersion")
    step = json.loads(DATA.read_text(encoding="utf-8")).get("satisfactory_step")
    FrameworkVersion.objects.filter(
        framework__slug=SLUG, number=1, satisfactory_step__isnull=True
    ).update(satisfactory_step=step)


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0002_default_framework")]

    operations = [
        migrations.AddField(
            model_name="frameworkversion",
            name="satisfactory_step",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(set_default, migrations.RunPython.noop),
    ]
