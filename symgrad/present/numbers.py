"""Numbers as text: symgrad's one decimal-string convention.

Every number symgrad prints is ``d.ddde±N`` (a signed mantissa with one digit
before the point and the exponent always signed: ``2.5e-1``, ``1e+9999``), ``0``
for zero, and ``inf``/``-inf``/``nan`` where they apply.  How the digits are
chosen depends on what the number is, and each rule is written once:

* an exact rational rounded to nearest, ties to even, trailing zeros dropped:
  :func:`fraction_text`;
* a *bound* rounded outward (an upper bound up, a lower bound down), so the printed
  number is itself a bound: :func:`format_bound`;
* a scalar of a binary format: the shortest decimal that reads back as it,
  :func:`scalar_text`;
* a certified ball: correctly rounded digits decided by the ball, radii rounded
  up (:func:`ball_text`, :func:`round_ball`, :func:`radius_text`,
  :func:`printed_radius`, :func:`decimal_enclosure`).  These live in
  :mod:`symgrad.numeric.decimal_text`, because the numeric layer's own results
  (certified values) print with them; they are re-exported here so that the
  layers above take all number text from this one module.

All rounding is integer arithmetic on exact values, so magnitudes such as
10^999999 cost no more than 0.5.

>>> fraction_text(Fraction(1, 3), 4), format_bound(Fraction(1, 3), "upper", 4)
('3.333e-1', '3.334e-1')
>>> format_bound(Fraction(124370571, 10**15), "upper"), format_bound(Fraction(99999, 10**5), "lower", 4)
('1.2438e-7', '9.999e-1')
>>> import numpy as np
>>> scalar_text(np.float16(0.1), "float16"), scalar_text(np.float32(2.5e-40), "float32")
('1e-1', '2.5e-40')
"""  # noqa: E501

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np

from symgrad.numeric.decimal_text import (
    ball_text,
    decimal_enclosure,
    printed_radius,
    radius_text,
    round_ball,
)
from symgrad.numeric.formats import format_info
from symgrad.numeric.weights import decimal_exponent, pow10

__all__ = [
    "BOUND_DIRECTIONS",
    "ROUNDINGS",
    "ball_text",
    "decimal_enclosure",
    "format_bound",
    "fraction_text",
    "printed_radius",
    "radius_text",
    "round_ball",
    "round_fraction",
    "scalar_text",
    "signed_exponent",
]

#: how :func:`round_fraction` rounds: to nearest (ties to even), or away from /
#: toward zero
ROUNDINGS = ("nearest", "away", "toward")
#: the two directions of :func:`format_bound`
BOUND_DIRECTIONS = ("upper", "lower")
#: arb endpoints whose binary exponent exceeds this are rounded with arb balls
#: instead of exact integers (10**e itself would have ~e digits)
_EXACT_EXP_CAP = 1 << 20


def _sci_text(negative: bool, q: int, exp10: int) -> str:
    """``(-1)**negative * q * 10**exp10`` (q > 0) as ``d.ddde±N``, trailing zeros dropped."""
    digits = str(q)
    e = exp10 + len(digits) - 1
    digits = digits.rstrip("0") or "0"
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if negative else ''}{mant}e{e:+d}"


