"""The picture of a ``kind = "meanfield"`` sweep: measured ratios over the mean-field phase
plane with the critical line, and measured against chi_1 (matplotlib, the ``plot`` extra).

For each activation, left: the (sigma_w2, sigma_b2) plane, each grid point coloured by
ln of the measured per-layer ratio (the widest, then deepest, group at that point; ln 1 = 0
is the critical colour), a circle where it agrees with chi_1 and a cross where it does
not, and the certified critical line chi_1 = 1 (label ``critical line (mean field)``);
right: measured against chi_1 with error bars k se + allowance and the diagonal.  The data
is :func:`symgrad.analysis.sweep.theory.meanfield_phase_data`.

>>> data = {"kind": "meanfield", "k": 4, "failed_cells": 0, "counts": {}, "panels": {
...     "relu": {"line": [(0.0, 2.0, "2")], "groups": [{"sigma_w2": "1.5",
...     "sigma_b2": "0", "width": 64, "depth": 20, "measured": 0.77, "se": 0.02,
...     "chi1_f64": 0.75, "allowance": 0.02, "verdict": "agrees"}]}}}
>>> line = critical_artist(theory_figure(data).axes[0])
>>> [float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()]
([2.0], [0.0])
"""

from __future__ import annotations

import math
from fractions import Fraction

from symgrad.base.errors import SymgradError
from symgrad.base.optional import require

__all__ = ["CRITICAL_LABEL", "critical_artist", "theory_figure"]

#: the legend label of the critical line (tests find the line by it)
CRITICAL_LABEL = "critical line (mean field)"


def critical_artist(ax):
    """The Line2D of the critical line on a phase-plane axes (None if not drawn)."""
    return next((ln for ln in ax.get_lines() if ln.get_label() == CRITICAL_LABEL), None)


def _best(groups: list[dict]) -> dict:
    """At each (s_w, s_b): the widest, then deepest group."""
    best: dict = {}
    for g in groups:
        key = (float(Fraction(g["sigma_w2"])), float(Fraction(g["sigma_b2"])))
        if key not in best or (g["width"], g["depth"]) > (best[key]["width"],
                                                          best[key]["depth"]):
            best[key] = g
    return best


def _plane(fig, ax, act: str, panel: dict) -> None:
    best = _best(panel["groups"])
    keys = sorted(best)
    logs = [math.log(best[p]["measured"]) if best[p]["measured"] > 0 else math.nan
            for p in keys]
    span = max([abs(v) for v in logs if math.isfinite(v)] + [0.1])
    for mark, want in (("o", "agrees"), ("X", "disagrees"), ("s", "undecided")):
        pts = [(p, v) for p, v in zip(keys, logs) if best[p]["verdict"] == want]
        if pts:
            sc = ax.scatter([p[0] for p, _ in pts], [p[1] for p, _ in pts],
                            c=[v for _, v in pts], cmap="coolwarm", vmin=-span, vmax=span,
                            marker=mark, s=90, edgecolors="black", label=f"{want} with chi_1")
    if keys:
        fig.colorbar(sc, ax=ax, label="ln measured ratio |d_l|^2/|d_l+1|^2", shrink=0.9)
    line = panel["line"]
    if line:
        ax.plot([w for _, w, _ in line], [b for b, _, _ in line], "-", color="black", lw=2,
                label=CRITICAL_LABEL)
    ax.set_xlabel(r"$\sigma_w^2$")
    ax.set_ylabel(r"$\sigma_b^2$")
    ax.set_title(f"{act}: measured ratio; ordered left of the line, chaotic right",
                 fontsize=9)
    ax.legend(fontsize=7, loc="best")


def _scatter(ax, act: str, panel: dict, k: float) -> None:
    gs = [g for g in panel["groups"] if math.isfinite(g["chi1_f64"])]
    if not gs:
        return
    ax.errorbar([g["chi1_f64"] for g in gs], [g["measured"] for g in gs],
                yerr=[k * g["se"] + g["allowance"] for g in gs], fmt="o", ms=4,
                color="#1f77b4", ecolor="#999999", capsize=2)
    lo = min(min(g["chi1_f64"], g["measured"]) for g in gs)
    hi = max(max(g["chi1_f64"], g["measured"]) for g in gs)
    ax.plot([lo, hi], [lo, hi], "--", color="black", lw=1, label="measured = chi_1")
    ax.set_xlabel(r"certified $\chi_1$")
    ax.set_ylabel("measured per-layer ratio")
    ax.set_title(f"{act}: bars = {k:g} se + 2 chi_1/width", fontsize=9)
    ax.legend(fontsize=7, loc="best")


def theory_figure(data: dict):
    """A matplotlib Figure of :func:`~symgrad.analysis.sweep.theory.meanfield_phase_data`."""
    figure = require("matplotlib.figure", "plot")
    agg = require("matplotlib.backends.backend_agg", "plot")
    acts = list(data["panels"])
    if not acts:
        raise SymgradError("the sweep has no computed cell to plot",
                           hint="every cell failed: see the error column of the Parquet")
    fig = figure.Figure(figsize=(11, 4.5 * len(acts)), dpi=100, layout="constrained")
    agg.FigureCanvasAgg(fig)
    axes = fig.subplots(len(acts), 2, squeeze=False)
    for i, act in enumerate(acts):
        _plane(fig, axes[i][0], act, data["panels"][act])
        _scatter(axes[i][1], act, data["panels"][act], data["k"])
    return fig
