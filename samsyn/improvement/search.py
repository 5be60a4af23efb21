"""Full-text search of the library, in Swedish and English with stemming, behind one interface.

Both the entries' text and the query are stemmed here, in Python (`stem`), the same way on
every database: Snowball (snowballstemmer) by the entry's language, and for Swedish a little
more, because Snowball alone leaves "kollegialt" ≠ "kollegial", "studieron" ≠ "studiero" and
"elevers" ≠ "elever" (see `_swedish`). Each entry keeps its stems in `search_stems`.

- SQLite: an FTS5 table `improvement_library_fts(entry_id, lang, content)` holds the stems; the
  query's stems (per language) are matched against the entries of that language, bm25-ranked.
- PostgreSQL: a GIN index on `to_tsvector('simple', search_stems)` (the stems are already
  stemmed, so the 'simple' configuration only splits them) and `plainto_tsquery('simple', …)`
  with the query's stems, per language; ranked by ts_rank.

`index_entry` / `unindex_entry` keep both current (called by the services).
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
# The stems go as parameters; the index expression (migration 0005) is written identically.
SQL_PG_SEARCH = (
    "SELECT id FROM ("
    "SELECT id, to_tsvector('simple', search_stems) AS document, "
    "(CASE WHEN language = 'en' THEN plainto_tsquery('simple', %(en)s) "
    "ELSE plainto_tsquery('simple', %(sv)s) END) AS query "
    "FROM improvement_libraryentry WHERE "
    "(language <> 'en' AND to_tsvector('simple', search_stems) @@ plainto_tsquery('simple', %(sv)s)) "
    "OR (language = 'en' AND to_tsvector('simple', search_stems) "
    "@@ plainto_tsquery('simple', %(en)s))"
    ") AS found ORDER BY ts_rank(document, query) DESC, id"
)
SQL_STEMS = "UPDATE improvement_libraryentry SET search_stems = %s WHERE id = %s"
VOWELS = frozenset("aeiouyåäö")


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


def _fixpoint(stemmer, word: str) -> str:
    """Snowball again until nothing changes: "elevers" -> "elever" -> "elev"."""
    for _ in range(3):
        stemmed = stemmer.stemWord(word)
        if stemmed == word:
            break
        word = stemmed
    return word


@lru_cache(maxsize=50_000)
def _swedish(word: str) -> str:
    """Snowball plus what it leaves: the neuter -t ("kollegialt"), the definite -n after a
    vowel ("studieron", "skolan"), the genitive -s ("elevers") and a doubled last consonant
    ("klassrummet" -> "klassrum"). Text and query go through the same steps, so a word that is
    shortened too far is shortened alike on both sides."""
    stemmer = _stemmer("sv")
    word = _fixpoint(stemmer, word)
    if len(word) > 4 and word[-1] in "nt" and (word[-2] in VOWELS or word[-2] in "lgv"):
        word = _fixpoint(stemmer, word[:-1])
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in VOWELS and word[-1] != "s":
        word = word[:-1]
    return word


def stem(text: str, language: str) -> list[str]:
    """The text's words, lower-cased and stemmed in `language` ("sv" or "en")."""
    if language == "en":
        return _stemmer("en").stemWords(words(text))
    return [_swedish(w) for w in words(text)]


def _document(entry) -> str:
    return f"{entry.title} {entry.search_text}"


def index_entry(entry) -> None:
    """(Re)index one entry: its stems in `search_stems` and, on SQLite, the FTS5 row."""
    stems = " ".join(stem(_document(entry), entry.language))
    entry.search_stems = stems
    with connection.cursor() as cursor:
        cursor.execute(SQL_STEMS, [stems, entry.pk])
        if connection.vendor == "sqlite":
            cursor.execute(SQL_DELETE, [entry.pk])
            cursor.execute(SQL_INSERT, [entry.pk, entry.language, stems])


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
    stems = {language: " ".join(stem(query, language)) for language in STEMMERS}
    with connection.cursor() as cursor:
        cursor.execute(SQL_PG_SEARCH, stems)
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
