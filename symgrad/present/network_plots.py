"""Plots of a network's per-layer gradient profile in each format (matplotlib, ``plot`` extra).

:func:`plot_network_profile` draws log10 ||dF/dW_l|| against the layer l: the certified
true profile (black) and the profile of the gradient each format computed (one colour
per format), with markers where a layer has gradient entries that are exactly 0 in the
format (a filled triangle) and where updates w - lr*g are lost (an open circle).  A
layer whose whole gradient is 0 in a format has no point on that format's line; its
markers sit on the true profile.  The data come as plain lists (:func:`profile_data`
documents them), so this module knows nothing of how they were computed.  The file type
follows the extension (``.png`` or ``.svg``); the figure is rendered into memory and
written with :func:`symgrad.base.output.write_atomic`.  Only the object-oriented API is
used (no ``pyplot``).

>>> data = profile_data([1, 2], [-1.0, -3.0], {"float16": ([-1.0, float("-inf")], [0, 2],
...                     [0, 2])}, title="demo", lr="0.1")
>>> render_network_profile(data, "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import io
import math
import os
import textwrap
from pathlib import Path

from symgrad.base.errors import SymgradError
from symgrad.base.optional import require
from symgrad.base.output import write_atomic
from symgrad.present.plotting import PLOT_FORMATS, plot_format

__all__ = ["network_profile_figure", "plot_network_profile", "profile_data",
           "render_network_profile"]

_COLORS = {"float64": "#1f77b4", "float32": "#2ca02c", "float16": "#d62728",
           "bfloat16": "#9467bd"}


def profile_data(layers: list[int], true_log10: list[float],
                 formats: dict[str, tuple[list[float], list[int], list[int]]], *,
                 title: str, lr: str) -> dict:
    """The plot's input: layer numbers, log10 of the true norms (nan where unknown), and
    per format (log10 of its norms, -inf where 0; zero-entry counts; lost-update counts).

    >>> profile_data([1], [0.0], {}, title="t", lr="0.1")["layers"]
    [1]
    """
    return {"layers": list(layers), "true": list(true_log10), "title": title, "lr": lr,
            "formats": {name: {"log10": list(v), "zero": list(z), "lost": list(lost)}
                        for name, (v, z, lost) in formats.items()}}


def _finite(values: list[float]) -> list[float]:
    return [v if math.isfinite(v) else math.nan for v in values]


def _where(counts: list[int]) -> str:
    return ",".join(str(i) for i, c in enumerate(counts, 1) if c) or "-"


def _draw(ax, data: dict) -> None:
    layers, true = data["layers"], data["true"]
    ax.plot(layers, _finite(true), color="black", lw=2.4, marker="s", ms=5,
            label="true (certified)")
    for name, f in data["formats"].items():
        color = _COLORS.get(name, "0.3")
        label = f"{name} (0 in layers {_where(f['zero'])}; lost in {_where(f['lost'])})"
        ax.plot(layers, _finite(f["log10"]), color=color, lw=1.3, marker=".", label=label)
        for i, layer in enumerate(layers):
            y = f["log10"][i] if math.isfinite(f["log10"][i]) else true[i]
            if not math.isfinite(y):
                continue
            if f["zero"][i]:
                ax.plot([layer], [y], marker="v", ms=8, color=color, ls="none")
            if f["lost"][i]:
                ax.plot([layer], [y], marker="o", ms=12, mfc="none", mec=color, ls="none")


def network_profile_figure(data: dict):
    """A matplotlib Figure of :func:`profile_data`'s dict (see the module docstring)."""
    Figure = require("matplotlib.figure", "plot").Figure
    FigureCanvasAgg = require("matplotlib.backends.backend_agg", "plot").FigureCanvasAgg
    Line2D = require("matplotlib.lines", "plot").Line2D
    ticker = require("matplotlib.ticker", "plot")
    fig = Figure(figsize=(11, 5.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    _draw(ax, data)
    proxies = [
        Line2D([], [], color="0.3", marker="v", ls="none",
               label="layer has entries = 0 in the format"),
        Line2D([], [], color="0.3", marker="o", mfc="none", ms=10, ls="none",
               label=f"layer has lost updates (w - {data['lr']}·g == w)"),
    ]
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=handles + proxies, loc="upper left", bbox_to_anchor=(1.02, 1.0),
              borderaxespad=0.0, fontsize=9, frameon=False)
    ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    ax.set_xlabel("layer l", fontsize=11)
    ax.set_ylabel(r"$\log_{10}\,\|\partial F/\partial W_l\|$", fontsize=11)
    ax.set_title(textwrap.fill(data["title"], 80), fontsize=10)
    ax.grid(True, lw=0.4, alpha=0.5)
    if data["layers"]:
        ax.set_xlim(min(data["layers"]) - 0.3, max(data["layers"]) + 0.3)
    return fig


def render_network_profile(data: dict, kind: str) -> bytes:
    """The plot as ``png`` or ``svg`` bytes (deterministic for the same data)."""
    if kind not in PLOT_FORMATS:
        raise SymgradError(f"unknown plot type '{kind}'", hint="use png or svg")
    matplotlib = require("matplotlib", "plot")
    fig = network_profile_figure(data)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "symgrad", "svg.fonttype": "path"}):
        meta = {"Date": None} if kind == "svg" else {"Software": None}
        fig.savefig(buf, format=kind, metadata=meta)
    return buf.getvalue()


def plot_network_profile(data: dict, path: str | os.PathLike[str]) -> Path:
    """Write the profile plot to ``path`` (type from the extension), atomically."""
    kind = plot_format(path)
    return write_atomic(path, render_network_profile(data, kind))
