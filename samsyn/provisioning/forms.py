from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.lib.outbound import validate_public_url

MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("SS 12000 JSON export or CSV file"),
        help_text=_("A .json file from your staff system, or the CSV template filled in."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ApiForm(forms.Form):
    base_url = forms.URLField(
        label=_("Address of the SS 12000 API"),
        help_text=_("For example https://skolsystem.kommun.se/ss12000/v2"),
        assume_scheme="https",
    )
    token = forms.CharField(
        label=_("Access token"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Used for this reading only; it is not stored."),
    )

    def clean_base_url(self) -> str:
        url = self.cleaned_data["base_url"]
        validate_public_url(url, field=str(self.fields["base_url"].label))
        return url


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_code = forms.CharField(
        label=_("School unit code"),
        max_length=8,
        required=False,
        help_text=_("Skolverket's eight-digit code; unique, so the school is found on import."),
    )
    municipality_code = forms.CharField(
        label=_("Municipality code"),
        max_length=4,
        required=False,
        help_text=_("Four digits, e.g. 1380; the owner's code when left empty."),
    )


class RoundEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    observers = forms.MultipleChoiceField(
        label=_("Observers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A removed observer's visits without an observation are dropped."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(u.pk): u for u in candidates}
        self.fields["observers"].choices = [(pk, u.full_name) for pk, u in self.candidates.items()]

    def clean_observers(self):
        return [self.candidates[pk] for pk in self.cleaned_data["observers"]]


class PickForm(forms.Form):
    """Choose one object from a given list (a school, a person)."""

    choice = forms.ChoiceField()

    def __init__(self, *args, objects, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.objects = {str(o.pk): o for o in objects}
        self.fields["choice"].label = label
        self.fields["choice"].choices = [(pk, str(o)) for pk, o in self.objects.items()]

    def clean_choice(self):
        return self.objects[self.cleaned_data["choice"]]


class ConflictForm(forms.Form):
    user = forms.ChoiceField(label=_("Reviewer"))
    school = forms.ChoiceField(label=_("School they must not review"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, people, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(u.pk): u for u in people}
        self.schools = {str(s.pk): s for s in schools}
        self.fields["user"].choices = [(pk, u.full_name) for pk, u in self.people.items()]
        self.fields["school"].choices = [(pk, s.name) for pk, s in self.schools.items()]

    def clean(self):
        cleaned = super().clean()
        if "user" in cleaned:
            cleaned["user"] = self.people[cleaned["user"]]
        if "school" in cleaned:
            cleaned["school"] = self.schools[cleaned["school"]]
        return cleaned
