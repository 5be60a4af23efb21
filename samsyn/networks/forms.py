"""Forms of the networks pages; field errors name the field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.fields import PeopleChoiceField, PersonChoiceField
from samsyn.accounts.models import Organisation, User
from samsyn.networks.models import (
    Estimate,
    FollowUpAction,
    NetworkSettings,
    ReviewHeading,
    ShareScope,
)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NetworkSettings
        fields = ["reviews_per_year", "team_size", "max_reviews_per_person", "default_share"]

    def clean_reviews_per_year(self):
        value = self.cleaned_data["reviews_per_year"]
        if not 1 <= value <= 4:
            raise forms.ValidationError(_("Choose between 1 and 4 reviews a year."))
        return value

    def clean_team_size(self):
        value = self.cleaned_data["team_size"]
        if not 1 <= value <= 6:
            raise forms.ValidationError(_("Choose between 1 and 6 reviewers."))
        return value

    def clean_max_reviews_per_person(self):
        value = self.cleaned_data["max_reviews_per_person"]
        if not 1 <= value <= 6:
            raise forms.ValidationError(_("Choose between 1 and 6 reviews."))
        return value


class HubForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    hub_school = forms.ModelChoiceField(label=_("Hub school"), queryset=Organisation.objects.none())
    schools = forms.ModelMultipleChoiceField(
        label=_("Member schools"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    coordinators = PeopleChoiceField(
        label=_("Hub coordinators"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leaders of the hub's schools who coordinate its reviews."),
    )

    def __init__(self, *args, schools, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub_school"].queryset = schools
        self.fields["schools"].queryset = schools
        self.fields["coordinators"].queryset = people


class HeadingForm(forms.ModelForm):
    class Meta:
        model = ReviewHeading
        fields = ["order", "title_sv", "title_en", "guidance_sv", "guidance_en", "is_active"]
        widgets = {
            "guidance_sv": forms.Textarea(attrs={"rows": 3}),
            "guidance_en": forms.Textarea(attrs={"rows": 3}),
        }


class ReviewCreateForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    visit_starts_on = forms.DateField(
        label=_("First day of the visit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    visit_ends_on = forms.DateField(
        label=_("Last day of the visit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["year"].initial = timezone.localdate().year


ESTIMATE_CHOICES = [("", _("Not yet estimated")), *Estimate.choices]


class SelfEvaluationForm(forms.Form):
    excellence_title = forms.CharField(
        label=_("Proposed area of excellence"), max_length=200, required=False
    )
    excellence_description = forms.CharField(
        label=_("What the school does there, and how you know it works"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, evaluations, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluations = evaluations
        for evaluation in evaluations:
            key = evaluation.heading_id
            self.fields[f"estimate_{key}"] = forms.ChoiceField(
                label=_("Our estimate"),
                choices=ESTIMATE_CHOICES,
                required=False,
                initial=evaluation.self_estimate,
            )
            self.fields[f"text_{key}"] = forms.CharField(
                label=_("Our self-evaluation"),
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                initial=evaluation.self_evaluation,
            )

    def sections(self):
        return [
            (e, self[f"estimate_{e.heading_id}"], self[f"text_{e.heading_id}"])
            for e in self.evaluations
        ]

    def entries(self) -> dict[int, tuple[str, str]]:
        return {
            e.heading_id: (
                self.cleaned_data[f"estimate_{e.heading_id}"],
                self.cleaned_data[f"text_{e.heading_id}"],
            )
            for e in self.evaluations
        }


class TeamForm(forms.Form):
    members = PeopleChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    lead = PersonChoiceField(label=_("Team lead"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = people
        self.fields["lead"].queryset = people


class VisitForm(forms.Form):
    framework_version = forms.ModelChoiceField(label=_("Framework"), queryset=None)
    starts_on = forms.DateField(
        label=_("First day of the visit"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day of the visit"), widget=forms.DateInput(attrs={"type": "date"})
    )
    teachers = PeopleChoiceField(
        label=_("Teachers whose lessons are observed"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ask the teachers first: they take part by agreement."),
    )
    colleague = PersonChoiceField(
        label=_("Colleague of the school who observes beside the reviewers"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args, versions, teachers, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_version"].queryset = versions
        self.fields["teachers"].queryset = teachers
        self.fields["colleague"].queryset = colleagues

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


class AgreementForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the review"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    excellence_confirmed = forms.BooleanField(
        label=_("The team confirms the proposed area of excellence"), required=False
    )

    def __init__(self, *args, evaluations, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluations = evaluations
        for e in evaluations:
            key = e.heading_id
            self.fields[f"agreed_{key}"] = forms.ChoiceField(
                label=_("Agreed estimate"),
                choices=ESTIMATE_CHOICES,
                required=False,
                initial=e.agreed_estimate,
            )
            for name, label in (
                ("evidence", _("Evidence")),
                ("went_well", _("What went well")),
                ("even_better_if", _("Even better if")),
            ):
                self.fields[f"{name}_{key}"] = forms.CharField(
                    label=label,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    required=False,
                    initial=getattr(e, name),
                )

    def sections(self):
        return [
            (
                e,
                self[f"agreed_{e.heading_id}"],
                [self[f"{n}_{e.heading_id}"] for n in ("evidence", "went_well", "even_better_if")],
            )
            for e in self.evaluations
        ]

    def entries(self) -> dict[int, dict[str, str]]:
        return {
            e.heading_id: {
                "agreed_estimate": self.cleaned_data[f"agreed_{e.heading_id}"],
                "evidence": self.cleaned_data[f"evidence_{e.heading_id}"],
                "went_well": self.cleaned_data[f"went_well_{e.heading_id}"],
                "even_better_if": self.cleaned_data[f"even_better_if_{e.heading_id}"],
            }
            for e in self.evaluations
        }


class ShareForm(forms.Form):
    scope = forms.ChoiceField(label=_("Share the report with"), choices=ShareScope.choices)
    schools = forms.ModelMultipleChoiceField(
        label=_("Also share with these schools"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    heading = forms.ModelChoiceField(
        label=_("Heading"), queryset=ReviewHeading.objects.none(), required=False
    )
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    due_on = forms.DateField(
        label=_("To be done by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, headings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heading"].queryset = headings


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpAction.Status.choices)
    outcome = forms.CharField(
        label=_("What came of it"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


def default_visit_dates(review) -> tuple[dt.date, dt.date]:
    start = review.visit_starts_on or timezone.localdate()
    return start, review.visit_ends_on or start


class PracticeForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=Organisation.objects.none())
    source = forms.ChoiceField(label=_("Where the practice was found"), choices=())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What the practice is"), widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.CharField(
        label=_("Evidence that it works"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    research = forms.CharField(
        label=_("Related research"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("References or links, one a line."),
    )
    dimension_code = forms.ChoiceField(label=_("Framework dimension"), required=False, choices=())
    heading = forms.ModelChoiceField(
        label=_("Review heading"), queryset=ReviewHeading.objects.none(), required=False
    )
    teacher = PersonChoiceField(
        label=_("Teacher (optional)"), queryset=User.objects.none(), required=False
    )
    teacher_consents = forms.BooleanField(
        label=_("The teacher agrees to be listed in the network's directory"), required=False
    )

    def __init__(self, *args, schools, headings, teachers, dimensions, **kwargs):
        from samsyn.networks.models import Practice

        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["source"].choices = Practice.Source.choices
        self.fields["heading"].queryset = headings
        self.fields["teacher"].queryset = teachers
        self.fields["dimension_code"].choices = [("", _("None")), *dimensions]


class VisitRequestForm(forms.Form):
    from_school = forms.ModelChoiceField(
        label=_("Your school"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=_("You ask for"), choices=())
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you would like to learn, and when would suit you."),
    )

    def __init__(self, *args, schools, **kwargs):
        from samsyn.networks.models import VisitRequest

        super().__init__(*args, **kwargs)
        self.fields["from_school"].queryset = schools
        self.fields["kind"].choices = VisitRequest.Kind.choices


class RequestAnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Answer"), choices=())

    def __init__(self, *args, **kwargs):
        from samsyn.networks.models import VisitRequest

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            c for c in VisitRequest.Status.choices if c[0] != VisitRequest.Status.REQUESTED
        ]


class ExchangeCreateForm(forms.Form):
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )
    owners = forms.ModelMultipleChoiceField(
        label=_("Participating school owners"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    development_area = forms.CharField(
        label=_("Development area"), widget=forms.Textarea(attrs={"rows": 3})
    )
    soft_values = forms.CharField(
        label=_("Soft values"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Students' and teachers' experience to follow, e.g. safety, study peace."),
    )

    def __init__(self, *args, organisers, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        self.fields["owners"].queryset = owners


class ExchangeEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )
    development_area = forms.CharField(
        label=_("Development area"), widget=forms.Textarea(attrs={"rows": 3})
    )
    soft_values = forms.CharField(
        label=_("Soft values"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    material = forms.CharField(
        label=_("Shared competence material"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    questions = forms.CharField(
        label=_("Questions for the visits"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    analysis = forms.CharField(
        label=_("Analysis afterwards"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class ExchangeMemberForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=User.objects.none())
    owner = forms.ModelChoiceField(label=_("School owner"), queryset=Organisation.objects.none())
    task = forms.CharField(label=_("Task in the working group"), max_length=200, required=False)

    def __init__(self, *args, people, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["owner"].queryset = owners


class ExchangeVisitForm(forms.Form):
    host = forms.ModelChoiceField(label=_("Host"), queryset=Organisation.objects.none())
    visitors = forms.ModelMultipleChoiceField(
        label=_("Visiting school owners"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    programme = forms.CharField(
        label=_("Programme"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    observations = forms.CharField(
        label=_("Observations and notes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = owners
        self.fields["visitors"].queryset = owners
