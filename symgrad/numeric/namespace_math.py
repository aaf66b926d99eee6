"""The namespace protocol of the activation kernels, and Python floats (no third-party import).

:class:`ScalarNamespace` is the namespace of a scalar number type: constants and the
elementary functions are given per type, a branch is a Python ``if`` and a kink takes the
frameworks' convention.  :data:`MATH` instantiates it for Python floats (float64) through
:mod:`math`.  The other number types (mpmath, Arb balls, numpy) are in their own modules so
that importing this one, or :mod:`symgrad.numeric.namespaces`, loads none of those
libraries; :mod:`symgrad.numeric.namespaces` lists them all.

>>> MATH.kink(0.0, lambda: 0.0, lambda: 1.0)  # relu'(0) = 0 in floats
0.0
>>> MATH.two, MATH.max0(-3.5), MATH.select(MATH.one > 0, lambda: "then", lambda: "else")
(2.0, 0.0, 'then')
"""

from __future__ import annotations

import math
import sys

__all__ = ["MATH", "ScalarNamespace"]


def _first(cond, if_true, if_false):
    return if_true() if cond else if_false()


class ScalarNamespace:
    """Scalars with a Python ``if`` for branches; the functions are given per type."""

    interval = False

    def __init__(self, *, one, exp, expm1, log, log1p, sqrt, tanh, sech, erf, erfc, sq,
                 const, pi, tiny) -> None:
        self.one, self.two, self.zero = one, one + one, one - one
        self.exp, self.expm1, self.log, self.log1p = exp, expm1, log, log1p
        self.sqrt, self.tanh, self.sech, self.erf, self.erfc = sqrt, tanh, sech, erf, erfc
        self.sq, self.const, self.pi, self.tiny = sq, const, pi, tiny
        self.abs = abs
        self.select = _first

    def max0(self, t):
        return t if t > self.zero else self.zero

    def min0(self, t):
        return t if t < self.zero else self.zero

    def kink(self, t, left, right, jump=False):
        """``right()`` for t > 0, ``left()`` otherwise (relu'(0) = 0, as the frameworks)."""
        return right() if t > self.zero else left()


MATH = ScalarNamespace(
    one=1.0, exp=math.exp, expm1=math.expm1, log=math.log, log1p=math.log1p, sqrt=math.sqrt,
    tanh=math.tanh, sech=lambda t: 1.0 / math.cosh(t) if abs(t) < 710 else 0.0,
    erf=math.erf, erfc=math.erfc, sq=lambda x: x * x, const=float, pi=lambda: math.pi,
    tiny=sys.float_info.min)
