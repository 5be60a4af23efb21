"""Chart specs that draw honestly: strongest/weakest on the framework's scale with labels, axis
numbers in the reader's language on the server-rendered SVG, no empty drawings."""

from __future__ import annotations

import dataclasses
import re

from django.utils import translation

from samsyn.dashboards.charts import CHARTS, Chart, ChartTable, _drawable
from samsyn.dashboards.selectors import school_dashboard
from samsyn.dashboards.tests.test_dashboards import SchoolWorld


def axis_labels(svg: str) -> list[str]:
    groups = re.findall(r'role-axis-label"[^>]*>.*?</g>', svg, re.S)
    return re.findall(r"<text[^>]*>([^<]*)</text>", "".join(groups))


class ProfileChartTests(SchoolWorld):
    def test_bars_start_at_step_one_on_a_one_to_four_axis_with_dimension_labels(self) -> None:
        translation.activate("sv")
        self.addCleanup(translation.deactivate)
        chart = CHARTS["profile"].build(school_dashboard(user=self.pia, school=self.school))
        x = chart.spec["encoding"]["x"]
        self.assertEqual(x["scale"]["domain"], [1, 4])
        self.assertEqual(x["axis"]["values"], [1, 2, 3, 4])
        self.assertEqual(chart.spec["encoding"]["x2"], {"datum": 1})
        self.assertTrue(chart.spec["mark"]["clip"])
        labels = axis_labels(chart.svg())
        names = [row[0] for row in chart.table.rows]
        self.assertTrue(set(names) <= set(labels), (names, labels))
        self.assertEqual([t for t in labels if t not in names], ["1", "2", "3", "4"])
        # Every bar starts at the plot's left edge (step 1), not left of it over the labels.
        # (The bars are the paths of the rect marks; Vega's ARIA attributes are off.)
        marks = "".join(re.findall(r'class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', chart.svg()))
        bars = re.findall(r'<path[^>]*d="M(-?[\d.]+),', marks)
        self.assertTrue(bars)
        self.assertTrue(all(float(b) >= 0 for b in bars), bars)


class LocaleTests(SchoolWorld):
    def test_server_rendered_axis_numbers_follow_the_language(self) -> None:
        d = school_dashboard(user=self.pia, school=self.school)
        for lang, decimal in (("sv", ","), ("en", ".")):
            with translation.override(lang):
                chart = CHARTS["change"].build(d)
                numbers = [t for t in axis_labels(chart.svg()) if re.search(r"\d[.,]\d", t)]
                self.assertTrue(numbers, lang)
                self.assertTrue(all(decimal in t for t in numbers), (lang, numbers))


class EmptyDrawingTests(SchoolWorld):
    def test_a_chart_with_every_figure_hidden_is_shown_as_its_table(self) -> None:
        definition = CHARTS["profile"]
        full = definition.build.__wrapped__

        def hidden_all(dashboard) -> Chart:
            chart = full(dashboard)
            spec = {**chart.spec, "data": {"values": []}}
            return dataclasses.replace(chart, spec=spec)

        with translation.override("en"):
            chart = _drawable(hidden_all)(school_dashboard(user=self.pia, school=self.school))
        self.assertTrue(chart.empty)
        self.assertIsInstance(chart.table, ChartTable)
        self.assertTrue(chart.table.rows)
        self.assertIn("hidden", chart.notes[0])
        # The whole chart as the guard sees it: something to draw stays a drawing.
        self.assertFalse(
            definition.build(school_dashboard(user=self.pia, school=self.school)).empty
        )
