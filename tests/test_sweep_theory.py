"""Mean-field theory against finite networks through the sweep engine (kind = "meanfield").

A real ``distributed.LocalCluster`` sweep over widths 64/256, depths 20/40, one ordered and
one chaotic tanh point and two seeds; the measured per-layer gradient-norm ratios must agree
with chi_1 within the reported error.  chi_1 here comes from an independent mpmath
quadrature and fixed-point iteration written in this file; one cell's measurement is redone
by an independent numpy network written here from the documented seeding.  The critical
line of ``sweep-plot`` is checked against ``analysis.meanfield.critical_report``.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from tests._require import require_module
from tests.json_contract import assert_valid

GRID = {"kind": "meanfield", "width": [64, 256], "depth": [20, 40],
        "sigma_w2": ["0.8", "2.5"], "sigma_b2": "0.05", "activation": "tanh", "seed": [0, 1]}


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    require_module("distributed", install="pip install 'symgrad[sweep]'")
    require_module("pyarrow", install="pip install 'symgrad[sweep]'")
    from symgrad import sweep, sweep_results

    out = tmp_path_factory.mktemp("mf") / "run"
    result = sweep(GRID, out, workers=2, batch_size=4)
    return out, result, sweep_results(out).to_pylist()


# --- independent references ---------------------------------------------------------------

def _mp_chi1(sw: str, sb: str) -> float:
    """chi_1 of tanh by mpmath quadrature and fixed-point iteration of the variance map."""
    with mpmath.workdps(30):
        s_w, s_b = mpmath.mpf(Fraction(sw).numerator) / Fraction(sw).denominator, \
            mpmath.mpf(Fraction(sb).numerator) / Fraction(sb).denominator

        def gauss(f):
            return mpmath.quad(lambda z: f(z) * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])

        q = mpmath.mpf(1)
        for _ in range(400):
            r = mpmath.sqrt(q)
            new = s_w * gauss(lambda z, r=r: mpmath.tanh(r * z) ** 2) + s_b
            if abs(new - q) < mpmath.mpf(10) ** -25:
                break
            q = new
        return float(s_w * gauss(lambda z: mpmath.sech(mpmath.sqrt(q) * z) ** 4))


def _np_ratios(width, depth, sw, sb, seed, burn):
    """The documented network: SeedSequence(seed).spawn(depth + 2), input, layers, signal."""
    gens = np.random.SeedSequence(seed).spawn(depth + 2)
    rngs = [np.random.default_rng(g) for g in gens]
    Ws, bs = [], []
    for i in range(1, depth + 1):
        Ws.append(rngs[i].normal(0, math.sqrt(sw / width), (width, width)))
        bs.append(rngs[i].normal(0, math.sqrt(sb), width))
    x = rngs[0].standard_normal(width)
    hs, a = [], x
    for i in range(depth):
        h = Ws[i] @ a + bs[i]
        hs.append(h)
        a = np.tanh(h)
    u = rngs[depth + 1].standard_normal(width)
    d = u / np.linalg.norm(u) / np.cosh(hs[-1]) ** 2
    norms = [float(d @ d)]
    for i in range(depth - 2, burn - 1, -1):  # hs[i] = h^{i+1}
        d = (Ws[i + 1].T @ d) / np.cosh(hs[i]) ** 2
        norms.append(float(d @ d))
    n = np.array(norms)
    return n[1:] / n[:-1]


# --- the sweep --------------------------------------------------------------------------------

def test_measured_ratios_agree_with_chi1(swept):
    out, result, rows = swept
    assert result.run.complete and result.run.computed == 16 and result.run.failed == 0
    assert len(rows) == 16 and all(r["error"] is None for r in rows)
    chi = {sw: _mp_chi1(sw, "0.05") for sw in ("0.8", "2.5")}
    assert chi["0.8"] < 1 < chi["2.5"]  # one ordered, one chaotic point
    for r in rows:
        assert r["chi1_f64"] == pytest.approx(chi[r["sigma_w2"]], rel=1e-9)
        assert r["phase"] == ("ordered" if r["sigma_w2"] == "0.8" else "chaotic")
        assert r["layers"] == r["depth"] - 1 - r["depth"] // 4 and r["ratio_se"] > 0
    from symgrad import sweep_theory

    table = sweep_theory(out).table
    assert len(table["groups"]) == 8 and table["counts"]["agrees"] == 8
    for g in table["groups"]:
        c = chi[g["sigma_w2"]]
        assert g["seeds"] == 2
        assert abs(g["measured"] - c) <= 4 * g["se"] + 2 * c / g["width"], g


def test_one_cell_against_an_independent_network(swept):
    _, _, rows = swept
    r = next(r for r in rows if (r["width"], r["depth"], r["sigma_w2"], r["seed"])
             == (64, 20, "2.5", 1))
    ratios = _np_ratios(64, 20, 2.5, 0.05, 1, r["burn"])
    assert len(ratios) == r["layers"]
    assert r["ratio_mean"] == pytest.approx(float(np.mean(ratios)), rel=1e-10)
    se = float(np.std(ratios, ddof=1) / math.sqrt(len(ratios)))
    assert r["ratio_se"] == pytest.approx(se, rel=1e-8)


def test_rerun_computes_nothing_and_output_is_deterministic(swept, tmp_path):
    out, _, rows = swept
    from symgrad import sweep, sweep_theory
    from symgrad.analysis.sweep.grid import grid_from_dict
    from symgrad.analysis.sweep.meanfield_cells import run_meanfield_cell

    again = sweep(GRID, out, workers=1)
    assert again.run.computed == 0 and again.run.already == 16
    cell = grid_from_dict(GRID).cells[5]
    a, b = run_meanfield_cell(cell)[0], run_meanfield_cell(cell)[0]
    a.pop("seconds"), b.pop("seconds")
    assert a == b
    stored = next(r for r in rows if r["cell_id"] == cell["id"])
    assert stored["ratio_mean"] == a["ratio_mean"] and stored["chi1_mid"] == a["chi1_mid"]
    t1, t2 = sweep_theory(out).render("text"), sweep_theory(out).render("text")
    assert t1 == t2 and "8 of 8 groups agree" in t1
    doc = assert_valid(sweep_theory(out, k=3).to_json())
    assert doc["k"] == 3 and doc["counts"]["agrees"] + doc["counts"]["disagrees"] == 8


def test_critical_line_drawn_from_analysis_meanfield(swept, tmp_path):
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    out, _, rows = swept
    from symgrad import sweep_plot
    from symgrad.analysis.meanfield import critical_report
    from symgrad.analysis.sweep.theory import meanfield_phase_data
    from symgrad.present.sweep_theory_plots import critical_artist, theory_figure

    data = meanfield_phase_data(rows)
    line = critical_artist(theory_figure(data).axes[0])
    xs, ys = [float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()]
    assert len(xs) >= 2 and ys[0] == 0.0 and ys[-1] == 0.05
    for sw, sb in zip(xs, ys):
        rep = critical_report("tanh", Fraction(sb).limit_denominator(10**6), digits=8)
        assert sw == pytest.approx(float(rep.sigma_w2.mid), rel=1e-7)
    # the ordered point lies left of the line, the chaotic one right of it
    assert 0.8 < xs[-1] < 2.5
    svg1, svg2 = tmp_path / "a.svg", tmp_path / "b.svg"
    r = sweep_plot(out, svg1)
    sweep_plot(out, svg2)
    assert svg1.read_bytes() == svg2.read_bytes() and r.data["kind"] == "meanfield"
    assert_valid(r.to_json())


def test_cli_and_bad_input(swept, tmp_path, capsys):
    out, _, _ = swept
    from symgrad.analysis.sweep.grid import grid_from_dict
    from symgrad.base.errors import InputError
    from symgrad.interfaces.cli import main

    assert main(["sweep-theory", str(out), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "symgrad.sweep-theory/1" and len(doc["groups"]) == 8
    assert main(["sweep-theory", str(out), "--k", "abc"]) == 2
    assert "k must be a number" in capsys.readouterr().err
    assert main(["sweep-theory", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
    for bad, words in (({**GRID, "formats": "float16"}, "not a key of kind"),
                       ({**GRID, "burn": 39}, "burn"),
                       ({**GRID, "sigma_w2": "-1"}, "sigma_w2 > 0"),
                       ({**GRID, "kind": "other"}, "unknown grid kind")):
        with pytest.raises(InputError, match=words):
            grid_from_dict(bad)


def test_chain_sweep_is_refused_by_sweep_theory(tmp_path):
    from symgrad.analysis.sweep.theory import theory_table
    from symgrad.base.errors import InputError

    with pytest.raises(InputError, match="not of kind"):
        theory_table([{"activation": "tanh", "true_log10": -3.0, "error": None}])
