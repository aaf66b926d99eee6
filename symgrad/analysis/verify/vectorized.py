"""symgrad's float64 path over many weight vectors at once (numpy arrays as numbers).

The shared recurrence :func:`symgrad.numeric.recurrence.evaluate_chain` only needs
``*``, ``+`` and an activation table, so numpy arrays work as its numbers:
layer i gets the array of the N vectors' i-th weights, and every quantity of
the recurrence becomes an array of N values.  :class:`ArrayOps` is that
table, with numerically stable float64 formulas (no overflow warnings).

>>> import numpy as np
>>> from symgrad.core.chain import Chain
>>> g = gradient_float64(Chain(2), np.array([[1.0, 1.0], [0.0, 3.0]]))
>>> np.round(g, 6).tolist()  # rows: (sigma'(1), sigma'(1)); (3 sigma'(0), 0)
[[0.196612, 0.196612], [0.75, 0.0]]
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.recurrence import evaluate_chain

__all__ = ["ArrayOps", "gradient_float64"]


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _dsigmoid(z):
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


def _dtanh(z):
    e = np.exp(-2.0 * np.abs(z))
    return 4.0 * e / (1.0 + e) ** 2  # sech^2 without overflow


def _softplus(z):
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


_TABLE = {
    "sigmoid": (_sigmoid, _dsigmoid),
    "tanh": (np.tanh, _dtanh),
    "softplus": (_softplus, _sigmoid),
}


class ArrayOps:
    """float64 numpy arrays (or scalars) as the recurrence's numbers."""

    def convert(self, value):
        if isinstance(value, Fraction):
            return np.float64(float(value))
        return np.asarray(value, dtype=np.float64)

    def activation(self, name: str):
        return _TABLE[name]


def gradient_float64(chain: Chain, weights: np.ndarray) -> np.ndarray:
    """dF/dw of the seed chain for each row of ``weights`` (shape (N, L)), float64."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[1] != chain.depth:
        raise SymgradError(f"weights must have shape (N, {chain.depth}), got {w.shape}")
    if chain.form != "seed":
        raise SymgradError("gradient_float64 supports the seed form only")
    v = evaluate_chain(chain, list(w.T), ArrayOps())
    return np.stack([np.broadcast_to(g, (w.shape[0],)) for g in v.grad_w], axis=1)
