"""The binary floating-point formats: float64, float32, float16 (numpy) and bfloat16 (ml_dtypes).

The one place that knows the formats.  Their limits come from ``numpy.finfo`` /
``ml_dtypes.finfo`` only, in one vocabulary (numpy's): ``eps`` is the gap between 1
and the next number, ``tiny`` the smallest positive normal number,
``smallest_subnormal`` the smallest positive subnormal, ``max`` the largest finite
number, ``nmant`` the stored mantissa bits (``bits = nmant + 1`` with the implicit
bit); normal numbers are ``m * 2**e`` with ``minexp <= e < maxexp``.  Every limit is
a Python float, exactly (each format is a subset of float64).

:func:`round_to_format` rounds an *exact* value (a Fraction, an int, a float64) to
nearest, ties to even, once: straight from the exact value, with subnormals,
underflow to signed zero and overflow to inf.  (Converting a float64 with
``ml_dtypes.bfloat16(x)`` would round twice, through float32: the float64
1 + 2**-8 + 2**-40 lies above the midpoint of the bfloat16 neighbours 1 and
1 + 2**-7, yet float32 rounds it onto that midpoint and the tie then goes to 1.)

Adding a format: one entry in ``_DTYPES`` (a numpy-compatible scalar type with a
``finfo``), and in :data:`FORMATS`.

>>> format_info("bfloat16").bits, format_info("float16").tiny
(8, 6.103515625e-05)
>>> float(round_to_format(Fraction(1) + Fraction(1, 2**8) + Fraction(1, 2**40), "bfloat16"))
1.0078125
>>> classify(round_to_format(Fraction(1, 10**6), "float16"), "float16")
'subnormal'
>>> ulp(Fraction(3, 2), "float16") == Fraction(1, 2**10)
True
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

__all__ = [
    "FORMATS",
    "STATUSES",
    "FormatInfo",
    "binary_exponent",
    "classify",
    "format_info",
    "parse_formats",
    "round_to_format",
    "to_fraction",
    "ulp",
]

#: The formats symgrad compares, widest first.
FORMATS = ("float64", "float32", "float16", "bfloat16")
#: What :func:`classify` says of a value.
STATUSES = ("normal", "subnormal", "zero", "inf", "nan")

_DTYPES = {
    "float64": np.float64,
    "float32": np.float32,
    "float16": np.float16,
    "bfloat16": ml_dtypes.bfloat16,
}
#: formats whose numpy/ml_dtypes conversion from float64 rounds once, correctly
#: (bfloat16's goes through float32 and may round twice)
_FLOAT64_CAST_IS_CORRECT = frozenset({"float64", "float32", "float16"})


@dataclass(frozen=True)
class FormatInfo:
    """Limits of one format (see the module docstring for the vocabulary).

    >>> format_info("float32").ulp(0) == Fraction(1, 2**23)
    True
    """

    name: str
    dtype: type
    nmant: int
    minexp: int
    maxexp: int
    eps: float
    tiny: float
    smallest_subnormal: float
    max: float

    @property
    def bits(self) -> int:
        """The significand precision p, the implicit bit included."""
        return self.nmant + 1

    def ulp(self, exponent: int) -> Fraction:
        """The gap between numbers of the format whose binary exponent is ``exponent``
        (the subnormal gap below ``minexp``)."""
        return Fraction(2) ** (max(exponent, self.minexp) - self.nmant)


def _unknown(name: object) -> SymgradError:
    return SymgradError(f"unknown format '{name}'", hint=f"choose from: {', '.join(FORMATS)}")


@cache
def format_info(name: str) -> FormatInfo:
    """The limits of format ``name`` (one of :data:`FORMATS`).

    >>> format_info("float16").tiny == float(np.finfo(np.float16).tiny)
    True
    """
    if name not in _DTYPES:
        raise _unknown(name)
    dtype = _DTYPES[name]
    fi = ml_dtypes.finfo(dtype) if name == "bfloat16" else np.finfo(dtype)
    return FormatInfo(name=name, dtype=dtype, nmant=int(fi.nmant), minexp=int(fi.minexp),
                      maxexp=int(fi.maxexp), eps=float(fi.eps), tiny=float(fi.tiny),
                      smallest_subnormal=float(fi.smallest_subnormal), max=float(fi.max))


def parse_formats(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"float64,bfloat16"`` -> ``("float64", "bfloat16")`` (lower-cased, duplicates
    dropped); ``None`` -> all formats; an unknown or empty list raises a one-line error.

    >>> parse_formats("float16, FLOAT64,float16")
    ('float16', 'float64')
    """
    if spec is None:
        return FORMATS
    items = [s.strip().lower() for s in spec.split(",")] if isinstance(spec, str) else list(spec)
    names = tuple(dict.fromkeys(s for s in items if s))
    if not names:
        raise SymgradError("no format given", hint=f"choose from: {', '.join(FORMATS)}")
    for s in names:
        format_info(s)  # raises for an unknown name
    return names


