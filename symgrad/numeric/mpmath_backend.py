"""Arbitrary-precision evaluation of the chain with mpmath (no accuracy claim).

:func:`evaluate` runs the shared recurrence with mpmath numbers at a given
working precision; it is a fast computing backend (finite differences, plots,
stationary evaluation).  Digits that symgrad prints as correct come from
:mod:`symgrad.numeric.certified` (ball arithmetic), never from here.

Precision is always scoped with ``mpmath.workdps``; nothing global leaks.

>>> from symgrad.core.chain import Chain
>>> from fractions import Fraction
>>> v = evaluate(Chain(2), [Fraction(1), Fraction(1)], dps=15)
>>> format_significant(v.grad_w[0], 15)  # sigma'(1) = e/(1+e)^2
'1.96611933241482e-1'
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath

from symgrad.core.chain import Chain
from symgrad.numeric.kernels import KERNELS, functions
from symgrad.numeric.namespaces import MPMATH
from symgrad.numeric.recurrence import ChainValues, evaluate_chain

__all__ = [
    "ACTIVATION_TABLE",
    "MpmathOps",
    "evaluate",
    "format_significant",
]


#: name -> (sigma, sigma'), the kernels' stable forms in mpmath (see :mod:`symgrad.numeric.kernels`)
ACTIVATION_TABLE = {name: functions(name, MPMATH) for name in KERNELS}


class MpmathOps:
    """mpmath numbers at the caller's current working precision."""

    def convert(self, value: Fraction):
        return mpmath.mpf(value.numerator) / value.denominator

    def activation(self, name: str):
        return functions(name, MPMATH)


def evaluate(chain: Chain, weights: Sequence[Fraction], *, dps: int,
             biases: Sequence[Fraction] | None = None,
             x: Fraction | None = None) -> ChainValues:
    """Evaluate F and the gradient at ``dps`` working digits (no accuracy claim)."""
    with mpmath.workdps(dps):
        return evaluate_chain(chain, weights, MpmathOps(), biases=biases, x=x)


def format_significant(value, digits: int) -> str:
    """``value`` rounded to ``digits`` significant digits, as ``d.ddd...e±N``.

    >>> format_significant(mpmath.mpf(1)/3, 5)
    '3.3333e-1'
    """
    if value == 0:
        return "0"
    with mpmath.workdps(digits + 5):
        s = mpmath.nstr(value, digits, min_fixed=1, max_fixed=0, strip_zeros=False)
    mant, _, exp = s.partition("e")
    exp = int(exp) if exp else 0
    return f"{mant}e{exp:+d}" if exp < 0 else f"{mant}e+{exp}"
