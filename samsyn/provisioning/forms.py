from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
