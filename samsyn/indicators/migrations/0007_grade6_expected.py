"""Grade 6 gets an expected-value model (background from the pupils report)."""

from django.db import migrations


def grade6_expected(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(owner=None, code="grade6-all-subjects").update(expected_model=True)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_skolverket_parts")]
    operations = [migrations.RunPython(grade6_expected, migrations.RunPython.noop)]
