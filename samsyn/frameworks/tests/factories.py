"""Small framework files for tests."""

from __future__ import annotations

import copy
import json


def framework_data(slug: str = "test-framework", dimensions: int = 3, steps: int = 3) -> dict:
    return {
        "format": "samsyn-framework",
        "format_version": 1,
        "slug": slug,
        "languages": ["sv", "en"],
        "name": {"sv": "Testramverk", "en": "Test framework"},
        "description": {"sv": "För tester.", "en": "For tests."},
        "dimensions": [
            {
                "code": f"dim-{d}",
                "order": d,
                "name": {"sv": f"Dimension {d} sv", "en": f"Dimension {d} en"},
                "short_name": {"sv": f"D{d}", "en": f"D{d}"},
                "description": {"sv": "Beskrivning.", "en": "Description."},
                "references": ["Author, A. (2020). A study. Journal, 1(1), 1-10."],
                "steps": [
                    {
                        "order": s,
                        "label": {"sv": f"Steg {s}", "en": f"Step {s}"},
                        "description": {"sv": f"Nivå {s}.", "en": f"Level {s}."},
                        "criteria": [
                            {"sv": f"Kriterium {d}.{s}.{c}", "en": f"Criterion {d}.{s}.{c}"}
                            for c in (1, 2)
                        ],
                    }
                    for s in range(1, steps + 1)
                ],
            }
            for d in range(1, dimensions + 1)
        ],
    }


def framework_json(**kwargs) -> str:
    return json.dumps(framework_data(**kwargs), ensure_ascii=False)


def changed(data: dict, change) -> str:
    data = copy.deepcopy(data)
    change(data)
    return json.dumps(data, ensure_ascii=False)
