"""Access-matrix rows for samsyn.improvement (collected by samsyn/tests/test_access_matrix.py)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from samsyn.improvement import cycle, services
from samsyn.improvement.models import LibraryEntry

ANON = "anon"


def rows(case) -> dict:
    project = services.project_create(school=case.school, lead=case.pia, title="Återkoppling")
    group = services.group_create(organisation=case.region, supervisor=case.rita, name="Grupp")
    project.group = group
    project.save()
    services.report_start(project=project)
    measure = services.measure_save(project=project, name="Andel", baseline=40)
    evidence = services.project_evidence_add(
        project=project, kind="indicator", indicator_code="grade9-merit", label="Meritvärde"
    )
    entry = services.library_entry_publish(
        kind=LibraryEntry.Kind.PRACTICE,
        source="test",
        source_id=int(timezone.now().timestamp()),
        title="Exit tickets",
        body="Eleverna skriver.",
    )
    quality = cycle.cycle_create(owner=case.owner, year=2026, title="SKA 2026", actor=case.olle)
    step = quality.steps.first()

    def spare_step():
        return [
            quality.pk,
            cycle.step_save(
                cycle=quality, title="x", kind="analysis", deadline=date(2026, 5, 1)
            ).pk,
        ]

    school = lambda: [case.school.pk]  # noqa: E731
    in_cycle = lambda: [quality.pk]  # noqa: E731
    in_step = lambda: [quality.pk, step.pk]  # noqa: E731
    owner_view = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 200}
    owner_post = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "olle": 302}
    in_project = lambda: [project.pk]  # noqa: E731

    principal = {ANON: 302, "charlie": 404, "bob": 404, "alice": 403, "olle": 403, "pia": 200}
    principal_post = {ANON: 302, "charlie": 404, "alice": 403, "rita": 403, "pia": 302}
    viewer = {ANON: 302, "charlie": 404, "alice": 403, "olle": 403, "pia": 200, "rita": 200}
    writer_post = {ANON: 302, "charlie": 404, "alice": 403, "pia": 302, "rita": 302}
    supervisor_post = {ANON: 302, "charlie": 404, "alice": 403, "pia": 403, "rita": 302}
    everyone = {ANON: 302, "alice": 200, "charlie": 200, "rita": 200}
    supervisor = {ANON: 302, "charlie": 404, "pia": 403, "olle": 403, "rita": 200}
    return {
        "improvement:project_list": ("get", list, everyone),
        "improvement:school_projects": ("get", school, principal),
        "improvement:project_create": ("get", school, principal),
        "improvement:project": ("get", in_project, viewer),
        "improvement:project_edit": ("get", in_project, {**principal, "rita": 403}),
        "improvement:evidence_add": ("get", in_project, {**principal, "rita": 403}),
        "improvement:evidence_remove": (
            "post",
            lambda: [project.pk, evidence.pk + 1000],
            {ANON: 302, "charlie": 404, "alice": 403, "rita": 403, "pia": 404},
        ),
        "improvement:measure_create": ("get", in_project, {**principal, "rita": 403}),
        "improvement:measure_edit": ("get", lambda: [project.pk, measure.pk], principal),
        "improvement:phase_set": ("post", in_project, principal_post),
        "improvement:group_set": ("post", in_project, principal_post),
        "improvement:session_create": ("get", in_project, viewer),
        "improvement:comment_add": ("post", in_project, writer_post),
        "improvement:report": ("get", in_project, viewer),
        "improvement:report_edit": ("get", in_project, {**principal, "rita": 403}),
        "improvement:report_submit": ("post", in_project, principal_post),
        "improvement:report_review": ("post", in_project, supervisor_post),
        "improvement:report_publish": ("post", in_project, principal_post),
        "improvement:report_pdf": ("get", in_project, viewer),
        "improvement:groups": ("get", list, everyone),
        "improvement:group_create": ("get", lambda: [case.region.pk], supervisor),
        "improvement:group": ("get", lambda: [group.pk], supervisor),
        "improvement:library": ("get", list, everyone),
        "improvement:library_entry": ("get", lambda: [entry.pk], everyone),
        "improvement:cycles": ("get", lambda: [case.owner.pk], owner_view),
        "improvement:cycle": ("get", in_cycle, owner_view),
        "improvement:cycle_school": (
            "get",
            lambda: [quality.pk, case.school.pk],
            {ANON: 302, "charlie": 404, "alice": 403, "rita": 403, "pia": 200, "olle": 200},
        ),
        "improvement:step_create": ("get", in_cycle, owner_view),
        "improvement:step_edit": ("get", in_step, owner_view),
        "improvement:step_evidence": ("get", in_step, owner_view),
        "improvement:step_remove": ("post", spare_step, owner_post),
        "improvement:step_status": ("post", in_step, owner_post),
        "improvement:cycle_report": ("get", in_cycle, owner_view),
        "improvement:cycle_report_page": ("get", in_cycle, owner_view),
        "api:improvement_library": (
            "get",
            list,
            {ANON: 401, "alice": 200, "charlie": 200},
        ),
        **plan_rows(case),
    }


def plan_rows(case) -> dict:
    """School plans: the school's principal edits and approves; everyone with a role at the
    school (teacher, owner administrator, researcher of the region) reads the approved plan;
    a teacher of another school of the owner and outsiders get 404."""
    from samsyn.improvement import plans
    from samsyn.improvement.tests.plan_world import plan_world

    baseline, _follow, _people = plan_world(case)

    def draft():
        return plans.plan_draft(
            school=case.school, baseline_round=baseline, title="Plan", actor=case.pia
        )

    approved = draft()
    plans.plan_approve(plan=approved, actor=case.pia)
    plan = draft()
    goal = plan.goals.first()
    action = plans.action_save(
        plan=plan, personal=True, kind="triads", what="Triader", who="Alla", when="HT"
    )

    def spare_goal():
        spare = draft()
        return [spare.pk, spare.goals.first().pk]

    def spare_action():
        extra = plans.action_save(
            plan=plan, personal=True, kind="other", what="x", who="y", when="z"
        )
        return [plan.pk, extra.pk]

    school = lambda: [case.school.pk]  # noqa: E731
    in_draft = lambda: [plan.pk]  # noqa: E731
    in_approved = lambda: [approved.pk]  # noqa: E731
    shut = {ANON: 302, "charlie": 404, "bob": 404}
    edit = {**shut, "alice": 403, "olle": 403, "rita": 403, "pia": 200}
    edit_post = {**shut, "alice": 403, "olle": 403, "rita": 403, "pia": 302}
    read = {**shut, "alice": 200, "olle": 200, "rita": 200, "pia": 200}
    return {
        "improvement:plans": ("get", school, read),
        "improvement:plan_draft": ("get", school, edit),
        "improvement:plan": ("get", in_approved, read),
        "improvement:plan_pdf": ("get", in_approved, read),
        "improvement:plan_edit": ("post", in_draft, edit_post),
        "improvement:plan_editors": ("post", in_draft, edit_post),
        "improvement:plan_goal_add": ("post", in_draft, edit_post),
        "improvement:plan_goal": ("get", lambda: [plan.pk, goal.pk], edit),
        "improvement:plan_goal_remove": ("post", spare_goal, edit_post),
        "improvement:plan_action_add": ("get", in_draft, edit),
        "improvement:plan_action": ("get", lambda: [plan.pk, action.pk], edit),
        "improvement:plan_action_remove": ("post", spare_action, edit_post),
        "improvement:plan_approve": ("post", lambda: [draft().pk], edit_post),
        "improvement:plan_follow_up": ("post", in_approved, edit_post),
    }
