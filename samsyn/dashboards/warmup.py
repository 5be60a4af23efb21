"""Report start-up paid when a server starts, not by the first person who asks for a PDF.

The first dashboard PDF after a start took 13.8 s where a warm one takes under 2 s: importing
WeasyPrint (and the font libraries it loads) takes several seconds, and Vega-Lite's JavaScript
runtime in vl-convert starts on its first chart. `preload()` (called from `samsyn.wsgi`)
imports WeasyPrint and lays out a one-line PDF; that is safe before gunicorn forks its
workers. vl-convert's runtime runs threads and hangs in a forked child when started in the
parent, so `warm_charts()` runs in each worker after the fork (`gunicorn.conf.py`:
`post_worker_init`), before it accepts requests.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


def preload() -> None:
    """Import WeasyPrint and load its fonts (fork-safe)."""
    start = time.perf_counter()
    try:
        from samsyn.lib.pdf import html_to_pdf

        html_to_pdf('<p style="font-family: DejaVu Sans">Å ä ö − 1,5</p>')
    except Exception:  # a missing system library must not stop the site: PDFs report it
        logger.exception("report preload failed")
        return
    logger.info("reports preloaded in %.1f s", time.perf_counter() - start)


def warm_charts() -> None:
    """Start vl-convert's runtime with one tiny chart (in the serving process only)."""
    from samsyn.dashboards.charts import VL_VERSION

    start = time.perf_counter()
    try:
        import vl_convert

        vl_convert.vegalite_to_svg(
            {
                "data": {"values": [{"a": 1, "b": "x"}]},
                "mark": "bar",
                "encoding": {
                    "x": {"field": "a", "type": "quantitative"},
                    "y": {"field": "b", "type": "nominal"},
                },
            },
            vl_version=VL_VERSION,
        )
    except Exception:
        logger.exception("chart warm-up failed")
        return
    logger.info("chart runtime started in %.1f s", time.perf_counter() - start)
