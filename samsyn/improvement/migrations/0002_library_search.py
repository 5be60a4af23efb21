"""Full-text search of the library: an FTS5 table on SQLite, a GIN expression index on
PostgreSQL (see samsyn/improvement/search.py, which queries both the same way)."""

from django.db import migrations

from samsyn.improvement.search import VendorRunSQL


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial")]

    operations = [
        VendorRunSQL(
            "sqlite",
            "CREATE VIRTUAL TABLE improvement_library_fts USING fts5("
            "entry_id UNINDEXED, lang UNINDEXED, content, tokenize = 'unicode61')",
            "DROP TABLE improvement_library_fts",
        ),
        VendorRunSQL(
            "postgresql",
            "CREATE INDEX improvement_library_fts ON improvement_libraryentry USING GIN ("
            "to_tsvector((CASE WHEN language = 'en' THEN 'english'::regconfig "
            "ELSE 'swedish'::regconfig END), "
            "(coalesce(title, '') || ' ' || coalesce(search_text, ''))))",
            "DROP INDEX improvement_library_fts",
        ),
    ]
