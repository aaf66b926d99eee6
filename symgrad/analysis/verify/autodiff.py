"""Autodiff frameworks against certified values: gradients and flush-to-zero.

Each comparison runs a framework backend (:mod:`symgrad.numeric.jax_backend`,
:mod:`symgrad.numeric.torch_backend`) in one format, then computes the truth
*at the weights the framework actually used* (rounded to the format) with
certified ball arithmetic (:func:`symgrad.numeric.flint_backend.certified_values`,
20 certified digits), and classifies every number with the tolerance model of
:mod:`symgrad.analysis.verify.tolerance`.  Hessians are compared in
:mod:`symgrad.analysis.verify.hessian_check`, the backends are loaded by
:mod:`symgrad.analysis.verify.backends`; both are re-exported here.

The depth where the flush-to-zero probe looks (seed sigmoid chain, weights 1): there the
true dF/dw_1 first drops below the format's smallest normal number (float16: 6.1e-5).

>>> depth, true = first_subnormal_depth("float16")
>>> depth, true < 2.0**-14
(8, True)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath

from symgrad.analysis.verify.backends import (
    BACKENDS,
    backend_available,
    backend_flushes,
    install_command,
    load_backend,
    parse_backends,
)
from symgrad.analysis.verify.hessian_check import (
    HessianCheck,
    compare_hessian,
    reference_hessian,
)
from symgrad.analysis.verify.tolerance import (
    Comparison,
    chain_tolerance,
    compare_value,
    row_verdict,
)
from symgrad.base.errors import SymgradError
from symgrad.base.verdicts import Verdict
from symgrad.core.chain import Chain
from symgrad.numeric.certified import certified_values
from symgrad.numeric.flint_backend import arb_to_mpf
from symgrad.numeric.formats import format_info
from symgrad.numeric.mpmath_backend import ACTIVATION_TABLE

__all__ = [
    "BACKENDS",
    "GradientCheck",
    "HessianCheck",
    "backend_available",
    "compare_gradient",
    "compare_hessian",
    "first_subnormal_depth",
    "flush_to_zero_report",
    "install_command",
    "load_backend",
    "parse_backends",
    "reference_hessian",
]

TRUTH_DIGITS = 20


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

    def __repr__(self) -> str:
        """One short line whatever the size (:mod:`symgrad.present.summary`)."""
        from symgrad.present.summary import clip, summary

        return summary("GradientCheck", [f"{self.backend} {self.format}", self.chain.describe(),
                                  clip(self.summary(), 120)], ".to_json()")

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
                     x: Fraction | None = None, result=None,
                     flushes: bool | None = None) -> GradientCheck:
    """Run ``backend`` in ``fmt`` (or take its ``result``) and classify F and every
    partial against certified values.  ``flushes`` (whether the backend flushes subnormals
    to zero in ``fmt``) is measured when not given."""
    format_info(fmt)
    if result is None:
        result = load_backend(backend).gradient(chain, weights, fmt, biases=biases, x=x)
    r = result
    cert = certified_values(chain, list(r.weights), digits=TRUTH_DIGITS,
                            biases=None if r.biases is None else list(r.biases), x=r.x)
    if flushes is None:
        flushes = backend_flushes(backend, fmt)
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


def first_subnormal_depth(fmt: str, limit: int = 5000):
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
    depth, true = first_subnormal_depth(fmt)
    r = mod.gradient(Chain(depth), [Fraction(1)] * depth, fmt)
    got = float(r.grad_w[0])
    info = format_info(fmt)
    ieee_nonzero = true >= info.smallest_subnormal / 2
    diverges = got == 0.0 and ieee_nonzero
    return {
        "backend": backend, "format": fmt, "flushes": bool(prim["flushes"]),
        "primitive": f"{prim['input']!r} * 0.5 -> {prim['result']!r} (IEEE {prim['ieee']!r})",
        "first_subnormal_depth": depth, "true_grad_w1": mpmath.nstr(true, 6),
        "computed_grad_w1": repr(got), "diverges_at": depth if diverges else None,
        "consistent": bool(prim["flushes"]) == diverges,
    }
