"""Stable log-space evaluation of the gradient in float64 (what a practitioner can do).

The product dF/dw_k = o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i) underflows
in float64 once it is below 4.9e-324, but its logarithm does not:

    log|dF/dw_k| = log|o_{k-1}| + sum_{i>=k} log sigma'(z_i) + sum_{i>k} log|w_i|

Every term is computed in float64 by a formula that never under- or overflows
(log-sigmoid, ``-|t| - 2 log1p(e^{-|t|})`` for log sigma', ...: the kernels' ``log_value``
and ``log_d1`` of :mod:`symgrad.numeric.kernels`), and the sums are
compensated (Neumaier), so the result keeps float64 accuracy at any depth.
The forward pass (the z_i) is the plain float64 one.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> logs = log10_gradient(Chain(1000), [Fraction(1)] * 1000)
>>> round(logs[0], 6)  # dF/dw_1 = 1.5436...e-648, far below float64's range
-647.811461
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from fractions import Fraction

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.kernels import get_kernel
from symgrad.numeric.namespaces import MATH
from symgrad.numeric.weights import to_float

__all__ = [
    "log10_gradient",
    "log10_prefix_gradient",
    "log_abs_activation",
    "log_abs_derivative",
]

_LN10 = math.log(10)
_NEG_INF = -math.inf


def log_abs_activation(name: str, t: float) -> float:
    """log|sigma(t)| in float64 without under/overflow (the kernel's ``log_value``).

    >>> round(log_abs_activation("sigmoid", -800.0), 9)
    -800.0
    """
    return get_kernel(name).log_value(MATH, t)


def log_abs_derivative(name: str, t: float) -> float:
    """log|sigma'(t)| in float64 without under/overflow (the kernel's ``log_d1``).

    >>> round(log_abs_derivative("sigmoid", 0.0), 12) == round(math.log(0.25), 12)
    True
    """
    return get_kernel(name).log_d1(MATH, t)


def _log_abs(v: Fraction) -> float:
    if v == 0:
        return _NEG_INF
    f = abs(to_float(v))  # the float64 weight a practitioner would hold
    if sys.float_info.min <= f < math.inf:  # normal: log of the rounded value (error ~eps)
        return math.log(f)
    # beyond float64's normal range: math.log of each (big) integer, no Fraction arithmetic;
    # |log| > 708 here, so the subtraction loses nothing
    return math.log(abs(v.numerator)) - math.log(v.denominator)


def _forward(chain: Chain, weights: Sequence[Fraction], biases, x):
    """float64 z_i, log|w_i|, log|sigma'(z_i)| (0 for the seed layer 1), log|o_i|."""
    if len(weights) != chain.depth:
        raise SymgradError(f"{len(weights)} weights given for depth {chain.depth}")
    if chain.bias and (biases is None or len(biases) != chain.depth):
        raise SymgradError("the chain has biases: give one per layer", hint="--biases SPEC")
    name = chain.activation
    f64 = get_kernel(name).value
    w = [to_float(v) for v in weights]  # beyond float64: inf, as a float64 program holds it
    b = [to_float(v) for v in biases] if chain.bias else None
    x0 = Fraction(1) if (chain.form == "seed" or x is None) else Fraction(x)
    o = to_float(x0)
    log_o_prev = [_log_abs(x0)]  # log|o_0|
    logw = [_log_abs(v) for v in weights]
    logd = []
    for i in range(chain.depth):
        z = w[i] * o + (b[i] if b is not None else 0.0)
        if i == 0 and chain.form == "seed":
            o, ld, lo = z, 0.0, logw[0]
        else:
            o = f64(MATH, z)
            ld = log_abs_derivative(name, z)
            lo = log_abs_activation(name, z)
        logd.append(ld)
        log_o_prev.append(lo)
    return logw, logd, log_o_prev


class _Neumaier:
    """Compensated running sum (exact -inf handling: once -inf, stays -inf)."""

    def __init__(self) -> None:
        self.s = 0.0
        self.c = 0.0

    def add(self, v: float) -> None:
        if v == _NEG_INF or self.s == _NEG_INF:
            self.s, self.c = _NEG_INF, 0.0
            return
        t = self.s + v
        if abs(self.s) >= abs(v):
            self.c += (self.s - t) + v
        else:
            self.c += (v - t) + self.s
        self.s = t

    @property
    def value(self) -> float:
        return self.s if self.s == _NEG_INF else self.s + self.c


def log10_gradient(chain: Chain, weights: Sequence[Fraction], *,
                   biases: Sequence[Fraction] | None = None,
                   x: Fraction | None = None) -> list[float]:
    """log10|dF/dw_k| for k = 1..L in float64 (``-inf`` for an exact zero). O(L)."""
    logw, logd, log_o = _forward(chain, weights, biases, x)
    out = [0.0] * chain.depth
    acc = _Neumaier()  # sum_{i>k} (log|w_i| + log sigma'(z_i))
    for k in range(chain.depth - 1, -1, -1):
        tail = _Neumaier()
        tail.s, tail.c = acc.s, acc.c
        tail.add(logd[k])
        tail.add(log_o[k])
        v = tail.value
        out[k] = v / _LN10 if v != _NEG_INF else _NEG_INF
        acc.add(logd[k])
        acc.add(logw[k])
    return out


def log10_prefix_gradient(weights: Sequence[Fraction], activation: str = "sigmoid") -> list[float]:
    """log10|dF/dw_1| of the seed chain at every depth n = 1..N (N = len(weights)). O(N).

    At depth n, dF/dw_1 = prod_{i=2..n} w_i sigma'(z_i): a prefix sum of logs.

    >>> [round(v, 9) for v in log10_prefix_gradient([Fraction(1)] * 2)]  # 1, sigma'(1)
    [0.0, -0.706390126]
    """
    chain = Chain(len(weights), activation=activation)
    logw, logd, _ = _forward(chain, weights, None, None)
    acc = _Neumaier()
    out = [0.0]
    for i in range(1, len(weights)):
        acc.add(logw[i])
        acc.add(logd[i])
        v = acc.value
        out.append(v / _LN10 if v != _NEG_INF else _NEG_INF)
    return out
