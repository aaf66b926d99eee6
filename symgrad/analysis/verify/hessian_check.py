"""Hessians of the autodiff frameworks against a certified reference, entry by entry.

Reference Hessian: certified, from the ball-arithmetic second-order forward
mode of :func:`symgrad.numeric.hessian.chain_forward` (every entry an
Arb ball; the error bound is the largest radius).  A second, independent
method (``method="fd"``): mpmath central differences of the high-precision
gradient (the recurrence at ``2*digits + 30`` working digits), step
h = 10^-(digits+5), with an error estimate from a second step 10 h (the
difference of the two bounds the truncation error of the first by a factor
of about 100); the test-suite checks that both agree.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> H, err = reference_hessian(Chain(2), [Fraction(1), Fraction(1)])
>>> H2, err2 = reference_hessian(Chain(2), [Fraction(1), Fraction(1)], method="fd")
>>> abs(H[0][1] - H2[0][1]) < 1e-25, err < 1e-20, err2 < 1e-20
(True, True, True)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from symgrad.analysis.verify.backends import MpOps, backend_flushes, load_backend
from symgrad.analysis.verify.tolerance import (
    Comparison,
    chain_tolerance,
    compare_value,
    row_verdict,
)
from symgrad.base.errors import SymgradError
from symgrad.base.verdicts import Verdict
from symgrad.core.chain import Chain
from symgrad.numeric.flint_backend import arb_to_mpf
from symgrad.numeric.recurrence import evaluate_chain

__all__ = ["HessianCheck", "compare_hessian", "reference_hessian"]


def _fd_hessian(chain, weights, digits, biases, x):
    n = chain.depth
    with mpmath.workdps(2 * digits + 30):
        ops = MpOps()
        w0 = [ops.convert(v) for v in weights]

        def grad(ws):
            return evaluate_chain(chain, ws, ops, biases=biases, x=x).grad_w

        def column(j, h):
            wp, wm = list(w0), list(w0)
            wp[j] += h
            wm[j] -= h
            gp, gm = grad(wp), grad(wm)
            return [(a - b) / (2 * h) for a, b in zip(gp, gm)]

        h = mpmath.mpf(10) ** -(digits + 5)
        cols = [column(j, h) for j in range(n)]
        cols10 = [column(j, 10 * h) for j in range(n)]
        err = max((abs(a - b) for c1, c2 in zip(cols, cols10) for a, b in zip(c1, c2)),
                  default=mpmath.mpf(0))
        return [[+cols[j][i] for j in range(n)] for i in range(n)], float(err)


def _certified_hessian(chain, weights, digits):
    from flint import arb, ctx, fmpq

    from symgrad.numeric.hessian import chain_forward

    prec = int(digits * 3.33) + 64 + 2 * chain.depth
    with ctx.workprec(prec):
        ws = [arb(fmpq(Fraction(v).numerator, Fraction(v).denominator)) for v in weights]
        _, _, h = chain_forward(chain, ws)
        n = chain.depth
        if not all(h[i, j].is_finite() for i in range(n) for j in range(n)):
            return None, math.inf  # no enclosure: e.g. a pre-activation at relu's kink
        H = [[arb_to_mpf(h[i, j].mid()) for j in range(n)] for i in range(n)]
        err = max(float(arb_to_mpf(h[i, j].rad())) for i in range(n) for j in range(n))
    return H, err


def reference_hessian(chain: Chain, weights: Sequence[Fraction], *, digits: int = 25,
                      method: str = "certified", biases: Sequence[Fraction] | None = None,
                      x: Fraction | None = None):
    """(H, error bound): the exact Hessian d2F/dw_i dw_j, entries as mpf.

    ``method="certified"`` (seed form): ball arithmetic second-order forward mode
    of :func:`symgrad.numeric.hessian.chain_forward`; the error bound is the
    largest ball radius (``(None, inf)`` when an entry has no finite enclosure: the
    Hessian does not exist there, e.g. a pre-activation at a kink).  ``method="fd"``:
    mpmath central differences of the
    high-precision gradient (see the module docstring); the bound is an estimate.
    """
    if method == "certified" and chain.form == "seed":
        return _certified_hessian(chain, weights, digits)
    if method not in ("certified", "fd"):
        raise SymgradError(f"unknown Hessian reference method '{method}'",
                           hint="use certified or fd")
    return _fd_hessian(chain, weights, digits, biases, x)


@dataclass
class HessianCheck:
    """A framework's Hessian against the reference, entry by entry (row/column scale)."""

    backend: str
    format: str
    chain: Chain
    tolerance: float
    comparisons: list[list[Comparison]]
    asymmetry: float  # max |H_ij - H_ji| / scale_ij of the framework's matrix
    reference_error: float
    missing: str = ""  # why there is no reference (then the row is not checkable)

    @property
    def ok(self) -> bool:
        return all(c.ok for row in self.comparisons for c in row)

    @property
    def verdict(self) -> Verdict:
        """PASS, FAIL, or NOT CHECKABLE (:func:`~symgrad.analysis.verify.tolerance.row_verdict`)."""
        if self.missing:
            return Verdict.NOT_CHECKABLE
        return row_verdict([c for row in self.comparisons for c in row], self.tolerance)[0]

    @property
    def reason(self) -> str:
        if self.missing:
            return self.missing
        return row_verdict([c for row in self.comparisons for c in row], self.tolerance)[1]

    def counts(self) -> dict[str, int]:
        cnt: Counter[str] = Counter()
        for row in self.comparisons:
            for c in row:
                key = c.verdict + ("" if c.verdict == "agree" or c.predicted or
                                   c.verdict == "disagree" else " (premature)")
                cnt[key] += 1
        return dict(sorted(cnt.items()))

    def worst(self) -> float:
        return max((c.ratio for row in self.comparisons for c in row if c.ratio is not None),
                   default=0.0)

    def summary(self) -> str:
        if self.missing:
            return f"no entry compared (reference error bound {self.reference_error})"
        parts = ", ".join(f"{n} {k}" for k, n in self.counts().items())
        return (f"{parts}; max err {self.worst():.2f} tol on row scale; "
                f"asymmetry {self.asymmetry:.1e}; certified reference, radius "
                f"< {self.reference_error:.0e}")

    def to_json(self) -> dict[str, object]:
        return {
            "backend": self.backend, "format": self.format, "depth": str(self.chain.depth),
            "tolerance": f"{self.tolerance:.3e}", "ok": self.ok, "verdict": self.verdict.word,
            "reason": self.reason,
            "counts": {k: str(v) for k, v in self.counts().items()},
            "asymmetry": f"{self.asymmetry:.3e}",
            "reference_error": f"{self.reference_error:.3e}",
            "entries": [[c.to_json() for c in row] for row in self.comparisons],
        }

    def __repr__(self) -> str:
        """One short line whatever the size (:mod:`symgrad.present.summary`)."""
        from symgrad.present.summary import clip, summary

        return summary("HessianCheck", [f"{self.backend} {self.format}", self.chain.describe(),
                                  clip(self.summary(), 120)], ".to_json()")

    def _repr_html_(self) -> str:
        """Jupyter: the verdict of every entry d2F/dw_i dw_j (large matrices cut)."""
        from symgrad.present.display import GAP, elide, html_table

        idx = elide(range(len(self.comparisons)))

        def cell(i: int, j: int | None) -> str:
            if j is None:
                return GAP
            c = self.comparisons[i][j]
            return c.verdict if c.ratio is None else f"{c.verdict} ({c.ratio:.2g} tol)"

        rows = [None if i is None else [f"w{i + 1}", *(cell(i, j) for j in idx)] for i in idx]
        head = ["", *(GAP if j is None else f"w{j + 1}" for j in idx)]
        return html_table(head, rows, caption=f"Hessian, {self.backend} {self.format}, "
                          f"{self.chain.describe()}: {self.summary()}")


