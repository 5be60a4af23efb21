"""Full-text search of the library with stemming, on whichever database the run uses (SQLite
by default; DATABASE_URL=postgres://… runs the same tests on PostgreSQL)."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from samsyn.improvement import search, selectors, services
from samsyn.improvement.models import LibraryEntry
from samsyn.improvement.tests.helpers import published_project
from samsyn.test import BaseTestCase


def titles(query: str, **filters) -> list[str]:
    return [e.title for e in selectors.library_entries_unscoped(query=query, **filters)]


class LibrarySearchTests(BaseTestCase):
    def test_it_finds_a_published_report_by_another_swedish_word_form(self):
        # The text says "återkopplingen" and "eleverna"; the query uses other forms.
        project, _report, entry = published_project(self)
        text = search.words(f"{entry.title} {entry.search_text}")
        for form in ("återkopplingar", "elevarbete", "eleven", "lärare"):
            self.assertNotIn(form, text)
        self.assertEqual(titles("återkopplingar"), [project.title])
        self.assertEqual(titles("eleven"), [project.title])
        self.assertEqual(titles("elevarbete"), [project.title])
        self.assertEqual(titles("lärare"), [project.title])
        self.assertEqual(titles("cykelverkstad"), [])
        self.assertIn(connection.vendor, ("sqlite", "postgresql"))

    def test_it_stems_english_entries_in_english(self):
        services.library_entry_publish(
            kind=LibraryEntry.Kind.EXCELLENCE,
            source="test",
            source_id=1,
            title="Students giving each other feedback",
            body="Teachers modelled how students comment on drafts.",
            language="en",
            area="assessment",
        )
        self.assertEqual(titles("teacher modelling"), ["Students giving each other feedback"])
        self.assertEqual(titles("drafted"), ["Students giving each other feedback"])

    def test_it_finds_the_forms_snowball_alone_leaves_apart(self):
        """ "kollegialt", "studieron" and "elevers" gave no hits for texts with other forms."""
        for source_id, (title, body) in enumerate(
            [
                ("Kollegialt lärande i arbetslaget", "Lärarna planerar tillsammans."),
                ("Lugna lektioner", "Vi arbetar med studiero i klassrummet."),
                ("Elevernas röst", "Elever ger återkoppling på undervisningen."),
                ("Matematiklyftet", "Kollegiala samtal om elevers resonemang."),
            ]
        ):
            services.library_entry_publish(
                kind="practice", source="test", source_id=source_id, title=title, body=body
            )
        self.assertEqual(
            sorted(titles("kollegialt")), ["Kollegialt lärande i arbetslaget", "Matematiklyftet"]
        )
        self.assertEqual(sorted(titles("kollegiala")), sorted(titles("kollegialt")))
        self.assertEqual(titles("studieron"), ["Lugna lektioner"])
        self.assertEqual(titles("studierons"), ["Lugna lektioner"])
        self.assertEqual(sorted(titles("elevers")), ["Elevernas röst", "Matematiklyftet"])
        self.assertEqual(sorted(titles("elev")), ["Elevernas röst", "Matematiklyftet"])
        self.assertEqual(titles("cykelverkstad"), [])

    def test_every_word_of_the_query_must_match(self):
        published_project(self)
        self.assertEqual(titles("återkoppling cykel"), [])

    def test_filters_narrow_the_search(self):
        project, _report, _entry = published_project(self)
        self.assertEqual(titles("elever", area="assessment"), [project.title])
        self.assertEqual(titles("elever", area="safety"), [])
        self.assertEqual(titles("", school_form="compulsory"), [project.title])
        self.assertEqual(titles("", school_form="preschool"), [])

    def test_republishing_updates_the_index(self):
        entry = services.library_entry_publish(
            kind="practice", source="test", source_id=7, title="Läsfrämjande", body="Högläsning."
        )
        self.assertEqual(titles("högläsningen"), ["Läsfrämjande"])
        services.library_entry_publish(
            kind="practice", source="test", source_id=7, title="Läsfrämjande", body="Skrivande."
        )
        self.assertEqual(titles("högläsningen"), [])
        self.assertEqual(titles("skrivandet"), ["Läsfrämjande"])
        services.library_entry_withdraw(source="test", source_id=7)
        self.assertEqual(titles("skrivandet"), [])
        self.assertFalse(LibraryEntry.objects.filter(pk=entry.pk).exists())

    def test_query_syntax_is_harmless(self):
        project, _report, _entry = published_project(self)
        # No words at all: the search does not narrow the list.
        for query in ['"', "(", "*", "-"]:
            self.assertEqual(titles(query), [project.title], query)
        # Operators are words or nothing, never syntax: "elev*" is the word "elev".
        self.assertEqual(titles("elev*"), [project.title])
        self.assertEqual(titles('"elever'), [project.title])
        for query in ["elev OR", "NOT", "-elev", "elev AND NOT", "'; drop table"]:
            self.assertLessEqual(set(titles(query)), {project.title}, query)
        self.assertEqual(titles("'; drop table improvement_libraryentry; --"), [])
        self.assertEqual(LibraryEntry.objects.count(), 1)
        self.assertEqual(titles("eleverna"), [project.title])

    def test_the_library_page_searches_for_anyone_signed_in(self):
        project, _report, _entry = published_project(self)
        self.login(self.charlie)  # another municipality's principal
        response = self.client.get(reverse("improvement:library"), {"q": "återkopplingar"})
        self.assertContains(response, project.title)
        response = self.client.get(reverse("improvement:library"), {"q": "fotboll"})
        self.assertNotContains(response, project.title)

    def test_the_api_searches_too(self):
        project, _report, _entry = published_project(self)
        self.login(self.bob)
        response = self.client.get("/api/v1/library", {"q": "eleven"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([row["title"] for row in response.json()], [project.title])


def test_stemming_reduces_word_forms():
    assert search.stem("Återkopplingen eleverna", "sv") == search.stem("återkoppling elev", "sv")
    assert search.stem("kollegialt studieron elevers", "sv") == search.stem(
        "kollegiala studiero elever", "sv"
    )
    assert search.stem("skolans klassrummet", "sv") == search.stem("skolor klassrum", "sv")
    assert search.stem("teachers modelled", "en") == search.stem("teacher model", "en")


class PostgresIndexTests(BaseTestCase):
    def test_postgres_search_can_use_the_gin_index(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + search.SQL_PG_SEARCH, {"sv": "elev", "en": "pupil"})
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("improvement_library_fts", plan)
