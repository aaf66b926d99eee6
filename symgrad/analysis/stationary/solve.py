"""Exact stationary points of polynomials: Groebner bases and the shape lemma.

Budget (no thread or subprocess is needed, because the exact path is only
*entered* when the system is small):

* f is a polynomial with rational coefficients in at most
  :data:`MAX_EXACT_VARS` variables (any number when the gradient is linear,
  up to :data:`MAX_LINEAR_VARS`);
* the Bezout number of the gradient system (product of the degrees of its
  components) is at most :data:`MAX_BEZOUT`.

Otherwise :func:`exact_eligible` says why and the caller takes the numeric path.

Zero-dimensional systems: the ideal is made radical (square-free parts of
the univariate eliminants, Seidenberg's lemma), a separating linear form
t = x_n + c_{n-1} x_{n-1} + ... is added and the lexicographic Groebner basis
is brought to *shape* form {x_i - p_i(t), q(t)}.  The real stationary points
are then exactly the real roots r of q, with coordinates p_i(r): algebraic
numbers kept exact (:class:`~symgrad.analysis.stationary.algebraic.AlgebraicPoint`).

Positive-dimensional systems (e.g. (x - y)**2, stationary on the line y = x)
are reported as families from SymPy's parametric solution.

>>> import sympy
>>> x, y = sympy.symbols("x y", real=True)
>>> sol = solve_exact((x**2 - 1)**2 + y**2, (x, y))
>>> sorted(p.exact_coords() for p in sol.points)
[(-1, 0), (0, 0), (1, 0)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import prod

import sympy

from symgrad.analysis.stationary.algebraic import AlgebraicPoint, rational_point
from symgrad.base.errors import SymgradError

__all__ = [
    "MAX_BEZOUT",
    "MAX_EXACT_VARS",
    "MAX_LINEAR_VARS",
    "ExactFamily",
    "ExactSolution",
    "exact_eligible",
    "solve_exact",
]

MAX_EXACT_VARS = 4
MAX_LINEAR_VARS = 12
MAX_BEZOUT = 81
_T = sympy.Symbol("t")


@dataclass
class ExactFamily:
    """A positive-dimensional component: ``solution`` maps bound variables to
    expressions in the ``free`` ones (SymPy's parametric solution)."""

    solution: dict[sympy.Symbol, sympy.Expr]
    free: tuple[sympy.Symbol, ...]


@dataclass
class ExactSolution:
    points: list[AlgebraicPoint] = field(default_factory=list)
    families: list[ExactFamily] = field(default_factory=list)
    other_points: list[tuple[sympy.Expr, ...]] = field(default_factory=list)
    method: str = ""


def exact_eligible(f: sympy.Expr, variables: Sequence[sympy.Symbol]) -> tuple[bool, str]:
    """Whether the exact path is within budget, with the reason when it is not."""
    if f.has(sympy.Max, sympy.Min, sympy.Abs):
        return False, "non-smooth expression"
    try:
        poly = sympy.Poly(f, *variables, domain="QQ")
    except (sympy.PolynomialError, sympy.CoercionFailed, sympy.GeneratorsError):
        return False, "not a polynomial with rational coefficients"
    if poly.free_symbols - set(variables):
        return False, "expression has symbols that are not variables"
    degs = [max(poly.diff(v).total_degree(), 0) for v in variables]
    if max(degs, default=0) <= 1:
        if len(variables) > MAX_LINEAR_VARS:
            return False, f"linear gradient in more than {MAX_LINEAR_VARS} variables"
        return True, "polynomial with linear gradient: exact linear algebra"
    if len(variables) > MAX_EXACT_VARS:
        return False, f"nonlinear polynomial in more than {MAX_EXACT_VARS} variables"
    bezout = prod(max(d, 1) for d in degs)
    if bezout > MAX_BEZOUT:
        return False, f"Bezout number {bezout} of the gradient system is above {MAX_BEZOUT}"
    return True, f"polynomial system, Bezout number {bezout}: Groebner basis + shape lemma"


def _linear(grads: list[sympy.Expr], variables: Sequence[sympy.Symbol]) -> ExactSolution:
    sol = sympy.linsolve(grads, *variables)
    out = ExactSolution(method="exact linear algebra (linsolve)")
    for tup in sol:
        free = tuple(sorted(set().union(*[v.free_symbols for v in tup])
                            & set(variables), key=str))
        if free:
            out.families.append(ExactFamily(
                {v: e for v, e in zip(variables, tup) if v not in free}, free))
        else:
            out.points.append(rational_point(list(tup)))
    return out


def _radical_generators(grads, variables) -> list[sympy.Expr]:
    gens = list(grads)
    for _i, v in enumerate(variables):
        order = [w for w in variables if w != v] + [v]
        basis = sympy.groebner(grads, *order, order="lex")
        last = basis.exprs[-1]
        poly = sympy.Poly(last, v)
        gens.append(sympy.sqf_part(poly).as_expr())
    return gens


def _shape(gens, variables) -> tuple[list[sympy.Poly], sympy.Poly] | None:
    n = len(variables)
    candidates = [[1] * n] + [[(k * (i + 2)) % 13 + 1 for i in range(n)] for k in range(1, 9)]
    for c in candidates:
        form = sum(ci * v for ci, v in zip(c, variables))
        basis = sympy.groebner([*gens, _T - form], *variables, _T, order="lex")
        exprs = basis.exprs
        if len(exprs) != n + 1:
            continue
        coords = []
        for i, v in enumerate(variables):
            p = sympy.Poly(exprs[i], *variables, _T)
            lead = sympy.Poly(exprs[i], v).LC()
            if p.degree(v) != 1 or not lead.is_Rational:
                break
            rest = sympy.expand(exprs[i] - lead * v)
            if rest.free_symbols - {_T}:
                break
            coords.append(sympy.Poly(-rest / lead, _T))
        else:
            q = sympy.Poly(exprs[-1], _T)
            if q.free_symbols - {_T}:
                continue
            return coords, q
    return None


def _zero_dim(grads, variables) -> ExactSolution:
    gens = _radical_generators(grads, variables)
    shape = _shape(gens, variables)
    if shape is None:
        raise SymgradError("exact solving found no separating linear form",
                           hint="use --method numeric")
    coords, q = shape
    out = ExactSolution(method="Groebner basis (radical ideal, shape lemma)")
    for factor, _ in sympy.factor_list(q.as_expr(), _T)[1]:
        m = sympy.Poly(factor, _T).monic()
        for k in range(m.count_roots()):  # real roots come first in CRootOf order
            out.points.append(AlgebraicPoint.from_poly(m, k, [c.rem(m) for c in coords]))
    return out


def _families(grads, variables) -> ExactSolution:
    out = ExactSolution(method="Groebner basis (positive-dimensional) + parametric solve")
    sols = sympy.solve(grads, list(variables), dict=True)
    for sol in sols:
        bound = dict(sol)  # SymPy's own solutions (expressions), never user strings
        free = tuple(v for v in variables if v not in bound)
        if any(e.has(sympy.I) for e in bound.values()):
            if free or any(sympy.im(e) != 0 for e in bound.values()):
                continue  # a non-real component
        if free:
            out.families.append(ExactFamily(bound, free))
        elif all(isinstance(bound[v], sympy.Rational) for v in variables):
            out.points.append(rational_point([bound[v] for v in variables]))
        else:
            out.other_points.append(tuple(bound[v] for v in variables))
    return out


def solve_exact(f: sympy.Expr, variables: Sequence[sympy.Symbol]) -> ExactSolution:
    """All real stationary points of the polynomial ``f`` (call :func:`exact_eligible` first)."""
    variables = tuple(variables)
    grads = [sympy.expand(sympy.diff(f, v)) for v in variables]
    if all(g == 0 for g in grads):
        return ExactSolution(families=[ExactFamily({}, variables)],
                             method="gradient identically zero")
    if all(sympy.Poly(g, *variables).total_degree() <= 1 for g in grads):
        return _linear(grads, variables)
    basis = sympy.groebner(grads, *variables, order="grevlex")
    if basis.exprs == [1]:
        return ExactSolution(method="Groebner basis {1}: no stationary point")
    if basis.is_zero_dimensional:
        return _zero_dim(basis.exprs, variables)
    return _families(basis.exprs, variables)
