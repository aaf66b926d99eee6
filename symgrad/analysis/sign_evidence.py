"""Exact numbers, certified balls and sign decisions as text: one wording for every caller.

:func:`sign_text` words a :class:`symgrad.numeric.signs.SignResult` (so ``check`` and
``classify`` say the same thing about the same constant); :func:`format_number` prints an
exact rational (long ones in scientific notation, powers of ten exactly);
:func:`ball_text` prints a ball as ``mid ± r`` with ``r`` covering the ball and the
rounding of the printed midpoint.

>>> import sympy
>>> from symgrad.numeric.signs import decide_sign
>>> sign_text(decide_sign(sympy.Rational(-3, 4)), "lhs - rhs")
'lhs - rhs = -3/4 exactly'
>>> sign_text(decide_sign(sympy.pi - 3))
'the value in [0.141592653589793 ± 2.4e-16] at 64 bits (certified enclosure)'
"""

from __future__ import annotations

import math

import sympy
from flint import arb, ctx

from symgrad.numeric.arb_eval import arb_rational
from symgrad.numeric.signs import SignResult
from symgrad.present.numbers import format_bound

__all__ = ["ball_text", "decimal_digits", "format_number", "sign_text"]


def decimal_digits(n: int) -> int:
    """The number of decimal digits of ``|n|`` (1 for 0), without converting it to text.

    >>> decimal_digits(10**5000), decimal_digits(-99)
    (5001, 2)
    """
    n = abs(n)
    d = max(1, int(math.log10(n)) + 1) if n else 1
    while d > 1 and n < 10 ** (d - 1):
        d -= 1
    while n >= 10**d:
        d += 1
    return d


def _power_of_ten(q: sympy.Rational) -> int | None:
    n, m = abs(int(q.p)), int(q.q)
    if m == 1 and n > 0:
        d = decimal_digits(n) - 1
        return d if n == 10**d else None
    if n == 1:
        d = decimal_digits(m) - 1
        return -d if m == 10**d else None
    return None


def _sci(text: str) -> str:
    mant, _, exp = text.partition("e")
    return f"{mant}e{int(exp):+d}" if exp else mant


def format_number(q: sympy.Expr, digits: int = 12) -> str:
    """An exact number as text; long ones in scientific notation (exact powers of ten exactly).

    >>> format_number(sympy.Rational(1, 3))
    '1/3'
    >>> format_number(sympy.Integer(10) ** 5000)
    '1e+5000'
    >>> format_number(sympy.Integer(2) ** 200)
    '1.60693804426e+60 (rounded; exactly an integer of 61 digits)'
    """
    if not isinstance(q, sympy.Rational):
        return str(q)
    if max(decimal_digits(int(q.p)), decimal_digits(int(q.q))) <= 30:
        return str(q)
    k = _power_of_ten(q)
    if k is not None:
        return f"{'-' if q < 0 else ''}1e{k:+d}"
    with ctx.workprec(128):
        approx = _sci(arb_rational(q).mid().str(digits, radius=False))
    what = f"an integer of {decimal_digits(int(q.p))} digits" if q.q == 1 else "a rational"
    return f"{approx} (rounded; exactly {what})"


def ball_text(b: arb) -> str:
    """``mid ± r``: the midpoint to 15 digits, and ``r`` (rounded up) covering the ball and
    the rounding of the printed midpoint.

    >>> ball_text(arb(1) / 3)
    '0.333333333333333 ± 3.8e-16'
    """
    if not b.is_finite():
        return "undefined (not finite)"
    mid = _sci(b.mid().str(15, radius=False))
    # an enclosure of |mid - printed| + rad, its upper end rounded up (balls, not
    # Fractions: the exponent may be astronomically large)
    with ctx.workprec(128):
        err = abs(arb(mid) - b.mid()) + b.rad()
    return mid + " ± " + format_bound(err, "upper", 2)


def sign_text(result: SignResult, name: str = "the value", noun: str = "the value") -> str:
    """The evidence of a sign decision in words; ``name`` is the quantity's symbol
    (``"lhs - rhs"``), ``noun`` its description where it is not a number
    (``"the difference"``)."""
    ev = result.evidence
    if ev.kind == "rational":
        num = format_number(ev.value)
        return f"{name} = {num}" + ("" if "rounded" in num else " exactly")
    if ev.kind == "ball":
        return f"{name} in [{ball_text(ev.value)}] at {ev.prec} bits (certified enclosure)"
    if ev.kind == "zero":
        return (f"{name} simplifies to 0 exactly" if ev.how == "simplify" else
                f"{name} = 0 exactly (its {ev.how} is z)")
    if ev.kind == "assumptions":
        rel = {1: "> 0", -1: "< 0", 0: "= 0"}[result.sign]
        return f"SymPy's assumptions prove {name} {rel}"
    if ev.kind == "undefined":
        return f"{noun} is undefined (not a finite real)"
    if ev.kind == "unevaluable":
        return f"{noun} could not be evaluated"
    return f"{name} in [{ball_text(ev.value)}] at {ev.prec} bits still contains 0"
