"""The tolerance model: when does a framework's number agree with the truth?

Formats and their constants come from :mod:`symgrad.numeric.formats`
(``numpy.finfo`` / ``ml_dtypes.finfo``): machine epsilon ``eps`` (the gap
between 1 and the next number), the smallest normal number ``tiny`` and the
smallest subnormal ``smallest_subnormal``.

Gradient (per weight).  dF/dw_k of the chain is a product of about L factors,
o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i), and the framework computes
it with about 8 roundings per layer, each with relative error at most
u = eps/2: the pre-activation w*o (1), the activation (the frameworks' exp,
add and divide: about 3), the derivative (2) and the two products of the
reverse sweep (2), i.e. 8u = 4 eps per layer.  Relative errors of a product
add, so the bound grows linearly in the depth:

    |computed - true| <= tol * |true|,   tol = C * (1 + sum_i a_i) * eps,   C = 4,

with one term a_i per activated layer.  For well-conditioned layers a_i = 1
and this is the plain linear model tol = C (L + 1) eps (:func:`tolerance`).
Two effects make a layer worse, and :func:`chain_tolerance` adds them from
the true pre-activations z_i (computed at high precision):

* error propagation: a relative error in z_i changes sigma'(z_i) by about
  |z sigma''(z)/sigma'(z)| <= 2|z| times as much: a_i gets + |z_i|;
* cancellation in the frameworks' derivative formulas, which reuse the
  forward value y = sigma(z): sigma' = y(1 - y) loses sigma/(1 - sigma) =
  e^z for z > 0, tanh' = 1 - y^2 loses y^2/(1 - y^2) = sinh(z)^2; both
  multiply the activation's own error of about 2 ulp: a_i gets + 2 kappa(z_i).
  (softplus' = sigmoid has no cancellation.)

Measured (jax and torch, all four formats, sigmoid/tanh/softplus; weights
N(0, 1) at depths 2..100, and 150 draws of multiples of 1/64 in [-3, 3] at
depths 2..25): the largest error was 0.59 (1 + sum a_i) eps for N(0, 1)
weights and 1.12 (1 + sum a_i) eps for the wide weights, where the plain
linear model is exceeded by a factor of up to 4e5 (tanh).  C = 4 leaves a
margin of more than 3 without hiding a real error of a few ulps per layer.
One real error it does catch: PyTorch's ``softplus`` (threshold 20 by
default) returns z and the derivative 1 for z > 20, a relative error of up
to e^-20 = 2e-9 (10^7 ulp in float64); JAX's softplus is accurate there.

Hessian (per entry).  Entries are sums of products and can cancel (an entry
far below the others of its row is the difference of terms of the row's
size), so each entry is compared on the scale of its row and column:

    |H_ij - T_ij| <= tol * min(max_k |T_ik|, max_k |T_jk|)

with the same ``tol``.  Measured largest error: 0.55 (L+1) eps times that scale.

Underflow is its own verdict, never agreement: a computed value that is 0 or
subnormal where the truth is nonzero (or where the truth is a normal number).
It is *predicted* when the truth itself is below the format's normal range
(|true| < tiny (1 + tol)): the format cannot represent it to full precision.
An underflow of a normal truth beyond that margin is premature: a failure.
``flushed`` marks a 0 where IEEE gradual underflow would give a nonzero
subnormal and the backend was measured to flush subnormals to zero.

A row is a check only when it can fail on a wrong digit (:func:`row_verdict`):
a relative tolerance >= :data:`MAX_CHECKABLE_TOLERANCE` = 1/2 admits half and one
and a half times the true value, so not even the leading binary digit is
checked, and a row in which no value was compared (every one underflowed) checks
nothing; both are ``NOT CHECKABLE`` with the reason, never ``PASS``.  A value
that breaks even such a tolerance (or is NaN, or underflows prematurely) is
still a ``FAIL``: the bound is valid, only too weak to make a pass mean anything.

>>> t = tolerance("float64", 10)
>>> t == 4 * 11 * 2.0**-52
True
>>> compare_value(0.5 * (1 + 2.0**-50), 0.5, "float64", t).verdict
'agree'
>>> compare_value(0.0, 1e-30, "float32", tolerance("float32", 10)).verdict
'underflow'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath

from symgrad.base.verdicts import Verdict
from symgrad.numeric.formats import format_info, ulp
from symgrad.numeric.kernels import get_kernel

__all__ = [
    "AGREE",
    "C_GRADIENT",
    "DISAGREE",
    "FLUSHED",
    "MAX_CHECKABLE_TOLERANCE",
    "NONFINITE",
    "UNDERFLOW",
    "Comparison",
    "chain_tolerance",
    "compare_value",
    "layer_amplification",
    "row_verdict",
    "tolerance",
]

#: the constant C of tol = C (L + 1) eps (see the module docstring)
C_GRADIENT = 4

AGREE, DISAGREE, UNDERFLOW, FLUSHED, NONFINITE = (
    "agree", "disagree", "underflow", "flushed", "nonfinite")
#: a relative tolerance from here on leaves no significant digit to check
MAX_CHECKABLE_TOLERANCE = 0.5


def tolerance(fmt: str, depth: int, *, c: float = C_GRADIENT) -> float:
    """tol = c (L + 1) eps for a chain of depth L (relative)."""
    return c * (depth + 1) * format_info(fmt).eps


def layer_amplification(activation: str, z: float) -> float:
    """a(z) = 1 + |z| + 2 kappa(z) of the conditioned model (see the module docstring).

    >>> layer_amplification("softplus", -2.0)
    3.0
    >>> round(layer_amplification("sigmoid", 1.0), 6)  # 1 + 1 + 2e
    7.436564
    """
    z = float(z)
    kappa = get_kernel(activation).kappa(z)  # the activation registry's kappa(z)
    return 1.0 + abs(z) + 2.0 * kappa


def chain_tolerance(fmt: str, chain, weights, *, biases=None, x=None,
                    c: float = C_GRADIENT) -> float:
    """tol = c (1 + sum_i a(z_i)) eps with the true pre-activations z_i of ``chain``."""
    from symgrad.numeric.mpmath_backend import evaluate

    v = evaluate(chain, weights, dps=20, biases=biases, x=x)
    with mpmath.workdps(20):
        total = 1.0
        first = 1 if chain.form == "seed" else 0  # the seed form's layer 1 is the identity
        for i in range(first, chain.depth):
            prev = (mpmath.mpf(1) if chain.form == "seed" or x is None else
                    mpmath.mpf(x.numerator) / x.denominator) if i == 0 else v.outputs[i - 1]
            w = weights[i]
            z = mpmath.mpf(w.numerator) / w.denominator * prev
            if biases is not None and chain.bias:
                z += mpmath.mpf(biases[i].numerator) / biases[i].denominator
            total += layer_amplification(chain.activation, float(z))
    return c * total * format_info(fmt).eps


@dataclass(frozen=True)
class Comparison:
    """One computed number against the truth.

    ``rel_error`` is |computed - true| / scale (``scale`` = |true| for a
    gradient), ``ulps`` the error in units in the last place of the truth
    in the format, ``ratio`` = rel_error / tol; all ``None`` when not compared.
    ``predicted`` tells, for an underflow, whether the truth is itself below
    the format's normal range.
    """

    computed: float
    true: str
    verdict: str
    rel_error: float | None
    ulps: float | None
    ratio: float | None
    predicted: bool

    @property
    def ok(self) -> bool:
        """True unless this is a disagreement, a non-finite value or a premature underflow."""
        if self.verdict in (AGREE,):
            return True
        if self.verdict in (UNDERFLOW, FLUSHED):
            return self.predicted
        return False

    @property
    def compared(self) -> bool:
        """True when the value was compared with the truth (not underflowed, finite)."""
        return self.verdict in (AGREE, DISAGREE)

    def to_json(self) -> dict[str, object]:
        def s(v):
            return None if v is None else f"{v:.3e}"

        return {"computed": repr(float(self.computed)), "true": self.true,
                "verdict": self.verdict, "rel_error": s(self.rel_error), "ulps": s(self.ulps),
                "tolerance_ratio": s(self.ratio), "predicted": self.predicted}


def compare_value(computed: float, true, fmt: str, tol: float, *, scale=None,
                  flushes: bool = False) -> Comparison:
    """Classify ``computed`` against the exact ``true`` (mpf, Fraction, str or float).

    ``scale`` (default |true|) is the magnitude the error is measured against.
    ``flushes`` says whether the backend was measured to flush subnormals.
    """
    info = format_info(fmt)
    with mpmath.workdps(40):
        t = mpmath.mpf(true) if not hasattr(true, "numerator") else (
            mpmath.mpf(true.numerator) / true.denominator)
        text = mpmath.nstr(t, 20)
        c = float(computed)
        if not math.isfinite(c):
            return Comparison(c, text, NONFINITE, None, None, None, False)
        sc = abs(t) if scale is None else mpmath.mpf(scale)
        if t == 0 and sc == 0:
            v = AGREE if c == 0 else DISAGREE
            return Comparison(c, text, v, 0.0 if c == 0 else math.inf, None, None, False)
        err = abs(mpmath.mpf(c) - t)
        limit = info.tiny * (1 + tol)
        # with a scale (Hessian), a normal truth far below the scale may be computed as 0
        # by cancellation: that is judged by the error on the scale, not as an underflow
        cancelled = scale is not None and abs(t) >= limit and err <= tol * sc
        if abs(c) < info.tiny and t != 0 and not cancelled:
            predicted = abs(t) < limit or sc < limit
            ieee_nonzero = abs(t) >= info.smallest_subnormal / 2
            verdict = FLUSHED if (c == 0 and flushes and ieee_nonzero and predicted) else UNDERFLOW
            return Comparison(c, text, verdict, None, None, None, bool(predicted))
        rel = err / sc
        gap = ulp(t, fmt) if t != 0 else None  # exact power of two
        ulps = err * gap.denominator / gap.numerator if gap is not None else None
        verdict = AGREE if rel <= tol else DISAGREE
        return Comparison(c, text, verdict, float(rel), None if ulps is None else float(ulps),
                          float(rel / tol), False)


def row_verdict(comparisons, tol: float) -> tuple[Verdict, str]:
    """The verdict of a row of comparisons made with relative tolerance ``tol``, and
    the reason when it is not a pass (see the module docstring).

    >>> row_verdict([compare_value(1.0, 1, "float64", 0.6)], 0.6)[0].word
    'NOT CHECKABLE'
    >>> row_verdict([compare_value(0.0, 1e-40, "float32", 1e-6)], 1e-6)  # predicted underflow
    (<Verdict.NOT_CHECKABLE: 'NOT CHECKABLE'>, 'nothing compared: all 1 values underflowed')
    """
    comps = list(comparisons)
    bad = sum(not c.ok for c in comps)
    if bad:
        return Verdict.FAIL, f"{bad} of {len(comps)} values outside the tolerance model"
    if tol >= MAX_CHECKABLE_TOLERANCE:
        return Verdict.NOT_CHECKABLE, (
            f"tolerance {tol:.2g} ≥ {MAX_CHECKABLE_TOLERANCE} leaves no significant digit "
            "to check at this depth/format")
    if not any(c.compared for c in comps):
        return Verdict.NOT_CHECKABLE, (
            f"nothing compared: all {len(comps)} values underflowed")
    return Verdict.PASS, ""
