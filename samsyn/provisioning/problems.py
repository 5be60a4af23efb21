"""The reasons a record could not be imported, in words (stored as codes on the run)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REASONS = {
    "not_an_export": _("The file is not an SS 12000 export (a JSON object with lists)."),
    "missing_id": _("The record has no id."),
    "duplicate_id": _("Another record has the same id."),
    "unknown_organisation_type": _("Unknown organisation type."),
    "bad_municipality_code": _("The municipality code is not four digits."),
    "missing_name": _("The name is missing."),
    "bad_unit_code": _("A school unit without a valid eight-digit school unit code."),
    "duplicate_unit_code": _("Another school unit in the file has the same school unit code."),
    "unit_code_taken": _("The school unit code belongs to a school of another owner."),
    "unknown_duty_role": _("Unknown duty role."),
    "missing_person": _("The duty names no person."),
    "unknown_school": _("The duty is at a school unit that is not in the import."),
    "bad_start_date": _("The duty has no valid start date."),
    "end_before_start": _("The duty ends before it starts."),
    "unknown_person": _("The duty's person is missing or could not be imported."),
    "missing_email": _("The person has neither an e-mail address nor an eduPersonPrincipalName."),
    "duplicate_email": _("Another person in the import has the same e-mail address."),
    "email_taken": _("The e-mail address belongs to another imported person of this owner."),
    "bad_csv_row": _("The row lacks a required column."),
    "unknown_csv_role": _("Unknown role (use Lärare, Rektor, teacher or principal)."),
}
KINDS = {
    "file": _("file"),
    "organisation": _("organisation"),
    "person": _("person"),
    "duty": _("duty"),
    "row": _("row"),
}


def describe(problem: dict) -> dict:
    """A stored problem with its kind and reason in the active language."""
    return {
        **problem,
        "kind_label": str(KINDS.get(problem.get("kind", ""), problem.get("kind", ""))),
        "reason_label": str(REASONS.get(problem.get("reason", ""), problem.get("reason", ""))),
    }
