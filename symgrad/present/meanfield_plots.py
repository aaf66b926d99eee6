"""The mean-field phase diagram: (sigma_w^2, sigma_b^2) shaded by ln chi_1, with the certified
critical line chi_1 = 1.

The numbers come from :mod:`symgrad.analysis.meanfield`; this module only draws them
(matplotlib, the ``plot`` extra).  The output is deterministic for the same data.

>>> import math
>>> line = [(0.0, 1.0), (0.05, 1.76)]
>>> shading = ([0.5, 1.5, 2.5], [0.0, 0.05], [[math.log(0.5), 0.1, 0.3], [-0.5, -0.1, 0.2]])
>>> render_phase_diagram("tanh", line, shading, "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

from symgrad.base.optional import require
from symgrad.base.output import write_atomic
from symgrad.present.plotting import plot_format

__all__ = ["phase_diagram_figure", "plot_phase_diagram", "render_phase_diagram"]


def phase_diagram_figure(activation: str, line, shading):
    """The figure: ``line`` is [(sigma_b^2, critical sigma_w^2)], ``shading`` is
    (sigma_w^2 values, sigma_b^2 values, ln chi_1 rows per sigma_b^2; nan = no fixed point)."""
    require("matplotlib", "plot")
    figure = require("matplotlib.figure", "plot")
    colors = require("matplotlib.colors", "plot")
    fig = figure.Figure(figsize=(6.4, 4.6), dpi=100, layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    sw, sb, z = shading
    finite = [abs(v) for row in z for v in row if math.isfinite(v)]
    top = min(1.0, max([*finite, 0.001]))
    mesh = ax.pcolormesh(sw, sb, [[v if math.isfinite(v) else float("nan") for v in row]
                                  for row in z], shading="nearest", cmap="coolwarm",
                         norm=colors.TwoSlopeNorm(vmin=-top, vcenter=0.0, vmax=top))
    fig.colorbar(mesh, ax=ax, label="ln χ₁ (float64 Gauss–Hermite, clipped)")
    if line:
        ax.plot([w for _, w in line], [b for b, _ in line], color="black", lw=2,
                label="critical line χ₁ = 1 (certified)")
        ax.legend(loc="upper left")
    ax.set_xlabel("σ_w²")
    ax.set_ylabel("σ_b²")
    ax.set_title(f"{activation}: ordered (χ₁ < 1, blue) | chaotic (χ₁ > 1, red)")
    ax.set_xlim(min(sw), max(sw))
    ax.set_ylim(min(sb), max(sb))
    return fig


def render_phase_diagram(activation: str, line, shading, kind: str) -> bytes:
    """The diagram as ``png`` or ``svg`` bytes."""
    matplotlib = require("matplotlib", "plot")
    fig = phase_diagram_figure(activation, line, shading)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "symgrad", "svg.fonttype": "path"}):
        meta = {"Date": None} if kind == "svg" else {"Software": None}
        fig.savefig(buf, format=kind, metadata=meta)
    return buf.getvalue()


def plot_phase_diagram(activation: str, line, shading, path: str | os.PathLike[str]) -> Path:
    """Write the diagram to ``path`` (.png or .svg), atomically."""
    return write_atomic(path, render_phase_diagram(activation, line, shading, plot_format(path)))
