"""The demo's improvement part: two projects, a populated library, a year wheel half done, and
a clean removal (the FTS index included)."""

from __future__ import annotations

from samsyn.demo.services import demo_delete
from samsyn.improvement import cycle, search, selectors
from samsyn.improvement.models import LibraryEntry, Project, QualityCycle, Report


def test_the_demo_has_projects_a_library_and_a_year_wheel(demo_db):
    ongoing = Project.objects.get(school__name="Strandskolan")
    finished = Project.objects.get(school__name="Björkhagens skola")
    assert ongoing.phase == Project.Phase.IMPLEMENTATION
    assert ongoing.sessions.count() == 3 and ongoing.group is not None
    assert finished.phase == Project.Phase.FINISHED
    assert finished.report.status == Report.Status.PUBLISHED
    assert not ongoing.evidence.filter(round__is_peer=True).exists()

    languages = set(LibraryEntry.objects.values_list("language", flat=True))
    assert LibraryEntry.objects.count() >= 5 and languages == {"sv", "en"}
    # The published report is found by another word form ("texterna" → "texter").
    assert finished.title in [e.title for e in selectors.library_entries_unscoped(query="texterna")]
    assert [e.language for e in selectors.library_entries_unscoped(query="students reading")] == [
        "en"
    ]

    quality = QualityCycle.objects.get(owner__name="Sjöviks kommun")
    rows = cycle.status_by_school(quality)
    assert len(rows) == 3
    done = sum(r.done for r in rows)
    total = sum(len(r.steps) for r in rows)
    assert 0 < done < total  # half through the year
    assert quality.steps.filter(evidence__kind="project").exists()

    demo_delete()
    assert not LibraryEntry.objects.exists() and not Project.objects.exists()
    assert search.ranked_ids("texterna") == []


def test_the_demo_has_an_approved_school_plan_followed_up_for_a_term(demo_db):
    from samsyn.improvement.models import SchoolPlan

    plan = SchoolPlan.objects.get(school__name="Strandskolan")
    assert plan.status == SchoolPlan.Status.APPROVED
    assert plan.approved_by.memberships.filter(organisation=plan.school, role="principal")
    assert plan.baseline_round.kind == "baseline"
    assert plan.goals.filter(origin="weakest").exists()
    assert plan.goals.filter(baseline_low__isnull=False).exists()
    assert plan.actions.filter(triad_set__school=plan.school).exists()
    follow_up = plan.follow_ups.get()
    assert follow_up.round.starts_on > plan.baseline_round.starts_on
    assert {row["code"] for row in follow_up.values} == set(
        plan.goals.values_list("dimension_code", flat=True)
    )
    demo_delete()
    assert not SchoolPlan.objects.exists()
