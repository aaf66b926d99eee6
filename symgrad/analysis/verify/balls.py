"""The certified value of a constant SymPy expression in an Arb ball (verification's name
for :func:`symgrad.numeric.arb_eval.arb_eval`, the one SymPy -> ball interpreter).

>>> from flint import arb
>>> from symgrad.core.parsing import parse_expression
>>> b = ball_value(parse_expression("sigmoid(0) + exp(1)"), 64)
>>> bool(abs(b - arb("3.21828182845904523536")) < arb("1e-15"))
True
"""

from __future__ import annotations

import sympy
from flint import arb

from symgrad.numeric.arb_eval import arb_eval

__all__ = ["ball_value"]


def ball_value(expr: sympy.Expr, prec: int) -> arb:
    """The ball enclosing the exact value of the constant ``expr`` at ``prec`` bits."""
    return arb_eval(expr, prec=prec)
