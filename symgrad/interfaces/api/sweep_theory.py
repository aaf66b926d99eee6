"""``symgrad.sweep_theory``: a ``kind = "meanfield"`` sweep's measured ratios against chi_1.

:func:`sweep_theory` reads a sweep folder (:func:`symgrad.sweep_results`) whose grid has
``kind = "meanfield"`` and returns, per (activation, sigma_w2, sigma_b2, width, depth),
the measured per-layer squared-gradient-norm ratio (mean over the seeds, float64
statistics of seeded networks), its standard error, the certified chi_1 and the verdict:
within ``k`` standard errors plus the finite-width allowance 2 chi_1/width
(:mod:`symgrad.analysis.sweep.theory`).  ``plot`` also draws the picture of ``sweep-plot``.

>>> r = SweepTheoryResult({"k": 4, "counts": {"agrees": 2, "disagrees": 0,
...     "undecided": 0}, "groups": [], "failed_cells": 0}, None)
>>> r.summary()
'2 of 2 groups agree with chi_1 (within 4 se + 2 chi_1/width)'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from symgrad.analysis.sweep.store import read_results
from symgrad.analysis.sweep.theory import meanfield_phase_data, theory_table
from symgrad.base.errors import InputError
from symgrad.interfaces.api._values import input_errors
from symgrad.interfaces.api.result import Result

__all__ = ["SweepTheoryResult", "sweep_theory"]


def _g(v: float) -> str:
    return f"{v:.4g}"


@dataclass(frozen=True, repr=False)
class SweepTheoryResult(Result):
    """The verdicts of :func:`sweep_theory` (``plot``: the picture written, if any)."""

    SCHEMA = "symgrad.sweep-theory/1"
    FORMATS = ("text", "json")

    table: dict
    plot: Path | None

    def json_body(self) -> dict:
        groups = [{**{k: g[k] for k in ("activation", "sigma_w2", "sigma_b2", "width",
                                          "depth", "seeds", "chi1", "phase", "verdict")},
                   "measured": _g(g["measured"]), "se": _g(g["se"]),
                   "allowance": _g(g["allowance"])} for g in self.table["groups"]]
        return {"k": self.table["k"], "counts": self.table["counts"], "groups": groups,
                "failed_cells": self.table["failed_cells"],
                "plot": None if self.plot is None else str(self.plot)}

    def summary(self) -> str:
        c = self.table["counts"]
        return (f"{c['agrees']} of {sum(c.values())} groups agree with chi_1 (within "
                f"{self.table['k']:g} se + 2 chi_1/width)")

    def to_text(self) -> str:
        head = (f"{'activation':<10} {'s_w^2':>7} {'s_b^2':>7} {'width':>6} {'depth':>6} "
                f"{'seeds':>5} {'measured':>10} {'se':>9} {'chi_1 (certified)':>18} "
                f"{'allow':>8}  verdict")
        lines = [head]
        for g in self.table["groups"]:
            lines.append(f"{g['activation']:<10} {g['sigma_w2']:>7} {g['sigma_b2']:>7} "
                         f"{g['width']:>6} {g['depth']:>6} {g['seeds']:>5} "
                         f"{_g(g['measured']):>10} {_g(g['se']):>9} "
                         f"{g['chi1'] or '-':>18} {_g(g['allowance']):>8}  {g['verdict']}")
        lines.append(self.summary())
        if self.table["counts"]["undecided"]:
            lines.append(f"{self.table['counts']['undecided']} undecided: no fixed point "
                         "(chi_1 does not exist) or a non-finite measurement")
        if self.table["failed_cells"]:
            lines.append(f"{self.table['failed_cells']} failed cells left out")
        if self.plot is not None:
            lines.append(f"wrote {self.plot}")
        return "\n".join(lines) + "\n"


def sweep_theory(out: object, *, k: object = 4, plot: object = None) -> SweepTheoryResult:
    """Measured ratios of the meanfield sweep in folder ``out`` against chi_1 (see the
    module docstring); ``k``: standard errors allowed; ``plot``: a .png/.svg to draw."""
    from symgrad.present.plotting import plot_format
    from symgrad.present.sweep_plots import plot_sweep

    with input_errors():
        if isinstance(k, bool) or not isinstance(k, (int, float, str)):
            raise InputError(f"k must be a number, got {k!r}", hint="e.g. k=4")
        try:
            kf = float(k)
        except ValueError:
            raise InputError(f"k must be a number, got {k!r}", hint="e.g. --k 4") from None
        if plot is not None:
            plot_format(plot)
        rows = read_results(Path(str(out)))
        table = theory_table(rows, k=kf)
        path = None
        if plot is not None:
            path = Path(plot_sweep(meanfield_phase_data(rows, k=kf), str(plot)))
    return SweepTheoryResult(table, path)
