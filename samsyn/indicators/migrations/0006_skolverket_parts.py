"""Skolverket parts for the catalogue's indicators (the eligibility export)."""

from django.db import migrations, models


def add_parts(apps, schema_editor):
    from samsyn.indicators.catalogue import CATALOGUE

    Indicator = apps.get_model("indicators", "Indicator")
    for entry in CATALOGUE:
        if not entry.get("skolverket_parts"):
            continue
        for indicator in Indicator.objects.filter(owner=None, code=entry["code"]):
            if not indicator.skolverket_parts:
                indicator.skolverket_parts = entry["skolverket_parts"]
                indicator.save(update_fields=["skolverket_parts"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_kolada_fetch")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="skolverket_parts",
            field=models.JSONField(blank=True, default=list, verbose_name="Skolverket parts"),
        ),
        migrations.RunPython(add_parts, migrations.RunPython.noop),
    ]
