"""G and D studies checked against Brennan's (2001) worked examples and lme4."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from samsyn.analysis.gtheory import dstudy, gstudy
from samsyn.analysis.results import AnalysisError

# Brennan (2001) synthetic data sets 1-4 (Generalizability Theory, tables 2.2, 2.4, 3.x), as
# typed into tylerjsmith111/GeneralizIT tests/fixtures/design{1,2,3,4}_fixtures.py; expected
# values in ../shared/validation/reference.json ("gtheory_Brennan2001").
SYNTH1_PXI = [  # 10 persons x 12 items
    [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    [1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0],
    [1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
    [1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
]
SYNTH2_COLUMNS = [  # 8 columns (items; in synthetic 3 the first four are o1, the rest o2)
    [2, 4, 5, 5, 4, 4, 2, 3, 0, 6],
    [6, 5, 5, 9, 3, 4, 6, 4, 5, 8],
    [7, 6, 4, 8, 5, 4, 6, 4, 4, 7],
    [5, 7, 6, 6, 6, 7, 5, 5, 5, 6],
    [2, 6, 5, 5, 4, 6, 2, 6, 5, 6],
    [5, 7, 4, 7, 5, 4, 7, 6, 5, 8],
    [5, 5, 5, 7, 6, 7, 7, 6, 5, 8],
    [5, 7, 5, 6, 4, 8, 5, 4, 3, 6],
]
SYNTH4_COLUMNS = [  # 12 raters (r1-4 in task 1, r5-8 in task 2, r9-12 in task 3) x 10 persons
    [5, 9, 3, 7, 9, 3, 7, 5, 9, 4],
    [6, 3, 4, 5, 2, 4, 3, 8, 9, 4],
    [5, 7, 3, 5, 9, 3, 7, 5, 8, 4],
    [5, 7, 3, 3, 7, 5, 7, 7, 8, 3],
    [5, 7, 5, 3, 7, 3, 7, 7, 6, 3],
    [3, 5, 3, 1, 7, 3, 5, 5, 6, 5],
    [4, 5, 3, 4, 3, 6, 5, 5, 6, 6],
    [5, 5, 5, 3, 7, 3, 7, 4, 5, 5],
    [6, 7, 6, 5, 2, 4, 5, 3, 5, 5],
    [7, 7, 5, 3, 7, 5, 5, 2, 8, 7],
    [3, 5, 1, 3, 5, 1, 5, 1, 1, 1],
    [3, 2, 6, 5, 3, 2, 4, 1, 1, 1],
]


@pytest.fixture(scope="module")
def brennan(validation_dir):
    return json.loads((validation_dir / "reference.json").read_text())["gtheory_Brennan2001"]


def long(table):
    """(persons x columns) -> scores, person index, column index."""
    a = np.asarray(table, dtype=float)
    p, c = np.meshgrid(np.arange(a.shape[0]), np.arange(a.shape[1]), indexing="ij")
    return a.ravel(), p.ravel(), c.ravel()


def check(g, expected, names, tol=5e-5):
    for ref_name, ours in names.items():
        assert g[ours].estimate == pytest.approx(expected[ref_name], abs=tol), ours


def test_synthetic_1_p_x_i(brennan):
    ref = brennan["synthetic1_pxi"]
    y, p, i = long(SYNTH1_PXI)
    g = gstudy(y, {"p": p, "i": i})
    assert g.method == "anova"
    check(g, ref, {"p": "p", "i": "i", "pi": "p x i"})
    assert g["p"].df == 9 and g["p x i"].df == 99
    assert g["p"].ms == pytest.approx(0.8157, abs=1e-4)  # Brennan's table 2.2
    d = dstudy(g, {"i": 12})
    assert d.g_coefficient == pytest.approx(ref["Erho2"], abs=5e-4)
    assert d.phi == pytest.approx(ref["Phi"], abs=5e-4)


def test_synthetic_2_i_within_p(brennan):
    ref = brennan["synthetic2_i:p"]
    y, p, i = long(np.array(SYNTH2_COLUMNS).T)
    g = gstudy(y, {"p": p, "i": i}, nested={"i": "p"})
    check(g, ref, {"p": "p", "i:p": "i:p"})
    d = dstudy(g, {"i": 8})
    assert d.g_coefficient == pytest.approx(ref["Erho2"], abs=5e-3)
    assert d.phi == pytest.approx(ref["Phi"], abs=5e-3)
    assert d.g_coefficient == pytest.approx(d.phi)  # no i main effect in a nested design


def test_synthetic_3_p_x_i_x_o(brennan):
    ref = brennan["synthetic3_pxixo"]
    y, p, c = long(np.array(SYNTH2_COLUMNS).T)
    g = gstudy(y, {"p": p, "i": c % 4, "o": c // 4})
    check(
        g,
        ref,
        {
            "p": "p",
            "i": "i",
            "o": "o",
            "pi": "p x i",
            "po": "p x o",
            "io": "i x o",
            "pio": "p x i x o",
        },
    )
    d = dstudy(g, {"i": 4, "o": 2})
    assert d.g_coefficient == pytest.approx(ref["Erho2"], abs=5e-3)
    assert d.phi == pytest.approx(ref["Phi"], abs=5e-3)


def test_synthetic_4_p_x_r_within_t_random_and_fixed(brennan):
    ref = brennan["synthetic4_px(r:t)"]
    y, p, c = long(np.array(SYNTH4_COLUMNS).T)
    g = gstudy(y, {"p": p, "t": c // 4, "r": c % 4}, nested={"r": "t"})
    check(g, ref, {"p": "p", "t": "t", "r:t": "r:t", "pt": "p x t", "p(r:t)": "p x r:t"})
    d = dstudy(g, {"t": 3, "r": 4})
    assert d.g_coefficient == pytest.approx(ref["Erho2"], abs=5e-3)
    assert d.phi == pytest.approx(ref["Phi"], abs=5e-3)
    fixed = dstudy(g, {"t": 3, "r": 4}, fixed=["t"])
    assert fixed.g_coefficient == pytest.approx(ref["t_fixed"]["Erho2"], abs=5e-3)
    assert fixed.phi == pytest.approx(ref["t_fixed"]["Phi"], abs=5e-3)
    # labels of a nested facet are read within the parent: r = 0..3 in every task
    assert dict(g.sizes) == {"p": 10, "t": 3, "r": 4}


def test_balanced_reml_equals_anova_when_all_components_are_positive():
    y, p, c = long(np.array(SYNTH4_COLUMNS).T)
    labels = {"p": p, "t": c // 4, "r": c % 4}
    a = gstudy(y, labels, nested={"r": "t"})
    r = gstudy(y, labels, nested={"r": "t"}, method="reml")
    assert r.method == "reml"
    for comp in a.components:
        assert r[comp.name].estimate == pytest.approx(comp.estimate, rel=1e-4)


# --- lme4 -------------------------------------------------------------------------------------


def read_rows(path: Path):
    lines = path.read_text().strip().splitlines()
    head = [h.strip('"') for h in lines[0].split(",")]
    return [dict(zip(head, (v.strip('"') for v in s.split(",")), strict=True)) for s in lines[1:]]


def test_dyestuff_matches_lme4(validation_dir):
    ref = json.loads((validation_dir / "reference.json").read_text())["lme4"]["Dyestuff_REML"]
    rows = read_rows(validation_dir / "data" / "lme4_Dyestuff.csv")
    y = [float(r["Yield"]) for r in rows]
    batch = [r["Batch"] for r in rows]
    rep = list(range(len(rows)))  # one sample each: replicate nested in batch
    for method in ("anova", "reml"):
        g = gstudy(y, {"batch": batch, "rep": rep}, nested={"rep": "batch"}, method=method)
        assert g["batch"].estimate == pytest.approx(ref["Batch_var"], rel=1e-5)
        assert g["rep:batch"].estimate == pytest.approx(ref["Residual_var"], rel=1e-5)
    assert g.grand_mean == pytest.approx(ref["mean"])


def test_pastes_nested_matches_lme4(validation_dir):
    ref = json.loads((validation_dir / "reference.json").read_text())["lme4"][
        "Pastes_REML_batch/cask"
    ]
    rows = read_rows(validation_dir / "data" / "lme4_Pastes.csv")
    y = [float(r["strength"]) for r in rows]
    seen: dict[str, int] = {}
    rep = []
    for r in rows:  # the two determinations of each sample: replicate nested in cask
        seen[r["sample"]] = seen.get(r["sample"], 0) + 1
        rep.append(seen[r["sample"]])
    labels = {"batch": [r["batch"] for r in rows], "cask": [r["cask"] for r in rows], "rep": rep}
    nesting = {"cask": "batch", "rep": "cask"}
    for method in ("anova", "reml"):
        g = gstudy(y, labels, nested=nesting, method=method)
        assert g["batch"].estimate == pytest.approx(ref["batch_var"], rel=1e-4)
        assert g["cask:batch"].estimate == pytest.approx(ref["cask:batch_var"], rel=1e-4)
        assert g["rep:batch x cask"].estimate == pytest.approx(ref["Residual_var"], rel=1e-4)


def simulate_teaching(seed=0, *, drop=0.0):
    """Teacher, lesson within teacher, observer: (l:t) x o with known components."""
    rng = np.random.default_rng(seed)
    n_t, n_l, n_o = 30, 4, 3
    sd = {"t": 0.6, "l:t": 0.4, "o": 0.3, "t x o": 0.2, "res": 0.5}
    t = rng.normal(0, sd["t"], n_t)
    lt = rng.normal(0, sd["l:t"], (n_t, n_l))
    o = rng.normal(0, sd["o"], n_o)
    to = rng.normal(0, sd["t x o"], (n_t, n_o))
    ti, li, oi = (a.ravel() for a in np.meshgrid(range(n_t), range(n_l), range(n_o), indexing="ij"))
    y = 3 + t[ti] + lt[ti, li] + o[oi] + to[ti, oi] + rng.normal(0, sd["res"], ti.size)
    keep = rng.random(ti.size) >= drop
    return y[keep], {"teacher": ti[keep], "lesson": li[keep], "observer": oi[keep]}


R_LMER = r"""
suppressMessages({library(lme4); library(jsonlite)})
d <- read.csv("%s")
m <- lmer(y ~ 1 + (1|teacher) + (1|teacher:lesson) + (1|observer) + (1|teacher:observer),
          data = d, REML = TRUE, control = lmerControl(optimizer = "bobyqa",
          optCtrl = list(maxfun = 1e5)))
