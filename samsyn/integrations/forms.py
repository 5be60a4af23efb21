from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import Organisation, Role
from samsyn.integrations.models import Scope
from samsyn.integrations.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS
from samsyn.lib.outbound import validate_public_url


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Timetable sync”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
    )


class SsoProviderForm(forms.Form):
    name = forms.CharField(label=_("Name shown on the login page"), max_length=100)
    issuer = forms.URLField(
        label=_("Issuer URL"),
        max_length=300,
        assume_scheme="https",
        help_text=_("Samsyn reads <issuer>/.well-known/openid-configuration."),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=300)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    email_domains = forms.CharField(
        label=_("Allowed e-mail domains"),
        max_length=500,
        help_text=_("Comma-separated, e.g. ekbacka.se, skola.ekbacka.se."),
    )
    is_active = forms.BooleanField(label=_("Offer on the login page"), required=False)

    def __init__(self, *args, has_secret: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret
        self.fields["client_secret"].help_text = (
            _("A secret is stored. Leave empty to keep it; it is never shown again.")
            if has_secret
            else _("Stored for the token request; never shown again.")
        )

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"]
        validate_public_url(issuer, field=str(self.fields["issuer"].label))
        return issuer

    def clean_client_secret(self) -> str:
        secret = self.cleaned_data["client_secret"]
        if not secret and not self.has_secret:
            raise forms.ValidationError(_("Give the client secret from the identity provider."))
        return secret


class SsoRuleForm(forms.Form):
    claim = forms.CharField(
        label=_("Claim"),
        max_length=100,
        required=False,
        help_text=_("e.g. groups or department; empty: everyone who logs in."),
    )
    value = forms.CharField(label=_("Value"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        ).order_by("kind", "name")
        self.fields["role"].choices = [
            (r, label) for r, label in Role.choices if r != Role.NETWORK_COORDINATOR
        ]


class SsoEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
