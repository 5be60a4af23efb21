"""The coaching rows of the access matrix, enforced on their own (the project-wide matrix test
walks every app's rows together)."""

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
