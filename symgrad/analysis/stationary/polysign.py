"""Global sign of a real polynomial, proved exactly (sound, not complete).

Two exact tests, each of which either proves ``p(x) >= 0`` (or ``> 0``) for all
real x or says nothing:

* **factorisation**: ``p = c * prod(q_j**m_j)`` where every ``q_j**m_j`` is
  nonnegative everywhere (even multiplicity, or every monomial an even power
  with a positive coefficient); then p has the sign of c;
* **quadratics** (total degree <= 2): ``p = x^T A x + b^T x + c`` is bounded
  below iff A is positive semidefinite (exact inertia from the signs of the
  characteristic polynomial's coefficients, exact for a symmetric matrix) and
  the minimiser equations ``2 A x + b = 0`` are solvable; then its minimum is
  ``p(x*)``, computed exactly.

>>> import sympy
>>> x, y = sympy.symbols("x y", real=True)
>>> lower_bound(x**2 + y**2 - x*y, [x, y])
(0, True)
>>> lower_bound(x**2*y**2 + 1, [x, y])
(1, None)
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from symgrad.analysis.stationary.signs import inertia_from_signs

__all__ = ["factor_sign", "lower_bound"]


def _nonnegative(factor: sympy.Expr, mult: int, variables: Sequence[sympy.Symbol]) -> bool:
    if mult % 2 == 0:
        return True
    try:
        poly = sympy.Poly(factor, *variables)
    except sympy.PolynomialError:
        return False
    return all(c > 0 and all(e % 2 == 0 for e in m) for m, c in poly.terms())


def _is_rational_poly(p: sympy.Expr, variables) -> bool:
    try:
        poly = sympy.Poly(p, *variables)
    except sympy.PolynomialError:
        return False
    return all(c.is_Rational for c in poly.coeffs())


def factor_sign(p: sympy.Expr, variables: Sequence[sympy.Symbol]) -> tuple[int, str] | None:
    """(+1 or -1, the factorisation) when p >= 0 (resp. <= 0) everywhere, else None."""
    p = sympy.expand(p)
    if not _is_rational_poly(p, variables):
        return None
    coeff, factors = sympy.factor_list(p, *variables)
    if coeff == 0 or not all(_nonnegative(q, m, variables) for q, m in factors):
        return None
    shown = sympy.sstr(sympy.Mul(coeff, *(q**m for q, m in factors), evaluate=False))
    return (1 if coeff > 0 else -1), shown


def lower_bound(p: sympy.Expr, variables: Sequence[sympy.Symbol]
                ) -> tuple[sympy.Expr, bool | None] | None:
    """(m, attained) with p >= m for all real x, or None when neither test applies.

    ``attained`` is True when some real x gives p(x) = m, and None when that is
    not decided (the factorisation test does not locate zeros).
    """
    p = sympy.expand(p)
    if not _is_rational_poly(p, variables):
        return None
    poly = sympy.Poly(p, *variables)
    if poly.total_degree() <= 2:
        return _quadratic_min(p, variables)
    const = poly.coeff_monomial(1)
    for shift in dict.fromkeys((const, sympy.S.Zero)):
        fs = factor_sign(p - shift, variables)
        if fs is not None and fs[0] > 0:
            return shift, None
    return None


def _quadratic_min(p: sympy.Expr, variables) -> tuple[sympy.Expr, bool] | None:
    n = len(variables)
    grad = [sympy.diff(p, v) for v in variables]
    a = sympy.Matrix(n, n, lambda i, j: sympy.diff(p, variables[i], variables[j]) / 2)
    lam = sympy.Dummy("lam")
    signs = [int(sympy.sign(c)) for c in reversed(a.charpoly(lam).all_coeffs())]
    _, neg, _ = inertia_from_signs(signs)
    if neg:
        return None  # unbounded below
    sol = sympy.linsolve(grad, *variables)
    if not sol:
        return None  # PSD but the linear part pushes p to -oo along the kernel
    point = next(iter(sol))
    free = set().union(*(c.free_symbols for c in point)) & set(variables)
    at = {v: c.subs({f: 0 for f in free}) for v, c in zip(variables, point)}
    return sympy.expand(p.subs(at)), True
