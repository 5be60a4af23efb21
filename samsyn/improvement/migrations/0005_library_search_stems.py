"""Library search stems text and query in Python on every database (search.stem): each entry
keeps its stems; PostgreSQL indexes them with the 'simple' configuration instead of its own
Swedish stemmer, which leaves "kollegialt", "studieron" and "elevers" apart from other forms."""

from django.db import migrations, models

from samsyn.improvement.search import VendorRunSQL


def reindex(apps, schema_editor) -> None:
    from samsyn.improvement import search

    LibraryEntry = apps.get_model("improvement", "LibraryEntry")
    for entry in LibraryEntry.objects.using(schema_editor.connection.alias).iterator():
        search.index_entry(entry)


class Migration(migrations.Migration):
    dependencies = [("improvement", "0004_quality_cycle")]

    operations = [
        migrations.AddField(
            model_name="libraryentry",
            name="search_stems",
            field=models.TextField(blank=True, editable=False),
        ),
        VendorRunSQL(
            "postgresql",
            "DROP INDEX IF EXISTS improvement_library_fts",
            "CREATE INDEX improvement_library_fts ON improvement_libraryentry USING GIN ("
            "to_tsvector((CASE WHEN language = 'en' THEN 'english'::regconfig "
            "ELSE 'swedish'::regconfig END), "
            "(coalesce(title, '') || ' ' || coalesce(search_text, ''))))",
        ),
        VendorRunSQL(
            "postgresql",
            "CREATE INDEX improvement_library_fts ON improvement_libraryentry "
            "USING GIN (to_tsvector('simple', search_stems))",
            "DROP INDEX improvement_library_fts",
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
