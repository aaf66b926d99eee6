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
from symgrad.numeric.recurrence import ChainValues, evaluate_chain

__all__ = [
    "MpmathOps",
    "evaluate",
    "format_significant",
]


def _sigmoid(t):
    # 1/(1+e^-t), in the form that does not overflow for large |t|
    if t >= 0:
        return 1 / (1 + mpmath.exp(-t))
    e = mpmath.exp(t)
    return e / (1 + e)


def _dsigmoid(t):
    # sigma(t)(1-sigma(t)) = e^{-|t|}/(1+e^{-|t|})^2: no cancellation
    e = mpmath.exp(-abs(t))
    return e / (1 + e) ** 2


def _dtanh(t):
    # 1 - tanh^2 = sech^2: no cancellation for large |t|
    return mpmath.sech(t) ** 2


def _softplus(t):
    # log(1+e^t) = max(t,0) + log1p(e^{-|t|})
    return max(t, 0) + mpmath.log1p(mpmath.exp(-abs(t)))


#: name -> (sigma, sigma'), numerically stable forms (tests compare with SymPy's rewrite)
ACTIVATION_TABLE = {
    "sigmoid": (_sigmoid, _dsigmoid),
    "tanh": (mpmath.tanh, _dtanh),
    "softplus": (_softplus, _sigmoid),
}


class MpmathOps:
    """mpmath numbers at the caller's current working precision."""

    def convert(self, value: Fraction):
        return mpmath.mpf(value.numerator) / value.denominator

    def activation(self, name: str):
        return ACTIVATION_TABLE[name]


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
