from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.fields import PeopleChoiceField, PersonChoiceField
from samsyn.accounts.models import Organisation
from samsyn.workshops import charts, selectors
from samsyn.workshops.models import DEFAULT_DURATION, Action, Workshop


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.get_kind_display()}, {obj.starts_on:%Y-%m-%d})"


class WorkshopForm(forms.Form):
    """The workshop's details; on creation also the charts it shows."""

    title = forms.CharField(label=_("Title"), max_length=200)
    round = RoundChoiceField(
        label=_("Round"),
        queryset=None,
        help_text=_("The observations the workshop looks at. Peer rounds are never shown."),
    )
    compare_round = RoundChoiceField(
        label=_("Compare with"),
        queryset=None,
        required=False,
        empty_label=_("No comparison"),
        help_text=_("For example the baseline, to see baseline and follow-up side by side."),
    )
    team = PeopleChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a workshop with the whole school."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=15,
        max_value=480,
        initial=DEFAULT_DURATION,
        help_text=_("A data workshop on our teaching usually takes about three hours."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    charts = forms.MultipleChoiceField(
        label=_("Charts"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("In this order; you can reorder the slides and add questions afterwards."),
    )

    def __init__(self, *args, school: Organisation, workshop: Workshop | None = None, **kwargs):
        if workshop is not None:
            local = timezone.localtime(workshop.starts_at)
            kwargs.setdefault(
                "initial",
                {
                    "title": workshop.title,
                    "round": workshop.round_id,
                    "compare_round": workshop.compare_round_id,
                    "team": list(workshop.team.values_list("pk", flat=True)),
                    "date": local.date(),
                    "time": local.time().replace(second=0, microsecond=0),
                    "duration_minutes": workshop.duration_minutes,
                    "place": workshop.place,
                },
            )
        super().__init__(*args, **kwargs)
        rounds = selectors.school_rounds_unscoped(school)
        self.fields["round"].queryset = rounds
        self.fields["compare_round"].queryset = rounds
        self.fields["team"].queryset = selectors.school_teachers_unscoped(school)
        if workshop is None:
            self.fields["charts"].choices = charts.chart_choices()
        else:
            del self.fields["charts"]

    def starts_at(self) -> dt.datetime:
        naive = dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


class ChartAddForm(forms.Form):
    chart_key = forms.ChoiceField(label=_("Chart"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chart_key"].choices = charts.chart_choices()


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("The group's notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the group says together; no names, no judgements of a colleague."),
    )


class ActionForm(forms.Form):
    what = forms.CharField(label=_("What we will do"), max_length=300)
    owner = PersonChoiceField(
        label=_("Who carries it"),
        queryset=None,
        required=False,
        empty_label=_("All of us"),
    )
    due_on = forms.DateField(label=_("By"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, school: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.school_people_unscoped(school)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
