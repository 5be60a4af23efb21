"""A project carried through to a published report, for the tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from samsyn.improvement import services
from samsyn.improvement.models import Project, Report

SECTIONS = {
    "background": "Eleverna på skolan upplevde att återkopplingen kom för sent.",
    "area": "Formativ bedömning.",
    "method": "Lärarna prövade exit tickets och kamratrespons i årskurs 7–9.",
    "what_happened": "Arbetslagen träffades varannan vecka och jämförde elevarbeten.",
    "results": "Andelen elever som får återkoppling ökade.",
    "obstacles": "Schemat gjorde det svårt att hinna ses.",
    "lessons": "Tydliga lärandemål gör återkopplingen mer användbar.",
}


def published_project(case, *, title: str = "Återkoppling som för lärandet framåt", **texts):
    project = services.project_create(
        school=case.school, lead=case.pia, title=title, area="assessment"
    )
    group = services.group_create(organisation=case.region, supervisor=case.rita, name="Ignite")
    services.project_group_set(project=project, group=group)
    services.measure_save(
        project=project,
        name="Elever som får återkoppling varje vecka (%)",
        baseline=Decimal("42"),
        target=Decimal("70"),
        outcome=Decimal("63"),
        n=180,
        interval_low=Decimal("56"),
        interval_high=Decimal("70"),
        measured_on=date(2026, 5, 30),
    )
    report = services.report_start(project=project)
    services.report_save(report=report, **{**SECTIONS, **texts})
    services.report_submit(report=report)
    services.report_review(report=report, reviewer=case.rita, approve=True)
    entry = services.report_publish(report=report, actor=case.pia, consent=True)
    project.refresh_from_db()
    return project, Report.objects.get(project=project), entry


__all__ = ["Project", "published_project"]