def compare_hessian(backend: str, chain: Chain, weights: Sequence[Fraction],
                    fmt: str, *, result: tuple | None = None) -> HessianCheck:
    """Run the backend's Hessian in ``fmt`` (or take its ``result``, the ``(H, weights
    used)`` of ``hessian_batch``) and classify every entry."""
    if chain.form != "seed":
        raise SymgradError("the Hessian check supports the seed form", hint="use --form seed")
    h, w_used = result if result is not None else load_backend(backend).hessian(
        chain, weights, fmt)
    tol = chain_tolerance(fmt, chain, list(w_used))
    why = ("no certified Hessian at these weights (an entry has no finite enclosure: "
           f"a pre-activation at a kink of {chain.activation})")
    try:
        ref, err = reference_hessian(chain, w_used)
    except SymgradError as exc:  # the second derivative does not exist there (a kink)
        ref, err, why = None, math.inf, f"no certified Hessian at these weights: {exc}"
    if ref is None:
        return HessianCheck(backend, fmt, chain, tol, [], 0.0, err, missing=why)
    flushes = backend_flushes(backend, fmt)
    n = chain.depth
    with mpmath.workdps(40):
        rows = [max(abs(v) for v in ref[i]) for i in range(n)]
        comps, asym = [], 0.0
        for i in range(n):
            row = []
            for j in range(n):
                sc = min(rows[i], rows[j])
                row.append(compare_value(float(h[i, j]), ref[i][j], fmt, tol, scale=sc,
                                         flushes=flushes))
                if sc > 0:
                    asym = max(asym, float(abs(h[i, j] - h[j, i]) / sc))
            comps.append(row)
    return HessianCheck(backend, fmt, chain, tol, comps, asym, err)
