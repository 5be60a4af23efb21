from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation
from samsyn.indicators.models import Survey
from samsyn.observations.models import Round
from samsyn.programmes import services
from samsyn.programmes.models import Programme, ProgrammeMeasure


class ProgrammeForm(forms.ModelForm):
    schools = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Schools"),
    )

    class Meta:
        model = Programme
        fields = ["name", "start_year", "end_year", "schools", "description"]

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ids = [s.pk for s in services.area_schools(organisation)]
        self.fields["schools"].queryset = Organisation.objects.filter(pk__in=ids).order_by("name")


class _RoundChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Round) -> str:
        return f"{obj.name} ({obj.starts_on:%Y-%m-%d})"


class _SurveyChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Survey) -> str:
        return f"{obj.organisation.name}: {obj.title}"


class MeasureForm(forms.Form):
    """The baseline and outcome points of one measure (fields by kind)."""

    def __init__(self, *args, measure: ProgrammeMeasure, **kwargs) -> None:
        super().__init__(*args, prefix=measure.kind, **kwargs)
        self.measure = measure
        Kind = ProgrammeMeasure.Kind
        programme = measure.programme
        if measure.kind == Kind.TEACHING:
            rounds = services.rounds_for(programme)
            queryset = Round.objects.filter(pk__in=[r.pk for r in rounds]).order_by("starts_on")
            self.fields["baseline_round"] = _RoundChoice(
                queryset=queryset,
                required=False,
                label=_("Baseline round"),
                initial=measure.baseline_round_id,
            )
            self.fields["outcome_round"] = _RoundChoice(
                queryset=queryset,
                required=False,
                label=_("Outcome round"),
                initial=measure.outcome_round_id,
            )
        elif measure.kind in services.AUDIENCE:
            surveys = services.surveys_for(programme, measure.kind)
            queryset = (
                Survey.objects.filter(pk__in=[s.pk for s in surveys])
                .select_related("organisation")
                .order_by("organisation__name", "created_at")
            )
            for side, label in (
                ("baseline_surveys", _("Baseline surveys (at most one per school)")),
                ("outcome_surveys", _("Outcome surveys (at most one per school)")),
            ):
                self.fields[side] = _SurveyChoice(
                    queryset=queryset,
                    required=False,
                    label=label,
                    widget=forms.CheckboxSelectMultiple,
                    initial=list(getattr(measure, side).values_list("pk", flat=True)),
                )
        else:
            from samsyn.indicators.selectors import indicators_for_unscoped

            choices = [("", "—")] + [
                (i.code, i.name)
                for i in indicators_for_unscoped(organisation=programme.organisation)
            ]
            self.fields["indicator_code"] = forms.ChoiceField(
                choices=choices,
                required=False,
                label=_("Indicator"),
                initial=measure.indicator_code,
            )
            for name, label in (
                ("baseline_year", _("Baseline year")),
                ("outcome_year", _("Outcome year")),
            ):
                self.fields[name] = forms.IntegerField(
                    required=False,
                    min_value=2000,
                    max_value=2100,
                    label=label,
                    initial=getattr(measure, name),
                )
