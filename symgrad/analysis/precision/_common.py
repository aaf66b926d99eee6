"""Shared helpers of the precision lab: exact comparisons of format scalars with balls.

Number text and tables are :mod:`symgrad.present.numbers` and
:mod:`symgrad.present.tables`; the formats' limits are :mod:`symgrad.numeric.formats`.

>>> from flint import arb
>>> from symgrad.numeric.formats import format_info
>>> ulp_error(1.0, arb(1) + arb(2) ** -52, format_info("float64"), 64)  # 2**-52 = 1 ulp
'1.00e+0'
>>> neighbours(1.0, format_info("float16")) == (1 - Fraction(1, 2**11), 1 + Fraction(1, 2**10))
True
"""

from __future__ import annotations

import math
from fractions import Fraction

from flint import arb, ctx, fmpq

from symgrad.numeric.decimal_text import ball_text
from symgrad.numeric.formats import FormatInfo, binary_exponent

__all__ = [
    "exact_arb",
    "log10_ball",
    "neighbours",
    "rel_error",
    "ulp_error",
]


def exact_arb(value) -> arb:
    """A finite format scalar (or Fraction) as an exact Arb number."""
    v = Fraction(float(value)) if not isinstance(value, Fraction) else value
    return arb(fmpq(v.numerator, v.denominator))


def _nonfinite(x: float) -> str:
    """The error of a nan or infinite computed value: "nan" or "inf"."""
    return "nan" if math.isnan(x) else "inf"


def rel_error(computed, true: arb, prec: int) -> str:
    """|computed - true| / |true| to 3 digits ("inf", "nan" when they apply)."""
    x = float(computed)
    if not math.isfinite(x):
        return _nonfinite(x)
    if true.is_zero():
        return "0" if x == 0 else "inf"
    with ctx.workprec(prec + 64):
        return ball_text(abs(exact_arb(x) - true) / abs(true), 3)


def ulp_error(computed, true: arb, info: FormatInfo, prec: int) -> str:
    """|computed - true| in units of the format's ulp at the true value (3 digits)."""
    x = float(computed)
    if not math.isfinite(x):
        return _nonfinite(x)
    # the gap at the ball's midpoint: its binade, the subnormal gap below the normal
    # range, the top binade's gap beyond the largest number (as numeric.formats.ulp)
    mid = true.mid()
    exponent = info.minexp if mid.is_zero() else min(_mid_exponent(mid), info.maxexp - 1)
    with ctx.workprec(prec + 64):
        return ball_text(abs(exact_arb(x) - true) / exact_arb(info.ulp(exponent)), 3)


def _mid_exponent(mid: arb) -> int:
    """The binary exponent of an exact arb number (no conversion to a Fraction: the
    exponent may be huge)."""
    man, exp = (int(t) for t in mid.man_exp())
    return exp + abs(man).bit_length() - 1


def log10_ball(value: arb, prec: int) -> arb:
    """log10|value| as a ball (the value must not contain 0)."""
    with ctx.workprec(prec + 64):
        return abs(value).log() / arb(10).log()


def neighbours(value, info: FormatInfo) -> tuple[Fraction, Fraction]:
    """The format's numbers just below and just above the finite ``value`` (exact)."""
    v = Fraction(float(value))
    if v == 0:
        s = Fraction(float(info.smallest_subnormal))
        return -s, s
    a = abs(v)
    e = binary_exponent(a)
    up = info.ulp(e)
    down = info.ulp(e - 1) if (a == Fraction(2) ** e and e > info.minexp) else up
    if v > 0:
        return v - down, v + up
    return v - up, v + down
