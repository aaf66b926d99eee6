"""numpy as kernel namespaces: scalars of one dtype, and float64 arrays.

* :func:`dtype_namespace` -- numpy scalars of one dtype, every operation rounded in it;
* :data:`ARRAY` -- float64 numpy arrays (vectorised over many inputs; both branches of a
  ``select`` are evaluated and chosen with ``numpy.where``).

>>> from fractions import Fraction
>>> import numpy as np
>>> ns = dtype_namespace(np.float16)
>>> type(ns.exp(ns.one)).__name__, ns.const(Fraction(1, 100))
('float16', np.float16(0.01))
>>> ARRAY.kink(np.array([-1.0, 0.0, 2.0]), lambda: 0.0, lambda: 1.0)
array([0., 0., 1.])
"""

from __future__ import annotations

import math
import sys
from functools import cache

import numpy as np

from symgrad.numeric.namespace_math import ScalarNamespace

__all__ = ["ARRAY", "dtype_namespace"]


@cache
def dtype_namespace(dtype) -> ScalarNamespace:
    """numpy scalars of ``dtype``: constants and every result rounded in it (call inside
    ``numpy.errstate(all="ignore")``: overflow to inf, underflow to 0 are results)."""
    one = dtype(1.0)

    def via_float(fn):
        return lambda t: dtype(fn(float(t)))

    return ScalarNamespace(
        one=one, exp=np.exp, expm1=np.expm1, log=np.log, log1p=np.log1p, sqrt=np.sqrt,
        tanh=np.tanh, sech=lambda t: one / np.cosh(t), erf=via_float(math.erf),
        erfc=via_float(math.erfc), sq=lambda x: x * x,
        const=lambda q: dtype(float(q)), pi=lambda: dtype(math.pi),
        tiny=one - one)


class _ArrayNamespace(ScalarNamespace):
    """float64 arrays: both branches evaluated, chosen with ``numpy.where``."""

    def max0(self, t):
        return np.maximum(t, 0.0)

    def min0(self, t):
        return np.minimum(t, 0.0)

    def kink(self, t, left, right, jump=False):
        return np.where(t > 0, right(), left())


def _special(name: str):
    def f(t):
        import scipy.special

        return getattr(scipy.special, name)(t)

    return f


def _array_sech(t):  # 2 e^{-|t|}/(1 + e^{-2|t|}): no overflow
    e = np.exp(-np.abs(t))
    return 2.0 * e / (1.0 + e * e)


ARRAY = _ArrayNamespace(
    one=1.0, exp=np.exp, expm1=np.expm1, log=np.log, log1p=np.log1p, sqrt=np.sqrt,
    tanh=np.tanh, sech=_array_sech, erf=_special("erf"), erfc=_special("erfc"),
    sq=lambda x: x**2, const=float, pi=lambda: math.pi, tiny=sys.float_info.min)
ARRAY.select = lambda cond, a, b: np.where(cond, a(), b())  # type: ignore[method-assign]
