from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.observations.forms import DateTimeInput


class ProposeForm(forms.Form):
    same_subject_area = forms.BooleanField(
        label=_("Only teachers of the same subject area in a triad"), required=False
    )
    same_grade_span = forms.BooleanField(
        label=_("Only teachers of the same grade span in a triad"), required=False
    )


class MoveForm(forms.Form):
    NEW = "new"
    teacher = forms.ChoiceField(label=_("Teacher"))
    to = forms.ChoiceField(label=_("Move to"))

    def __init__(self, *args, teachers, triads, **kwargs):
        super().__init__(*args, **kwargs)
        self.teachers = {str(t.pk): t for t in teachers}
        self.triads = {str(t.pk): t for t in triads}
        self.fields["teacher"].choices = [(pk, t.full_name) for pk, t in self.teachers.items()]
        self.fields["to"].choices = [
            (pk, _("Triad %(number)d") % {"number": t.number}) for pk, t in self.triads.items()
        ] + [(self.NEW, _("A new triad"))]

    def clean_teacher(self):
        return self.teachers[self.cleaned_data["teacher"]]

    def clean_to(self):
        value = self.cleaned_data["to"]
        return None if value == self.NEW else self.triads[value]


class SaveForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the set"),
        max_length=100,
        help_text=_("For example the term: HT 2026."),
    )


class DetailsForm(forms.Form):
    subject_area = forms.CharField(label=_("Subject area"), max_length=60, required=False)
    grade_span = forms.CharField(label=_("Grade span"), max_length=30, required=False)
    line_manager = forms.ChoiceField(label=_("Line manager"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["line_manager"].choices = [("", _("None"))] + [
            (pk, p.full_name) for pk, p in self.people.items()
        ]

    def clean_line_manager(self):
        value = self.cleaned_data["line_manager"]
        return self.people.get(value) if value else None


class PeerVisitForm(forms.Form):
    observer = forms.ChoiceField(label=_("Observer"))
    teacher = forms.ChoiceField(label=_("Whose lesson"))
    planned_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput)
    subject = forms.CharField(label=_("Subject"), max_length=100, required=False)
    group_name = forms.CharField(label=_("Group or class"), max_length=60, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        choices = [(pk, m.full_name) for pk, m in self.members.items()]
        self.fields["observer"].choices = choices
        self.fields["teacher"].choices = choices

    def clean_observer(self):
        return self.members[self.cleaned_data["observer"]]

    def clean_teacher(self):
        return self.members[self.cleaned_data["teacher"]]

    def clean_planned_at(self):
        value = self.cleaned_data["planned_at"]
        if value and value.date() < timezone.localdate():
            raise forms.ValidationError(_("Choose a time today or later."))
        return value
