"""JSON API routes of samsyn.integrations (added to /api/v1/ by samsyn/api.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["integrations"])
