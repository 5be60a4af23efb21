"""The coaching rows of the access matrix name exactly the coaching routes (the project-wide
matrix test, samsyn/tests/test_access_matrix.py, requests every app's rows together)."""

from __future__ import annotations

from samsyn.coaching.tests.access import rows
from samsyn.tests import test_access_matrix as matrix


class CoachingAccessTests(matrix.AccessMatrixTests):
    def all_rows(self) -> dict:
        return rows(self)

    def test_it_covers_every_url(self):
        names = {
            n
            for n in matrix.all_url_names()
            if n.startswith("coaching:") or n.startswith("api:coaching_")
        }
        self.assertEqual(names, set(rows(self)))

    # The admin door is the project's, not coaching's: samsyn/tests/test_access_matrix.py
    # tests it once; not inherited here (a test whose body was `pass` passed without testing).
    test_it_keeps_admin_for_staff = None
    # Every coaching row is requested, as the same persona and expecting the same status, by
    # that file's test_it_enforces_the_matrix (its all_rows() collects this same `rows`): run
    # here too it only doubled the time.
    test_it_enforces_the_matrix = None
    test_it_enforces_every_apps_rows = None  # (the project-wide file's, run there)
