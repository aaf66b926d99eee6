"""Plots of a descent run (matplotlib, the ``plot`` extra): F and ||grad F|| against the
step for the truth and each float run, and a parameter x step map of lost updates.

:func:`render_descent` takes plain data (this layer sits below the analysis): ``curves``
maps a run name to ``(F values, ||grad F|| values)`` indexed by step, ``lost`` maps a run
name to an integer array of shape (steps, parameters): 2 where the update was lost
(g != 0, w - eta g == w), 1 where the gradient was exactly 0, 0 elsewhere.  The y axes
are logarithmic (|F| is drawn; values that are 0 or not finite are left out).  Optional
``depths`` maps a run name to ``(depths, steps)``: the steps to reduce F by the target
fraction against depth, one line per run, drawn in a last panel.  Files are
written with
:func:`symgrad.base.output.write_atomic`; SVG output is byte-identical for the same data
(fixed ``svg.hashsalt``, no date), as in :mod:`symgrad.present.plotting`.

>>> import numpy as np
>>> data = render_descent({"true": ([0.5, 0.4], [0.1, 0.05])},
...                       {"float16": np.array([[2, 1]])}, "svg")
>>> data[:5]
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

__all__ = ["descent_figure", "plot_descent", "render_descent"]

_COLORS = {"true": "#000000", "float64": "#1f77b4", "float32": "#2ca02c",
           "float16": "#d62728", "bfloat16": "#9467bd", "mixed-float16": "#ff7f0e",
           "mixed-bfloat16": "#8c564b"}


def _positive(values) -> tuple[list[int], list[float]]:
    pts = [(k, abs(v)) for k, v in enumerate(values) if math.isfinite(v) and v != 0]
    return [k for k, _ in pts], [v for _, v in pts]


def _depth_panel(ax, depths: dict) -> None:
    drawn = [(name, xs, ys) for name, (xs, ys) in depths.items() if xs]
    for name, xs, ys in drawn:
        ax.plot(xs, ys, marker="o", label=name, color=_COLORS.get(name),
                lw=2 if name == "true" else 1, ls="-" if name == "true" else "--")
    ax.set_xlabel("depth L")
    ax.set_ylabel("steps")
    ax.set_title("steps to reduce F by the target fraction (stalled runs left out)",
                 fontsize="small")
    if drawn:
        ax.legend(fontsize="small", loc="best")


def descent_figure(curves: dict, lost: dict, depths: dict | None = None):
    """The figure: F and ||grad F|| against the step, then one lost-update map per run,
    then (``depths``) the steps to the target fraction against depth."""
    figure = require("matplotlib.figure", "plot")
    require("matplotlib.backends.backend_agg", "plot")
    maps = [(name, m) for name, m in lost.items() if m.size]
    rows = 1 + max(1, math.ceil(len(maps) / 2)) if maps else 1
    rows += 1 if depths else 0
    fig = figure.Figure(figsize=(10, 3.2 * rows), layout="constrained")
    grid = fig.add_gridspec(rows, 2)
    for col, (title, idx) in enumerate((("|F(p_k)|", 0), ("||grad F(p_k)||", 1))):
        ax = fig.add_subplot(grid[0, col])
        for name, data in curves.items():
            ks, vs = _positive(data[idx])
            if ks:
                ax.plot(ks, vs, label=name, color=_COLORS.get(name), lw=2 if name == "true" else 1,
                        ls="-" if name == "true" else "--")
        ax.set_yscale("log")
        ax.set_xlabel("step k")
        ax.set_title(title)
        if col == 1:
            ax.legend(fontsize="small", loc="best")
    for i, (name, m) in enumerate(maps):
        ax = fig.add_subplot(grid[1 + i // 2, i % 2])
        ax.imshow(m.T, aspect="auto", interpolation="nearest", cmap="Greys", vmin=0, vmax=2,
                  origin="lower", extent=(-0.5, m.shape[0] - 0.5, 0.5, m.shape[1] + 0.5))
        ax.set_xlabel("step k")
        ax.set_ylabel("parameter (layer)")
        ax.set_title(f"{name}: lost updates (black, {int((m == 2).sum())}), zero gradients "
                     f"(grey, {int((m == 1).sum())})", fontsize="small")
    if depths:
        _depth_panel(fig.add_subplot(grid[rows - 1, :]), depths)
    return fig


def render_descent(curves: dict, lost: dict, kind: str, depths: dict | None = None) -> bytes:
    """The plot as ``png`` or ``svg`` bytes (deterministic for the same data)."""
    if kind not in PLOT_FORMATS:
        raise SymgradError(f"unknown plot type '{kind}'", hint="use png or svg")
    matplotlib = require("matplotlib", "plot")
    fig = descent_figure(curves, lost, depths)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "symgrad", "svg.fonttype": "path"}):
        meta = {"Date": None} if kind == "svg" else {"Software": None}
        fig.savefig(buf, format=kind, metadata=meta)
    return buf.getvalue()


def plot_descent(curves: dict, lost: dict, path: str | os.PathLike[str],
                 depths: dict | None = None) -> Path:
    """Write the descent plot to ``path`` (type from the extension), atomically."""
    return write_atomic(path, render_descent(curves, lost, plot_format(path), depths))
