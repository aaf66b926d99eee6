"""The chain in IEEE-style binary formats: float64, float32, float16 and bfloat16.

:class:`NumpyOps` is the ops table for the shared recurrence
:func:`symgrad.numeric.recurrence.evaluate_chain`: every constant is rounded correctly
from its exact value into the format, and every operation (product, exp,
division, ...) is done on numpy scalars of that dtype, so each intermediate
result is rounded to the format, as a plain float16/bfloat16/... program would.
The activation formulas are the numerically stable ones, written once for every
number type in :mod:`symgrad.numeric.kernels`, so a difference from the true value is
due to the format's range and precision, not to a careless formula.

The formats themselves (limits, rounding, classification) are
:mod:`symgrad.numeric.formats`.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> v = evaluate(Chain(2), [Fraction(1), Fraction(1)], "float16")
>>> type(v.grad_w[0]).__name__, abs(float(v.grad_w[0]) - 0.19661193) < 2**-11  # sigma'(1)
('float16', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from symgrad.core.chain import Chain
from symgrad.numeric.formats import format_info, round_to_format
from symgrad.numeric.kernels import functions
from symgrad.numeric.namespaces import dtype_namespace
from symgrad.numeric.recurrence import ChainValues, evaluate_chain

__all__ = ["NumpyOps", "evaluate"]


class NumpyOps:
    """Scalars of one format; call the recurrence inside ``numpy.errstate(all="ignore")``
    (overflow to inf and underflow to 0 are results here, not errors)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.info = format_info(name)
        self._ns = dtype_namespace(self.info.dtype)

    def convert(self, value: Fraction):
        return round_to_format(value, self.name)

    def activation(self, name: str):
        return functions(name, self._ns)


def evaluate(chain: Chain, weights: Sequence[Fraction], name: str, *,
             biases: Sequence[Fraction] | None = None,
             x: Fraction | None = None) -> ChainValues:
    """F and every partial derivative computed in format ``name`` (backward sweep)."""
    ops = NumpyOps(name)
    with np.errstate(all="ignore"):
        return evaluate_chain(chain, weights, ops, biases=biases, x=x)
