"""Plots of the depth scan (matplotlib, the ``plot`` extra).

:func:`plot_scan` draws log10|dF/dw_1| against the depth: the true curve, each
format's computed curve, the float64 log-space curve, each format's smallest
normal (dashed) and smallest subnormal (dotted) as horizontal lines, and
markers where the computed gradient first becomes 0 (underflow) and where the
update w_1 - eta*dF/dw_1 is first lost.  The file type follows the extension
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


def scan_figure(scan):
    """A matplotlib Figure of a :class:`~symgrad.analysis.precision.DepthScan` (see module doc)."""
    from symgrad.numeric.formats import format_info

    _, Figure, FigureCanvasAgg, Line2D = _matplotlib()
    fig = Figure(figsize=(9, 5.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    depths = list(range(1, scan.max_depth + 1))
    ax.plot(depths, _finite(scan.true_log10), color="black", lw=2.2, label="true (certified)")
    ax.plot(depths, _finite(scan.logspace_log10), color="0.55", lw=1.2, ls=(0, (6, 3)),
            label="float64, log-space sums")
    for fs in scan.formats:
        color = _COLORS.get(fs.format, "0.3")
        info = format_info(fs.format)
        events = [f"update lost at L={fs.first['lost_update']}" if fs.first["lost_update"]
                  else "", f"0 at L={fs.first['zero']}" if fs.first["zero"] else ""]
        detail = ", ".join(e for e in events if e)
        ax.plot(depths, _finite(fs.log10), color=color, lw=1.3,
                label=f"{fs.format} computed" + (f" ({detail})" if detail else ""))
        ax.axhline(math.log10(float(info.tiny)), color=color, lw=0.8, ls="--")
        ax.axhline(math.log10(float(info.smallest_subnormal)), color=color, lw=0.8, ls=":")
        for event, marker in (("zero", "v"), ("lost_update", "o")):
            n = fs.first.get(event)
            if n is not None and math.isfinite(scan.true_log10[n - 1]):
                ax.plot([n], [scan.true_log10[n - 1]], marker=marker, ms=8, color=color,
                        mfc="white" if marker == "o" else color, ls="none")
    proxies = [
        Line2D([], [], color="0.3", lw=0.8, ls="--", label="smallest normal (per format)"),
        Line2D([], [], color="0.3", lw=0.8, ls=":", label="smallest subnormal (per format)"),
        Line2D([], [], color="0.3", marker="v", ls="none", label="computed gradient = 0"),
        Line2D([], [], color="0.3", marker="o", mfc="white", ls="none",
               label=f"update lost (lr {scan.to_json()['lr']})"),
    ]
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=handles + proxies, loc="upper right", fontsize=9, framealpha=0.9)
    ax.set_xlabel("depth L of the chain", fontsize=11)
    ax.set_ylabel(r"$\log_{10}\,|\partial F/\partial w_1|$", fontsize=11)
    ax.set_title(f"Vanishing gradient of the seed chain ({scan.activation}): "
                 "true value vs. floating-point formats", fontsize=11)
    ax.grid(True, lw=0.4, alpha=0.5)
    ax.set_xlim(1, max(2, scan.max_depth))
    fig.tight_layout()
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
