from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samsyn.accounts.fields import PersonChoiceField
from samsyn.coaching.models import NextStep
from samsyn.frameworks.models import Dimension

NOT_RATED = ""


class DateInput(forms.DateInput):
    input_type = "date"


class StartForm(forms.Form):
    coach = PersonChoiceField(queryset=None, label=_("Coach"))
    observations = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Observations to talk about"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, coaches, observations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches
        self.fields["observations"].queryset = observations
        self.fields["observations"].label_from_instance = lambda o: (
            f"{o.observed_on or o.released_at.date()} · {o.round.name} · {o.observer.full_name}"
        )


class ReflectionForm(forms.Form):
    reflection = forms.CharField(
        label=_("Your reflection before the talk"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("What did you try, what went as you hoped, what would you like to develop?"),
    )

    def __init__(self, *args, version_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = list(
            Dimension.objects.filter(version_id=version_id)
            .order_by("order")
            .prefetch_related("steps")
        )
        for d in self.dimensions:
            choices = [(NOT_RATED, _("Not rated"))] + [
                (str(s.pk), f"{s.order}. {s.label}") for s in d.steps.all()
            ]
            self.fields[f"dim_{d.pk}"] = forms.ChoiceField(
                label=d.name, choices=choices, required=False
            )

    def self_ratings(self) -> dict[int, int | None]:
        """Only the dimensions rated (a "not rated" dimension stores nothing)."""
        out = {}
        for d in self.dimensions:
            value = self.cleaned_data.get(f"dim_{d.pk}")
            if value:
                out[d.pk] = int(value)
        return out

    def rating_fields(self):
        return [self[f"dim_{d.pk}"] for d in self.dimensions]


class PrepareForm(forms.Form):
    strengths = forms.CharField(
        label=_("Strengths seen"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    suggested_focus = forms.ModelChoiceField(queryset=None, label=_("One suggested focus"))

    def __init__(self, *args, version_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_focus"].queryset = Dimension.objects.filter(
            version_id=version_id
        ).order_by("order")


class RecordForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the conversation"), widget=DateInput)
    went_well = forms.CharField(
        label=_("What went well"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    dimension = forms.ModelChoiceField(queryset=None, label=_("Next step: dimension"))
    action = forms.CharField(
        label=_("Next step: concrete action"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("One thing the teacher will do, so that an observer could see it."),
    )
    follow_up_on = forms.DateField(label=_("Agreed follow-up date"), widget=DateInput)

    def __init__(self, *args, version_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = Dimension.objects.filter(
            version_id=version_id
        ).order_by("order")
        self.fields["held_on"].initial = timezone.localdate()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NextStep.Status.choices)


class SupportPlanForm(forms.Form):
    focus_dimensions = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Focus dimensions"), widget=forms.CheckboxSelectMultiple
    )
    actions = forms.CharField(
        label=_("Actions"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    coach = PersonChoiceField(queryset=None, label=_("Coach"), required=False)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput)
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1)
    check_ins = forms.CharField(
        label=_("Planned check-in visits"),
        required=False,
        help_text=_("Dates as YYYY-MM-DD, separated by commas."),
    )

    def __init__(self, *args, version_id: int, coaches, below: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_dimensions"].queryset = Dimension.objects.filter(
            version_id=version_id
        ).order_by("order")
        self.fields["focus_dimensions"].initial = below
        self.fields["coach"].queryset = coaches
        self.fields["starts_on"].initial = timezone.localdate()
        weeks = self.fields["weeks"]
        weeks.initial = settings.SAMSYN_SUPPORT_PLAN_WEEKS
        weeks.widget.attrs["max"] = settings.SAMSYN_SUPPORT_PLAN_MAX_WEEKS
        weeks.help_text = _("About %(usual)s weeks; at most %(max)s.") % {
            "usual": settings.SAMSYN_SUPPORT_PLAN_WEEKS,
            "max": settings.SAMSYN_SUPPORT_PLAN_MAX_WEEKS,
        }

    def clean_weeks(self) -> int:
        from samsyn.coaching.services import plan_weeks_error

        weeks = self.cleaned_data["weeks"]
        if weeks > settings.SAMSYN_SUPPORT_PLAN_MAX_WEEKS:
            raise forms.ValidationError(plan_weeks_error())
        return weeks

    def clean_check_ins(self):
        import datetime as dt

        raw = self.cleaned_data.get("check_ins", "")
        days = []
        for part in (p.strip() for p in raw.split(",")):
            if not part:
                continue
            try:
                days.append(dt.date.fromisoformat(part))
            except ValueError:
                raise forms.ValidationError(
                    _("%(value)s is not a date such as 2026-11-30.") % {"value": part}
                ) from None
        return sorted(days)


class CheckInForm(forms.Form):
    planned_on = forms.DateField(label=_("Check-in date"), widget=DateInput)
    observation = forms.ModelChoiceField(queryset=None, label=_("Observation made"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, observations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observation"].queryset = observations
        self.fields["observation"].label_from_instance = lambda o: (
            f"{o.observed_on or ''} · {o.observer.full_name}"
        )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=pgettext_lazy("support plan", "Outcome"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
