"""Exact real algebraic points: coordinates in Q(r), r a real root of an irreducible m.

A stationary point found by the exact path is stored as an
:class:`AlgebraicPoint`: an irreducible polynomial ``m(t)`` over Q, the index
of one of its real roots ``r`` (``CRootOf(m, k)``), and each coordinate as a
polynomial in ``t`` reduced modulo ``m``.  Arithmetic is exact
(python-flint ``fmpq_poly`` modulo ``m``).  Signs are exact: an element is
zero iff its reduced polynomial is zero (``m`` is irreducible); otherwise a
certified rational enclosure of ``r`` is refined until the ball value of the
element excludes zero, which must happen because the element is nonzero.

>>> import sympy
>>> t = sympy.Symbol("t")
>>> p = AlgebraicPoint.from_poly(sympy.Poly(t**2 - 2, t), 1, [sympy.Poly(t, t)])
>>> p.sign(sympy.Poly(t**2 - 2, t)), p.sign(sympy.Poly(t - 1, t))
(0, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import sympy
from flint import arb, ctx, fmpq, fmpq_poly

from symgrad.base.errors import SymgradError

__all__ = ["AlgebraicPoint", "field_charpoly", "poly_to_fmpq", "rational_point"]

_T = sympy.Symbol("t")


def poly_to_fmpq(p: sympy.Poly) -> fmpq_poly:
    """A univariate SymPy polynomial over Q as a flint ``fmpq_poly``."""
    coeffs = [sympy.Rational(c) for c in reversed(p.all_coeffs())]
    return fmpq_poly([fmpq(int(c.p), int(c.q)) for c in coeffs])


def _to_sympy(p: fmpq_poly) -> sympy.Expr:
    coeffs = p.coeffs()
    return sympy.Add(*[sympy.Rational(int(c.p), int(c.q)) * _T**i for i, c in enumerate(coeffs)])


def _horner(p: fmpq_poly, x: arb) -> arb:
    acc = arb(0)
    for c in reversed(p.coeffs()):
        acc = acc * x + arb(c)
    return acc


@dataclass(frozen=True)
class AlgebraicPoint:
    """A real point with coordinates in Q(r).

    ``m`` is irreducible over Q and r is its ``index``-th real root.
    """

    m: fmpq_poly
    index: int
    coords: tuple[fmpq_poly, ...]

    @staticmethod
    def from_poly(m: sympy.Poly, index: int, coords: Sequence[sympy.Poly]) -> AlgebraicPoint:
        mm = poly_to_fmpq(m)
        return AlgebraicPoint(mm, index, tuple(poly_to_fmpq(c) % mm for c in coords))

    @property
    def degree(self) -> int:
        """Degree of the number field (1 for a rational point)."""
        return self.m.degree()

    @cached_property
    def root(self) -> sympy.Expr:
        """The exact root r (a Rational when the field is Q)."""
        if self.degree == 1:
            c = self.m.coeffs()
            return -sympy.Rational(int(c[0].p), int(c[0].q)) / sympy.Rational(
                int(c[1].p), int(c[1].q)
            )
        return sympy.CRootOf(sympy.Poly(_to_sympy(self.m), _T), self.index, radicals=False)

    def element(self, p: fmpq_poly) -> sympy.Expr:
        """The exact SymPy expression of the field element ``p(r)``."""
        p = p % self.m
        if p.degree() <= 0:
            c = p.coeffs()
            return sympy.Rational(int(c[0].p), int(c[0].q)) if c else sympy.S.Zero
        if self.degree == 1:
            return _to_sympy(p).subs(_T, self.root)
        if self.degree == 2:
            r = sympy.CRootOf(sympy.Poly(_to_sympy(self.m), _T), self.index, radicals=True)
            return sympy.radsimp(sympy.expand(_to_sympy(p).subs(_T, r)))
        return _to_sympy(p).subs(_T, self.root)

    def exact_coords(self) -> tuple[sympy.Expr, ...]:
        return tuple(self.element(c) for c in self.coords)

    def is_rational(self) -> bool:
        return self.degree == 1

    @cached_property
    def _interval(self) -> list:
        """[poly, lo, hi]: a rational interval isolating r, narrowed as balls need it.

        Real-root isolation of ``m`` itself (exact rational endpoints, ascending
        like CRootOf's real roots).  ``root`` is not used here: SymPy may
        normalise a CRootOf into another expression (``7*CRootOf(4*t**3 - ...)``
        for a scaled polynomial), which has no interval of its own.
        """
        poly = sympy.Poly(_to_sympy(self.m), _T, domain="QQ")
        intervals = sorted(iv for iv, _mult in poly.intervals())
        if not 0 <= self.index < len(intervals):
            raise SymgradError(  # pragma: no cover - solve.py only makes real indices
                f"root {self.index} of {self.m} is not real"
            )
        lo, hi = intervals[self.index]
        return [poly, sympy.Rational(lo), sympy.Rational(hi)]

    def root_ball(self, bits: int) -> arb:
        """A certified ball around r with radius about 2**-bits (the isolating interval
        refined exactly, then held at bits + 20 bits)."""
        if self.degree == 1:
            r = self.root
            return arb(fmpq(int(r.p), int(r.q)))
        state = self._interval
        poly, lo, hi = state
        eps = sympy.Rational(1, 2 ** (bits + 1))
        if hi - lo >= eps:
            lo, hi = (sympy.Rational(v) for v in poly.refine_root(lo, hi, eps=eps))
            state[1:] = [lo, hi]
        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        with ctx.workprec(bits + 20):  # the ball holds the interval, not a rounding of it
            return arb(fmpq(int(mid.p), int(mid.q)), fmpq(int(rad.p), int(rad.q)))

    def ball(self, p: fmpq_poly, bits: int) -> arb:
        """A ball containing p(r), computed at about ``bits`` of precision."""
        with ctx.workprec(bits + 20):
            return _horner(p % self.m, self.root_ball(bits))

    def sign(self, p: sympy.Poly | fmpq_poly) -> int:
        """The exact sign (-1, 0, 1) of the field element p(r)."""
        if not isinstance(p, fmpq_poly):
            p = poly_to_fmpq(p)
        p = p % self.m
        if p == 0:
            return 0
        bits = 64
        for _ in range(16):
            v = self.ball(p, bits)
            if v > 0:
                return 1
            if v < 0:
                return -1
            bits *= 2
        raise SymgradError("could not separate an algebraic number from zero")  # pragma: no cover

    def substitute(self, poly: sympy.Poly) -> fmpq_poly:
        """Evaluate a polynomial in the point's variables (same order) at the point, exactly."""
        powers: dict[tuple[int, int], fmpq_poly] = {}

        def power(i: int, e: int) -> fmpq_poly:
            key = (i, e)
            if key not in powers:
                prev = fmpq_poly([1]) if e == 0 else power(i, e - 1) * self.coords[i]
                powers[key] = prev % self.m
            return powers[key]

        acc = fmpq_poly([])
        for monom, coeff in poly.terms():
            c = sympy.Rational(coeff)
            term = fmpq_poly([fmpq(int(c.p), int(c.q))])
            for i, e in enumerate(monom):
                if e:
                    term = (term * power(i, e)) % self.m
            acc = acc + term
        return acc % self.m


def rational_point(values: Sequence[sympy.Rational]) -> AlgebraicPoint:
    """A rational point as an :class:`AlgebraicPoint` over Q (m = t).

    >>> rational_point([sympy.Rational(1, 2)]).exact_coords()
    (1/2,)
    """
    coords = []
    for v in values:
        v = sympy.Rational(v)
        coords.append(fmpq_poly([fmpq(int(v.p), int(v.q))]))
    return AlgebraicPoint(fmpq_poly([0, 1]), 0, tuple(coords))


def field_charpoly(point: AlgebraicPoint, matrix: list[list[fmpq_poly]]) -> list[fmpq_poly]:
    """Coefficients c_0..c_n (c_n = 1) of det(lambda*I - A) over Q(r), by Faddeev-LeVerrier.

    ``matrix`` holds field elements (polynomials in t, reduced mod m).
    """
    n = len(matrix)
    m = point.m
    one = fmpq_poly([1])

    def mul(a, b):
        return [
            [sum((a[i][k] * b[k][j] for k in range(n)), fmpq_poly([])) % m for j in range(n)]
            for i in range(n)
        ]

    coeffs = [fmpq_poly([])] * (n + 1)
    coeffs[n] = one
    mk = [[fmpq_poly([]) for _ in range(n)] for _ in range(n)]
    for k in range(1, n + 1):
        prod = mul(matrix, mk)
        mk = [
            [prod[i][j] + (coeffs[n - k + 1] if i == j else fmpq_poly([])) for j in range(n)]
            for i in range(n)
        ]
        amk = mul(matrix, mk)
        trace = sum((amk[i][i] for i in range(n)), fmpq_poly([]))
        coeffs[n - k] = (-trace * fmpq(1, k)) % m
    return coeffs
