"""The demo's published progress page: Sjöviks kommun, approved by a second administrator."""

from __future__ import annotations

from django.conf import settings

from samsyn.demo.services import demo_delete
from samsyn.public.demo import SLUG
from samsyn.public.models import ProgressPage


def test_the_demo_publishes_sjoviks_progress_page(demo_db, client):
    page = ProgressPage.objects.get(slug=SLUG)
    assert page.is_public and page.organisation.name == "Sjöviks kommun"
    assert page.submitted_by.email.startswith("huvudman@")
    assert page.approved_by != page.submitted_by
    teaching = page.snapshot["en"]["teaching"]
    shown = [c for c in teaching["changes"] if "hidden" not in c]
    assert shown, teaching
    assert all(c["n_teachers"] >= settings.SAMSYN_MIN_GROUP for c in shown)
    assert client.get(f"/en/progress/{SLUG}/").status_code == 200
    assert client.get(f"/progress/{SLUG}/").status_code == 200
    demo_delete()
    assert not ProgressPage.objects.exists()
