"""Ship the 13 indicators of the regional collaboration (samsyn/indicators/catalogue.py)."""

from django.db import migrations


def add_catalogue(apps, schema_editor):
    from samsyn.indicators.catalogue import CATALOGUE

    Indicator = apps.get_model("indicators", "Indicator")
    present = set(Indicator.objects.filter(owner=None).values_list("code", flat=True))
    fields = {f.name for f in Indicator._meta.get_fields()}  # later fields come later
    Indicator.objects.bulk_create(
        Indicator(position=i, **{k: v for k, v in entry.items() if k in fields})
        for i, entry in enumerate(CATALOGUE, start=1)
        if entry["code"] not in present
    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
