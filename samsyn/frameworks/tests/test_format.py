"""The framework file: every malformed case named exactly, nothing half-saved, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import translation

from samsyn.frameworks import format as fmt
from samsyn.frameworks.models import Criterion, Dimension, Framework, FrameworkVersion, Step
from samsyn.frameworks.services import framework_import, version_publish
from samsyn.frameworks.tests.factories import changed, framework_data, framework_json

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "docs/framework.schema.json").read_text()
)


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English; the Swedish ones are checked in test_views."""
    with translation.override("en"):
        yield


def rows() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Framework, FrameworkVersion, Dimension, Step, Criterion)
    )


class MalformedFileTests(TestCase):
    def assert_refused(self, raw: str | bytes, message: str) -> None:
        before = rows()
        with self.assertRaises(fmt.FrameworkFileError) as caught:
            framework_import(raw=raw, actor=None, organisation=None)
        self.assertIn(message, caught.exception.errors)
        self.assertEqual(rows(), before, "something was written")

    def test_it_refuses_malformed_json(self):
        self.assert_refused(
            '{"format": "samsyn-framework",\n  "slug": }',
            "(file): not valid JSON at line 2, column 11: Expecting value",
        )

    def test_it_refuses_a_missing_step_label(self):
        raw = changed(framework_data(), lambda d: d["dimensions"][2]["steps"][1]["label"].pop("sv"))
        self.assert_refused(raw, "dimensions[2].steps[1].label.sv: missing")

    def test_it_refuses_missing_steps(self):
        raw = changed(framework_data(), lambda d: d["dimensions"][1].pop("steps"))
        self.assert_refused(raw, "dimensions[1].steps: missing")

    def test_it_refuses_a_duplicate_order(self):
        def dup(d):
            d["dimensions"][2]["order"] = 1

        self.assert_refused(
            changed(framework_data(), dup), "dimensions[2].order: duplicate 1 (also dimensions[0])"
        )

    def test_it_refuses_a_duplicate_step_order(self):
        def dup(d):
            d["dimensions"][0]["steps"][2]["order"] = 2

        self.assert_refused(
            changed(framework_data(), dup),
            "dimensions[0].steps[2].order: duplicate 2 (also dimensions[0].steps[1])",
        )

    def test_it_refuses_an_unknown_language(self):
        def french(d):
            d["dimensions"][0]["name"]["fr"] = "Dimension"

        self.assert_refused(
            changed(framework_data(), french),
            "dimensions[0].name.fr: unknown language 'fr' (expected sv or en)",
        )
        self.assert_refused(
            changed(framework_data(), lambda d: d["languages"].append("de")),
            "languages[2]: unknown language 'de' (expected sv or en)",
        )

    def test_it_refuses_a_dimension_with_one_step(self):
        def one(d):
            d["dimensions"][1]["steps"] = d["dimensions"][1]["steps"][:1]

        self.assert_refused(
            changed(framework_data(), one),
            "dimensions[1].steps: a dimension needs 3 to 7 steps, found 1",
        )

    def test_it_refuses_a_step_without_criteria(self):
        def none(d):
            d["dimensions"][0]["steps"][0]["criteria"] = []

        self.assert_refused(
            changed(framework_data(), none),
            "dimensions[0].steps[0].criteria: at least one observable criterion is needed",
        )

    def test_it_refuses_unknown_fields_and_wrong_format(self):
        def typo(d):
            d["dimensions"][0]["steps"][0]["lable"] = {"sv": "x"}
            d["format"] = "other"

        raw = changed(framework_data(), typo)
        self.assert_refused(raw, "dimensions[0].steps[0].lable: unknown field")
        self.assert_refused(raw, 'format: expected "samsyn-framework"')

    def test_it_refuses_text_that_is_not_utf8(self):
        self.assert_refused(b"\xff\xfe{}", "(file): not UTF-8 text (byte 0)")

    def test_it_lists_every_problem_at_once(self):
        def many(d):
            d["dimensions"][0]["name"].pop("en")
            d["dimensions"][1]["steps"][0]["label"]["sv"] = "  "

        with self.assertRaises(fmt.FrameworkFileError) as caught:
            fmt.parse(changed(framework_data(), many))
        self.assertEqual(
            caught.exception.errors,
            ["dimensions[0].name.en: missing", "dimensions[1].steps[0].label.sv: missing"],
        )

    def test_an_english_only_file_needs_no_swedish(self):
        def english(d):
            d["languages"] = ["en"]
            for text in _all_texts(d):
                text.pop("sv", None)

        fmt.parse(changed(framework_data(), english))


def _all_texts(data: dict):
    yield data["name"]
    yield data["description"]
    for dim in data["dimensions"]:
        yield from (dim["name"], dim["short_name"], dim["description"])
        for step in dim["steps"]:
            yield from (step["label"], step["description"], *step["criteria"])


