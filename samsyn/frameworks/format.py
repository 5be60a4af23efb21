"""The framework file format ("samsyn-framework", format_version 1): read, check, write.

The JSON Schema in `docs/framework.schema.json` describes the same format for other tools; this
module is what Samsyn itself applies, because it must name the exact place of every problem
(`dimensions[3].steps[2].label.sv: missing`) and check what a schema cannot (unique orders).
Nothing here touches the database except `create_version`, which callers run in a transaction.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

from samsyn.lib import safejson

FORMAT = "samsyn-framework"
FORMAT_VERSION = 1
LANGUAGES = ("sv", "en")
MIN_STEPS, MAX_STEPS = 3, 7
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words the URLs use next to framework slugs.
RESERVED_SLUGS = {"new", "import"}

ROOT_FIELDS = {
    "format",
    "format_version",
    "slug",
    "version",
    "languages",
    "name",
    "description",
    "satisfactory_step",
    "dimensions",
}
DIMENSION_FIELDS = {"code", "order", "name", "short_name", "description", "references", "steps"}
STEP_FIELDS = {"order", "label", "description", "criteria"}


class FrameworkFileError(ValueError):
    """A framework file that cannot be used; `errors` lists every problem with its path."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def _e(path: str, message: str) -> str:
    """One problem: where (the path in the file, never translated) and what, in the reader's
    language (framework authors read these in Swedish or English)."""
    return f"{path}: {message}"


def _unknown_language(code: Any) -> str:
    return _("unknown language %(code)r (expected sv or en)") % {"code": code}


def parse(raw: str | bytes) -> dict[str, Any]:
    """Read and check a framework file; raises FrameworkFileError naming each problem."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FrameworkFileError(
                [_e("(file)", _("not UTF-8 text (byte %(n)s)") % {"n": error.start})]
            ) from None
    try:
        data = safejson.loads(raw)
    except safejson.JsonLimitError as error:
        raise FrameworkFileError([f"(file): {error}"]) from None
    except json.JSONDecodeError as error:
        raise FrameworkFileError(
            [
                _e(
                    "(file)",
                    _("not valid JSON at line %(line)s, column %(col)s: %(msg)s")
                    % {"line": error.lineno, "col": error.colno, "msg": error.msg},
                )
            ]
        ) from None
    bad = safejson.control_character_paths(data)
    if bad:
        raise FrameworkFileError(
            [
                f"{where}: "
                + _("control character %(char)s is not allowed in text") % {"char": char}
                for where, char in bad
            ]
        )
    errors = check(data)
    if errors:
        raise FrameworkFileError(errors)
    return data


def check(data: Any) -> list[str]:
    """Every problem in `data`, each as `path: message`; an empty list means usable."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return [_e("(root)", _("expected a JSON object"))]
    _unknown_fields(data, ROOT_FIELDS, "", errors)
    if data.get("format") != FORMAT:
        errors.append(_e("format", _("expected %(value)s") % {"value": f'"{FORMAT}"'}))
    if data.get("format_version") != FORMAT_VERSION:
        errors.append(_e("format_version", _("expected %(value)s") % {"value": FORMAT_VERSION}))
    slug = data.get("slug")
    if slug is None:
        errors.append(_e("slug", _("missing")))
    elif not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 80:
        errors.append(_e("slug", _("use 1–80 lowercase letters, digits and single hyphens")))
    elif slug in RESERVED_SLUGS:
        errors.append(_e("slug", _("%(slug)r is reserved; choose another") % {"slug": slug}))

    languages = data.get("languages")
    declared: list[str] = []
    if not isinstance(languages, list) or not languages:
        errors.append(_e("languages", _('expected a list such as ["sv", "en"]')))
    else:
        for i, code in enumerate(languages):
            if code not in LANGUAGES:
                errors.append(_e(f"languages[{i}]", _unknown_language(code)))
            elif code in declared:
                errors.append(_e(f"languages[{i}]", _("%(code)r is listed twice") % {"code": code}))
            else:
                declared.append(code)

    _text(data, "name", "", declared, errors, required=True)
    _text(data, "description", "", declared, errors, required=False)

    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        errors.append(_e("dimensions", _("at least one dimension is needed")))
        return errors
    _satisfactory(data, dimensions, errors)
    _unique(dimensions, "order", "dimensions", errors)
    _unique(dimensions, "code", "dimensions", errors)
    for i, dim in enumerate(dimensions):
        path = f"dimensions[{i}]"
        if not isinstance(dim, dict):
            errors.append(_e(path, _("expected an object")))
            continue
        _unknown_fields(dim, DIMENSION_FIELDS, path + ".", errors)
        code = dim.get("code")
        if code is None:
            errors.append(_e(f"{path}.code", _("missing")))
        elif not isinstance(code, str) or not SLUG.match(code) or len(code) > 60:
            errors.append(_e(f"{path}.code", _("use lowercase letters, digits and single hyphens")))
        _order(dim, path, errors)
        _text(dim, "name", path + ".", declared, errors, required=True)
        _text(dim, "short_name", path + ".", declared, errors, required=False)
        _text(dim, "description", path + ".", declared, errors, required=False)
        references = dim.get("references", [])
        if not isinstance(references, list) or not all(
            isinstance(r, str) and r.strip() for r in references
        ):
            errors.append(_e(f"{path}.references", _("expected a list of texts")))
        steps = dim.get("steps")
        if not isinstance(steps, list):
            errors.append(_e(f"{path}.steps", _("missing")))
            continue
        if not MIN_STEPS <= len(steps) <= MAX_STEPS:
            errors.append(
                _e(
                    f"{path}.steps",
                    _("a dimension needs %(min)s to %(max)s steps, found %(n)s")
                    % {"min": MIN_STEPS, "max": MAX_STEPS, "n": len(steps)},
                )
            )
        _unique(steps, "order", f"{path}.steps", errors)
        for j, step in enumerate(steps):
            spath = f"{path}.steps[{j}]"
            if not isinstance(step, dict):
                errors.append(_e(spath, _("expected an object")))
                continue
            _unknown_fields(step, STEP_FIELDS, spath + ".", errors)
            _order(step, spath, errors)
            _text(step, "label", spath + ".", declared, errors, required=True)
            _text(step, "description", spath + ".", declared, errors, required=False)
            criteria = step.get("criteria")
            if not isinstance(criteria, list) or not criteria:
                errors.append(
                    _e(f"{spath}.criteria", _("at least one observable criterion is needed"))
                )
                continue
            for k, criterion in enumerate(criteria):
                _text_object(criterion, f"{spath}.criteria[{k}]", declared, errors)
    return errors