v <- as.data.frame(VarCorr(m))
cat(toJSON(setNames(as.list(v$vcov), v$grp), digits = NA, auto_unbox = TRUE))
"""


@pytest.mark.r
def test_unbalanced_reml_matches_live_lme4(rscript, tmp_path):
    y, lab = simulate_teaching(seed=3, drop=0.2)
    csv = tmp_path / "d.csv"
    csv.write_text(
        "y,teacher,lesson,observer\n"
        + "\n".join(
            f"{v:.17g},{t},{t}_{ll},{o}"
            for v, t, ll, o in zip(y, lab["teacher"], lab["lesson"], lab["observer"], strict=True)
        )
    )
    script = tmp_path / "m.R"
    script.write_text(R_LMER % csv)
    proc = subprocess.run([rscript, "--vanilla", str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ref = json.loads(proc.stdout[proc.stdout.index("{") :])
    g = gstudy(y, lab, nested={"lesson": "teacher"})
    assert g.method == "reml"
    pairs = {
        "teacher": "teacher",
        "teacher:lesson": "lesson:teacher",
        "observer": "observer",
        "teacher:observer": "teacher x observer",
        "Residual": "lesson x observer:teacher",
    }
    for r_name, ours in pairs.items():
        assert g[ours].estimate == pytest.approx(ref[r_name], rel=1e-3, abs=1e-5), ours


def test_reml_recovers_components_and_the_d_study_shows_observers_help_more():
    y, lab = simulate_teaching(seed=4)
    g = gstudy(y, lab, nested={"lesson": "teacher"}, method="reml")
    a = gstudy(y, lab, nested={"lesson": "teacher"})
    assert a.method == "anova"
    for c in a.components:
        assert g[c.name].estimate == pytest.approx(max(c.estimate, 0), abs=0.02)
    assert g["teacher"].se is not None and 0 < g["teacher"].se < 0.2
    base = dstudy(g, {"lesson": 1, "observer": 1}, object="teacher")
    more_lessons = dstudy(g, {"lesson": 3, "observer": 1}, object="teacher")
    both = dstudy(g, {"lesson": 3, "observer": 3}, object="teacher")
    assert base.g_coefficient < more_lessons.g_coefficient < both.g_coefficient
    assert both.phi < both.g_coefficient  # observer main effect counts only in absolute error


def test_d_study_formula_by_hand():
    y, lab = simulate_teaching(seed=5)
    g = gstudy(y, lab, nested={"lesson": "teacher"})
    v = {c.name: max(c.estimate, 0) for c in g.components}
    n, k = 3, 2
    rel = (
        v["lesson:teacher"] / n
        + v["teacher x observer"] / k
        + v["lesson x observer:teacher"] / (n * k)
    )
    d = dstudy(g, {"lesson": n, "observer": k})
    assert d.relative_error_variance == pytest.approx(rel)
    assert d.absolute_error_variance == pytest.approx(rel + v["observer"] / k)
    assert d.g_coefficient == pytest.approx(v["teacher"] / (v["teacher"] + rel))


def test_anova_standard_errors_match_their_sampling_spread():
    rng = np.random.default_rng(7)
    est, ses = [], []
    p, i = (a.ravel() for a in np.meshgrid(range(25), range(8), indexing="ij"))
    for _ in range(300):
        y = rng.normal(0, 1, 25)[p] + rng.normal(0, 0.7, 8)[i] + rng.normal(0, 1, p.size)
        g = gstudy(y, {"p": p, "i": i})
        est.append(g["p"].estimate)
        ses.append(g["p"].se)
    assert np.mean(ses) == pytest.approx(np.std(est), rel=0.2)
    assert np.mean(est) == pytest.approx(1.0, abs=0.1)  # ANOVA estimates are unbiased


def test_unusable_input_is_refused_with_a_reason():
    y, p, i = long(SYNTH1_PXI)
    with pytest.raises(AnalysisError, match="unbalanced"):
        gstudy(y[:-1], {"p": p[:-1], "i": i[:-1]}, method="anova")
    with pytest.raises(AnalysisError, match="labels"):
        gstudy(y, {"p": p[:-1], "i": i})
    with pytest.raises(AnalysisError, match="not in the data"):
        gstudy(y, {"p": p, "i": i}, nested={"i": "q"})
    g = gstudy(y, {"p": p, "i": i})
    with pytest.raises(AnalysisError):
        dstudy(g, {"i": 0})
    with pytest.raises(AnalysisError):
        dstudy(g, {"x": 3})


def simulate_crossed(seed: int, sd: dict[str, float], n_t: int = 40, n_l: int = 3, n_o: int = 3):
    """(l:t) x o with every lesson rated by every observer, components given as SDs."""
    rng = np.random.default_rng(seed)
    t = rng.normal(0, sd["t"], n_t)
    lt = rng.normal(0, sd["l:t"], (n_t, n_l))
    o = rng.normal(0, sd["o"], n_o)
    to = rng.normal(0, sd["t x o"], (n_t, n_o))
    ti, li, oi = (a.ravel() for a in np.meshgrid(range(n_t), range(n_l), range(n_o), indexing="ij"))
    y = 3 + t[ti] + lt[ti, li] + o[oi] + to[ti, oi] + rng.normal(0, sd["res"], ti.size)
    return y, {"teacher": ti, "lesson": li, "observer": oi}


def test_the_d_study_says_whether_observers_or_lessons_help_more():
    # Observer-related variance large, lesson-to-lesson variance small (as research on a
    # comparable instrument found): one more observer raises Eρ² more than one more lesson,
    # and 3 lessons × 3 observers reach about .70.
    y, lab = simulate_crossed(1, {"t": 0.5, "l:t": 0.2, "o": 0.3, "t x o": 0.45, "res": 0.5})
    g = gstudy(y, lab, nested={"lesson": "teacher"}, method="reml")
    one = {"object": "teacher"}
    more_observers = dstudy(g, {"lesson": 1, "observer": 2}, **one).g_coefficient
    more_lessons = dstudy(g, {"lesson": 2, "observer": 1}, **one).g_coefficient
    assert more_observers > more_lessons
    # True Eρ² for 3 × 3: .25 / (.25 + .04/3 + .2025/3 + .25/9) = .697; the estimate's
    # interval holds it.
    three = dstudy(g, {"lesson": 3, "observer": 3}, confidence=0.95, **one)
    assert three.g_interval[0] <= 0.697 <= three.g_interval[1]
    # The opposite world: lessons vary a lot, observers agree: lessons help more. The D study
    # follows the data, not a rule of thumb.
    y, lab = simulate_crossed(2, {"t": 0.5, "l:t": 0.6, "o": 0.1, "t x o": 0.05, "res": 0.3})
    g = gstudy(y, lab, nested={"lesson": "teacher"}, method="reml")
    more_observers = dstudy(g, {"lesson": 1, "observer": 2}, **one).g_coefficient
    more_lessons = dstudy(g, {"lesson": 2, "observer": 1}, **one).g_coefficient
    assert more_lessons > more_observers


def test_projected_reliability_intervals_cover_the_truth():
    # Balanced p × i, σ²(p) = 1, σ²(i) = 0.49, σ²(pi,e) = 1: true Eρ² for 4 items = 0.8.
    rng = np.random.default_rng(11)
    p, i = (a.ravel() for a in np.meshgrid(range(30), range(6), indexing="ij"))
    true_g, true_phi = 1 / (1 + 1 / 4), 1 / (1 + (1 + 0.49) / 4)
    hits_g = hits_phi = 0
    reps = 200
    for r in range(reps):
        y = rng.normal(0, 1, 30)[p] + rng.normal(0, 0.7, 6)[i] + rng.normal(0, 1, p.size)
        d = dstudy(gstudy(y, {"p": p, "i": i}), {"i": 4}, confidence=0.95, draws=1000, seed=r)
        assert d.g_interval[0] <= d.g_coefficient <= d.g_interval[1]
        hits_g += d.g_interval[0] <= true_g <= d.g_interval[1]
        hits_phi += d.phi_interval[0] <= true_phi <= d.phi_interval[1]
    assert 0.88 <= hits_g / reps <= 0.99
    assert 0.85 <= hits_phi / reps <= 0.995
    # Without a confidence level nothing is simulated.
    assert dstudy(gstudy(y, {"p": p, "i": i}), {"i": 4}).g_interval is None
    with pytest.raises(AnalysisError, match="confidence"):
        dstudy(gstudy(y, {"p": p, "i": i}), {"i": 4}, confidence=1.5)


def test_a_d_study_can_nest_observers_in_lessons():
    # "n visits, each by a different observer": teacher × observer and the residual are
    # divided by n too, so it beats n visits by the same observer.
    y, lab = simulate_teaching(seed=5)
    g = gstudy(y, lab, nested={"lesson": "teacher"})
    v = {c.name: max(c.estimate, 0) for c in g.components}
    n = 3
    d = dstudy(g, {"lesson": n, "observer": 1}, nested={"observer": "lesson"})
    rel = (v["lesson:teacher"] + v["teacher x observer"] + v["lesson x observer:teacher"]) / n
    assert d.relative_error_variance == pytest.approx(rel)
    assert d.absolute_error_variance == pytest.approx(rel + v["observer"] / n)
    same = dstudy(g, {"lesson": n, "observer": 1})
    assert d.g_coefficient > same.g_coefficient
    with pytest.raises(AnalysisError, match="nest"):
        dstudy(g, {"lesson": 2}, nested={"teacher": "lesson"})
