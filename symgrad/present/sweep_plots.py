"""Phase diagrams of a sweep (matplotlib, the ``plot`` extra).

:func:`sweep_figure` draws, for each activation, log10|dF/dw_1| (the certified value, median
over the seeds) over depth x scale as a heat map, and below it the spread over the seeds
(largest minus smallest log10).  On the median map each format's boundaries are drawn:
the depth from which the computed value is 0 (underflow, solid) and from which the update
w1 - lr*g == w1 is lost (dashed) in at least half of the seeds.  The data is
:func:`symgrad.analysis.sweep.phase.phase_data`.  Files are written atomically; SVG output
is byte-identical for the same data.

>>> nan = float("nan")
>>> data = {"x": "depth", "y": "scale", "xs": [1, 2], "ys": [1.0], "formats": ["float16"],
...         "failed_cells": 0, "panels": {"tanh": {"median": [[-1.0, -9.0]],
...         "lo": [[-1.0, -9.5]], "hi": [[-1.0, -8.5]], "zero": {"float16": [[0.0, 1.0]]},
...         "lost": {"float16": [[1.0, 1.0]]}}}}
>>> render_sweep(data, "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

from symgrad.base.errors import SymgradError
from symgrad.base.optional import require
from symgrad.base.output import write_atomic
from symgrad.present.plotting import PLOT_FORMATS, plot_format
from symgrad.present.sweep_theory_plots import theory_figure

__all__ = ["boundary", "plot_sweep", "render_sweep", "sweep_figure"]

_COLORS = {"float64": "#1f77b4", "float32": "#2ca02c", "float16": "#d62728",
           "bfloat16": "#9467bd"}


def boundary(fraction: list[list[float]]) -> tuple[list[float], list[float]]:
    """The step line left of the first cell of each row whose fraction is >= 1/2.

    Coordinates are cell indices (cell (i, j) spans i-1/2..i+1/2); rows without such a
    cell break the line (nan).

    >>> boundary([[0.0, 1.0], [0.0, 0.0]])
    ([0.5, 0.5, nan], [-0.5, 0.5, nan])
    """
    xs: list[float] = []
    ys: list[float] = []
    for iy, row in enumerate(fraction):
        first = next((ix for ix, v in enumerate(row) if not math.isnan(v) and v >= 0.5), None)
        if first is None:
            xs.append(math.nan)
            ys.append(math.nan)
            continue
        xs += [first - 0.5, first - 0.5]
        ys += [iy - 0.5, iy + 0.5]
    return xs, ys


def _heat(fig, ax, grid, data: dict, label: str, cmap: str) -> None:
    np = require("numpy")
    values = np.array(grid, dtype=float)
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(masked, origin="lower", aspect="auto", cmap=cmap, interpolation="nearest")
    fig.colorbar(image, ax=ax, label=label, shrink=0.9)
    ax.set_xticks(range(len(data["xs"])), [f"{v:g}" if isinstance(v, (int, float)) else str(v)
                                           for v in data["xs"]], fontsize=8)
    ax.set_yticks(range(len(data["ys"])), [f"{v:g}" if isinstance(v, float) else str(v)
                                           for v in data["ys"]], fontsize=8)
    ax.set_xlabel(data["x"])
    ax.set_ylabel(data["y"])


def _boundaries(ax, panel: dict, formats: list[str]) -> None:
    for name in formats:
        color = _COLORS.get(name, "black")
        for key, style in (("zero", "-"), ("lost", "--")):
            bx, by = boundary(panel[key][name])
            if any(not math.isnan(v) for v in bx):
                what = "computed = 0" if key == "zero" else "update lost"
                ax.plot(bx, by, style, color=color, lw=2.2, label=f"{name}: {what}")


def sweep_figure(data: dict):
    """A matplotlib Figure of the phase data (see the module docstring)."""
    figure = require("matplotlib.figure", "plot")
    agg = require("matplotlib.backends.backend_agg", "plot")
    acts = list(data["panels"])
    if not acts:
        raise SymgradError("the sweep has no computed cell to plot",
                           hint="every cell failed: see the error column of the Parquet")
    fig = figure.Figure(figsize=(5.5 * len(acts) + 2.5, 8), dpi=100, layout="constrained")
    agg.FigureCanvasAgg(fig)
    axes = fig.subplots(2, len(acts), squeeze=False)
    for j, act in enumerate(acts):
        panel = data["panels"][act]
        top, bottom = axes[0][j], axes[1][j]
        _heat(fig, top, panel["median"], data, r"median $\log_{10}|\partial F/\partial w_1|$",
              "viridis")
        _boundaries(top, panel, data["formats"])
        top.set_title(f"{act}: certified gradient, median over seeds", fontsize=10)
        spread = [[h - lo for h, lo in zip(hr, lr)] for hr, lr in zip(panel["hi"], panel["lo"])]
        _heat(fig, bottom, spread, data, "spread of log10 (max - min)", "magma")
        bottom.set_title(f"{act}: spread over seeds", fontsize=10)
    legend: dict = {}
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    if legend:
        fig.legend(list(legend.values()), list(legend), loc="outside right upper", fontsize=8,
                   frameon=False, title="boundaries (half the seeds)")
    return fig


def render_sweep(data: dict, kind: str) -> bytes:
    """The phase diagram as ``png`` or ``svg`` bytes."""
    if kind not in PLOT_FORMATS:
        raise SymgradError(f"unknown plot type '{kind}'", hint="use png or svg")
    matplotlib = require("matplotlib", "plot")
    # a kind = "meanfield" sweep: its own picture, with the mean-field critical line
    fig = theory_figure(data) if data.get("kind") == "meanfield" else sweep_figure(data)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "symgrad", "svg.fonttype": "path"}):
        meta = {"Date": None} if kind == "svg" else {"Software": None}
        fig.savefig(buf, format=kind, metadata=meta)
    return buf.getvalue()


def plot_sweep(data: dict, path: str | os.PathLike[str]) -> Path:
    """Write the phase diagram to ``path`` (.png or .svg), atomically."""
    return write_atomic(path, render_sweep(data, plot_format(path)))
