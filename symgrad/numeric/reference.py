"""Reference values: F and the gradient correctly rounded, as decimal strings.

The values of :func:`symgrad.numeric.certified.certified_values` with only the
certified digits kept: each string is the exact value correctly rounded (ties to
even) to ``digits`` significant digits.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> reference_values(Chain(2), [Fraction(1), Fraction(1)], digits=10).value  # sigma(1) = e/(1+e)
'7.310585786e-1'

Weights, biases and ``x`` are taken through :mod:`symgrad.numeric.inputs`: floats and numpy
arrays exactly as the binary values they hold, decimal strings exactly, a weights string
as the command line's SPEC:

>>> reference_values(Chain(3), [0.5, 1.0, 2.0], digits=20).value  # sigmoid(2 sigmoid(0.5))
'7.7641901805201723228e-1'
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from symgrad.base import reprs
from symgrad.base.errors import InputError
from symgrad.core.chain import Chain
from symgrad.numeric.certified import certified_values
from symgrad.numeric.flint_backend import MAX_DIGITS
from symgrad.numeric.inputs import exact_number, exact_weights
from symgrad.numeric.weights import chain_number

__all__ = ["Reference", "chain_point", "check_digits", "reference_values"]


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

    def __repr__(self) -> str:
        """One short line at any size (:mod:`symgrad.present.numeric_reprs`)."""
        return reprs.render(self, "text") or f"<{type(self).__name__}>"

    def _repr_html_(self) -> str | None:
        """Jupyter: a table of F and every partial (:mod:`symgrad.present.numeric_reprs`)."""
        return reprs.render(self, "html")


def check_digits(digits: object, *, cap: int = MAX_DIGITS) -> int:
    """``digits`` as an int in 1..cap, or a one-line :class:`InputError`.

    >>> check_digits(30)
    30
    """
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise InputError(f"--digits must be a whole number, got {digits!r}",
                         hint="e.g. --digits 30")
    if not 1 <= digits <= cap:
        raise InputError(f"--digits {digits} is outside 1..{cap}",
                         hint=f"pass 1 to {cap} digits")
    return digits


def chain_point(chain: Chain, weights: object, biases: object = None, x: object = None
                ) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...] | None, Fraction | None]:
    """Weights, biases and input of ``chain`` as exact fractions (:mod:`~symgrad.numeric.inputs`).

    ``weights`` (and ``biases``) are one number, a sequence or array of ``chain.depth``
    numbers, or the command line's SPEC string.  Biases default to 0 on a chain with biases.

    >>> chain_point(Chain(2), [0.5, "1/3"])
    ((Fraction(1, 2), Fraction(1, 3)), None, None)
    """
    if not isinstance(chain, Chain):
        raise InputError(f"chain must be a Chain, got {type(chain).__name__}",
                         hint="e.g. Chain(3) from symgrad.core.chain")
    w = exact_weights(weights, chain.depth)
    b = None
    if chain.bias:
        b = exact_weights(0 if biases is None else biases, chain.depth, what="bias")
    elif biases is not None:
        raise InputError("--biases needs a chain with biases", hint="add --form general --bias")
    xv = None
    if x is not None:
        if chain.form != "general":
            raise InputError("--x needs the general form", hint="add --form general")
        xv = chain_number(exact_number(x, what="input x"), what="input x")
    return w, b, xv


def reference_values(chain: Chain, weights: object, *, digits: int,
                     biases: object = None, x: object = None) -> Reference:
    """F and the gradient correctly rounded to ``digits`` significant digits.

    ``weights``, ``biases`` and ``x`` as in :func:`chain_point` (any exact or float type).

    >>> r = reference_values(Chain(2), [Fraction(1), Fraction(1)], digits=15)
    >>> r.grad_w[0]  # sigma'(1) = e/(1+e)^2
    '1.96611933241482e-1'
    """
    w, b, xv = chain_point(chain, weights, biases, x)
    c = certified_values(chain, w, digits=check_digits(digits), biases=b, x=xv)
    return Reference(
        digits=digits,
        working_precision_bits=c.prec,
        value=c.value.mid,
        grad_w=tuple(b.mid for b in c.grad_w),
        grad_b=tuple(b.mid for b in c.grad_b),
        grad_x=None if c.grad_x is None else c.grad_x.mid,
    )
