"""Forms of the collaboration's groups, decision log and competence efforts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.fields import PeopleChoiceField, PersonChoiceField
from samsyn.accounts.models import User
from samsyn.networks.models import (
    CollaborationGroup,
    CompetenceEffort,
    Exchange,
    GroupAssignment,
    GroupMeeting,
    GroupMember,
)


def _date(label, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label, rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class GroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of group"), choices=CollaborationGroup.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    mandate = _text(_("Mandate"))
    exchange = forms.ModelChoiceField(
        label=_("Exchange period"),
        queryset=Exchange.objects.none(),
        required=False,
        help_text=_("For a working group: the exchange period it carries out."),
    )

    def __init__(self, *args, exchanges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exchange"].queryset = exchanges


class GroupEditForm(forms.Form):
    """A group's name and mandate (its kind and exchange period stay as created)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    mandate = _text(_("Mandate"), rows=5)


class MemberForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(
        label=_("Role in the group"),
        choices=GroupMember.GroupRole.choices,
        initial=GroupMember.GroupRole.MEMBER,
    )
    represents = forms.CharField(
        label=_("Represents"),
        max_length=200,
        required=False,
        help_text=_("E.g. a municipality, the university or the region."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people


class MeetingForm(forms.Form):
    held_on = _date(_("Date"))
    agenda = _text(_("Agenda"))
    minutes = _text(_("Minutes"), rows=4)


class DecisionForm(forms.Form):
    decided_on = _date(_("Date"))
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=GroupMeeting.objects.none(), required=False
    )
    text = _text(_("Decision"), required=True)
    basis = _text(_("Basis for the decision"))
    follow_up = _text(_("Follow-up"), rows=2)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = group.meetings.filter(cancelled_at__isnull=True)


class CorrectionForm(DecisionForm):
    """The corrected decision in full, and why it is corrected."""

    reason = _text(_("Reason for the correction"), rows=2, required=True)


class AssignmentForm(forms.Form):
    to_group = forms.ModelChoiceField(
        label=_("To group"), queryset=CollaborationGroup.objects.none()
    )
    description = _text(_("Assignment"), required=True)
    due_on = _date(_("Due"), required=False)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_group"].queryset = CollaborationGroup.objects.filter(
            network_id=group.network_id
        ).exclude(pk=group.pk)


class AssignmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GroupAssignment.Status.choices)


class EffortForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CompetenceEffort.Kind.choices)
    exchange = forms.ModelChoiceField(
        label=_("Planned from the exchange"), queryset=Exchange.objects.none(), required=False
    )
    need = _text(_("Need from the analysis"))
    starts_on = _date(_("First day"))
    ends_on = _date(_("Last day"))
    material = _text(_("Material"))
    participants = PeopleChoiceField(
        label=_("Participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, exchanges, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exchange"].queryset = exchanges
        self.fields["participants"].queryset = people
        self.fields["material"].help_text = _("Links or text, one item per line.")