def binary_exponent(value) -> int:
    """e with 2**e <= |value| < 2**(e+1), exactly, for a nonzero finite rational
    (Fraction, int, float, a format scalar) or an mpmath ``mpf``.

    >>> binary_exponent(Fraction(1, 3)), binary_exponent(8.0), binary_exponent(-0.75)
    (-2, 3, -1)
    """
    if hasattr(value, "man_exp") and not callable(value.man_exp):  # mpmath mpf: man * 2**exp
        man, exp = value.man_exp
        return int(exp) + abs(int(man)).bit_length() - 1
    v = abs(Fraction(value) if isinstance(value, (int, Fraction)) else Fraction(float(value)))
    if v == 0:
        raise ValueError("0 has no binary exponent")
    num, den = v.numerator, v.denominator
    e = num.bit_length() - den.bit_length()
    return e - 1 if (num << -e if e < 0 else num) < (den << e if e > 0 else den) else e


def ulp(value, name: str) -> Fraction:
    """The gap between numbers of format ``name`` at |value| (exact): in the binade of
    ``value``, the subnormal gap below the normal range and the top binade's gap beyond
    the largest number; ``value`` = 0 gives the smallest subnormal.

    >>> ulp(1.0, "float64") == Fraction(1, 2**52), ulp(0, "float32") == Fraction(1, 2**149)
    (True, True)
    """
    info = format_info(name)
    e = info.minexp if value == 0 else min(binary_exponent(value), info.maxexp - 1)
    return info.ulp(e)


def round_to_format(value, name: str):
    """The exact rational ``value`` rounded to nearest (ties to even) in format ``name``,
    as a scalar of the format (see the module docstring: rounded once).

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
    if (name in _FLOAT64_CAST_IS_CORRECT and d & (d - 1) == 0
            and abs(v.numerator).bit_length() <= 53 and d.bit_length() <= 1000):
        # v is exactly a float64, and numpy rounds float64 to this format correctly (once)
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
    return info.dtype(-out if neg else out)  # exact: out is a number of the format


def to_fraction(value) -> Fraction:
    """The exact value of a finite scalar of any format.

    >>> to_fraction(np.float16(0.1)) == Fraction(1638, 2**14)  # 0.1 * 2**14 = 1638.4
    True
    """
    return Fraction(float(value))


def classify(value, name: str) -> str:
    """``normal``, ``subnormal``, ``zero``, ``inf`` or ``nan`` for a scalar of format ``name``.

    >>> classify(np.float32(1e-40), "float32"), classify(-np.inf, "float16")
    ('subnormal', 'inf')
    """
    info = format_info(name)
    x = float(value)  # exact: every format here is a subset of float64
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf"
    if x == 0:
        return "zero"
    return "subnormal" if abs(x) < info.tiny else "normal"
