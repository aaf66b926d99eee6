"""The sigmoid chain's F and gradient in one float format, fast and bit-identical.

:func:`symgrad.numeric.recurrence.evaluate_chain` over numpy scalars of a format does, per
layer, z = w o (+ b), e = exp(-|z|) (twice: in sigma and in sigma'), o = 1/(1 + e) or
e/(1 + e) by the sign of z, sigma' = e/((1 + e)(1 + e)); then the reverse sweep
g_i = delta d_i, grad_i = g_i o_{i-1}, delta = g_i w_i from delta = 1 (or the loss scale).
:class:`SigmoidChainSweep` performs the same IEEE operations on the same operands in the
same order, every result rounded in the format: the forward pass scalar by scalar (e
computed once per layer, the data rounded once per run), sigma' elementwise over the
layers' arrays, and the sweep's products delta -> g_i -> delta in one
``numpy.multiply.accumulate`` over (delta, d_L, w_L, d_{L-1}, w_{L-1}, ...), which
rounds each product in sequence.  Used by :mod:`.floats` for sigmoid chains.

>>> import numpy as np
>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> f, g = SigmoidChainSweep(Chain(2), None, None, "float32")(
...     np.array([1, 1], np.float32), 1)
>>> float(f), g.dtype.name
(0.7310585975646973, 'float32')
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from symgrad.core.chain import Chain
from symgrad.numeric.formats import format_info, round_to_format

__all__ = ["SigmoidChainSweep"]


class SigmoidChainSweep:
    """``(F, gradient)`` of a sigmoid chain in format ``fmt`` (see the module docstring);
    call inside ``numpy.errstate(all="ignore")`` with weights already in the format."""

    def __init__(self, chain: Chain, biases, x: Fraction | None, fmt: str) -> None:
        self.dt = format_info(fmt).dtype
        self.one = self.dt(1.0)
        self.seed = chain.form == "seed"
        self.b = None if biases is None else [round_to_format(v, fmt) for v in biases]
        self.x0 = round_to_format(Fraction(1) if (self.seed or x is None) else x, fmt)
        self.n = chain.depth
        self.sweep = np.empty(2 * self.n + 1, self.dt)

    def _forward(self, ws):
        one, exp, b = self.one, np.exp, self.b
        o, ins, es = self.x0, [], []
        for i, wi in enumerate(ws):
            z = wi * o if b is None else wi * o + b[i]
            ins.append(o)
            if i == 0 and self.seed:
                o = z
                continue
            e = exp(-abs(z))
            es.append(e)
            o = one / (one + e) if z >= 0 else e / (one + e)
        return o, ins, es

    def __call__(self, w: np.ndarray, scale):
        """F and the gradient (an array of the format) of ``scale`` x F."""
        value, ins, es = self._forward(list(w))
        e = np.array(es, self.dt)
        s = self.one + e
        d = e / (s * s)
        if self.seed:
            d = np.concatenate((np.array([self.one], self.dt), d))
        seq = self.sweep
        seq[0] = self.dt(scale)
        seq[1::2] = d[::-1]
        seq[2::2] = w[::-1]
        g = np.multiply.accumulate(seq)[1::2][::-1]
        return value, g * np.array(ins, self.dt)
