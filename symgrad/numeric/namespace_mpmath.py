"""mpmath numbers as a kernel namespace: :data:`MPMATH`, at the caller's ``workdps``.

>>> import mpmath
>>> from fractions import Fraction
>>> with mpmath.workdps(20):
...     print(MPMATH.const(Fraction(1, 3)), MPMATH.sech(MPMATH.zero))
0.33333333333333333333 1.0
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from symgrad.numeric.namespace_math import ScalarNamespace

__all__ = ["MPMATH"]


def _mp_const(q: Fraction):
    return mpmath.mpf(q.numerator) / q.denominator


MPMATH = ScalarNamespace(
    one=mpmath.mpf(1), exp=mpmath.exp, expm1=mpmath.expm1, log=mpmath.log, log1p=mpmath.log1p,
    sqrt=mpmath.sqrt, tanh=mpmath.tanh, sech=mpmath.sech, erf=mpmath.erf, erfc=mpmath.erfc,
    sq=lambda x: x**2, const=_mp_const, pi=lambda: +mpmath.pi, tiny=0)
