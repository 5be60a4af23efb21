from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.indicators.models import Answer, Indicator, Municipality, Question, Survey


class TrendForm(forms.Form):
    """What the trend page shows; every field has a default, so an empty query works."""

    owner_type = forms.ChoiceField(
        label=_("Schools"),
        required=False,
        choices=[
            ("all", _("All schools in the municipality")),
            ("municipal", _("Municipal schools")),
        ],
    )
    base_year = forms.TypedChoiceField(label=_("Change from"), required=False, coerce=int)
    group = forms.ChoiceField(label=_("Compare with"), required=False)

    def __init__(self, *args, years: list[int], groups: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_year"].choices = [(y, y) for y in years]
        self.fields["group"].choices = [("", _("No comparison")), *groups]

    def value(self, name: str, default):
        if self.is_valid() and self.cleaned_data.get(name) not in (None, ""):
            return self.cleaned_data[name]
        return default


class IndicatorForm(forms.ModelForm):
    kolada_all = forms.CharField(
        label=_("Kolada KPI, all schools"),
        required=False,
        max_length=12,
        help_text=_("For example N15504 (Kolada's T, all schools in the municipality)."),
    )
    kolada_municipal = forms.CharField(
        label=_("Kolada KPI, municipal schools"),
        required=False,
        max_length=12,
        help_text=_("For example N15505 (Kolada's E, the municipality's own schools)."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_sv",
            "name_en",
            "unit",
            "higher_is_better",
            "skolverket_report",
            "skolverket_measure",
            "skolverket_subject",
            "skolverket_group",
        ]
        help_texts = {
            "skolverket_report": _("The report's title as in Skolverket's export (optional)."),
            "skolverket_measure": _("The measure's column or row label, exactly as in the file."),
            "skolverket_subject": _("A subject such as Matematik, where the file has one."),
            "skolverket_group": _(
                "A category such as Flickor or Pojkar, exactly as in the file; empty for the "
                "files without categories."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        sources = [
            cleaned.get("skolverket_measure"),
            cleaned.get("kolada_all"),
            cleaned.get("kolada_municipal"),
        ]
        if not any(sources):
            raise forms.ValidationError(_("Name a Skolverket measure or a Kolada KPI."))
        if cleaned.get("skolverket_measure") and not cleaned.get("skolverket_report"):
            self.add_error("skolverket_report", _("Name the report the measure comes from."))
        return cleaned

    def validate_unique(self):
        """Uniqueness per owner is checked by the service, which knows the owner."""


class MunicipalityLinkForm(forms.Form):
    code = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.filter(kind=Municipality.Kind.MUNICIPALITY),
        to_field_name="code",
        empty_label=_("Not linked"),
        required=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(d, initial) for d in data]
        if isinstance(data, list | tuple):
            data = None  # no file chosen: "this field is required"
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Skolverket exports (CSV or XLSX)"),
        help_text=_("Several files at once are imported together: all of them or none."),
    )


class KoladaFileForm(forms.Form):
    kolada_files = MultipleFileField(
        label=_("Kolada files (JSON, CSV or XLSX)"),
        help_text=_(
            "The JSON that Kolada's API returns, or a table exported from kolada.se. Several "
            "files are imported together: all of them or none."
        ),
        widget=MultipleFileInput(attrs={"accept": ".json,.csv,.xlsx"}),
    )


class KoladaForm(forms.Form):
    municipalities = forms.CharField(
        label=_("Municipality codes"),
        initial="1384,1383,1380,1381,1315",
        help_text=_("Comma-separated four-digit codes."),
    )
    first_year = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("To year"), min_value=2000, max_value=2100)

    def clean_municipalities(self):
        codes = [c.strip() for c in self.cleaned_data["municipalities"].split(",") if c.strip()]
        bad = [c for c in codes if not (len(c) == 4 and c.isdigit())]
        if bad or not codes:
            raise forms.ValidationError(
                _("Give four-digit codes such as 1384, separated by commas.")
            )
        return codes

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", _("The last year comes before the first."))
        return cleaned


class SurveyForm(forms.ModelForm):
    use_template = forms.BooleanField(
        label=_("Start from Samsyn's statements for this group"),
        required=False,
        initial=True,
    )

    class Meta:
        model = Survey
        fields = ["title", "audience"]


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "area"]


class LinksForm(forms.Form):
    count = forms.IntegerField(label=_("Number of answer links"), min_value=1, max_value=500)


class OutcomeForm(forms.Form):
    title = forms.CharField(label=_("Title of the outcome survey"), max_length=200)


SCALE = [
    (Answer.Choice.STRONGLY_AGREE, Answer.Choice.STRONGLY_AGREE.label),
    (Answer.Choice.AGREE, Answer.Choice.AGREE.label),
    (Answer.Choice.DISAGREE, Answer.Choice.DISAGREE.label),
    (Answer.Choice.STRONGLY_DISAGREE, Answer.Choice.STRONGLY_DISAGREE.label),
    (Answer.Choice.DONT_KNOW, Answer.Choice.DONT_KNOW.label),
]


class AnswerForm(forms.Form):
    """One radio group per statement; every statement needs an answer."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                label=q.text,
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer (“Don't know” is one).")},
            )

    def answers(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}
