"""The dashboard's selection form: round, comparison round, subject and grade span."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.dashboards.selectors import Dashboard


class SelectionForm(forms.Form):
    round = forms.TypedChoiceField(label=_("Round"), required=False, coerce=int, empty_value=None)
    compare = forms.TypedChoiceField(
        label=_("Compare with"), required=False, coerce=int, empty_value=None
    )
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    grade_span = forms.ChoiceField(label=_("Grades"), required=False)

    def __init__(
        self, *args, dashboard: Dashboard | None = None, rounds=(), subjects=(), spans=(), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        round_choices = [(r.pk, r.label) for r in reversed(list(rounds))]
        self.fields["round"].choices = round_choices
        self.fields["compare"].choices = [("", _("No comparison")), *round_choices]
        self.fields["subject"].choices = [("", _("All subjects")), *[(s, s) for s in subjects]]
        self.fields["grade_span"].choices = [("", _("All grades")), *list(spans)]
