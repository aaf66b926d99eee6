"""Plots of the depth scan (matplotlib, the ``plot`` extra).

:func:`plot_scan` draws log10|dF/dw_1| against the depth: the true curve, each
format's computed curve, the float64 log-space curve, each format's smallest
normal (dashed) and smallest subnormal (dotted) as horizontal lines, and
markers where the computed gradient first becomes 0 (underflow) and where the
update w_1 - eta*dF/dw_1 is first lost.  The depth axis is logarithmic (the float16 and
bfloat16 events at depths of a few layers and float64's at hundreds are all readable)
and the legend stands beside the axes, not over the lines.  The file type follows the extension
(``.png`` or ``.svg``); the figure is rendered into memory and written with
:func:`symgrad.base.output.write_atomic`, so a failure never leaves a partial file.
SVG output is byte-identical for the same scan (fixed ``svg.hashsalt``, no date).

Only the object-oriented API is used (no ``pyplot``), with the Agg canvas, so
no global matplotlib state changes.

>>> from fractions import Fraction
>>> from symgrad.analysis.precision import scan_depths
>>> data = render_scan(scan_depths([Fraction(1)] * 50, formats="float32"), "svg")
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

__all__ = ["PLOT_FORMATS", "plot_format", "plot_scan", "render_scan", "scan_figure"]

#: Supported file extensions.
PLOT_FORMATS = ("png", "svg")
_COLORS = {"float64": "#1f77b4", "float32": "#2ca02c", "float16": "#d62728",
           "bfloat16": "#9467bd"}


def _matplotlib():
    matplotlib = require("matplotlib", "plot")
    agg = require("matplotlib.backends.backend_agg", "plot")
    figure = require("matplotlib.figure", "plot")
    lines = require("matplotlib.lines", "plot")
    return matplotlib, figure.Figure, agg.FigureCanvasAgg, lines.Line2D


def plot_format(path: str | os.PathLike[str]) -> str:
    """``png`` or ``svg`` from the file name, else a one-line :class:`SymgradError`."""
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in PLOT_FORMATS:
        raise SymgradError(
            f"cannot tell the plot type of '{path}'", hint="end the file name in .png or .svg"
        )
    return ext


def _finite(values: list[float]) -> list[float]:
    return [v if math.isfinite(v) else math.nan for v in values]


def _curves(ax, scan, depths: list[int], *, legend: bool) -> None:
    """The true, log-space and computed curves, each format's limits and event markers."""
    from symgrad.numeric.formats import format_info

    n = len(depths)
    label = (lambda text: text) if legend else (lambda text: "_nolegend_")
    ax.plot(depths, _finite(scan.true_log10[:n]), color="black", lw=2.2,
            label=label("true (certified)"))
    ax.plot(depths, _finite(scan.logspace_log10[:n]), color="0.55", lw=1.2, ls=(0, (6, 3)),
            label=label("float64, log-space sums"))
    for fs in scan.formats:
        color = _COLORS.get(fs.format, "0.3")
        info = format_info(fs.format)
        events = [f"update lost at L={fs.first['lost_update']}" if fs.first["lost_update"]
                  else "", f"0 at L={fs.first['zero']}" if fs.first["zero"] else ""]
        detail = ", ".join(e for e in events if e)
        ax.plot(depths, _finite(fs.log10[:n]), color=color, lw=1.3,
                label=label(f"{fs.format} computed" + (f" ({detail})" if detail else "")))
        ax.axhline(math.log10(float(info.tiny)), color=color, lw=0.8, ls="--")
        ax.axhline(math.log10(float(info.smallest_subnormal)), color=color, lw=0.8, ls=":")
        for event, marker in (("zero", "v"), ("lost_update", "o")):
            d = fs.first.get(event)
            if d is not None and d <= n and math.isfinite(scan.true_log10[d - 1]):
                ax.plot([d], [scan.true_log10[d - 1]], marker=marker, ms=8, color=color,
                        mfc="white" if marker == "o" else color, ls="none")


def _inset(ax, scan) -> None:
    """A zoom on the early events (the low-precision formats, a few dozen layers deep) in
    the empty lower left of the axes, when the scan runs far deeper than them."""
    from symgrad.numeric.formats import format_info

    early = [d for fs in scan.formats if math.log10(float(format_info(fs.format).tiny)) > -100
             for d in fs.first.values() if d is not None]
    if not early or scan.max_depth < 4 * max(early):
        return
    n = min(scan.max_depth, math.ceil(max(early) * 1.25) + 1)
    low = min((v for v in scan.true_log10[:n] if math.isfinite(v)), default=-1.0)
    inset = ax.inset_axes((0.06, 0.07, 0.40, 0.40))
    _curves(inset, scan, list(range(1, n + 1)), legend=False)
    inset.set_xlim(1, n)
    inset.set_ylim(low - 0.08 * (1 - low), 1 + 0.04 * (1 - low))
    inset.set_title(f"depths 1..{n} (linear)", fontsize=9)
    inset.tick_params(labelsize=8)
    inset.grid(True, lw=0.4, alpha=0.5)


def scan_figure(scan):
    """A matplotlib Figure of a :class:`~symgrad.analysis.precision.DepthScan` (see module doc)."""
    _, Figure, FigureCanvasAgg, Line2D = _matplotlib()
    ticker = require("matplotlib.ticker", "plot")
    fig = Figure(figsize=(12, 5.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    _curves(ax, scan, list(range(1, scan.max_depth + 1)), legend=True)
    proxies = [
        Line2D([], [], color="0.3", lw=0.8, ls="--", label="smallest normal (per format)"),
        Line2D([], [], color="0.3", lw=0.8, ls=":", label="smallest subnormal (per format)"),
        Line2D([], [], color="0.3", marker="v", ls="none", label="computed gradient = 0"),
        Line2D([], [], color="0.3", marker="o", mfc="white", ls="none",
               label=f"update lost (lr {scan.to_json()['lr']})"),
    ]
    handles, _ = ax.get_legend_handles_labels()
    # beside the axes, never over the lines
    ax.legend(handles=handles + proxies, loc="upper left", bbox_to_anchor=(1.02, 1.0),
              borderaxespad=0.0, fontsize=9, frameon=False)
    # a log depth axis: the low-precision formats' events (depths 4..100) get as much room
    # as float64's (hundreds); on a linear axis they crowd into its first few percent
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.set_xlabel("depth L of the chain (log scale)", fontsize=11)
    ax.set_ylabel(r"$\log_{10}\,|\partial F/\partial w_1|$", fontsize=11)
    ax.set_title(f"Vanishing gradient of the seed chain ({scan.activation}): "
                 "true value vs. floating-point formats", fontsize=11)
    ax.grid(True, lw=0.4, alpha=0.5)
    ax.set_xlim(1, max(2, scan.max_depth))
    _inset(ax, scan)
    return fig


def render_scan(scan, kind: str) -> bytes:
    """The plot as ``png`` or ``svg`` bytes (deterministic for the same scan)."""
    if kind not in PLOT_FORMATS:
        raise SymgradError(f"unknown plot type '{kind}'", hint="use png or svg")
    matplotlib, *_ = _matplotlib()
    fig = scan_figure(scan)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "symgrad", "svg.fonttype": "path"}):
        meta = {"Date": None} if kind == "svg" else {"Software": None}
        fig.savefig(buf, format=kind, metadata=meta)
    return buf.getvalue()


def plot_scan(scan, path: str | os.PathLike[str]) -> Path:
    """Write the scan plot to ``path`` (type from the extension), atomically."""
    kind = plot_format(path)
    return write_atomic(path, render_scan(scan, kind))
