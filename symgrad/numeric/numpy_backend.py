"""IEEE-style binary formats: float64, float32, float16 (numpy) and bfloat16 (ml_dtypes).

:class:`NumpyOps` is the ops table for the shared recurrence
:func:`symgrad.numeric.recurrence.evaluate_chain`: every constant is rounded correctly
from its exact value into the format, and every operation (product, exp,
division, ...) is done on numpy scalars of that dtype, so each intermediate
result is rounded to the format, as a plain float16/bfloat16/... program would.
The activation formulas are the numerically stable ones (the same forms as the
mpmath and flint tables), so a difference from the true value is due to the
format's range and precision, not to a careless formula.

Format limits come from ``numpy.finfo`` / ``ml_dtypes.finfo`` only:
``tiny`` is the smallest positive normal number, ``smallest_subnormal`` the
smallest positive subnormal, ``eps`` the gap between 1 and the next number.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> v = evaluate(Chain(2), [Fraction(1), Fraction(1)], "float16")
>>> type(v.grad_w[0]).__name__, abs(float(v.grad_w[0]) - 0.19661193) < 2**-11  # sigma'(1)
('float16', True)
>>> classify(round_to_format(Fraction(1, 10**6), "float16"), "float16")
'subnormal'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache

import ml_dtypes
import numpy as np

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.recurrence import ChainValues, evaluate_chain

__all__ = [
    "FORMATS",
    "FormatInfo",
    "NumpyOps",
    "classify",
    "evaluate",
    "format_info",
    "parse_formats",
    "round_to_format",
    "to_fraction",
]

#: The formats symgrad compares, widest first.
FORMATS = ("float64", "float32", "float16", "bfloat16")

_DTYPES = {
    "float64": np.float64,
    "float32": np.float32,
    "float16": np.float16,
    "bfloat16": ml_dtypes.bfloat16,
}


@dataclass(frozen=True)
class FormatInfo:
    """Limits of one format, read from ``numpy.finfo`` / ``ml_dtypes.finfo``.

    ``nmant`` stored mantissa bits; normal numbers are ``m * 2**e`` with
    ``minexp <= e < maxexp``.  The limits are the format's own scalars.
    """

    name: str
    dtype: type
    tiny: object
    smallest_subnormal: object
    eps: object
    max: object
    nmant: int
    minexp: int
    maxexp: int

    def ulp(self, exponent: int) -> Fraction:
        """The gap between numbers of the format whose binary exponent is ``exponent``."""
        return Fraction(2) ** (max(exponent, self.minexp) - self.nmant)


@cache
def format_info(name: str) -> FormatInfo:
    """The limits of format ``name`` (one of :data:`FORMATS`).

    >>> bool(format_info("float16").tiny == np.finfo(np.float16).tiny)
    True
    """
    if name not in _DTYPES:
        raise SymgradError(f"unknown format '{name}'", hint=f"choose from: {', '.join(FORMATS)}")
    dtype = _DTYPES[name]
    fi = ml_dtypes.finfo(dtype) if name == "bfloat16" else np.finfo(dtype)
    return FormatInfo(
        name=name,
        dtype=dtype,
        tiny=dtype(fi.tiny),
        smallest_subnormal=dtype(fi.smallest_subnormal),
        eps=dtype(fi.eps),
        max=dtype(fi.max),
        nmant=int(fi.nmant),
        minexp=int(fi.minexp),
        maxexp=int(fi.maxexp),
    )


def parse_formats(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"float64,bfloat16"`` -> ``("float64", "bfloat16")``; ``None`` -> all formats.

    >>> parse_formats("float16, float64")
    ('float16', 'float64')
    """
    if spec is None:
        return FORMATS
    items = [s.strip().lower() for s in spec.split(",")] if isinstance(spec, str) else list(spec)
    items = [s for s in items if s]
    if not items:
        raise SymgradError("no format given", hint=f"choose from: {', '.join(FORMATS)}")
    out: list[str] = []
    for s in items:
        format_info(s)  # raises for an unknown name
        if s not in out:
            out.append(s)
    return tuple(out)


