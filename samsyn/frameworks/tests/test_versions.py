"""Drafts change, published versions never do; a new version copies the published one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation

from samsyn.frameworks import format as fmt
from samsyn.frameworks import services
from samsyn.frameworks.models import FrameworkVersion, Step
from samsyn.frameworks.tests.factories import framework_json
from samsyn.test import BaseTestCase


class VersioningTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.v1 = services.framework_import(
            raw=framework_json(), actor=self.olle, organisation=self.owner
        )
        services.version_publish(version=self.v1, actor=self.olle)

    def test_it_refuses_to_edit_a_published_version(self):
        dimension = self.v1.dimensions.first()
        with self.assertRaisesMessage(ValidationError, str(services.ERR_NOT_DRAFT)):
            services.dimension_update(dimension=dimension, fields={"name_sv": "Ny"}, steps=[])
        with self.assertRaisesMessage(ValidationError, str(services.ERR_NOT_DRAFT)):
            services.dimension_move(dimension=dimension, offset=1)
        with self.assertRaisesMessage(ValidationError, str(services.ERR_NOT_DRAFT)):
            services.version_discard(version=self.v1)

    def test_an_edit_after_publishing_leaves_old_references_on_their_original_text(self):
        # What an observation stores: the exact version, dimension and step rows.
        rated_step = Step.objects.get(dimension__version=self.v1, dimension__order=1, order=2)
        original = (rated_step.label_sv, rated_step.label_en, rated_step.dimension.name_sv)
        v1_export = fmt.export_version(self.v1)

        draft = services.version_new_draft(framework=self.v1.framework, actor=self.olle)
        self.assertEqual(draft.number, 2)
        dimension = draft.dimensions.get(order=1)
        form_steps = [
            {
                "label_sv": f"Nytt steg {s.order}",
                "label_en": f"New step {s.order}",
                "description_sv": "",
                "description_en": "",
                "criteria": [{"sv": "Nytt kriterium", "en": "New criterion"}],
            }
            for s in dimension.steps.order_by("order")
        ]
        services.dimension_update(
            dimension=dimension,
            fields={"name_sv": "Omdöpt", "name_en": "Renamed"},
            steps=form_steps,
        )
        services.version_publish(version=draft, actor=self.olle)

        rated_step.refresh_from_db()
        self.assertEqual(
            (rated_step.label_sv, rated_step.label_en, rated_step.dimension.name_sv), original
        )
        self.assertEqual(fmt.export_version(FrameworkVersion.objects.get(pk=self.v1.pk)), v1_export)
        self.assertEqual(draft.dimensions.get(order=1).name_sv, "Omdöpt")

    def test_a_new_draft_is_reused_not_duplicated(self):
        a = services.version_new_draft(framework=self.v1.framework, actor=self.olle)
        b = services.version_new_draft(framework=self.v1.framework, actor=self.olle)
        self.assertEqual(a.pk, b.pk)

    def test_publishing_an_incomplete_draft_names_each_problem(self):
        draft = services.version_new_draft(framework=self.v1.framework, actor=self.olle)
        step = Step.objects.get(dimension__version=draft, dimension__order=2, order=3)
        step.label_en = ""
        step.save()
        with self.assertRaises(fmt.FrameworkFileError) as caught, translation.override("en"):
            services.version_publish(version=draft, actor=self.olle)
        self.assertEqual(caught.exception.errors, ["dimensions[1].steps[2].label.en: missing"])
        draft.refresh_from_db()
        self.assertTrue(draft.is_draft)

    def test_dimensions_reorder_and_delete_keep_orders_consecutive(self):
        draft = services.version_new_draft(framework=self.v1.framework, actor=self.olle)
        first = draft.dimensions.get(order=1)
        services.dimension_move(dimension=first, offset=1)
        self.assertEqual(
            list(draft.dimensions.order_by("order").values_list("code", flat=True)),
            ["dim-2", "dim-1", "dim-3"],
        )
        services.dimension_delete(dimension=draft.dimensions.get(code="dim-2"))
        self.assertEqual(
            list(draft.dimensions.order_by("order").values_list("order", "code")),
            [(1, "dim-1"), (2, "dim-3")],
        )

    def test_steps_stay_within_three_to_seven(self):
        draft = services.version_new_draft(framework=self.v1.framework, actor=self.olle)
        dimension = draft.dimensions.get(order=1)
        with self.assertRaises(ValidationError):
            services.step_remove_last(dimension=dimension)
        for _ in range(4):
            services.step_add(dimension=dimension)
        self.assertEqual(dimension.steps.count(), 7)
        with self.assertRaises(ValidationError):
            services.step_add(dimension=dimension)

    def test_new_dimensions_take_the_frameworks_step_labels(self):
        draft = services.version_new_draft(framework=self.v1.framework, actor=self.olle)
        dimension = services.dimension_create(
            version=draft, code="new-one", name_sv="Ny", name_en="New", steps=3
        )
        self.assertEqual(
            list(dimension.steps.values_list("label_sv", flat=True)), ["Steg 1", "Steg 2", "Steg 3"]
        )
        self.assertEqual(dimension.order, 4)

    def test_discarding_the_only_draft_removes_a_new_framework(self):
        version = services.framework_create(
            actor=self.olle, organisation=self.owner, slug="brand-new", name_sv="Ny", name_en=""
        )
        services.version_discard(version=version)
        self.assertFalse(FrameworkVersion.objects.filter(framework__slug="brand-new").exists())

    def test_an_import_cannot_take_over_another_organisations_slug(self):
        with self.assertRaises(fmt.FrameworkFileError) as caught:
            services.framework_import(
                raw=framework_json(), actor=self.charlie, organisation=self.other_owner
            )
        self.assertEqual(
            caught.exception.errors,
            [str(services.ERR_SLUG_TAKEN % {"slug": "test-framework"})],
        )
