"""Certified evaluation of a SymPy expression (from the safe parser) in Arb balls.

:func:`ball_value` walks the expression tree iteratively (no recursion, so
deep expressions are fine) and evaluates every node in python-flint ball
arithmetic at a scoped working precision (``flint.ctx.workprec``).  The ball
is guaranteed to contain the exact value.  Functions outside the table raise
:class:`~symgrad.base.errors.SymgradError`; a point outside a function's domain
(log of a non-positive number, ...) gives a non-finite ball.

``Heaviside`` (which SymPy produces when differentiating ``max``) is 0 or 1
when the sign of its argument is certified, and the ball [0, 1] otherwise.

>>> from symgrad.core.parsing import parse_expression
>>> b = ball_value(parse_expression("sigmoid(0) + exp(1)"), 64)
>>> bool(abs(b - arb("3.21828182845904523536")) < arb("1e-15"))
True
"""

from __future__ import annotations

import sympy
from flint import arb, ctx, fmpq

from symgrad.base.errors import SymgradError
from symgrad.core.activations import sigmoid, softplus

__all__ = ["ball_value"]


def _heaviside(a: arb, *rest) -> arb:
    if a > 0:
        return arb(1)
    if a < 0:
        return arb(0)
    return arb("0.5 +/- 0.5")


def _max(*args: arb) -> arb:
    out = args[0]
    for a in args[1:]:
        out = out.max(a)
    return out


def _min(*args: arb) -> arb:
    out = args[0]
    for a in args[1:]:
        out = out.min(a)
    return out


def _log(a: arb, *base: arb) -> arb:
    return a.log() / base[0].log() if base else a.log()


_FUNCS = {
    sympy.exp: arb.exp,
    sympy.log: _log,
    sympy.sin: arb.sin,
    sympy.cos: arb.cos,
    sympy.tan: arb.tan,
    sympy.asin: arb.asin,
    sympy.acos: arb.acos,
    sympy.atan: arb.atan,
    sympy.sinh: arb.sinh,
    sympy.cosh: arb.cosh,
    sympy.tanh: arb.tanh,
    sympy.asinh: arb.asinh,
    sympy.Abs: abs,
    sympy.Max: _max,
    sympy.Min: _min,
    sympy.Heaviside: _heaviside,
    sigmoid: lambda t: 1 / (1 + (-t).exp()),
    softplus: lambda t: t.exp().log1p(),
}


def _rational(q: sympy.Rational) -> arb:
    return arb(fmpq(int(q.p), int(q.q)))


def _pow(base: arb, exp_expr: sympy.Expr, exp_ball: arb) -> arb:
    if isinstance(exp_expr, sympy.Integer):
        n = int(exp_expr)
        if n >= 0:
            return base ** n
        return 1 / base ** (-n)
    if exp_expr == sympy.S.Half:
        return base.sqrt()
    return (exp_ball * base.log()).exp()  # base must be positive: log gives nan otherwise


def _leaf(node: sympy.Basic) -> arb:
    if isinstance(node, sympy.Rational):
        return _rational(node)
    if node is sympy.pi:
        return arb.pi()
    if node is sympy.E:
        return arb.const_e()
    if node is sympy.I:
        raise SymgradError("the expression is not real-valued (it contains the imaginary unit)",
                           hint="symgrad decides claims over the reals")
    if isinstance(node, sympy.Symbol):
        raise SymgradError(f"cannot evaluate: the variable '{node}' has no value",
                           hint=f"give it one with --at {node}=...")
    raise SymgradError(f"cannot evaluate '{node}' in ball arithmetic")


def _combine(node: sympy.Basic, vals: list[arb]) -> arb:
    if isinstance(node, sympy.Add):
        out = vals[0]
        for v in vals[1:]:
            out = out + v
        return out
    if isinstance(node, sympy.Mul):
        out = vals[0]
        for v in vals[1:]:
            out = out * v
        return out
    if isinstance(node, sympy.Pow):
        return _pow(vals[0], node.args[1], vals[1])
    fn = _FUNCS.get(node.func)
    if fn is None:
        raise SymgradError(f"cannot evaluate the function '{node.func}' in ball arithmetic")
    return fn(*vals)


def ball_value(expr: sympy.Expr, prec: int) -> arb:
    """The ball enclosing the exact value of the constant ``expr`` at ``prec`` bits."""
    with ctx.workprec(prec):
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        done: list[arb] = []
        while stack:
            node, expanded = stack.pop()
            if not node.args or isinstance(node, sympy.Rational):
                done.append(_leaf(node))
            elif expanded:
                n = len(node.args)
                vals = done[-n:]
                del done[-n:]
                done.append(_combine(node, vals))
            else:
                stack.append((node, True))
                for a in reversed(node.args):
                    stack.append((a, False))
        return done[0]
