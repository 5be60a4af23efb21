"""Full-text search of the library, in Swedish and English with stemming, behind one interface.

- SQLite: an FTS5 table `improvement_library_fts(entry_id, lang, content)` holds each entry's
  text stemmed with snowballstemmer (Swedish or English, by the entry's language); the query is
  stemmed the same way, per language, and matched against the entries of that language.
  `index_entry` / `unindex_entry` keep it current (called by the services).
- PostgreSQL: a GIN index on `to_tsvector(<swedish|english by language>, title || search_text)`
  and `websearch_to_tsquery` with the same per-row configuration. Nothing to maintain.

`search(query, entries)` narrows a queryset of entries to those matching the query, best first.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from django.db import connection
from django.db.migrations.operations import RunSQL
from django.db.models import Case, IntegerField, QuerySet, Value, When

FTS_TABLE = "improvement_library_fts"
STEMMERS = {"sv": "swedish", "en": "english"}
WORD = re.compile(r"\w+", re.UNICODE)
# The per-row text search configuration (by the entry's language) is written identically in
# the index (migration 0002) and the query, so PostgreSQL uses the index.
# Constant statements (no user input is ever formatted into them; values go as parameters).
SQL_DELETE = "DELETE FROM improvement_library_fts WHERE entry_id = %s"
SQL_INSERT = "INSERT INTO improvement_library_fts (entry_id, lang, content) VALUES (%s, %s, %s)"
SQL_MATCH = (
    "SELECT entry_id, bm25(improvement_library_fts) FROM improvement_library_fts "
    "WHERE improvement_library_fts MATCH %s AND lang = %s"
)
# The query is constant within each language branch, so the GIN index serves both branches.
SQL_PG_SEARCH = (
    "SELECT id FROM ("
    "SELECT id, language, to_tsvector((CASE WHEN language = 'en' THEN 'english'::regconfig "
    "ELSE 'swedish'::regconfig END), "
    "(coalesce(title, '') || ' ' || coalesce(search_text, ''))) AS document "
    "FROM improvement_libraryentry WHERE "
    "(language <> 'en' AND to_tsvector((CASE WHEN language = 'en' THEN 'english'::regconfig "
    "ELSE 'swedish'::regconfig END), "
    "(coalesce(title, '') || ' ' || coalesce(search_text, ''))) "
    "@@ websearch_to_tsquery('swedish', %(q)s)) "
    "OR (language = 'en' AND to_tsvector((CASE WHEN language = 'en' THEN 'english'::regconfig "
    "ELSE 'swedish'::regconfig END), "
    "(coalesce(title, '') || ' ' || coalesce(search_text, ''))) "
    "@@ websearch_to_tsquery('english', %(q)s))"
    ") AS found ORDER BY ts_rank(document, CASE WHEN language = 'en' "
    "THEN websearch_to_tsquery('english', %(q)s) "
    "ELSE websearch_to_tsquery('swedish', %(q)s) END) DESC, id"
)


class VendorRunSQL(RunSQL):
    """RunSQL that runs only on one database vendor ("sqlite" or "postgresql")."""

    def __init__(self, vendor: str, *args, **kwargs) -> None:
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS.get(language, "swedish"))


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")]


def stem(text: str, language: str) -> list[str]:
    """The text's words, lower-cased and stemmed in `language` ("sv" or "en")."""
    return _stemmer(language).stemWords(words(text))


def _document(entry) -> str:
    return f"{entry.title} {entry.search_text}"


def index_entry(entry) -> None:
    """(Re)index one entry. A no-op on PostgreSQL, where an expression index does the work."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(SQL_DELETE, [entry.pk])
        cursor.execute(
            SQL_INSERT,
            [entry.pk, entry.language, " ".join(stem(_document(entry), entry.language))],
        )


def unindex_entry(entry_id: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(SQL_DELETE, [entry_id])


def _fts_query(stems: list[str]) -> str:
    # Each stem as a quoted FTS5 string (a double quote inside is doubled): all must occur.
    return " ".join('"' + s.replace('"', '""') + '"' for s in stems)


def _sqlite_ranked_ids(query: str) -> list[int]:
    ranked: list[tuple[float, int]] = []
    with connection.cursor() as cursor:
        for language in STEMMERS:
            stems = stem(query, language)
            if not stems:
                continue
            cursor.execute(SQL_MATCH, [_fts_query(stems), language])
            ranked.extend((score, int(entry_id)) for entry_id, score in cursor.fetchall())
    ranked.sort()  # bm25: lower is better
    return [entry_id for _score, entry_id in ranked]


def _postgres_ranked_ids(query: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(SQL_PG_SEARCH, {"q": query})
        return [row[0] for row in cursor.fetchall()]


def ranked_ids(query: str) -> list[int]:
    """Ids of the entries matching `query`, best first."""
    if not words(query):
        return []
    if connection.vendor == "postgresql":
        return _postgres_ranked_ids(query)
    return _sqlite_ranked_ids(query)


def search(query: str, entries: QuerySet) -> QuerySet:
    """`entries` narrowed to those matching `query` (full text, stemmed), best match first.
    An empty query leaves `entries` as they are."""
    if not words(query):
        return entries
    ids = ranked_ids(query)
    order = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)),
        output_field=IntegerField(),
    )
    return entries.filter(pk__in=ids).order_by(order) if ids else entries.none()
