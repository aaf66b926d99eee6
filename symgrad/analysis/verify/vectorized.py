"""symgrad's float64 path over many weight vectors at once (numpy arrays as numbers).

The shared recurrence :func:`symgrad.numeric.recurrence.evaluate_chain` only needs
``*``, ``+`` and an activation table, so numpy arrays work as its numbers:
layer i gets the array of the N vectors' i-th weights, and every quantity of
the recurrence becomes an array of N values.  :class:`ArrayOps` is that
table: the kernels of :mod:`symgrad.numeric.kernels` in the float64 array namespace.

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
from symgrad.numeric.kernels import functions
from symgrad.numeric.namespaces import ARRAY
from symgrad.numeric.recurrence import evaluate_chain

__all__ = ["ArrayOps", "gradient_float64"]


class ArrayOps:
    """float64 numpy arrays (or scalars) as the recurrence's numbers."""

    def convert(self, value):
        if isinstance(value, Fraction):
            return np.float64(float(value))
        return np.asarray(value, dtype=np.float64)

    def activation(self, name: str):
        return functions(name, ARRAY)


def gradient_float64(chain: Chain, weights: np.ndarray) -> np.ndarray:
    """dF/dw of the seed chain for each row of ``weights`` (shape (N, L)), float64."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[1] != chain.depth:
        raise SymgradError(f"weights must have shape (N, {chain.depth}), got {w.shape}")
    if chain.form != "seed":
        raise SymgradError("gradient_float64 supports the seed form only")
    v = evaluate_chain(chain, list(w.T), ArrayOps())
    return np.stack([np.broadcast_to(g, (w.shape[0],)) for g in v.grad_w], axis=1)
