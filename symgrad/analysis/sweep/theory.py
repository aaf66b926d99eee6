"""Measured against predicted: the rows of a ``kind = "meanfield"`` sweep next to chi_1.

:func:`theory_table` groups the cells by (activation, sigma_w2, sigma_b2, width, depth)
and combines the seeds: the mean of the cells' ``ratio_mean`` and its standard error
sqrt(sum se_i^2) / m over the m seeds (each cell's error is over its layers, see
:mod:`~symgrad.analysis.sweep.meanfield_cells`).  The verdict is ``agrees`` when
|measured - chi_1| <= k se + 2 chi_1 / width (k standard errors plus the finite-width
allowance of ``tests/test_meanfield.py``), ``disagrees`` otherwise, ``undecided`` when
chi_1 does not exist (no fixed point) or the measurement is not finite.

:func:`critical_line` is the mean-field critical line chi_1 = 1 of
:func:`symgrad.analysis.meanfield.critical_report` at the sweep's sigma_b2 values and
between them; :func:`meanfield_phase_data` is what ``sweep-plot`` draws for such a sweep.

The chain sweeps (width 1, ``o_i = phi(w_i o_{i-1})``) get no critical line: mean-field
theory needs wide layers whose pre-activations are Gaussian with a self-averaging variance
q, while a chain's gradient is a product of random factors w_i phi'(w_i o_{i-1}) whose
median (what the chain diagram shows) is governed by E[log|w phi'|], not by
log E[w^2 phi'^2] = log chi_1.  The two lines differ (Jensen), so drawing chi_1 = 1 there
would not be the same theory.

>>> rows = [{"activation": "tanh", "sigma_w2": "0.8", "sigma_b2": "0.1", "width": 64,
...          "depth": 20, "ratio_mean": m, "ratio_se": 0.02, "chi1_f64": 0.5844,
...          "chi1_mid": "5.844e-1", "phase": "ordered", "error": None} for m in (0.57, 0.59)]
>>> g = theory_table(rows)["groups"][0]
>>> round(g["measured"], 3), round(g["se"], 4), g["seeds"], g["verdict"]
(0.58, 0.0141, 2, 'agrees')
"""

from __future__ import annotations

import math
from collections import defaultdict
from fractions import Fraction

from symgrad.analysis.meanfield import critical_report
from symgrad.analysis.sweep.meanfield_cells import K_SE
from symgrad.base.errors import InputError

__all__ = ["critical_line", "is_meanfield", "meanfield_phase_data", "theory_table"]


def _rows(table) -> list[dict]:
    return table if isinstance(table, list) else table.to_pylist()


def is_meanfield(table) -> bool:
    """Whether the rows are those of a ``kind = "meanfield"`` sweep."""
    names = table.column_names if hasattr(table, "column_names") else (
        list(table[0]) if table else [])
    return "chi1_f64" in names


def _num(text: str) -> float:
    return float(Fraction(text))


def _group(key, cells: list[dict], k: float) -> dict:
    act, sw, sb, width, depth = key
    m = len(cells)
    measured = sum(c["ratio_mean"] for c in cells) / m
    se = math.sqrt(sum(c["ratio_se"] ** 2 for c in cells)) / m
    chi = cells[0]["chi1_f64"]
    chi = math.nan if chi is None else chi
    allowance = 2 * chi / width
    if not all(math.isfinite(v) for v in (measured, se, chi)):
        verdict = "undecided"
    else:
        verdict = "agrees" if abs(measured - chi) <= k * se + allowance else "disagrees"
    return {"activation": act, "sigma_w2": sw, "sigma_b2": sb, "width": width,
            "depth": depth, "seeds": m, "measured": measured, "se": se,
            "chi1": cells[0]["chi1_mid"], "chi1_f64": chi, "phase": cells[0]["phase"],
            "allowance": allowance, "deviation": measured - chi, "verdict": verdict}


def theory_table(table, *, k: float = K_SE) -> dict:
    """The groups of a meanfield sweep with their verdicts (see the module docstring)."""
    rows = _rows(table)
    if rows and not is_meanfield(rows):
        raise InputError("the sweep is not of kind = \"meanfield\"",
                         hint="sweep-theory reads a sweep whose grid has kind = \"meanfield\"")
    if not (isinstance(k, (int, float)) and 0 < k <= 100):
        raise InputError(f"k must be a number of standard errors in (0, 100], got {k!r}",
                         hint="e.g. --k 4")
    good = [r for r in rows if r.get("error") is None]
    failed = len(rows) - len(good)
    cells: dict = defaultdict(list)
    for r in good:
        cells[(r["activation"], r["sigma_w2"], r["sigma_b2"], r["width"], r["depth"])].append(r)
    order = sorted(cells, key=lambda t: (t[0], _num(t[1]), _num(t[2]), t[3], t[4]))
    groups = [_group(key, cells[key], k) for key in order]
    counts = {v: sum(g["verdict"] == v for g in groups)
              for v in ("agrees", "disagrees", "undecided")}
    return {"k": k, "groups": groups, "counts": counts, "failed_cells": failed}


def critical_line(activation: str, sb_values, *, digits: int = 8,
                  n: int = 9) -> list[tuple[float, float, str]]:
    """(sigma_b2, critical sigma_w2, its certified decimal text) at the given sigma_b2
    values and ``n`` evenly spaced ones from 0 to their largest (points without a critical
    point are left out).

    >>> [(b, round(w, 6)) for b, w, _ in critical_line("relu", [0], n=1)]
    [(0.0, 2.0)]
    """
    top = max((Fraction(v) for v in sb_values), default=Fraction(0))
    grid = {Fraction(v) for v in sb_values} | {top * i / max(n - 1, 1) for i in range(n)}
    line = []
    for sb in sorted(grid):
        rep = critical_report(activation, sb, digits=digits)
        if rep.sigma_w2 is not None:
            line.append((float(sb), float(rep.sigma_w2.mid), rep.sigma_w2.mid))
    return line


def meanfield_phase_data(table, *, k: float = K_SE) -> dict:
    """Per activation: the groups of :func:`theory_table` and the critical line."""
    t = theory_table(table, k=k)
    panels = {}
    for act in sorted({g["activation"] for g in t["groups"]}):
        groups = [g for g in t["groups"] if g["activation"] == act]
        panels[act] = {"groups": groups,
                       "line": critical_line(act, sorted({g["sigma_b2"] for g in groups},
                                                         key=_num))}
    return {"kind": "meanfield", "k": t["k"], "panels": panels, "counts": t["counts"],
            "failed_cells": t["failed_cells"]}