class RoundTripTests(TestCase):
    def test_it_round_trips_exactly(self):
        original = framework_data(dimensions=4, steps=5)
        version = framework_import(raw=json.dumps(original), actor=None, organisation=None)
        exported = fmt.export_version(version)
        self.assertEqual(exported.pop("version"), 1)
        self.assertEqual(exported, original)
        jsonschema.validate(exported, SCHEMA)

    def test_reimporting_an_export_gives_an_identical_new_version(self):
        version = framework_import(raw=framework_json(), actor=None, organisation=None)
        version_publish(version=version, actor=None)
        first = fmt.export_version(version)
        second_version = framework_import(raw=fmt.dumps(first), actor=None, organisation=None)
        second = fmt.export_version(second_version)
        self.assertEqual((first.pop("version"), second.pop("version")), (1, 2))
        self.assertEqual(first, second)

    def test_the_schema_agrees_on_the_test_file_and_catches_a_bad_one(self):
        jsonschema.validate(framework_data(), SCHEMA)
        bad = framework_data()
        bad["dimensions"][0]["steps"] = bad["dimensions"][0]["steps"][:1]
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


class DefaultFrameworkTests(TestCase):
    def test_it_is_installed_by_migrate(self):
        version = FrameworkVersion.objects.get(framework__slug="samsyn-undervisning")
        self.assertEqual((version.number, version.status), (1, "published"))
        self.assertIsNone(version.framework.organisation)
        dimensions = list(version.dimensions.prefetch_related("steps__criteria"))
        self.assertEqual(len(dimensions), 10)
        for dimension in dimensions:
            steps = list(dimension.steps.all())
            self.assertEqual(len(steps), 4, dimension.code)
            self.assertTrue(dimension.references, dimension.code)
            for step in steps:
                self.assertTrue(2 <= len(step.criteria.all()) <= 4, (dimension.code, step.order))
                self.assertTrue(step.label_sv and step.label_en)

    def test_it_exports_valid_and_reimports_identically(self):
        version = FrameworkVersion.objects.get(framework__slug="samsyn-undervisning")
        exported = fmt.export_version(version)
        jsonschema.validate(exported, SCHEMA)
        self.assertEqual(fmt.check(exported), [])
        copy = framework_import(raw=fmt.dumps(exported), actor=None, organisation=None)
        again = fmt.export_version(copy)
        exported.pop("version")
        again.pop("version")
        self.assertEqual(again, exported)

    def test_the_shipped_file_is_what_was_installed(self):
        path = Path(__file__).resolve().parents[1] / "data" / "samsyn-undervisning.json"
        shipped = json.loads(path.read_text())
        installed = fmt.export_version(
            FrameworkVersion.objects.get(framework__slug="samsyn-undervisning")
        )
        installed.pop("version")
        self.assertEqual(installed, shipped)


class CommandTests(TestCase):
    def test_it_lists_exports_and_imports(self, tmp_path=None):
        import io
        import tempfile

        out = io.StringIO()
        call_command("frameworks", "list", stdout=out)
        self.assertIn("samsyn-undervisning\tglobal\tv1 (published)", out.getvalue())
        out = io.StringIO()
        call_command("frameworks", "export", "samsyn-undervisning", stdout=out)
        data = json.loads(out.getvalue())
        self.assertEqual(data["slug"], "samsyn-undervisning")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            handle.write(out.getvalue())
        out = io.StringIO()
        call_command("frameworks", "import", handle.name, stdout=out)
        self.assertIn("samsyn-undervisning v2 as a draft", out.getvalue())

    def test_it_names_the_problem_on_a_bad_file(self):
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            handle.write(changed(framework_data(), lambda d: d["dimensions"][0].pop("code")))
        with self.assertRaisesMessage(CommandError, "dimensions[0].code: missing"):
            call_command("frameworks", "import", handle.name)
        self.assertFalse(Framework.objects.filter(slug="test-framework").exists())


class SatisfactoryStepTests(TestCase):
    """The optional `satisfactory_step`: checked, stored, exported, and a default when absent."""

    def test_it_round_trips_a_satisfactory_step(self):
        original = framework_data(dimensions=2, steps=4)
        original = {**original, "satisfactory_step": 2}
        version = framework_import(raw=json.dumps(original), actor=None, organisation=None)
        self.assertEqual(version.satisfactory_step, 2)
        self.assertEqual(version.satisfactory_order, 2)
        exported = fmt.export_version(version)
        exported.pop("version")
        self.assertEqual(exported, original)
        jsonschema.validate(exported, SCHEMA)

    def test_without_it_the_step_just_above_the_middle_counts(self):
        for steps, expected in ((4, 3), (5, 3), (3, 2)):
            version = framework_import(
                raw=framework_json(slug=f"s{steps}", steps=steps), actor=None, organisation=None
            )
            self.assertIsNone(version.satisfactory_step)
            self.assertEqual(version.satisfactory_order, expected)
            self.assertNotIn("satisfactory_step", fmt.export_version(version))

    def test_it_refuses_a_step_that_does_not_exist(self):
        for value, message in (
            (5, "satisfactory_step: 5 is above the last step of a dimension with 4 steps"),
            (0, "satisfactory_step: expected a whole number from 1"),
            ("2", "satisfactory_step: expected a whole number from 1"),
        ):
            raw = changed(framework_data(steps=4), lambda d, v=value: d.update(satisfactory_step=v))
            with self.assertRaises(fmt.FrameworkFileError) as caught:
                framework_import(raw=raw, actor=None, organisation=None)
            self.assertIn(message, caught.exception.errors)

    def test_the_default_framework_counts_step_2_as_satisfactory(self):
        version = FrameworkVersion.objects.get(framework__slug="samsyn-undervisning", number=1)
        self.assertEqual(version.satisfactory_step, 2)
        self.assertEqual(version.satisfactory_order, 2)
