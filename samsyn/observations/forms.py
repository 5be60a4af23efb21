from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.fields import person_choices
from samsyn.accounts.models import Role
from samsyn.observations import selectors
from samsyn.observations.models import Round


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of round"), choices=Round.Kind.choices)
    framework_version = forms.ChoiceField(label=_("Framework"))
    starts_on = forms.DateField(label=_("First day"), widget=DateInput)
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput)
    target_lessons = forms.IntegerField(
        label=_("Lessons to observe per teacher"), min_value=1, max_value=20, initial=2
    )
    release_mode = forms.ChoiceField(
        label=_("Release to teachers"),
        choices=Round.Release.choices,
        widget=forms.RadioSelect,
        initial=Round.Release.BY_OBSERVER,
    )
    ask_proposals = forms.BooleanField(
        label=_("Ask each teacher to propose a lesson and a focus dimension beforehand"),
        required=False,
    )
    schools = forms.MultipleChoiceField(label=_("Schools"), widget=forms.CheckboxSelectMultiple)
    teachers = forms.MultipleChoiceField(
        label=_("Teachers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone who teaches at the chosen schools is selected; untick to leave out."),
    )
    observers = forms.MultipleChoiceField(label=_("Observers"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.versions = {str(v.pk): v for v in selectors.published_versions_for(user)}
        self.fields["framework_version"].choices = [
            (pk, f"{v.name} (v{v.number})") for pk, v in self.versions.items()
        ]
        self.school_objects = {str(s.pk): s for s in selectors.schools_under_unscoped(organisation)}
        self.fields["schools"].choices = [(pk, s.name) for pk, s in self.school_objects.items()]
        schools = list(self.school_objects.values())
        self.teacher_objects = {
            str(u.pk): u for u in selectors.people_with_role_unscoped(schools, [Role.TEACHER])
        }
        self.fields["teachers"].choices = person_choices(self.teacher_objects.values())
        # Coaches employed by the owner observe too: look one level up from a school.
        owner = organisation.parent if organisation.kind == "school" else organisation
        self.observer_objects = {
            str(u.pk): u
            for u in selectors.people_with_role_unscoped(
                schools, [Role.OBSERVER, Role.PRINCIPAL], extra_orgs=[owner] if owner else []
            )
        }
        self.fields["observers"].choices = person_choices(self.observer_objects.values())
        if not self.is_bound:
            self.initial.setdefault("schools", list(self.school_objects))
            self.initial.setdefault("teachers", list(self.teacher_objects))

    def clean(self):
        cleaned = super().clean()
        if "framework_version" in cleaned:
            cleaned["framework_version"] = self.versions[cleaned["framework_version"]]
        for name, objects in (
            ("schools", self.school_objects),
            ("teachers", self.teacher_objects),
            ("observers", self.observer_objects),
        ):
            if name in cleaned:
                cleaned[name] = [objects[pk] for pk in cleaned[name]]
        return cleaned


class AssignmentForm(forms.Form):
    observer = forms.ChoiceField(label=_("Observer"))
    planned_at = forms.DateTimeField(label=_("Planned for"), required=False, widget=DateTimeInput)
    subject = forms.CharField(label=_("Subject"), max_length=100, required=False)
    group_name = forms.CharField(label=_("Group or class"), max_length=60, required=False)
    grade = forms.CharField(label=_("Grade"), max_length=20, required=False)

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.observers = {
            str(e.observer_id): e.observer
            for e in round_.round_observers.select_related("observer")
        }
        self.fields["observer"].choices = person_choices(self.observers.values())

    def clean_observer(self):
        return self.observers[self.cleaned_data["observer"]]


class ProposalForm(forms.Form):
    proposed_lesson = forms.CharField(
        label=_("Which lesson would you like to be observed?"),
        help_text=_("For example the day, the group and what the lesson is about."),
        max_length=300,
        required=False,
    )
    focus_dimension = forms.ChoiceField(
        label=_("Your own focus: which dimension would you like feedback on?"), required=False
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = {
            str(d.pk): d for d in round_.framework_version.dimensions.order_by("order")
        }
        self.fields["focus_dimension"].choices = [("", _("No particular focus"))] + [
            (pk, d.name) for pk, d in self.dimensions.items()
        ]

    def clean_focus_dimension(self):
        value = self.cleaned_data["focus_dimension"]
        return self.dimensions.get(value) if value else None


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it reopened?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


NOT_OBSERVED = "none"


class RatingSheetForm(forms.Form):
    """One radio group per dimension of a framework version: a step, or "not observed"."""

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = list(version.dimensions.order_by("order").prefetch_related("steps"))
        for dimension in self.dimensions:
            self.fields[f"dim_{dimension.pk}"] = forms.ChoiceField(
                label=f"{dimension.order}. {dimension.name}",
                choices=[(str(s.pk), f"{s.order}. {s.label}") for s in dimension.steps.all()]
                + [(NOT_OBSERVED, _("Not observed"))],
                widget=forms.RadioSelect,
            )

    def ratings(self) -> dict[int, int | None]:
        return {
            d.pk: (
                None
                if self.cleaned_data[f"dim_{d.pk}"] == NOT_OBSERVED
                else int(self.cleaned_data[f"dim_{d.pk}"])
            )
            for d in self.dimensions
        }


class ExerciseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    framework_version = forms.ChoiceField(label=_("Framework"))
    lesson_description = forms.CharField(
        label=_("The lesson, described"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("What happened in the lesson, in enough detail to rate it. Or give a video."),
    )
    video_url = forms.URLField(
        label=_("Video of the lesson (link)"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {str(v.pk): v for v in selectors.published_versions_for(user)}
        self.fields["framework_version"].choices = [
            (pk, f"{v.name} (v{v.number})") for pk, v in self.versions.items()
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("lesson_description") and not cleaned.get("video_url"):
            self.add_error(
                "lesson_description", _("Describe the lesson, or give a link to a video.")
            )
        if "framework_version" in cleaned:
            cleaned["framework_version"] = self.versions[cleaned["framework_version"]]
        return cleaned
