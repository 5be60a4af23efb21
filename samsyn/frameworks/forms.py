from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.frameworks import format as fmt
from samsyn.frameworks.models import Dimension, Framework

LANGUAGE_CHOICES = [("sv", _("Swedish")), ("en", _("English"))]
GLOBAL = ""


def organisation_choices(organisations, *, allow_global: bool) -> list[tuple[str, str]]:
    choices = [(str(org.pk), org.name) for org in organisations]
    if allow_global:
        choices.insert(0, (GLOBAL, _("Everyone (a global framework)")))
    return choices


class OwnerChoiceMixin(forms.Form):
    organisation = forms.ChoiceField(
        label=_("Belongs to"),
        required=False,
        help_text=_("Who may use the framework: your organisation and those below it."),
    )

    def __init__(self, *args, organisations, allow_global: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(org.pk): org for org in organisations}
        self.fields["organisation"].choices = organisation_choices(
            organisations, allow_global=allow_global
        )

    def clean_organisation(self):
        value = self.cleaned_data["organisation"]
        if value == GLOBAL:
            if not any(key == GLOBAL for key, _label in self.fields["organisation"].choices):
                raise forms.ValidationError(_("Choose an organisation."))
            return None
        return self.organisations[value]


class ImportForm(OwnerChoiceMixin):
    file = forms.FileField(
        label=_("Framework file (JSON)"),
        help_text=_("The format is described in the documentation (framework.schema.json)."),
    )


class FrameworkCreateForm(OwnerChoiceMixin):
    slug = forms.SlugField(
        label=_("Identifier"),
        max_length=80,
        help_text=_("Lowercase letters, digits and hyphens, e.g. reading-lessons. Cannot change."),
    )
    name_sv = forms.CharField(label=_("Name (Swedish)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug in fmt.RESERVED_SLUGS or not fmt.SLUG.match(slug):
            raise forms.ValidationError(_("Choose another identifier."))
        if Framework.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A framework with this identifier already exists."))
        return slug

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name_sv") and not cleaned.get("name_en"):
            self.add_error("name_sv", _("Give a name in at least one language."))
        return cleaned


class VersionForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages of this framework"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every text must be given in each chosen language before publishing."),
    )
    name_sv = forms.CharField(label=_("Name (Swedish)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description_sv = forms.CharField(
        label=_("Description (Swedish)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DimensionCreateForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Short and stable, e.g. feedback. It links results across versions."),
    )
    name_sv = forms.CharField(label=_("Name (Swedish)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    steps = forms.IntegerField(
        label=_("Number of steps"), min_value=fmt.MIN_STEPS, max_value=fmt.MAX_STEPS, initial=4
    )

    def __init__(self, *args, version, **kwargs):
        self.version = version
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        if self.version.dimensions.filter(code=code).exists():
            raise forms.ValidationError(_("Another dimension already has this code."))
        return code


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class DimensionForm(forms.Form):
    """A dimension with all its steps and their criteria (one criterion per line)."""

    name_sv = forms.CharField(label=_("Name (Swedish)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    short_name_sv = forms.CharField(label=_("Short name (Swedish)"), max_length=60, required=False)
    short_name_en = forms.CharField(label=_("Short name (English)"), max_length=60, required=False)
    description_sv = forms.CharField(
        label=_("Description (Swedish)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    references = forms.CharField(
        label=_("Research references"),
        help_text=_("One reference per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, dimension: Dimension, **kwargs):
        self.dimension = dimension
        self.step_objects = list(dimension.steps.order_by("order").prefetch_related("criteria"))
        initial = {
            name: getattr(dimension, name)
            for name in (
                "name_sv",
                "name_en",
                "short_name_sv",
                "short_name_en",
                "description_sv",
                "description_en",
            )
        }
        initial["references"] = "\n".join(dimension.references or [])
        for step in self.step_objects:
            n = step.order
            criteria = list(step.criteria.all())
            initial.update(
                {
                    f"step{n}_label_sv": step.label_sv,
                    f"step{n}_label_en": step.label_en,
                    f"step{n}_description_sv": step.description_sv,
                    f"step{n}_description_en": step.description_en,
                    f"step{n}_criteria_sv": "\n".join(c.text_sv for c in criteria),
                    f"step{n}_criteria_en": "\n".join(c.text_en for c in criteria),
                }
            )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for step in self.step_objects:
            n = step.order
            for lang, language in (("sv", _("Swedish")), ("en", _("English"))):
                self.fields[f"step{n}_label_{lang}"] = forms.CharField(
                    label=_("Step %(n)d: label (%(language)s)") % {"n": n, "language": language},
                    max_length=120,
                    required=False,
                )
                self.fields[f"step{n}_description_{lang}"] = forms.CharField(
                    label=_("Step %(n)d: description (%(language)s)")
                    % {"n": n, "language": language},
                    widget=forms.Textarea(attrs={"rows": 2}),
                    required=False,
                )
                self.fields[f"step{n}_criteria_{lang}"] = forms.CharField(
                    label=_("Step %(n)d: observable criteria (%(language)s)")
                    % {"n": n, "language": language},
                    help_text=_("One criterion per line: something an observer can see or hear."),
                    widget=forms.Textarea(attrs={"rows": 4}),
                    required=False,
                )

    def step_groups(self):
        """Bound fields per step, for the template."""
        return [
            {
                "order": step.order,
                "fields": [
                    self[f"step{step.order}_{part}_{lang}"]
                    for part in ("label", "description", "criteria")
                    for lang in ("sv", "en")
                ],
            }
            for step in self.step_objects
        ]

    def clean(self):
        cleaned = super().clean()
        for step in self.step_objects:
            n = step.order
            sv = _lines(cleaned.get(f"step{n}_criteria_sv", ""))
            en = _lines(cleaned.get(f"step{n}_criteria_en", ""))
            if sv and en and len(sv) != len(en):
                self.add_error(
                    f"step{n}_criteria_en",
                    _(
                        "Give as many criteria in English as in Swedish (%(sv)d), one per line, "
                        "in the same order."
                    )
                    % {"sv": len(sv)},
                )
        return cleaned

    def service_arguments(self) -> tuple[dict, list[dict]]:
        data = self.cleaned_data
        fields = {
            name: data[name].strip()
            for name in (
                "name_sv",
                "name_en",
                "short_name_sv",
                "short_name_en",
                "description_sv",
                "description_en",
            )
        }
        fields["references"] = _lines(data["references"])
        steps = []
        for step in self.step_objects:
            n = step.order
            sv = _lines(data[f"step{n}_criteria_sv"])
            en = _lines(data[f"step{n}_criteria_en"])
            count = max(len(sv), len(en))
            steps.append(
                {
                    "label_sv": data[f"step{n}_label_sv"],
                    "label_en": data[f"step{n}_label_en"],
                    "description_sv": data[f"step{n}_description_sv"],
                    "description_en": data[f"step{n}_description_en"],
                    "criteria": [
                        {
                            "sv": sv[i] if i < len(sv) else "",
                            "en": en[i] if i < len(en) else "",
                        }
                        for i in range(count)
                    ],
                }
            )
        return fields, steps
