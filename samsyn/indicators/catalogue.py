"""The 13 common indicators of the regional collaboration, as data (see INDICATORS.md).

Kolada KPIs per owner type: "all" = all schools in the municipality (Kolada's T, lägeskommun;
Skolverket's "Samtliga"), "municipal" = the municipality's own schools (Kolada's E,
Skolverket's "Kommunal"). Skolverket's report titles and measure labels are exactly as in
their exports. Names are data (stored per language), not interface strings.
"""

from __future__ import annotations

from dataclasses import dataclass

GRADE9_REPORT = "Grundskola - Jämförelse av betygsresultat över tid"
GRADE6_REPORT = "Grundskola - Betyg årskurs 6, andel som fått godkänt betyg (A-E), samtliga elever"

# The grade-9 report's background measures, used by the expected-value model.
GRADE9_PUPILS = "Totalt antal elever årskurs 9"
GRADE9_BACKGROUND = (
    ("- andel (%) med föräldrar med eftergymnasial utbildning", "parents_post_secondary"),
    ("- andel (%) elever med utländsk bakgrund", "foreign_background"),
    ("- andel (%) pojkar", "boys"),
)
# Grade 6: the result from the grade-6 report, the background from the pupils report of the
# same school year (shares for grades 1–9: Skolverket publishes no grade-6 background).
PUPILS_REPORT = "Grundskola - Antal elever per årskurs"
GRADE6_PUPILS = "Antal elever"
PUPILS_BACKGROUND = (
    "Andel (%) elever med föräldrar med eftergymnasial utb., åk 1-9",
    "Andel (%) elever med utländsk bakgrund, åk 1-9",
    "Andel (%) flickor, årskurs 1-9",
)
# SALSA leaves out units with fewer pupils than this.
MODEL_MIN_PUPILS = 15


ELIGIBILITY_REPORT = "Grundskola - Behörighet till gymnasieskolan, fr.o.m. 2011"


@dataclass(frozen=True)
class ModelSpec:
    """Where an expected-value model finds its numbers: (report, measure) pairs."""

    pupils: tuple[str, str]
    background: tuple[tuple[str, str], ...]


EXPECTED_MODELS = {
    GRADE9_REPORT: ModelSpec(
        pupils=(GRADE9_REPORT, GRADE9_PUPILS),
        background=tuple((GRADE9_REPORT, measure) for measure, _key in GRADE9_BACKGROUND),
    ),
    GRADE6_REPORT: ModelSpec(
        pupils=(GRADE6_REPORT, GRADE6_PUPILS),
        background=tuple((PUPILS_REPORT, measure) for measure in PUPILS_BACKGROUND),
    ),
}


def _skolverket(report: str, measure: str, group: str = "", sv: str = "", en: str = "") -> dict:
    return {"report": report, "measure": measure, "subject": "", "group": group, "sv": sv, "en": en}


def _part(all_kpi: str, municipal_kpi: str, sv: str = "", en: str = "") -> dict:
    return {"all": all_kpi, "municipal": municipal_kpi, "sv": sv, "en": en}


