"""Autodiff frameworks against certified values: gradients, Hessians, flush-to-zero.

Each comparison runs a framework backend (:mod:`symgrad.numeric.jax_backend`,
:mod:`symgrad.numeric.torch_backend`) in one format, then computes the truth
*at the weights the framework actually used* (rounded to the format) with
certified ball arithmetic (:func:`symgrad.numeric.flint_backend.certified_values`,
20 certified digits), and classifies every number with the tolerance model of
:mod:`symgrad.analysis.verify.tolerance`.

Reference Hessian: certified, from the ball-arithmetic second-order forward
mode of :func:`symgrad.analysis.stationary.landscape.chain_forward` (every entry an
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

import importlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from types import ModuleType
from typing import Any

import mpmath

from symgrad.analysis.verdicts import Verdict
from symgrad.analysis.verify.tolerance import (
    Comparison,
    chain_tolerance,
    compare_value,
    format_info,
    row_verdict,
)
from symgrad.base.errors import MissingExtraError, SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.certified import certified_values
from symgrad.numeric.flint_backend import arb_to_mpf
from symgrad.numeric.mpmath_backend import ACTIVATION_TABLE
from symgrad.numeric.recurrence import evaluate_chain

__all__ = [
    "BACKENDS",
    "GradientCheck",
    "HessianCheck",
    "backend_available",
    "compare_gradient",
    "compare_hessian",
    "flush_to_zero_report",
    "install_command",
    "load_backend",
    "parse_backends",
    "reference_hessian",
]

#: backend name -> module
BACKENDS = {"jax": "symgrad.numeric.jax_backend", "torch": "symgrad.numeric.torch_backend"}
TRUTH_DIGITS = 20


def install_command(name: str) -> str:
    """The pip command that installs a backend's extra."""
    return f"pip install 'symgrad[{name}]'"


def parse_backends(text: str) -> tuple[str, ...]:
    """Parse ``"jax,torch"``; unknown names raise a one-line error.

    >>> parse_backends("torch, jax")
    ('torch', 'jax')
    """
    names = tuple(dict.fromkeys(p.strip().lower() for p in str(text).split(",") if p.strip()))
    if not names:
        raise SymgradError("empty backend list", hint="choose from: jax, torch")
    for n in names:
        if n not in BACKENDS:
            raise SymgradError(f"unknown backend '{n}'", hint="choose from: jax, torch")
    return names


def load_backend(name: str) -> ModuleType:
    """The backend module; raises MissingExtraError when its framework is absent."""
    mod = importlib.import_module(BACKENDS[parse_backends(name)[0]])
    if not mod.available():
        raise MissingExtraError(name, name)
    return mod


def backend_available(name: str) -> bool:
    """True when the backend's framework can be imported."""
    try:
        load_backend(name)
    except MissingExtraError:
        return False
    return True


@cache
def _flushes(backend: str, fmt: str) -> bool:
    return bool(load_backend(backend).flushes_subnormals(fmt)["flushes"])


def _mid(ball) -> mpmath.mpf:
    return arb_to_mpf(ball.arb.mid())


