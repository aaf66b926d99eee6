"""Shared pieces of the claim checker: exact numbers as text, certified enclosures as
text, and deciding the sign of a constant (exactly, then by certified balls).

The base of the claim modules: :mod:`symgrad.analysis.claims`,
:mod:`symgrad.analysis.claims.pieces` and
:mod:`symgrad.analysis.claims.extrema` import from here, and this module imports none of them.
"""

from __future__ import annotations

import math

import sympy

from symgrad.analysis.verify.balls import ball_value
from symgrad.core.activations import sigmoid, softplus

__all__ = [
    "PRECISIONS",
    "ball_text",
    "constant_sign",
    "exact_zero",
    "format_number",
    "safe_str",
    "shrunk",
    "to_exp",
]

PRECISIONS = (64, 256, 1024, 4096, 16384)


def _digits(n: int) -> int:
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
        d = _digits(n) - 1
        return d if n == 10**d else None
    if n == 1:
        d = _digits(m) - 1
        return -d if m == 10**d else None
    return None


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
        return safe_str(q)
    if max(_digits(int(q.p)), _digits(int(q.q))) <= 30:
        return str(q)
    k = _power_of_ten(q)
    if k is not None:
        return f"{'-' if q < 0 else ''}1e{k:+d}"
    approx = _sci(ball_value(q, 128).mid().str(digits, radius=False))
    what = f"an integer of {_digits(int(q.p))} digits" if q.q == 1 else "a rational"
    return f"{approx} (rounded; exactly {what})"


def _sci(text: str) -> str:
    mant, _, exp = text.partition("e")
    return f"{mant}e{int(exp):+d}" if exp else mant


def shrunk(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with numbers of more than 30 digits replaced by named placeholders
    (their text would exceed Python's int-to-str limit, and nobody reads it)."""
    big = [a for a in expr.atoms(sympy.Rational) if max(_digits(int(a.p)), _digits(int(a.q))) > 30]
    if not big:
        return expr
    return expr.xreplace({a: sympy.Symbol(format_number(a, 6).split(" ")[0]) for a in big})


def safe_str(expr: sympy.Basic) -> str:
    return str(shrunk(expr))


def ball_text(b) -> str:
    if not b.is_finite():
        return "undefined (not finite)"
    from flint import arb, ctx

    from symgrad.base.output import format_bound

    mid = _sci(b.mid().str(15, radius=False))
    # the printed radius covers the ball and the rounding of its printed midpoint: an
    # enclosure of |mid - printed| + rad, its upper end rounded up (balls, not Fractions:
    # the exponent may be astronomically large)
    with ctx.workprec(128):
        err = abs(arb(mid) - b.mid()) + b.rad()
    return mid + " ± " + format_bound(err, "upper", 2)


def to_exp(expr: sympy.Expr) -> sympy.Expr:
    """sigmoid, softplus and tanh written with exp (and nothing else rewritten:
    ``rewrite(exp)`` would also turn x**3 into exp(3 log x), valid only for x > 0)."""
    return expr.replace(sigmoid, lambda a: 1 / (1 + sympy.exp(-a))).replace(
        softplus, lambda a: sympy.log(1 + sympy.exp(a))).replace(
        sympy.tanh, lambda a: (sympy.exp(2 * a) - 1) / (sympy.exp(2 * a) + 1))


def exact_zero(diff: sympy.Expr) -> bool:
    if sympy.expand(diff) == 0:
        return True
    try:
        return sympy.simplify(to_exp(diff)) == 0
    except Exception:  # SymPy failing to simplify proves nothing: not shown to be 0
        return False


def constant_sign(diff: sympy.Expr, *, precisions=PRECISIONS,
                   simplify: bool = True) -> tuple[int | None, str, str]:
    """(sign or None, method, evidence) of a constant expression.

    Exact rational first; then certified balls at rising precision, with an
    exact-zero test by ``simplify`` once the first ball cannot decide the sign.
    """
    d = sympy.nsimplify(diff) if diff.is_Float else diff
    if isinstance(d, sympy.Rational):
        num = format_number(d)
        return int(sympy.sign(d)), "exact", f"lhs - rhs = {num}" + (
            "" if "rounded" in num else " exactly")
    last = None
    for n, prec in enumerate(precisions):
        try:
            b = ball_value(d, prec)
        except (ValueError, ZeroDivisionError):
            return None, "certified ball", "the difference could not be evaluated"
        last = (prec, b)
        if not b.is_finite():
            return None, "certified ball", "the difference is undefined (not a finite real)"
        if b > 0 or b < 0:
            return (1 if b > 0 else -1), "certified ball", (
                f"lhs - rhs in [{ball_text(b)}] at {prec} bits (certified enclosure)")
        if n == 0 and simplify and exact_zero(d):
            return 0, "exact", "lhs - rhs simplifies to 0 exactly"
    prec, b = last
    return None, "certified ball", (
        f"lhs - rhs in [{ball_text(b)}] at {prec} bits still contains 0")