def round_fraction(value: Fraction, digits: int, rounding: str = "nearest") -> str:
    """The exact rational ``value`` at ``digits`` significant digits as ``d.ddde±N``
    (trailing zeros dropped), rounded as ``rounding`` says (one of :data:`ROUNDINGS`).
    Never converts a huge integer to text (works for 10**999999).

    >>> [round_fraction(Fraction(-2, 3), 3, r) for r in ROUNDINGS]
    ['-6.67e-1', '-6.67e-1', '-6.66e-1']
    >>> round_fraction(Fraction(25, 1000), 1)  # a tie goes to the even digit
    '2e-2'
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {ROUNDINGS}, got {rounding!r}")
    v = Fraction(value)
    if v == 0:
        return "0"
    num, den = abs(v.numerator), v.denominator
    # q = |v| / 10**(e - digits + 1), rounded, in integer arithmetic: Fraction division
    # would take a gcd of two numbers of ~e digits (minutes for 10**999999)
    shift = digits - 1 - decimal_exponent(v)
    top, bottom = (num * pow10(shift), den) if shift >= 0 else (num, den * pow10(-shift))
    q, rest = divmod(top, bottom)
    if rounding == "away" and rest:
        q += 1
    elif rounding == "nearest" and (2 * rest > bottom or (2 * rest == bottom and q % 2 == 1)):
        q += 1
    return _sci_text(v < 0, q, -shift)  # a carry (q = 10**digits) just adds a digit


def signed_exponent(text: str) -> str:
    """A decimal string from another printer (numpy, mpmath, Arb) in this module's exponent
    style: ``e`` and a signed exponent without leading zeros; no exponent, no change.

    >>> signed_exponent("1.5e-05"), signed_exponent("2.5E5"), signed_exponent("0.25")
    ('1.5e-5', '2.5e+5', '0.25')
    """
    mant, _, exp = text.lower().partition("e")
    return f"{mant}e{int(exp):+d}" if exp else mant


def fraction_text(value: Fraction, digits: int = 17) -> str:
    """An exact rational as ``d.ddde±N``: exact when it has at most ``digits`` significant
    digits (trailing zeros dropped), else rounded to nearest (ties to even) at ``digits``.

    >>> fraction_text(Fraction(10) ** 9999), fraction_text(Fraction(1, 10))
    ('1e+9999', '1e-1')
    >>> fraction_text(Fraction(-2, 3), 4)
    '-6.667e-1'
    """
    return round_fraction(value, digits, "nearest")


def scalar_text(value, name: str) -> str:
    """The shortest decimal string that reads back as ``value`` in its format ``name``.

    >>> scalar_text(np.float64(0.1) + np.float64(0.2), "float64"), scalar_text(-0.0, "float16")
    ('3.0000000000000004e-1', '-0')
    """
    x = float(value)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    # bfloat16 values are float32 values: float32's shortest form reads back exactly
    dtype = np.float32 if name == "bfloat16" else format_info(name).dtype
    return signed_exponent(np.format_float_scientific(dtype(x), unique=True, trim="-"))


def _round_arb(x, digits: int, away: bool) -> str:
    """Like :func:`round_fraction` (away from / toward zero) for an exact arb ``x`` of huge
    binary exponent, with arb balls: the scaled value is enclosed, and its far (or near)
    end rounded outward, so the result is still a bound (at worst one unit in the last
    digit looser)."""
    from flint import arb, ctx

    negative = x < 0
    a = abs(x)
    with ctx.workprec(64 + 4 * digits + 2 * a.mid().man_exp()[1].bit_length()):
        log10 = a.log() / arb(10).log()
        # floor of the exact lower end: e may be one too small (then q has one more digit)
        e = int(log10.lower().floor().unique_fmpz())
        scaled = a * arb(10) ** (digits - 1 - e)
        end = scaled.upper() if away else scaled.lower()
        man, exp = (int(t) for t in end.man_exp())
    f = Fraction(man) * Fraction(2) ** exp
    q = -(-f.numerator // f.denominator) if away else f.numerator // f.denominator
    return _sci_text(bool(negative), max(q, 1) if away else q, e - digits + 1)


def _ball_end(value, up: bool) -> Fraction | str:
    """The exact upper (``up``) or lower end of an arb ball, or its text when the ball is
    not finite or its end has an astronomically large exponent."""
    if not value.is_finite():
        return "inf" if up else "-inf"
    (mm, me), (rm, re_) = (tuple(int(t) for t in b.man_exp()) for b in (value.mid(), value.rad()))
    if max(abs(me), abs(re_)) > _EXACT_EXP_CAP:
        from flint import ctx

        # arb's end at a precision that keeps every bit of mid and rad (rounded outward)
        with ctx.workprec(2 * (abs(mm).bit_length() + rm.bit_length()) + 64):
            end = value.upper() if up else value.lower()
        return end
    mid, rad = Fraction(mm) * Fraction(2) ** me, Fraction(rm) * Fraction(2) ** re_
    return mid + rad if up else mid - rad


def format_bound(value, direction: str, digits: int = 5) -> str:
    """A bound as a decimal string rounded *outward*: ``"upper"`` rounds up (toward +inf),
    ``"lower"`` rounds down (toward -inf), so the printed number is still a bound (rounding
    to nearest would print 1.2437e-7 for an upper bound of 1.24370571e-7, or 1.0000 for a
    lower bound of 0.99999).

    ``value``: an exact number (int, Fraction, SymPy Rational, float, Decimal) or an
    Arb ball, whose upper (``"upper"``) or lower (``"lower"``) end is the bound.  The
    rounding is exact (integer decimal arithmetic on the exact rational; arb balls
    only for endpoints of astronomically large exponent).  An infinite or undefined
    end gives ``"inf"`` / ``"-inf"`` (always a true bound).

    >>> format_bound(Fraction(1, 3), "upper", 3), format_bound(Fraction(1, 3), "lower", 3)
    ('3.34e-1', '3.33e-1')
    >>> format_bound(Fraction(-1, 3), "upper", 3), format_bound(Fraction(-1, 3), "lower", 3)
    ('-3.33e-1', '-3.34e-1')
    >>> format_bound(Fraction(1, 4), "upper"), format_bound(Fraction(9999999, 10**6), "upper", 3)
    ('2.5e-1', '1e+1')
    """
    if direction not in BOUND_DIRECTIONS:
        raise ValueError(f"direction must be 'upper' or 'lower', got {direction!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer, got {digits!r}")
    up = direction == "upper"
    if hasattr(value, "rad") and hasattr(value, "upper"):  # an arb ball: its end
        v = _ball_end(value, up)
        if isinstance(v, str):
            return v
        if not isinstance(v, Fraction):  # an arb end of huge exponent
            man = int(v.man_exp()[0])
            return "0" if man == 0 else _round_arb(v, digits, away=(man > 0) == up)
    elif hasattr(value, "p") and hasattr(value, "q"):  # SymPy Rational / Integer
        v = Fraction(int(value.p), int(value.q))
    elif isinstance(value, (int, Fraction, Decimal, float)):
        if isinstance(value, (float, Decimal)) and not math.isfinite(value):
            raise ValueError(f"a bound must be finite, got {value}")
        v = Fraction(value)
    else:
        raise TypeError(f"cannot format a bound of type {type(value).__name__}")
    return round_fraction(v, digits, "away" if (v > 0) == up else "toward")