@dataclass
class GradientCheck:
    """Every partial derivative (and F) of one framework run, classified."""

    backend: str
    format: str
    chain: Chain
    tolerance: float
    names: list[str]
    comparisons: list[Comparison]
    flushes: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.comparisons)

    @property
    def verdict(self) -> Verdict:
        """PASS, FAIL, or NOT CHECKABLE (:func:`~symgrad.analysis.verify.tolerance.row_verdict`)."""
        return row_verdict(self.comparisons, self.tolerance)[0]

    @property
    def reason(self) -> str:
        """Why the row is not a pass ('' for a pass)."""
        return row_verdict(self.comparisons, self.tolerance)[1]

    def counts(self) -> dict[str, int]:
        """verdict -> number of values (underflows split into predicted / premature)."""
        cnt: Counter[str] = Counter()
        for c in self.comparisons:
            key = c.verdict
            if c.verdict in ("underflow", "flushed") and not c.predicted:
                key += " (premature)"
            cnt[key] += 1
        return dict(sorted(cnt.items()))

    def worst(self) -> tuple[float, float]:
        """(largest error/tolerance ratio, largest error in ulps) over compared values."""
        ratios = [c.ratio for c in self.comparisons if c.ratio is not None]
        ulps = [c.ulps for c in self.comparisons if c.ulps is not None]
        return (max(ratios, default=0.0), max(ulps, default=0.0))

    @property
    def informative(self) -> bool:
        """False when the tolerance leaves no digit of the format to check."""
        return self.verdict is not Verdict.NOT_CHECKABLE

    def summary(self) -> str:
        r, u = self.worst()
        counts = self.counts()
        parts = ", ".join(f"{n} {k}" for k, n in counts.items())
        if any(k in counts for k in ("underflow", "flushed")):
            tiny = format_info(self.format).tiny
            parts += (f" (underflow: true |value| below {self.format}'s smallest normal "
                      f"{tiny:.2e}; not counted as agreement)")
        return f"{parts}; max err {r:.2f} tol ({u:.1f} ulp); tol {self.tolerance:.1e}"

    def failures(self) -> list[str]:
        return [f"{n}: computed {c.computed!r}, true {c.true} ({c.verdict})"
                for n, c in zip(self.names, self.comparisons) if not c.ok]

    def to_json(self) -> dict[str, object]:
        return {
            "backend": self.backend, "format": self.format, "depth": str(self.chain.depth),
            "chain": self.chain.describe(), "tolerance": f"{self.tolerance:.3e}",
            "flushes_subnormals": self.flushes, "ok": self.ok, "verdict": self.verdict.word,
            "reason": self.reason,
            "counts": {k: str(v) for k, v in self.counts().items()},
            "values": {n: c.to_json() for n, c in zip(self.names, self.comparisons)},
        }

    def _repr_html_(self) -> str:
        """Jupyter: computed against certified value, per quantity (long gradients cut)."""
        from symgrad.present.display import elide, html_table, verdict_badge

        rows = []
        for item in elide(list(zip(self.names, self.comparisons))):
            if item is None:
                rows.append(None)
                continue
            n, j = item[0], item[1].to_json()
            rows.append([n, j["computed"], j["true"], j["rel_error"] or "-",
                         verdict_badge(str(j["verdict"]))])
        return html_table(["quantity", "computed", "true (certified)", "rel. error", "verdict"],
                          rows, caption=f"{self.backend} {self.format}, "
                          f"{self.chain.describe()}: {self.summary()}")


def compare_gradient(backend: str, chain: Chain, weights: Sequence[Fraction], fmt: str, *,
                     biases: Sequence[Fraction] | None = None,
                     x: Fraction | None = None, result=None) -> GradientCheck:
    """Run ``backend`` in ``fmt`` (or take its ``result``) and classify F and every
    partial against certified values."""
    mod = load_backend(backend)
    format_info(fmt)
    r = result if result is not None else mod.gradient(chain, weights, fmt, biases=biases, x=x)
    cert = certified_values(chain, list(r.weights), digits=TRUTH_DIGITS,
                            biases=None if r.biases is None else list(r.biases), x=r.x)
    flushes = _flushes(backend, fmt)
    tol = chain_tolerance(fmt, chain, list(r.weights), biases=r.biases, x=r.x)
    computed = [r.value, *r.grad_w]
    if chain.bias:
        computed += list(r.grad_b)
    if chain.form == "general":
        computed.append(r.grad_x)
    names, comps = [], []
    for (name, ball), c in zip(cert.balls(), computed):
        names.append(name)
        comps.append(compare_value(float(c), _mid(ball), fmt, tol, flushes=flushes))
    return GradientCheck(backend, fmt, chain, tol, names, comps, flushes)


class _MpOps:
    """mpmath arithmetic that accepts mpf weights (for finite differences)."""

    def convert(self, value):
        if isinstance(value, mpmath.mpf):
            return value
        v = Fraction(value)
        return mpmath.mpf(v.numerator) / v.denominator

    def activation(self, name: str):
        return ACTIVATION_TABLE[name]


