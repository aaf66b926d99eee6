"""Shared pieces of the claim checker: numbers as text, placeholders for huge numbers,
and the sign of a constant with its evidence (through :func:`symgrad.numeric.signs.decide_sign`).

The base of the claim modules: :mod:`symgrad.analysis.claims`,
:mod:`symgrad.analysis.claims.pieces` and
:mod:`symgrad.analysis.claims.extrema` import from here, and this module imports none of them.

>>> constant_sign(sympy.sqrt(2) - 1)[:2]
(1, 'certified ball')
>>> constant_sign(sympy.sqrt(2) ** 2 - 2)
(0, 'exact', 'lhs - rhs = 0 exactly')
"""

from __future__ import annotations

import sympy

from symgrad.analysis.sign_evidence import ball_text, decimal_digits, sign_text
from symgrad.analysis.sign_evidence import format_number as _format_rational
from symgrad.numeric.precision_ladder import ladder
from symgrad.numeric.signs import CAP, START, decide_sign, exact_zero, to_exp

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

#: the precisions (bits) a constant's ball is tried at
PRECISIONS = tuple(ladder(START, CAP))


def format_number(q: sympy.Expr, digits: int = 12) -> str:
    """An exact number as text (:func:`symgrad.analysis.sign_evidence.format_number`);
    anything else as :func:`safe_str`.

    >>> format_number(sympy.Integer(10) ** -90)
    '1e-90'
    """
    if not isinstance(q, sympy.Rational):
        return safe_str(q)
    return _format_rational(q, digits)


def shrunk(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with numbers of more than 30 digits replaced by named placeholders
    (their text would exceed Python's int-to-str limit, and nobody reads it).

    >>> shrunk(sympy.Symbol("x") + sympy.Integer(10) ** 40)
    1e+40 + x
    """
    big = [a for a in expr.atoms(sympy.Rational)
           if max(decimal_digits(int(a.p)), decimal_digits(int(a.q))) > 30]
    if not big:
        return expr
    return expr.xreplace({a: sympy.Symbol(format_number(a, 6).split(" ")[0]) for a in big})


def safe_str(expr: sympy.Basic) -> str:
    """``str`` of :func:`shrunk`."""
    return str(shrunk(expr))


def constant_sign(diff: sympy.Expr, *, precisions=PRECISIONS,
                  simplify: bool = True) -> tuple[int | None, str, str]:
    """(sign or None, method, evidence) of the constant ``lhs - rhs``.

    :func:`symgrad.numeric.signs.decide_sign` from the first to the last of
    ``precisions``, worded by :func:`symgrad.analysis.sign_evidence.sign_text`;
    ``simplify=False`` skips the exact-zero tests.
    """
    r = decide_sign(diff, start=precisions[0], cap=precisions[-1], exact=simplify)
    return r.sign, r.method, sign_text(r, "lhs - rhs", "the difference")
