"""python-flint ``arb`` balls as a kernel namespace: :data:`ARB`, at the caller's ``ctx.prec``.

``interval = True``: the kernels choose radius-stable forms, and a kink at 0 is the
Clarke interval (the union of both one-sided values) when the ball contains 0.

>>> from flint import arb
>>> clarke = ARB.kink(arb(0), lambda: 0, lambda: 1)  # relu'(0): the Clarke interval [0, 1]
>>> clarke.contains(0) and clarke.contains(1), ARB.kink(arb(2), lambda: 0, lambda: 1)
(True, 1)
>>> ARB.max0(arb(-2)), ARB.interval
(0, True)
"""

from __future__ import annotations

from flint import arb, fmpq

from symgrad.numeric.namespace_math import ScalarNamespace

__all__ = ["ARB"]


class _ArbNamespace(ScalarNamespace):
    """Arb balls: forms with one occurrence of t, the Clarke interval at a kink."""

    interval = True

    def max0(self, t):
        return t.max(arb(0))

    def min0(self, t):
        return t.min(arb(0))

    def kink(self, t, left, right, jump=False):
        """One side if the ball is on it; else the union of both (the Clarke interval), or
        NaN (no enclosure) where the quantity jumps at 0 and is not itself Lipschitz."""
        if t > 0:
            return right()
        if t < 0:
            return left()
        if jump:
            return arb("nan")
        return arb.union(arb(left()), arb(right()))


ARB = _ArbNamespace(
    one=arb(1), exp=arb.exp, expm1=arb.expm1, log=arb.log, log1p=arb.log1p, sqrt=arb.sqrt,
    tanh=arb.tanh, sech=arb.sech, erf=arb.erf, erfc=arb.erfc, sq=lambda x: x**2,
    const=lambda q: arb(fmpq(q.numerator, q.denominator)), pi=arb.pi, tiny=0)
