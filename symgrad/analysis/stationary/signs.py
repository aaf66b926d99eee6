"""Exact signs: of a constant SymPy number, and of eigenvalues from a characteristic polynomial.

Every sign in the stationary engine is decided here, proven or not at all (None),
by :func:`symgrad.numeric.signs.decide_sign`: rationals directly, a certified ball
that excludes 0, exact zero tests (simplify, minimal polynomial), balls at growing
precision.

>>> exact_sign(sympy.sqrt(2) - sympy.Rational(7, 5))
1
>>> inertia_from_signs([0, -4, 1])  # lambda**2 - 4*lambda: eigenvalues 0 and 4
(1, 0, 1)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy

from symgrad.core.parsing import as_expr
from symgrad.numeric.signs import decide_sign

__all__ = ["exact_sign", "expression_sign", "inertia_from_signs", "simplified_sign"]


def exact_sign(e: sympy.Expr) -> int | None:
    """Sign of a constant SymPy number, proven, or None when it cannot be decided: the
    sign of :func:`symgrad.numeric.signs.decide_sign` (the one sign decision, shared with
    ``symgrad check``), with balls up to 1024 bits."""
    return decide_sign(e, cap=1024).sign


def simplified_sign(e: sympy.Expr) -> int | None:
    """:func:`exact_sign` of ``sympy.simplify(e)`` (derivatives of one-variable pieces).

    >>> simplified_sign(sympy.sin(1)**2 + sympy.cos(1)**2 - 1)
    0
    """
    return exact_sign(sympy.simplify(e))


def expression_sign(e) -> int | None:
    """:func:`exact_sign` of ``e`` (a SymPy object or a Python number), retried after
    ``sympy.simplify`` when undecided.

    >>> expression_sign(0), expression_sign(-sympy.Rational(1, 3))
    (0, -1)
    """
    e = as_expr(e)
    s = exact_sign(e)
    return s if s is not None else exact_sign(sympy.simplify(e))


def inertia_from_signs(signs: Sequence[int]) -> tuple[int, int, int]:
    """(positive, negative, zero) eigenvalue counts from the signs of c_0..c_n.

    ``signs[k]`` is the sign of the coefficient of lambda**k in
    det(lambda*I - H) for a real symmetric H (all roots real).
    """
    n = len(signs) - 1
    zero = 0
    while zero < n and signs[zero] == 0:
        zero += 1
    seq = [s for s in reversed(signs[zero:]) if s != 0]
    pos = sum(1 for a, b in itertools.pairwise(seq) if a != b)
    return pos, n - zero - pos, zero
