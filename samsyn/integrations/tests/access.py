"""Access-matrix rows for samsyn.integrations (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations


def rows(case) -> dict:
    return {}
