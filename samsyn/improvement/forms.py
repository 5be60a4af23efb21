from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.fields import PeopleChoiceField, PersonChoiceField
from samsyn.accounts.models import Organisation, Role, User
from samsyn.improvement import selectors
from samsyn.improvement.models import (
    Area,
    CycleStep,
    Evidence,
    GroupSession,
    Measure,
    Project,
    Report,
    SchoolForm,
    SupervisionGroup,
    SupervisionSession,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


PersonChoice = PeopleChoiceField


class ProjectForm(forms.ModelForm):
    dimension_code = forms.ChoiceField(label=_("Framework dimension"), required=False)
    staff = PersonChoice(
        queryset=None,
        required=False,
        label=_("Staff group"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The people of the school who take part."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "school_form",
            "area",
            "dimension_code",
            "analysis",
            "area_description",
            "question",
            "methods",
            "staff",
            "starts_on",
            "ends_on",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = selectors.staff_choices_unscoped(school)
        self.fields["dimension_code"].choices = [
            ("", _("None in particular")),
            *selectors.dimension_choices(),
        ]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end comes before the start."))
        return data


class EvidenceForm(forms.Form):
    """One link to evidence the school has: pick exactly one of the three lists."""

    indicator = forms.ChoiceField(label=_("Indicator trend"), required=False)
    round = forms.ModelChoiceField(
        queryset=None, label=_("Observation round"), required=False, empty_label="—"
    )
    survey = forms.ModelChoiceField(
        queryset=None, label=_("Survey"), required=False, empty_label="—"
    )
    note = forms.CharField(
        label=_("What it shows"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_names = dict(selectors.indicator_choices_unscoped(school))
        self.fields["indicator"].choices = [("", "—"), *self.indicator_names.items()]
        self.fields["round"].queryset = selectors.round_choices_unscoped(school)
        self.fields["survey"].queryset = selectors.survey_choices_unscoped(school)

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("indicator", "round", "survey") if data.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(
                _("Choose one indicator, one observation round or one survey.")
            )
        name = chosen[0]
        if name == "indicator":
            code = data["indicator"]
            data["link"] = {
                "kind": Evidence.Kind.INDICATOR,
                "indicator_code": code,
                "label": self.indicator_names[code],
            }
        else:
            obj = data[name]
            data["link"] = {
                "kind": Evidence.Kind.ROUND if name == "round" else Evidence.Kind.SURVEY,
                name: obj,
                "label": str(obj.name if name == "round" else obj.title),
            }
        return data


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "name",
            "source",
            "baseline",
            "target",
            "measured_on",
            "outcome",
            "n",
            "interval_low",
            "interval_high",
        ]
        widgets = {"measured_on": DATE}

    def clean(self):
        data = super().clean()
        low, high = data.get("interval_low"), data.get("interval_high")
        if (low is None) != (high is None):
            self.add_error("interval_high", _("Give both ends of the interval, or neither."))
        elif low is not None and high < low:
            self.add_error("interval_high", _("The upper end is below the lower end."))
        return data


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Project.Phase.choices)
    on = forms.DateField(label=_("From"), widget=DATE, initial=timezone.localdate)


class SessionForm(forms.ModelForm):
    participants = PersonChoice(
        queryset=None, required=False, label=_("Participants"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SupervisionSession
        fields = [
            "held_on",
            "kind",
            "participants",
            "other_participants",
            "notes",
            "decisions",
            "literature",
        ]
        widgets = {"held_on": DATE}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = selectors.participant_choices_unscoped(project)
        self.fields["held_on"].initial = timezone.localdate()


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class GroupChoiceForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=None,
        label=_("Supervision group"),
        required=False,
        empty_label=_("No supervision group"),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = selectors.groups_for_school_unscoped(school)
        self.fields["group"].label_from_instance = lambda g: (
            f"{g.name} ({g.supervisor.full_name or g.supervisor.email})"
        )


class GroupForm(forms.ModelForm):
    class Meta:
        model = SupervisionGroup
        fields = ["name"]


class GroupSessionForm(forms.ModelForm):
    class Meta:
        model = GroupSession
        fields = ["planned_on", "place", "agenda"]
        widgets = {"planned_on": DATE, "agenda": forms.Textarea(attrs={"rows": 3})}


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["language", "summary", *Report.SECTIONS]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6}) for name in ["summary", *Report.SECTIONS]
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("changes", _("Ask for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the author"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class PublishForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "As the author, I agree that the report is published in the library, readable by "
            "everyone who uses Samsyn."
        ),
        required=True,
    )


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    school_form = forms.ChoiceField(
        label=_("School form"), required=False, choices=[("", _("All")), *SchoolForm.choices]
    )
    area = forms.ChoiceField(
        label=_("Area"), required=False, choices=[("", _("All")), *Area.choices]
    )
    dimension = forms.ChoiceField(label=_("Framework dimension"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = [("", _("All")), *selectors.dimension_choices()]


class CycleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    template = forms.BooleanField(
        label=_("Start from the usual year wheel (follow-up, analysis, planning, implementation)"),
        required=False,
        initial=True,
    )


class StepForm(forms.ModelForm):
    responsible = PersonChoiceField(queryset=None, required=False, label=_("Responsible"))

    class Meta:
        model = CycleStep
        fields = [
            "kind",
            "title",
            "description",
            "deadline",
            "responsible",
            "every_school",
            "school",
        ]
        widgets = {"deadline": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        from samsyn.improvement.cycle import schools_of

        schools = schools_of(cycle.owner)
        self.fields["school"].queryset = Organisation.objects.filter(pk__in=[s.pk for s in schools])
        # The owner's people and the schools' principals.
        self.fields["responsible"].queryset = (
            User.objects.filter(is_active=True)
            .filter(
                Q(memberships__organisation=cycle.owner)
                | Q(
                    memberships__organisation__in=schools,
                    memberships__role=Role.PRINCIPAL,
                )
            )
            .distinct()
            .order_by("full_name")
        )
        self.cycle = cycle

    def clean(self):
        data = super().clean()
        deadline = data.get("deadline")
        if deadline and deadline.year != self.cycle.year:
            self.add_error("deadline", _("The deadline must fall within the cycle's year."))
        if data.get("school") and data.get("every_school"):
            self.add_error("every_school", _("A step is either one school's or every school's."))
        return data


class StepStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CycleStep.Status.choices)
    outcome = forms.CharField(
        label=_("What was done and concluded"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StepEvidenceForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    round = forms.ModelChoiceField(
        queryset=None, label=_("Observation round"), required=False, empty_label="—"
    )
    workshop = forms.ModelChoiceField(
        queryset=None, label=_("Data workshop"), required=False, empty_label="—"
    )
    project = forms.ModelChoiceField(
        queryset=None, label=_("Development project"), required=False, empty_label="—"
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        from samsyn.improvement.cycle import evidence_choices

        choices = evidence_choices(owner)
        self.indicator_names = dict(choices["indicators"])
        self.fields["indicator"].choices = [("", "—"), *choices["indicators"]]
        self.fields["round"].queryset = choices["rounds"]
        self.fields["workshop"].queryset = choices["workshops"]
        self.fields["project"].queryset = choices["projects"]

    def clean(self):
        data = super().clean()
        chosen = [n for n in ("indicator", "round", "workshop", "project") if data.get(n)]
        if len(chosen) != 1:
            raise forms.ValidationError(
                _("Choose one indicator, observation round, data workshop or project.")
            )
        name = chosen[0]
        if name == "indicator":
            data["link"] = {
                "kind": "indicator",
                "indicator_code": data["indicator"],
                "label": self.indicator_names[data["indicator"]],
            }
        else:
            obj = data[name]
            data["link"] = {
                "kind": name,
                name: obj,
                "label": str(getattr(obj, "name", None) or obj.title),
            }
        return data