def _satisfactory(data: dict, dimensions: list, errors: list[str]) -> None:
    """Optional `satisfactory_step`: the order of the lowest step counted as satisfactory; it
    must exist in every dimension."""
    if "satisfactory_step" not in data:
        return
    value = data["satisfactory_step"]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        errors.append(_e("satisfactory_step", _("expected a whole number from 1")))
        return
    counts = [
        len(d["steps"])
        for d in dimensions
        if isinstance(d, dict) and isinstance(d.get("steps"), list)
    ]
    if counts and value > min(counts):
        errors.append(
            _e(
                "satisfactory_step",
                _("%(value)s is above the last step of a dimension with %(n)s steps")
                % {"value": value, "n": min(counts)},
            )
        )


def _unknown_fields(obj: dict, allowed: set[str], prefix: str, errors: list[str]) -> None:
    for key in obj:
        if key not in allowed:
            errors.append(_e(f"{prefix}{key}", _("unknown field")))


def _order(obj: dict, path: str, errors: list[str]) -> None:
    order = obj.get("order")
    if order is None:
        errors.append(_e(f"{path}.order", _("missing")))
    elif not isinstance(order, int) or isinstance(order, bool) or order < 1:
        errors.append(_e(f"{path}.order", _("expected a whole number from 1")))


def _unique(items: list, field: str, path: str, errors: list[str]) -> None:
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        value = item.get(field)
        if value is None or isinstance(value, (list, dict)):
            continue
        if value in seen:
            errors.append(
                _e(
                    f"{path}[{i}].{field}",
                    _("duplicate %(value)s (also %(other)s)")
                    % {
                        "value": json.dumps(value, ensure_ascii=False),
                        "other": f"{path}[{seen[value]}]",
                    },
                )
            )
        else:
            seen[value] = i


def _text(
    obj: dict, field: str, prefix: str, declared: list[str], errors: list[str], *, required: bool
) -> None:
    if field not in obj:
        if required:
            errors.append(_e(f"{prefix}{field}", _("missing")))
        return
    _text_object(obj[field], f"{prefix}{field}", declared, errors, required=required)


