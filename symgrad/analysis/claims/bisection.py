"""Certified bisection of one bounded piece of a one-variable claim ``h(t) >= 0``.

Used by :mod:`symgrad.analysis.claims.extrema` (step 3 of its method): Arb balls of the
branch ``B`` and of ``B'`` over sub-intervals, with the mean-value form; a ball of the
right sign settles a box, ``B'`` of one sign puts the minimum at an end of the box.  A
box stuck at a tangency is settled at an exact critical point ``q`` (``B'(q) = 0``
decided by SymPy): if the first non-zero derivative ``B^(n)`` (exact zero tests up to
order :data:`MAX_LADDER`) has one sign over the box, ``B`` is monotone on each side of
``q`` (Taylor), so its minimum on the box is at an end or at ``q``.

The claim object (``check_point``, ``try_point``, ``ok_ball``, ``tick``, ``boxes``,
``strict``) is the caller's; this module does not import it.

>>> from symgrad.analysis.claims.pieces import split
>>> from symgrad.core.parsing import make_symbol, parse_expression
>>> x = make_symbol("x")
>>> piece = split(parse_expression("x**2 + 1"), x).pieces[0]
>>> len(Bisection(None, piece.branch, piece, x).derivs)
2
"""

from __future__ import annotations

from fractions import Fraction

import sympy
from flint import arb, ctx

from symgrad.analysis.claims.common import exact_zero
from symgrad.analysis.claims.pieces import (
    BallFn,
    NotApplicable,
    Piece,
    point_ball,
    real_zeros,
    simplest_between,
    to_fraction,
    to_rational,
)

__all__ = ["MAX_BOXES", "MAX_LADDER", "Bisection"]

MAX_BOXES = 4000  # sub-intervals examined by bisection, per claim
MAX_LADDER = 8  # highest derivative order tried at an exact critical point


class Bisection:
    """Certified bisection of one bounded piece ``[lo, hi]`` of a branch ``b``."""

    def __init__(self, claim, b: sympy.Expr, piece: Piece, t: sympy.Symbol | None = None):
        t = claim.t if t is None else t
        self.c, self.t, self.b, self.piece = claim, t, b, piece
        self.derivs = [b, sympy.diff(b, t)]
        self.fns: dict[int, BallFn] = {}
        self.critical: dict[sympy.Expr, bool] = {}
        self._zeros: list[sympy.Expr] | None = None

    def fn(self, k: int) -> BallFn:
        while len(self.derivs) <= k:
            self.derivs.append(sympy.diff(self.derivs[-1], self.t))
        if k not in self.fns:
            self.fns[k] = BallFn(self.derivs[k], self.t)
        return self.fns[k]

    def run(self, lo: sympy.Expr, hi: sympy.Expr) -> None:
        stack = [(lo, hi)]
        while stack:
            self.c.boxes += 1
            self.c.tick()
            if self.c.boxes > MAX_BOXES:
                raise NotApplicable(f"bisection needs more than {MAX_BOXES} boxes")
            a, b = stack.pop()
            stack.extend(self.box(a, b))

    def box(self, a: sympy.Expr, b: sympy.Expr) -> list[tuple[sympy.Expr, sympy.Expr]]:
        a_f = to_fraction(point_ball(a, 64).upper())
        b_f = to_fraction(point_ball(b, 64).lower())
        width = max(b_f - a_f, Fraction(1, 2**4000))
        prec = min(4096, 64 + max(0, width.denominator.bit_length() - width.numerator.bit_length()))
        with ctx.workprec(prec):
            J = point_ball(a, prec).union(point_ball(b, prec))
        H, D = self.fn(0)(J, prec), self.fn(1)(J, prec)
        if D.is_finite() and H.is_finite():
            with ctx.workprec(prec):
                m = arb(J.mid())
                mvf = self.fn(0)(m, prec) + D * (J - m)  # mean-value form
                if mvf.is_finite() and mvf.overlaps(H):
                    H = H.intersection(mvf)
        if self.c.ok_ball(H):
            return []
        if D.is_finite() and (D > 0 or D < 0):
            self.c.check_point(a if D > 0 else b)  # monotone: the minimum is at an end
            return []
        sub = self.tangency(a, b, J, prec)
        if sub is not None:
            return sub
        if not a_f < b_f:
            raise NotApplicable(f"bisection stuck near {self.t} ≈ {float(a_f):.17g}")
        w3 = (b_f - a_f) / 3
        m = simplest_between(a_f + w3, b_f - w3)
        if H.is_finite() and (H.mid() < 0 or (self.c.strict and H.mid() <= 0)):
            self.c.try_point(to_rational(m))  # a likely witness
        return [(a, to_rational(m)), (to_rational(m), b)]

    def candidates(self, a, b, J: arb) -> list[sympy.Expr]:
        lo, hi = to_fraction(J.lower()), to_fraction(J.upper())
        out = [a, b]
        if lo < hi:
            out.append(to_rational(simplest_between(lo, hi)))
        with ctx.workprec(128):
            pl, ph = J.lower() / arb.pi(), J.upper() / arb.pi()
        if pl.upper() < ph.lower():  # a simple rational multiple of pi inside J
            out.append(sympy.pi * to_rational(simplest_between(to_fraction(pl.upper()),
                                                       to_fraction(ph.lower()))))
        if self._zeros is None and sympy.count_ops(self.b) > 40:
            self._zeros = []
        if self._zeros is None:
            try:
                self._zeros = real_zeros(self.b, self.t, sympy.Interval(
                    self.piece.lo, self.piece.hi))
            except NotApplicable:
                self._zeros = []
        out += [z for z in self._zeros if J.contains(point_ball(z, 64))]
        return list(dict.fromkeys(out))

    def is_critical(self, q: sympy.Expr) -> bool:

        if q not in self.critical:
            v = self.fn(1)(point_ball(q, 128), 128)
            exact = False
            if v.contains(0):
                e = self.derivs[1].xreplace({self.t: q})
                exact = e == 0 if isinstance(e, sympy.Rational) else exact_zero(e)
            self.critical[q] = exact
        return self.critical[q]

    def tangency(self, a, b, J: arb, prec: int):
        """Settle the box at an exact critical point q (see the module text), or split at q."""
        for q in self.candidates(a, b, J):
            if not self.is_critical(q):
                continue
            order_sign = self.first_nonzero(q, J, prec)
            if order_sign is not None:
                for p in (a, q, b):
                    self.c.check_point(p)
                return []
            if q not in (a, b) and point_ball(a, 128) < point_ball(q, 128) < point_ball(b, 128):
                return [(a, q), (q, b)]  # narrower boxes on each side of q
        return None

    def first_nonzero(self, q, J: arb, prec: int) -> int | None:
        """Sign of the first derivative of order >= 2 that is not 0 at q, if fixed on J."""

        for k in range(2, MAX_LADDER + 1):
            at_q = self.fn(k)(point_ball(q, 128), 128)
            if at_q.contains(0):
                e = self.derivs[k].xreplace({self.t: q})
                if not (e == 0 if isinstance(e, sympy.Rational) else exact_zero(e)):
                    return None
                continue
            over = self.fn(k)(J, prec)
            return (1 if over > 0 else -1) if over.is_finite() and (over > 0 or over < 0) \
                else None
        return None
