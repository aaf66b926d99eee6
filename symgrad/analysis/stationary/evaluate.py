"""Evaluation of SymPy expressions in ball arithmetic and in mpmath, for the stationary engine.

:func:`arb_eval` is the stationary engine's name for the one SymPy -> ball interpreter,
:func:`symgrad.numeric.arb_eval.arb_eval` (at the caller's ``flint.ctx`` precision): the
result is a ball that contains the exact value for every input inside the input balls.
:func:`mp_function` compiles an expression (already parsed and built by symgrad, never a
user string) into an mpmath-evaluable function.


>>> import sympy
>>> from flint import arb, ctx
>>> x = sympy.Symbol("x", real=True)
>>> with ctx.workprec(100):
...     v = arb_eval(sympy.exp(x) - 1, {x: arb(0)})
>>> v.contains(0)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy
from flint import arb

from symgrad.core.parsing import as_expr
from symgrad.numeric import arb_eval as _interpreter
from symgrad.numeric.arb_eval import arb_rational
from symgrad.numeric.mpmath_backend import ACTIVATION_TABLE

__all__ = ["arb_eval", "arb_of", "mp_function", "to_arb_rational"]

#: an arb ball containing an exact rational (at the current precision)
to_arb_rational = arb_rational


def arb_eval(expr: sympy.Expr, env: Mapping[sympy.Symbol, arb]) -> arb:
    """Evaluate ``expr`` with the symbols bound to the balls in ``env`` (current precision)."""
    return _interpreter.arb_eval(as_expr(expr), env)


def arb_of(x: sympy.Expr) -> arb:
    """A ball enclosing a constant SymPy expression (rational, pi, E, algebraic, ...)."""
    return arb_eval(x, {})


_MP_MODULES = [
    {**{name: fns[0] for name, fns in ACTIVATION_TABLE.items() if name != "tanh"},
     "Max": max, "Min": min},
    "mpmath",
]


def mp_function(exprs: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol]):
    """Compile ``exprs`` (symgrad-built expressions) to ``f(*mpf) -> list[mpf]``.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> f = mp_function([x**2, 2*x], [x])
    >>> [float(v) for v in f(3)]
    [9.0, 6.0]
    """
    return sympy.lambdify(list(variables), list(exprs), modules=_MP_MODULES)
