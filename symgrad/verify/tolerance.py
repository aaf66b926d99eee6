"""The tolerance model: when does a framework's number agree with the truth?

Formats and their constants come from ``numpy.finfo`` (float64, float32,
float16) and ``ml_dtypes.finfo`` (bfloat16): machine epsilon ``eps`` (the gap
between 1 and the next number), the smallest normal number ``tiny`` and the
smallest subnormal ``denorm_min``.

Gradient (per weight).  dF/dw_k of the chain is a product of about L factors,
o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i), and the framework computes
it with about ``r`` roundings per layer, each with relative error at most
u = eps/2: the pre-activation w*o (1), the activation (the frameworks' exp,
add and divide: about 3), the derivative sigma(1 - sigma) or 1 - tanh^2 (2)
and the two products of the reverse sweep (2), so r = 8 and the first-order
bound is r*u = 4 eps per layer.  Relative errors of a product add, so the
bound grows linearly in the depth:

    |computed - true| <= tol * |true|,   tol = C * (L + 1) * eps,   C = 4

(``L + 1`` keeps one rounding of the final result at L = 0).  Forward errors
in o_i also enter later factors, amplified by the condition numbers
|z sigma'(z)/sigma(z)| and |z sigma''(z)/sigma'(z)|; both are below 1 for the
moderate pre-activations of weights drawn from N(0, 1), so they do not change
the linear growth.  Measured (jax and torch, every format, sigmoid/tanh/
softplus, depths 2..100, seeds 0..2): the largest relative error was
0.59 (L+1) eps, so C = 4 leaves a margin of about 7 without hiding a real
error of a few ulps per layer.  The model does *not* cover large |z|: there
sigma(1 - sigma) loses about e^|z| ulps to cancellation and the check reports
the framework's loss of accuracy as a disagreement, which it is.

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
from functools import cache

import mpmath
import numpy as np

from ..errors import SymgradError

__all__ = [
    "AGREE",
    "C_GRADIENT",
    "DISAGREE",
    "FLUSHED",
    "FORMATS",
    "NONFINITE",
    "UNDERFLOW",
    "Comparison",
    "FormatInfo",
    "compare_value",
    "format_info",
    "parse_formats",
    "tolerance",
]

FORMATS = ("float64", "float32", "float16", "bfloat16")
#: the constant C of tol = C (L + 1) eps (see the module docstring)
C_GRADIENT = 4

AGREE, DISAGREE, UNDERFLOW, FLUSHED, NONFINITE = (
    "agree", "disagree", "underflow", "flushed", "nonfinite")


@dataclass(frozen=True)
class FormatInfo:
    """IEEE constants of one binary format (exact floats)."""

    name: str
    bits: int  # significand precision p, including the implicit bit
    eps: float
    tiny: float
    denorm_min: float
    max: float


@cache
def format_info(name: str) -> FormatInfo:
    """Constants from numpy.finfo / ml_dtypes.finfo.

    >>> format_info("float16").tiny
    6.103515625e-05
    """
    if name == "bfloat16":
        import ml_dtypes

        fi = ml_dtypes.finfo(ml_dtypes.bfloat16)
    elif name in FORMATS:
        fi = np.finfo(np.dtype(name))
    else:
        raise SymgradError(f"unknown format '{name}'", hint=f"choose from: {', '.join(FORMATS)}")
    return FormatInfo(name, int(fi.nmant) + 1, float(fi.eps), float(fi.tiny),
                      float(fi.smallest_subnormal), float(fi.max))


def parse_formats(text: str) -> tuple[str, ...]:
    """Parse ``"float64,float16"``; unknown names raise a one-line error.

    >>> parse_formats("float32, bfloat16")
    ('float32', 'bfloat16')
    """
    names = tuple(dict.fromkeys(p.strip().lower() for p in str(text).split(",") if p.strip()))
    if not names:
        raise SymgradError("empty format list", hint=f"choose from: {', '.join(FORMATS)}")
    for n in names:
        format_info(n)
    return names


def tolerance(fmt: str, depth: int, *, c: float = C_GRADIENT) -> float:
    """tol = c (L + 1) eps for a chain of depth L (relative)."""
    return c * (depth + 1) * format_info(fmt).eps


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

    def to_json(self) -> dict[str, object]:
        def s(v):
            return None if v is None else f"{v:.3e}"

        return {"computed": repr(float(self.computed)), "true": self.true,
                "verdict": self.verdict, "rel_error": s(self.rel_error), "ulps": s(self.ulps),
                "tolerance_ratio": s(self.ratio), "predicted": self.predicted}


def _ulp(true_abs, info: FormatInfo):
    e = int(mpmath.floor(mpmath.log(true_abs, 2)))
    return mpmath.ldexp(1, max(e, int(math.log2(info.tiny))) - (info.bits - 1))


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
            ieee_nonzero = abs(t) >= info.denorm_min / 2
            verdict = FLUSHED if (c == 0 and flushes and ieee_nonzero and predicted) else UNDERFLOW
            return Comparison(c, text, verdict, None, None, None, bool(predicted))
        rel = err / sc
        ulps = err / _ulp(abs(t), info) if t != 0 else None
        verdict = AGREE if rel <= tol else DISAGREE
        return Comparison(c, text, verdict, float(rel), None if ulps is None else float(ulps),
                          float(rel / tol), False)
