"""Arbitrary-precision evaluation of the chain with mpmath.

:func:`reference_values` returns F and every partial derivative to a requested
number of *correct* significant digits: it evaluates at a working precision
with guard digits that grow with the depth (rounding error grows about
linearly in L), re-evaluates with more guard digits, and accepts only when
both agree after rounding to the requested digits; otherwise it raises the
precision and tries again.  For certified enclosures see
:mod:`symgrad.backends.flint_backend`.

Precision is always scoped with ``mpmath.workdps``; nothing global leaks.

>>> from symgrad.chain import Chain
>>> from fractions import Fraction
>>> r = reference_values(Chain(2), [Fraction(1), Fraction(1)], digits=15)
>>> r.grad_w[0]  # sigma'(1) = e/(1+e)^2
'1.96611933241482e-1'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from ..chain import Chain
from ..errors import SymgradError
from ..recurrence import ChainValues, evaluate_chain

__all__ = [
    "MAX_DIGITS",
    "MpmathOps",
    "Reference",
    "evaluate",
    "format_significant",
    "reference_values",
]

#: Largest number of digits ``reference`` accepts (documented in the README).
MAX_DIGITS = 10_000


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


@dataclass(frozen=True)
class Reference:
    """Values rounded to ``digits`` correct significant digits (decimal strings)."""

    digits: int
    working_dps: int
    value: str
    grad_w: tuple[str, ...]
    grad_b: tuple[str, ...]
    grad_x: str | None
    raw: ChainValues

    def _repr_html_(self) -> str:
        """Jupyter: a table of F and every partial derivative (long gradients cut)."""
        from .._display import elide, html_table

        named = [("F", self.value), *((f"dF/dw{k}", g) for k, g in enumerate(self.grad_w, 1)),
                 *((f"dF/db{k}", g) for k, g in enumerate(self.grad_b, 1))]
        if self.grad_x is not None:
            named.append(("dF/dx", self.grad_x))
        return html_table(["quantity", "value"], elide(named),
                          caption=f"{self.digits} correct significant digits "
                          f"(working precision {self.working_dps} digits)")


def _guard(depth: int) -> int:
    return 10 + 2 * math.ceil(math.log10(depth + 1))


def _rounded(v: ChainValues, digits: int, chain: Chain):
    grad_x = format_significant(v.grad_x, digits) if chain.form == "general" else None
    return (
        format_significant(v.value, digits),
        tuple(format_significant(g, digits) for g in v.grad_w),
        tuple(format_significant(g, digits) for g in v.grad_b),
        grad_x,
    )


def reference_values(chain: Chain, weights: Sequence[Fraction], *, digits: int,
                     biases: Sequence[Fraction] | None = None,
                     x: Fraction | None = None, max_rounds: int = 6) -> Reference:
    """F and the gradient to ``digits`` correct significant digits (see module doc)."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise SymgradError(
            f"digits must be a whole number in 1..{MAX_DIGITS}, got {digits!r}",
            hint="pass e.g. --digits 30",
        )
    dps = digits + _guard(chain.depth)
    previous = None
    for _ in range(max_rounds):
        v = evaluate(chain, weights, dps=dps, biases=biases, x=x)
        cur = _rounded(v, digits, chain)
        if previous is not None and cur == previous[0]:
            return Reference(digits, previous[1], *cur, raw=v)
        previous = (cur, dps)
        dps = dps + max(10, dps // 2)
    raise SymgradError(
        f"could not confirm {digits} digits up to {dps} working digits",
        hint="ask for fewer --digits, or use --certified",
    )
