"""Forms for data protection pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.fields import PersonChoiceField
from samsyn.accounts.models import Language, Organisation
from samsyn.observations.models import Round
from samsyn.privacy import registry, research, selectors, services
from samsyn.privacy.models import RetentionSetting, SubjectRequest


class RetentionForm(forms.Form):
    """One row per record type: months (empty = no period) and what happens after."""

    def __init__(self, *args, owner: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        stored = selectors.settings_for_unscoped(owner)
        for key, entry in registry.RECORD_TYPES.items():
            setting = stored.get(key)
            self.fields[f"{key}__months"] = forms.IntegerField(
                label=_("%(type)s: months") % {"type": entry.label},
                required=False,
                min_value=1,
                max_value=600,
                initial=setting.months if setting else None,
                help_text=_("Empty: kept until removed by hand (suggested: %(n)s).")
                % {"n": entry.default_months},
            )
            self.fields[f"{key}__action"] = forms.ChoiceField(
                label=_("%(type)s: after the period") % {"type": entry.label},
                choices=RetentionSetting.Action.choices,
                initial=setting.action if setting else RetentionSetting.Action.DELETE,
            )

    def rows(self):
        for key, entry in registry.RECORD_TYPES.items():
            yield entry, self[f"{key}__months"], self[f"{key}__action"]


class PersonExportForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=None)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("pdf", _("Readable (PDF)")), ("json", _("Machine-readable (JSON)"))],
    )

    def __init__(self, *args, owner: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = selectors.people_of_owner_unscoped(owner)


class SubjectRequestForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind of request"), choices=SubjectRequest.Kind.choices)
    scope = forms.MultipleChoiceField(
        label=_("What to erase"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For erasure requests."),
    )
    full_name = forms.CharField(
        label=_("Corrected name"), required=False, max_length=200, help_text=_("For rectification.")
    )
    email = forms.EmailField(label=_("Corrected e-mail address"), required=False)
    language = forms.ChoiceField(
        label=_("Corrected language"),
        required=False,
        choices=[("", "—"), *Language.choices],
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, owner: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = selectors.people_of_owner_unscoped(owner)
        self.fields["scope"].choices = services.erasure_scopes()

    def clean(self):
        data = super().clean()
        if data.get("kind") == SubjectRequest.Kind.ERASURE and not data.get("scope"):
            self.add_error("scope", _("Choose what to erase."))
        if data.get("kind") == SubjectRequest.Kind.RECTIFICATION:
            changes = [
                {"field": name, "new": data[name]}
                for name in services.RECTIFIABLE_FIELDS
                if data.get(name)
            ]
            if not changes:
                self.add_error("full_name", _("Enter at least one corrected value."))
            data["changes"] = changes
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ResearchReviewForm(ReviewForm):
    notes_approved = forms.BooleanField(
        label=_("Include free-text notes (evidence notes and teachers' comments)"), required=False
    )


class ResearchRequestForm(forms.Form):
    project = forms.CharField(
        label=_("Project"),
        max_length=120,
        help_text=_("Exports of the same project share pseudonyms; other projects get others."),
    )
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    rounds = forms.ModelMultipleChoiceField(
        label=_("Rounds"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    fields = forms.MultipleChoiceField(
        label=_("Fields besides the ratings"),
        required=False,
        choices=list(research.FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    notes_requested = forms.BooleanField(
        label=_("Also ask for free-text notes (the owner decides)"), required=False
    )

    def __init__(self, *args, owner: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        ids = selectors.owner_org_ids_unscoped(owner)
        self.fields["rounds"].queryset = Round.objects.filter(
            organisation_id__in=ids, is_peer=False
        ).order_by("-starts_on", "name")
        self.fields["schools"].queryset = Organisation.objects.filter(
            pk__in=ids, kind=Organisation.Kind.SCHOOL
        ).order_by("name")
