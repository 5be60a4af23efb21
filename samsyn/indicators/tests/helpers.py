"""Shared test helpers: where the real Skolverket files are, and small synthetic exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

GRADE9_XLSX = "Grundskola - Jämförelse av betygsresultat över tid 2025 Kommun_Åk9.xlsx"
GRADE6_2024 = (
    "Grundskola - Betyg årskurs 6, andel som fått godkänt betyg (A-E), samtliga elever 2024 "
    "Kommun.csv"
)
TESTS_2019 = (
    "Grundskola - Resultat nationella prov årskurs 9, provbetyg per kön - Engelska, Matematik "
    "och Svenska_svenska som andraspråk 2019 Kommun.csv"
)


def skolverket_dir() -> Path:
    return Path(settings.SAMSYN_SHARED_DIR) / "data" / "skolverket"


def kolada_dir() -> Path:
    return Path(settings.SAMSYN_SHARED_DIR) / "data" / "kolada"


def real_file(name: str) -> tuple[str, bytes]:
    path = skolverket_dir() / name
    if not path.exists():
        pytest.skip(f"{name} not found in {skolverket_dir()} (shared data absent)")
    return name, path.read_bytes()


PER_YEAR_CSV = (
    "\ufeffStatistik från Skolverket, https://www.skolverket.se\n"
    "\n"
    "Grundskola - Betyg årskurs 6, testrapport\n"
    "Valt läsår: 2023/24\n"
    "\n"
    "Kommun;Kommun-kod;Län;Läns-kod;Typ av huvudman;Antal elever;Andel (%) godkänt;\n"
    "Ale;1440;Västra Götalands län;14;Samtliga;4 102;74,9;\n"
    "Ale;1440;Västra Götalands län;14;Enskild;24;~100;\n"
    "Alingsås;1489;Västra Götalands län;14;Samtliga;..;.;\n"
    "Alingsås;1489;Västra Götalands län;14;Kommunal;*;80,0;\n"
    "\n"
    "Rapportbeskrivning och definitioner etc.\n"
    ";ämnen med blockbetyg, ingår det som ett betyg.;\n"
)

TWO_ROW_CSV = (
    "\ufeffStatistik från Skolverket, https://www.skolverket.se\n"
    "\n"
    "Grundskola - Nationella prov, testrapport\n"
    "Valt läsår: 2018/19\n"
    "\n"
    ";;;;;;Andel (%) med provbetyg A-E;Andel (%) med provbetyg A-E;Andel (%) med provbetyg A-E;\n"
    "Kommun;Kommun-kod;Län;Läns-kod;Typ av huvudman;Ämne;Totalt;Flickor;Pojkar;\n"
    "Ale;1440;Västra Götalands län;14;Samtliga;Engelska;96,0;95,5;~100;\n"
    "Ale;1440;Västra Götalands län;14;Samtliga;Matematik;80,7;..;78,1;\n"
)

OVER_TIME_CSV = (
    "\ufeffStatistik från Skolverket, https://www.skolverket.se\n"
    "\n"
    "Grundskola - Jämförelse av ämnesbetyg över tid\n"
    "Valt läsår: 2024/25\n"
    "\n"
    "Kommun;Kommunkod;Län;Länskod;Typ av huvudman;Andel (%) godkänt i ämnet;2024/25;2023/24;\n"
    "Ale;1440;Västra Götalands län;14;Samtliga;Bild;100,0;.;\n"
    "Ale;1440;Västra Götalands län;14;Kommunal;Matematik;82,9;..;\n"
)
