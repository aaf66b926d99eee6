"""The literature's theory of vanishing gradients in networks, derived by SymPy.

* **Glorot & Bengio (2010)**, the variance argument.  With independent weights of mean 0
  and variance Var(W_l), and activations in their linear regime (act'(0) = 1, e.g. tanh),
  the back-propagated signal g_{l-1} = W_l^T g_l has Var(g_{l-1}) = n_l Var(W_l) Var(g_l)
  (a sum of n_l independent products), and the forward signal Var(o_l) = n_{l-1} Var(W_l)
  Var(o_{l-1}).  The "standard" initialisation W ~ U[-1/sqrt(n), 1/sqrt(n)], n the fan-in,
  has Var(W) = 1/(3n) (derived here by integrating t^2 against the uniform density), so
  each layer multiplies the back-propagated variance by n_l / (3 n_{l-1}): 1/3 for equal
  widths, 3^-(L-l) over L - l layers.  Glorot's normalised initialisation
  U[-sqrt(6)/sqrt(n_in + n_out), +...] has Var(W) = 2/(n_in + n_out), the compromise
  between n_in Var(W) = 1 (forward) and n_out Var(W) = 1 (backward).
* **The gradient bound.**  For a plain layer g_{l-1} = W_l^T (act_l'(z_l) * g_l), so
  ||g_{l-1}|| <= s_l ||W_l||_2 ||g_l|| with s_l = sup|act_l'| (derived per activation by
  :func:`symgrad.core.activations.derivative_supremum`), and dF/dW_l = sum_D delta_l
  o_{l-1}^T with ||delta_l|| <= s_l ||g_l||: hence, summed over the data,
  ||dF/dW_l||_F <= sum_D ||g_L|| ||o_{l-1}|| s_l prod_{i=l+1}^L s_i ||W_i||_2,
  the text's product of small factors: it decays like (s ||W||)^(L-l).
* **Residual layers** g_{l-1} = g_l + W_l^T (act_l'(z_l) * g_l): the factor is
  I + W^T D, whose singular values lie in [1 - s||W||_2, 1 + s||W||_2]; for s||W|| < 1
  the signal keeps at least (1 - s||W||)^(L-l) of its norm, instead of at most
  (s||W||)^(L-l): residual connections do not vanish in the same way.

>>> uniform_variance()
a**2/3
>>> backward_variance_factor(256, 256), glorot_variance(100, 300)
(1/3, 1/200)
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from symgrad.base.errors import InputError
from symgrad.core.activations import derivative_supremum

__all__ = [
    "backward_variance_factor",
    "forward_variance_factor",
    "glorot_variance",
    "layer_factor",
    "standard_variance",
    "uniform_variance",
]

_a, _t, _n = sympy.symbols("a t n", positive=True)


def _exact(value: object, what: str) -> sympy.Expr:
    """A width or variance as a SymPy number or symbol (ints, Fractions, SymPy objects;
    text is refused, never ``sympify``-ed)."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    raise InputError(f"{what} must be a whole number, a Fraction or a SymPy expression, "
                     f"got {value!r}", hint=f"e.g. {what}=256")


def uniform_variance() -> sympy.Expr:
    """Var(W) for W ~ U[-a, a]: the integral of t^2 / (2a) over [-a, a] (mean 0)."""
    mean = sympy.integrate(_t / (2 * _a), (_t, -_a, _a))
    return sympy.simplify(sympy.integrate((_t - mean) ** 2 / (2 * _a), (_t, -_a, _a)))


def standard_variance(n_in) -> sympy.Expr:
    """Var(W) of the standard initialisation U[-1/sqrt(n_in), 1/sqrt(n_in)]: 1/(3 n_in)."""
    return sympy.simplify(uniform_variance().subs(_a, 1 / sympy.sqrt(_exact(n_in, "n_in"))))


def glorot_variance(n_in, n_out) -> sympy.Expr:
    """Var(W) of Glorot's normalised initialisation, a = sqrt(6)/sqrt(n_in + n_out)."""
    a = sympy.sqrt(6) / sympy.sqrt(_exact(n_in, "n_in") + _exact(n_out, "n_out"))
    return sympy.simplify(uniform_variance().subs(_a, a))


def backward_variance_factor(n_in, n_out, variance=None) -> sympy.Expr:
    """Var(g_{l-1}) / Var(g_l) = n_out Var(W) in the linear regime (default: the standard
    initialisation, giving n_out / (3 n_in))."""
    v = standard_variance(n_in) if variance is None else _exact(variance, "variance")
    return sympy.simplify(_exact(n_out, "n_out") * v)


def forward_variance_factor(n_in, variance=None) -> sympy.Expr:
    """Var(o_l) / Var(o_{l-1}) = n_in Var(W) in the linear regime (standard: 1/3)."""
    v = standard_variance(n_in) if variance is None else _exact(variance, "variance")
    return sympy.simplify(_exact(n_in, "n_in") * v)


def layer_factor(activation: str, residual: bool = False) -> tuple[sympy.Expr, sympy.Expr]:
    """(lower, upper) factors of ||g_{l-1}|| / ||g_l|| per unit of ||W_l||_2 = w, as SymPy
    expressions in the symbol ``w``: plain (0, s w); residual (1 - s w, 1 + s w), with
    s = sup|act'| derived by SymPy (the lower factor is useful only while s w < 1)."""
    s = derivative_supremum(activation).value
    w = sympy.Symbol("w", nonnegative=True)
    if residual:
        return 1 - s * w, 1 + s * w
    return sympy.Integer(0), s * w
