"""The table view's rows built in Python match what the template loop wrote."""

from __future__ import annotations

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from samsyn.dashboards.charts import ChartTable
from samsyn.dashboards.selectors import Hidden

TEMPLATE_LOOP = (
    "{% for row in table.rows %}<tr>{% for cell in row %}{% if forloop.first %}"
    '<th scope="row">{{ cell }}</th>{% elif cell.reason %}<td class="hidden-cell"><abbr '
    'title="{{ cell.reason }}">–</abbr> <span class="visually-hidden">{{ cell.reason }}</span>'
    '</td>{% else %}<td>{{ cell|default_if_none:"" }}</td>{% endif %}{% endfor %}</tr>'
    "{% endfor %}"
)


class TableRowsTests(SimpleTestCase):
    def test_it_writes_the_same_cells_as_the_template_loop(self) -> None:
        table = ChartTable(
            caption="c",
            columns=["Skola", "Medel", "Lärare", "Not"],
            rows=[
                ["Skola <A> & co", 2.456, 12, None],
                ["Skola B", Hidden(reason='Dold: "färre" än 5 <lärare>.'), 0, "x"],
                [Hidden(reason="r"), 1.5, None, ""],
            ],
        )
        for language in ("sv", "en"):
            with self.subTest(language=language), translation.override(language):
                old = Template(TEMPLATE_LOOP).render(Context({"table": table}))
                new = Template("{% load dashboard_tags %}{% chart_table_rows table %}").render(
                    Context({"table": table})
                )
                self.assertEqual(new.replace("\n", ""), old)
                self.assertIn("&lt;A&gt; &amp; co", new)
                if language == "sv":
                    self.assertIn("<td>2,456</td>", new)