def round_to_format(value: Fraction, name: str):
    """The exact rational ``value`` rounded to nearest (ties to even) in format ``name``.

    Correct rounding straight from the exact value (no double rounding through
    float64), with subnormals, underflow to (signed) zero and overflow to inf.

    >>> float(round_to_format(Fraction(1, 3), "bfloat16"))
    0.333984375
    """
    return _round_cached(Fraction(value), name)


@lru_cache(maxsize=8192)
def _round_cached(v: Fraction, name: str):
    info = format_info(name)
    if v == 0:
        return info.dtype(0.0)
    d = v.denominator
    if d & (d - 1) == 0 and abs(v.numerator).bit_length() <= 53 and d.bit_length() <= 1000:
        # v is exactly a float64; numpy / ml_dtypes round float64 correctly (once)
        with np.errstate(all="ignore"):
            return info.dtype(float(v))
    neg = v < 0
    num, den = abs(v.numerator), v.denominator
    # 2**(e-1) < |v| < 2**(e+1): decided from the bit lengths alone, so a value such as
    # 10**999999 is sent to inf (or 10**-999999 to 0) without touching its digits
    e = num.bit_length() - den.bit_length()
    if e > info.maxexp + 1:
        return info.dtype(-math.inf if neg else math.inf)
    if e < info.minexp - info.nmant - 2:  # below half the smallest subnormal
        return info.dtype(-0.0 if neg else 0.0)
    if (num << -e if e < 0 else num) < (den << e if e > 0 else den):  # 2**e <= |v| < 2**(e+1)
        e -= 1
    q = max(e, info.minexp) - info.nmant  # exponent of the ulp at |v|
    # n = |v| / 2**q rounded half to even, in integer arithmetic (no Fraction gcd)
    top, bottom = (num, den << q) if q >= 0 else (num << -q, den)
    n, rest = divmod(top, bottom)
    if 2 * rest > bottom or (2 * rest == bottom and n % 2 == 1):
        n += 1
    if n == 0:
        return info.dtype(-0.0 if neg else 0.0)
    if n.bit_length() + q > info.maxexp:  # beyond the largest finite number
        return info.dtype(-math.inf if neg else math.inf)
    out = math.ldexp(n, q)  # exact: n has at most nmant+1 bits, 2**q within float64 range
    return info.dtype(-out if neg else out)


def to_fraction(value) -> Fraction:
    """The exact value of a finite scalar of any format."""
    return Fraction(float(value))


def classify(value, name: str) -> str:
    """``normal``, ``subnormal``, ``zero``, ``inf`` or ``nan`` for a scalar of format ``name``.

    >>> classify(np.float32(1e-40), "float32")
    'subnormal'
    """
    info = format_info(name)
    x = float(value)  # exact: every format here is a subset of float64
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf"
    if x == 0:
        return "zero"
    return "subnormal" if abs(x) < float(info.tiny) else "normal"


def _table(dtype):
    one = dtype(1.0)
    zero = dtype(0.0)

    def sigmoid(t):
        if t >= zero:
            return one / (one + np.exp(-t))
        e = np.exp(t)
        return e / (one + e)

    def dsigmoid(t):
        e = np.exp(-abs(t))
        d = one + e
        return e / (d * d)

    def tanh(t):
        return np.tanh(t)

    def dtanh(t):
        s = one / np.cosh(t)
        return s * s

    def softplus(t):
        return (t if t > zero else zero) + np.log1p(np.exp(-abs(t)))

    return {"sigmoid": (sigmoid, dsigmoid), "tanh": (tanh, dtanh), "softplus": (softplus, sigmoid)}


class NumpyOps:
    """Scalars of one format; call the recurrence inside ``numpy.errstate(all="ignore")``
    (overflow to inf and underflow to 0 are results here, not errors)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.info = format_info(name)
        self._table = _table(self.info.dtype)

    def convert(self, value: Fraction):
        return round_to_format(value, self.name)

    def activation(self, name: str):
        return self._table[name]


def evaluate(chain: Chain, weights: Sequence[Fraction], name: str, *,
             biases: Sequence[Fraction] | None = None,
             x: Fraction | None = None) -> ChainValues:
    """F and every partial derivative computed in format ``name`` (backward sweep)."""
    ops = NumpyOps(name)
    with np.errstate(all="ignore"):
        return evaluate_chain(chain, weights, ops, biases=biases, x=x)
