"""The mean-field phase diagram's data and Pennington's spectrum moments of J J^T.

>>> m = spectrum_moments(arb(1), arb(1), 3)  # a linear network at criticality
>>> [str(v) for v in m["gaussian"]], [str(v) for v in m["orthogonal"]]
(['1.00000000000000', '3.00000000000000'], ['1.00000000000000', '0'])
"""

from __future__ import annotations

import math
from fractions import Fraction

from flint import arb

from symgrad.analysis.meanfield import critical_report, float_chi1

__all__ = ["phase_diagram_data", "spectrum_moments"]


def spectrum_moments(chi1: arb, ratio: arb, depth: int) -> dict[str, tuple[arb, arb]]:
    """(mean, variance) of the spectrum of J J^T at ``depth`` for Gaussian and orthogonal
    weights (Pennington, Schoenholz & Ganguli 2017): mean chi_1^L, variance chi_1^{2L} L
    (mu_2/mu_1^2 - 1 - s_1), s_1 = -1 (Gaussian), 0 (orthogonal); ``ratio`` = mu_2/mu_1^2.
    """
    mean = chi1 ** depth
    return {kind: (mean, mean * mean * depth * (ratio - 1 - s1))
            for kind, s1 in (("gaussian", -1), ("orthogonal", 0))}


def phase_diagram_data(name: str, *, sb_max: float = 2.0, n_line: int = 17, n_w: int = 24,
                       n_b: int = 16, digits: int = 8):
    """(critical line [(s_b, s_w)] from :func:`critical_report` at ``digits`` digits, and the
    float64 shading (s_w values, s_b values, rows of ln chi_1; nan: no fixed point))."""
    line = []
    for i in range(n_line):
        sb = Fraction(i, n_line - 1) ** 2 * Fraction(sb_max)  # dense near 0
        rep = critical_report(name, sb, digits=digits)
        if rep.sigma_w2 is not None:
            line.append((float(sb), float(rep.sigma_w2.mid)))
    top = max([4.0] + [1.25 * w for _, w in line])
    sw = [top * (i + 0.5) / n_w for i in range(n_w)]
    sbs = [sb_max * j / (n_b - 1) for j in range(n_b)]
    rows = []
    for b in sbs:
        row = []
        for w in sw:
            chi = float_chi1(name, w, b)
            row.append(math.log(chi) if chi is not None and chi > 0 else float("nan"))
        rows.append(row)
    return line, (sw, sbs, rows)
