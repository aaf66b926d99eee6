"""Reference values: F and the gradient correctly rounded, as decimal strings.

The values of :func:`symgrad.numeric.certified.certified_values` with only the
certified digits kept: each string is the exact value correctly rounded (ties to
even) to ``digits`` significant digits.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> reference_values(Chain(2), [Fraction(1), Fraction(1)], digits=10).value  # sigma(1) = e/(1+e)
'7.310585786e-1'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from symgrad.base import reprs
from symgrad.core.chain import Chain
from symgrad.numeric.certified import certified_values

__all__ = ["Reference", "reference_values"]


@dataclass(frozen=True)
class Reference:
    """Values correctly rounded to ``digits`` significant digits (decimal strings).

    Each string is backed by a certified enclosure (see :func:`certified_values`);
    ``working_precision_bits`` is the precision at which all were decided.
    """

    digits: int
    working_precision_bits: int
    value: str
    grad_w: tuple[str, ...]
    grad_b: tuple[str, ...]
    grad_x: str | None

    def _repr_html_(self) -> str | None:
        """Jupyter: a table of F and every partial (:mod:`symgrad.present.numeric_reprs`)."""
        return reprs.render(self, "html")


def reference_values(chain: Chain, weights: Sequence[Fraction], *, digits: int,
                     biases: Sequence[Fraction] | None = None,
                     x: Fraction | None = None) -> Reference:
    """F and the gradient correctly rounded to ``digits`` significant digits.

    >>> r = reference_values(Chain(2), [Fraction(1), Fraction(1)], digits=15)
    >>> r.grad_w[0]  # sigma'(1) = e/(1+e)^2
    '1.96611933241482e-1'
    """
    c = certified_values(chain, weights, digits=digits, biases=biases, x=x)
    return Reference(
        digits=digits,
        working_precision_bits=c.prec,
        value=c.value.mid,
        grad_w=tuple(b.mid for b in c.grad_w),
        grad_b=tuple(b.mid for b in c.grad_b),
        grad_x=None if c.grad_x is None else c.grad_x.mid,
    )