def _fd_hessian(chain, weights, digits, biases, x):
    n = chain.depth
    with mpmath.workdps(2 * digits + 30):
        ops = _MpOps()
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

    from symgrad.analysis.stationary.landscape import chain_forward

    prec = int(digits * 3.33) + 64 + 2 * chain.depth
    with ctx.workprec(prec):
        ws = [arb(fmpq(Fraction(v).numerator, Fraction(v).denominator)) for v in weights]
        _, _, h = chain_forward(chain, ws)
        n = chain.depth
        H = [[arb_to_mpf(h[i, j].mid()) for j in range(n)] for i in range(n)]
        err = max(float(arb_to_mpf(h[i, j].rad())) for i in range(n) for j in range(n))
    return H, err


def reference_hessian(chain: Chain, weights: Sequence[Fraction], *, digits: int = 25,
                      method: str = "certified", biases: Sequence[Fraction] | None = None,
                      x: Fraction | None = None):
    """(H, error bound): the exact Hessian d2F/dw_i dw_j, entries as mpf.

    ``method="certified"`` (seed form): ball arithmetic second-order forward mode
    of :func:`symgrad.analysis.stationary.landscape.chain_forward`; the error bound is the
    largest ball radius.  ``method="fd"``: mpmath central differences of the
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

    @property
    def ok(self) -> bool:
        return all(c.ok for row in self.comparisons for c in row)

    @property
    def verdict(self) -> Verdict:
        """PASS, FAIL, or NOT CHECKABLE (:func:`~symgrad.analysis.verify.tolerance.row_verdict`)."""
        return row_verdict([c for row in self.comparisons for c in row], self.tolerance)[0]

    @property
    def reason(self) -> str:
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
                    fmt: str) -> HessianCheck:
    """Run the backend's Hessian in ``fmt`` and classify every entry."""
    if chain.form != "seed":
        raise SymgradError("the Hessian check supports the seed form", hint="use --form seed")
    mod = load_backend(backend)
    h, w_used = mod.hessian(chain, weights, fmt)
    ref, err = reference_hessian(chain, w_used)
    tol = chain_tolerance(fmt, chain, list(w_used))
    flushes = _flushes(backend, fmt)
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


def _first_subnormal_depth(fmt: str, limit: int = 5000):
    """Seed sigmoid chain, all weights 1: the first depth where the true dF/dw_1 is
    below the format's smallest normal number (found with mpmath), and that value."""
    info = format_info(fmt)
    sig, dsig = ACTIVATION_TABLE["sigmoid"]
    with mpmath.workdps(30):
        o, prod = mpmath.mpf(1), mpmath.mpf(1)
        for depth in range(2, limit + 1):
            prod *= dsig(o)  # dF/dw_1 at this depth = prod_{i=2}^{L} sigma'(o_{i-1})
            o = sig(o)
            if prod < info.tiny:
                return depth, prod
    raise SymgradError(f"no subnormal gradient below depth {limit}")  # pragma: no cover


def flush_to_zero_report(backend: str, fmt: str) -> dict[str, Any]:
    """Measured flush-to-zero behaviour and the depth where it departs from IEEE.

    The primitive test multiplies the smallest normal by 1/2.  Then, for the seed
    sigmoid chain with all weights 1, the first depth L* whose true dF/dw_1 is
    subnormal in the format is found; IEEE arithmetic gives a nonzero subnormal
    there, a flushing backend 0.  ``diverges_at`` is L* when the backend's
    dF/dw_1 is 0 there, else ``None``; ``consistent`` says whether the chain
    behaves as the primitive measurement predicts.
    """
    mod = load_backend(backend)
    prim = mod.flushes_subnormals(fmt)
    depth, true = _first_subnormal_depth(fmt)
    r = mod.gradient(Chain(depth), [Fraction(1)] * depth, fmt)
    got = float(r.grad_w[0])
    info = format_info(fmt)
    ieee_nonzero = true >= info.denorm_min / 2
    diverges = got == 0.0 and ieee_nonzero
    return {
        "backend": backend, "format": fmt, "flushes": bool(prim["flushes"]),
        "primitive": f"{prim['input']!r} * 0.5 -> {prim['result']!r} (IEEE {prim['ieee']!r})",
        "first_subnormal_depth": depth, "true_grad_w1": mpmath.nstr(true, 6),
        "computed_grad_w1": repr(got), "diverges_at": depth if diverges else None,
        "consistent": bool(prim["flushes"]) == diverges,
    }
