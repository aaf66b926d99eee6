"""The vanishing-gradient bound |dF/dw_k| <= |o_{k-1}| prod_{i>k} |w_i| * s^(n),
with s = sup_t |sigma'(t)| derived by :func:`symgrad.core.activations.derivative_supremum`.

From the product form every factor w_i sigma'(z_i) has absolute value at most
|w_i| s, and the head factor o_{k-1} sigma'(z_k) at most |o_{k-1}| s.  For the
text's seed chain and k = 1 (head factor 1):

    |dF/dw_1| <= prod_{i=2}^{L} |w_i| * s^(L-1),   s = 1/4 for the sigmoid.

This module imports SymPy only.

>>> from symgrad.core.chain import Chain
>>> gradient_bound(Chain(3)).expression
Abs(w2)*Abs(w3)/16
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from symgrad.base import reprs
from symgrad.core.activations import Supremum, derivative_supremum
from symgrad.core.chain import Chain
from symgrad.core.induction import I_, L_, W

__all__ = ["GradientBound", "gradient_bound", "symbolic_bound"]


@dataclass(frozen=True)
class GradientBound:
    """An upper bound on |dF/dw_k| and the supremum it rests on."""

    chain: Chain
    k: int
    expression: sympy.Expr
    supremum: Supremum
    power: int

    def __str__(self) -> str:
        try:
            return f"|dF/dw_{self.k}| <= {self.expression}"
        except ValueError:  # a rational beyond Python's int-to-text limit (depth > ~7000)
            return repr(self)

    def __repr__(self) -> str:
        """One short line at any size (:mod:`symgrad.present.core_reprs`)."""
        return reprs.render(self, "text") or f"<{type(self).__name__}>"

    def _repr_latex_(self) -> str | None:
        """Jupyter: |dF/dw_k| <= the bound (:mod:`symgrad.present.core_reprs`)."""
        return reprs.render(self, "latex")


def gradient_bound(chain: Chain, k: int = 1) -> GradientBound:
    """The bound for a concrete chain and weight index ``k``."""
    sup = derivative_supremum(chain.activation)
    head_has_act = not (chain.form == "seed" and k == 1)
    prev = chain.layer(k).prev
    head = abs(prev) if head_has_act else sympy.S.One
    power = (chain.depth - k) + (1 if head_has_act else 0)
    weights = sympy.Mul(*(abs(w) for w in chain.weights[k:]))
    return GradientBound(chain, k, head * weights * sup.value**power, sup, power)


def symbolic_bound(activation: str = "sigmoid") -> sympy.Expr:
    """The seed chain's bound on |dF/dw_1| for a symbolic depth L.

    >>> symbolic_bound()
    4**(1 - L)*Product(Abs(w[i]), (i, 2, L))
    """
    s = derivative_supremum(activation).value
    return sympy.Product(abs(W[I_]), (I_, 2, L_)) * s ** (L_ - 1)
