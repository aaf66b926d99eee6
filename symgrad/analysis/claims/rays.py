"""Proofs that a one-variable claim ``h(t) >= 0`` holds beyond some ``R`` (an unbounded end).

A mixin of the claim of :mod:`symgrad.analysis.claims.extrema` (``RayProofs``, in
mpmath's style of one area per module): with ``u(s) = B(R + s)`` (or ``B(R - s)``), a
*ladder* shows ``u`` increasing: ``u^(k)(0) >= 0`` for ``k < n`` and SymPy's assumptions
prove ``u^(n)(s) >= 0`` for ``s > 0``; or ``-u'`` is shown positive that way and ``u``
decreases to a limit ``>= 0`` (*falling*); or ``u`` is affine in bounded functions of
``s`` and every *corner* of their ranges has a ladder.  Before any proof, points
``R + 2**k`` are searched for a witness of FALSE.

>>> s = sympy.Symbol("s", positive=True)
>>> provably(s**2 + s, True), provably(s - 1, False)
(True, False)
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy
from flint import arb, ctx, fmpq

from symgrad.analysis.claims.common import to_exp
from symgrad.analysis.claims.pieces import (
    BallFn,
    NotApplicable,
    Piece,
    sympy_call,
    to_rational,
)
from symgrad.core.activations import sigmoid

__all__ = ["MAX_RAY_OPS", "RAY_ORDERS", "RAY_STARTS", "RAY_WITNESS_STEPS", "RayProofs",
           "provably"]

RAY_ORDERS = 4  # highest derivative order in the ladder of an unbounded end
RAY_STARTS = (1, 4, 16, 64)
MAX_RAY_OPS = 300  # a derivative in a ladder larger than this is not tried
RAY_WITNESS_STEPS = 1100  # witness search at R + 2**k along an unbounded end


def provably(e: sympy.Expr, positive: bool) -> bool:
    """SymPy's assumptions prove e > 0 (or >= 0) for its (positive) symbol."""

    def ok(f):
        return f.is_positive is True or (not positive and f.is_nonnegative is True)

    forms = dict.fromkeys([e, sympy.expand(e), to_exp(e)])
    if any(ok(f) for f in forms):
        return True
    return sympy.count_ops(e) <= 60 and ok(sympy_call(sympy.together, to_exp(e)))


_BOUNDED = {sympy.sin: (-1, 1), sympy.cos: (-1, 1), sympy.tanh: (-1, 1), sigmoid: (0, 1),
            sympy.atan: (-sympy.pi / 2, sympy.pi / 2)}


class RayProofs:
    """The ray proofs, as methods of the claim (which supplies ``t``, ``strict``,
    ``tick``, ``check_point``, ``try_point``, ``const_sign`` and ``limit_ok``)."""

    def ray_witness(self, piece: Piece, d: int) -> None:
        base = piece.sample
        f = BallFn(piece.branch, self.t)
        for k in range(RAY_WITNESS_STEPS):
            if k % 64 == 0:
                self.tick()
            p = base + d * 2**k
            with ctx.workprec(64):
                x = arb(fmpq(p.numerator, p.denominator))
            v = f(x, 64)
            if v.is_finite() and v < 0:
                self.try_point(to_rational(p))

    def ray(self, piece: Piece, d: int, base: Fraction) -> sympy.Rational:
        """A start R (an exact rational in the piece) such that the claim holds beyond R.

        The proofs are tried at R = base * m for m in :data:`RAY_STARTS`; a proof that
        found nothing SymPy can prove at the first R is not tried again."""
        self.ray_witness(piece, d)
        s = sympy.Dummy("s", positive=True)
        hopeless: set[str] = set()
        for m in RAY_STARTS:
            self.tick()
            r = to_rational(base * m)
            u = piece.branch.xreplace({self.t: r + d * s})
            self.check_point(r)
            for name in ("ladder", "corners", "falling"):
                if name in hopeless:
                    continue
                try:
                    state = (self.ladder(u, s, self.strict) if name == "ladder" else
                             self.corners(u, s) if name == "corners" else
                             self.falling(piece, u, s, d))
                except NotApplicable:
                    state = None
                if state is True:
                    return r
                if state is None:
                    hopeless.add(name)
            if len(hopeless) == 3:
                break
        raise NotApplicable(f"no proof of the claim for large {'' if d > 0 else '-'}{self.t}")

    def ladder(self, u: sympy.Expr, s: sympy.Symbol, strict: bool) -> bool | None:
        """Proof that u(s) >= 0 (> 0 if strict) for all s >= 0: u(0) has that sign, and
        u^(k)(0) >= 0 for 1 <= k < n with u^(n)(s) >= 0 for s > 0 (SymPy's assumptions),
        so u is increasing (or u itself is proved positive).

        True if proved; False if a derivative was proved of one sign but a value at 0
        was not (a larger start may do); None if SymPy could prove nothing."""
        if provably(u, strict):
            return self.const_ok(u.xreplace({s: 0}), strict)
        deriv = u
        for n in range(1, RAY_ORDERS + 1):
            deriv = sympy.diff(deriv, s)
            if sympy.count_ops(deriv) > MAX_RAY_OPS:
                return None
            if provably(deriv, False):
                return self.const_ok(u.xreplace({s: 0}), strict) and all(
                    self.const_ok(sympy.diff(u, s, k).xreplace({s: 0}), False)
                    for k in range(1, n))
        return None

    def const_ok(self, v: sympy.Expr, strict: bool) -> bool:
        sign = self.const_sign(v)
        return sign is not None and (sign > 0 or (sign == 0 and not strict))

    def falling(self, piece: Piece, u: sympy.Expr, s: sympy.Symbol, d: int) -> bool | None:
        """-u' >= 0 proved by a ladder, and the limit of u is >= 0: u >= limit.

        With a strict claim, u(0) > 0 (checked by the caller) and u real-analytic give
        u > limit: u = limit at some s would make u constant."""
        state = self.ladder(-sympy.diff(u, s), s, False)
        if state is True:
            self.limit_ok(piece.branch, sympy.oo if d > 0 else sympy.S.NegativeInfinity, piece)
        return state

    def corners(self, u: sympy.Expr, s: sympy.Symbol) -> bool | None:
        """u is affine in each bounded function (sin, cos, tanh, sigmoid, atan) of s: it is
        at least its smallest value over the corners of their ranges; prove each corner."""
        atoms = sorted((a for a in u.atoms(*_BOUNDED) if a.has(s)), key=str)
        if not atoms or len(atoms) > 4:
            return None
        b = [sympy.Dummy(f"b{i}", real=True) for i in range(len(atoms))]
        p = sympy.expand(u.xreplace(dict(zip(atoms, b))))
        if p.has(*atoms) or any(not p.is_polynomial(bi) or sympy.degree(p, bi) > 1 for bi in b):
            return None
        ranges = [_BOUNDED[a.func] for a in atoms]
        for corner in itertools.product(*ranges):
            state = self.ladder(p.xreplace(dict(zip(b, corner))), s, self.strict)
            if state is not True:
                return state
        return True
