"""JSON API routes of samsyn.triads (added to /api/v1/ by samsyn/api.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["triads"])