CATALOGUE: list[dict] = [
    {
        "code": "grade3-national-tests",
        "name_sv": "Åk 3, nationella prov: klarat alla delar",
        "name_en": "Grade 3 national tests: all parts reached",
        "unit": "percent",
        "kolada": [
            _part("", "N15452", "Svenska och svenska som andraspråk", "Swedish and Swedish as SL"),
            _part("", "N15454", "Matematik", "Mathematics"),
        ],
    },
    {
        "code": "grade6-all-subjects",
        "name_sv": "Åk 6: godkända betyg i alla ämnen",
        "name_en": "Grade 6: passing grades in all subjects",
        "unit": "percent",
        "skolverket_report": GRADE6_REPORT,
        "skolverket_measure": "Andel (%) elever som fått godkänt betyg i alla ämnen",
        "kolada": [_part("N15539", "N15540")],
        "expected_model": True,
    },
    {
        "code": "grade9-all-subjects",
        "name_sv": "Åk 9: godkända betyg i alla ämnen",
        "name_en": "Grade 9: passing grades in all subjects",
        "unit": "percent",
        "skolverket_report": GRADE9_REPORT,
        "skolverket_measure": "Andel (%) som fått godkänt betyg i alla ämnen",
        "kolada": [_part("N15418", "N15419")],
        "expected_model": True,
    },
    {
        "code": "grade9-merit-without-newly-arrived",
        "name_sv": "Åk 9: meritvärde, utan nyinvandrade",
        "name_en": "Grade 9: merit value, without newly arrived pupils",
        "unit": "points",
        "kolada": [_part("N15566", "N15567")],
    },
    {
        "code": "grade9-merit",
        "name_sv": "Åk 9: meritvärde (17 ämnen)",
        "name_en": "Grade 9: merit value (17 subjects)",
        "unit": "points",
        "skolverket_report": GRADE9_REPORT,
        "skolverket_measure": "Genomsnittligt meritvärde (17 ämnen)",
        "kolada": [_part("N15504", "N15505")],
        "expected_model": True,
    },
    {
        "code": "eligible-higher-education-preparatory",
        "name_sv": "Behöriga till högskoleförberedande program",
        "name_en": "Eligible for higher-education-preparatory programmes",
        "unit": "percent",
        "kolada": [
            _part("N15421", "N15433", "Naturvetenskap och teknik", "Natural science, technology"),
            _part("N15422", "N15434", "Ekonomi, humaniora, samhälle", "Economics, humanities"),
            _part("N15423", "N15435", "Estetiska programmet", "Arts programme"),
        ],
        # Skolverket's eligibility export (Kön "Samtliga" = all pupils).
        "skolverket_parts": [
            _skolverket(
                ELIGIBILITY_REPORT,
                "Andel elever (%) behöriga till Naturvetenskapligt och tekniskt program",
                "Samtliga",
                "Naturvetenskap och teknik",
                "Natural science, technology",
            ),
            _skolverket(
                ELIGIBILITY_REPORT,
                "Andel elever (%) behöriga till Ekonomi-, humanistiska och samhällsvetenskaps- "
                "program",
                "Samtliga",
                "Ekonomi, humaniora, samhälle",
                "Economics, humanities",
            ),
            _skolverket(
                ELIGIBILITY_REPORT,
                "Andel elever (%) behöriga till estetiskt program",
                "Samtliga",
                "Estetiska programmet",
                "Arts programme",
            ),
        ],
    },
    {
        "code": "eligible-vocational",
        "name_sv": "Behöriga till yrkesprogram",
        "name_en": "Eligible for vocational programmes",
        "unit": "percent",
        "skolverket_report": GRADE9_REPORT,
        "skolverket_measure": "Andel (%) behöriga till yrkesprogram",
        "skolverket_parts": [
            _skolverket(ELIGIBILITY_REPORT, "Andel (%) elever behöriga till yrkesprog.", "Samtliga")
        ],
        "kolada": [_part("N15424", "N15436")],
        "expected_model": True,
    },
    {
        "code": "upper-secondary-grade-points",
        "name_sv": "Gymnasiet: genomsnittlig betygspoäng (examen)",
        "name_en": "Upper secondary: average grade points (diploma)",
        "unit": "points",
        "kolada": [_part("N17692", "N17691")],
    },
    {
        "code": "upper-secondary-grade-points-preparatory",
        "name_sv": "Gymnasiet: betygspoäng, högskoleförberedande",
        "name_en": "Upper secondary: grade points, higher-education-preparatory",
        "unit": "points",
        "kolada": [_part("N17695", "N17694")],
    },
    {
        "code": "upper-secondary-grade-points-vocational",
        "name_sv": "Gymnasiet: betygspoäng, yrkesprogram",
        "name_en": "Upper secondary: grade points, vocational",
        "unit": "points",
        "kolada": [_part("N17698", "N17697")],
    },
    {
        "code": "diploma-within-3-years",
        "name_sv": "Gymnasieexamen inom 3 år",
        "name_en": "Upper-secondary diploma within 3 years",
        "unit": "percent",
        "kolada": [_part("N17448", "N17451")],
    },
    {
        "code": "diploma-within-3-years-preparatory",
        "name_sv": "Examen inom 3 år, högskoleförberedande",
        "name_en": "Diploma within 3 years, higher-education-preparatory",
        "unit": "percent",
        "kolada": [_part("N17449", "N17452")],
    },
    {
        "code": "diploma-within-3-years-vocational",
        "name_sv": "Examen inom 3 år, yrkesprogram",
        "name_en": "Diploma within 3 years, vocational",
        "unit": "percent",
        "kolada": [_part("N17450", "N17453")],
    },
]

# Regional collaboration "From Great to Excellent" (PRODUCT.md §4).
COLLABORATION = {
    "1384": "Kungsbacka",
    "1383": "Varberg",
    "1380": "Halmstad",
    "1381": "Laholm",
    "1315": "Hylte",
}
