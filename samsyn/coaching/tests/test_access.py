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

    def test_it_keeps_admin_for_staff(self):
        pass  # tested by the project-wide matrix