def _text_object(
    value: Any, path: str, declared: list[str], errors: list[str], *, required: bool = True
) -> None:
    if not isinstance(value, dict):
        errors.append(_e(path, _('expected texts per language, e.g. {"sv": "…", "en": "…"}')))
        return
    for code in value:
        if code not in LANGUAGES:
            errors.append(_e(f"{path}.{code}", _unknown_language(code)))
        elif code not in declared:
            errors.append(_e(f"{path}.{code}", _("language not listed in languages")))
    for code in declared:
        text = value.get(code)
        if text is None or (isinstance(text, str) and not text.strip()):
            if required:
                errors.append(_e(f"{path}.{code}", _("missing")))
        elif not isinstance(text, str):
            errors.append(_e(f"{path}.{code}", _("expected text")))


def _texts(obj: Any, field: str) -> dict[str, str]:
    return {code: getattr(obj, f"{field}_{code}") for code in LANGUAGES}


def _filled(texts: dict[str, str], languages: list[str]) -> dict[str, str]:
    return {code: texts[code] for code in languages if texts.get(code)}


def export_version(version: Any) -> dict[str, Any]:
    """A version as a framework file (dict). Only the version's languages are written."""
    languages = list(version.languages or LANGUAGES)
    dimensions = []
    for dim in version.dimensions.order_by("order").prefetch_related("steps__criteria"):
        entry: dict[str, Any] = {
            "code": dim.code,
            "order": dim.order,
            "name": _filled(_texts(dim, "name"), languages),
        }
        if short := _filled(_texts(dim, "short_name"), languages):
            entry["short_name"] = short
        if description := _filled(_texts(dim, "description"), languages):
            entry["description"] = description
        entry["references"] = list(dim.references or [])
        entry["steps"] = [
            {
                "order": step.order,
                "label": _filled(_texts(step, "label"), languages),
                **(
                    {"description": d}
                    if (d := _filled(_texts(step, "description"), languages))
                    else {}
                ),
                "criteria": [
                    _filled(_texts(c, "text"), languages)
                    for c in sorted(step.criteria.all(), key=lambda c: c.order)
                ],
            }
            for step in sorted(dim.steps.all(), key=lambda s: s.order)
        ]
        dimensions.append(entry)
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "slug": version.framework.slug,
        "version": version.number,
        "languages": languages,
        "name": _filled(_texts(version, "name"), languages),
    }
    if description := _filled(_texts(version, "description"), languages):
        data["description"] = description
    if getattr(version, "satisfactory_step", None) is not None:
        data["satisfactory_step"] = version.satisfactory_step
    data["dimensions"] = dimensions
    return data


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def create_version(
    data: dict[str, Any], *, framework: Any, number: int, models: Any, **extra
) -> Any:
    """Create version `number` of `framework` from checked `data`.

    `models` gives the classes (FrameworkVersion, Dimension, Step, Criterion): the app's own, or
    a migration's historical ones, so the default framework's data migration uses this too.
    """
    languages = list(data["languages"])
    if data.get("satisfactory_step") is not None:
        extra.setdefault("satisfactory_step", data["satisfactory_step"])

    def per_language(field: str, texts: dict | None) -> dict[str, str]:
        texts = texts or {}
        return {f"{field}_{code}": texts.get(code, "") for code in LANGUAGES}

    version = models.FrameworkVersion.objects.create(
        framework=framework,
        number=number,
        languages=languages,
        **per_language("name", data.get("name")),
        **per_language("description", data.get("description")),
        **extra,
    )
    for dim_data in sorted(data["dimensions"], key=lambda d: d["order"]):
        dim = models.Dimension.objects.create(
            version=version,
            code=dim_data["code"],
            order=dim_data["order"],
            references=list(dim_data.get("references", [])),
            **per_language("name", dim_data.get("name")),
            **per_language("short_name", dim_data.get("short_name")),
            **per_language("description", dim_data.get("description")),
        )
        for step_data in sorted(dim_data["steps"], key=lambda s: s["order"]):
            step = models.Step.objects.create(
                dimension=dim,
                order=step_data["order"],
                **per_language("label", step_data.get("label")),
                **per_language("description", step_data.get("description")),
            )
            models.Criterion.objects.bulk_create(
                models.Criterion(step=step, order=k, **per_language("text", criterion))
                for k, criterion in enumerate(step_data["criteria"], start=1)
            )
    return version
