"""Certified evaluation of a SymPy expression in Arb balls: one interpreter, one table.

:func:`compile_arb` turns an expression (built by symgrad's safe parser or by symgrad
itself) into an :class:`ArbProgram`: its nodes in post-order, each shared subexpression
once, with no recursion (deep expressions are fine).  Calling the program with balls
for its variables evaluates every node in python-flint ball arithmetic, so the result
encloses the exact value for every input inside the input balls (an interval
extension).  :func:`arb_eval` is the one-shot form, ``env`` binding symbols to balls.

The function table (:data:`FUNCTIONS`): exp, log (with a base), the trigonometric and
hyperbolic functions and their inverses, Abs, Max, Min, Heaviside (0 or 1 when the sign
of its argument is certified, its value at 0 when the argument is exactly 0, the hull
of the three otherwise), and every activation class of
:data:`symgrad.core.activations.ACTIVATIONS` through its Arb kernel
(:mod:`symgrad.numeric.kernels`).  Leaves: rationals exactly (rounded once, to the
working precision), pi, E and real ``CRootOf`` numbers (a rational within 2**-(prec+2)
of the root, with that radius).  Integer powers multiply by repeated squaring (Arb's
``**`` goes through a logarithm and gives nan on a ball that contains 0), and an even
power keeps only its non-negative part; ``x**(1/2)`` is ``sqrt``, ``x**(-1/2)``
``rsqrt``, any other power ``exp(e log x)``.  A point outside a function's domain
(log of a non-positive number, ...) gives a non-finite ball.

With ``complex_=True`` the program runs in ``acb`` (complex balls), for real numbers
that SymPy writes with ``I`` (casus irreducibilis roots); Abs, Max, Min and Heaviside
are not available there.  Anything outside the table raises :class:`ArbEvalError`.

The precision is the caller's (``flint.ctx.workprec``) unless ``prec`` is given.

>>> import sympy
>>> from symgrad.core.activations import sigmoid
>>> x = sympy.Symbol("x", real=True)
>>> b = arb_eval(sigmoid(x) + sympy.exp(1), {x: arb(0)}, prec=64)
>>> bool(abs(b - arb("3.21828182845904523536")) < arb("1e-15"))
True
>>> f = compile_arb((x - 1) ** 2, [x])
>>> f(arb("1 +/- 0.5"), prec=64).lower() >= 0  # an even power of a ball around 0
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

import sympy
from flint import acb, arb, ctx, fmpq

from symgrad.base.errors import SymgradError
from symgrad.core.activations import ACTIVATIONS, leaky_relu
from symgrad.numeric.kernels import get_kernel
from symgrad.numeric.namespaces import ARB

__all__ = [
    "COMPLEX_FUNCTIONS",
    "FUNCTIONS",
    "ArbEvalError",
    "ArbProgram",
    "arb_eval",
    "arb_rational",
    "compile_arb",
    "int_power",
]


class ArbEvalError(SymgradError):
    """The expression has a node that ball arithmetic cannot evaluate (the message says which)."""


def arb_rational(q: sympy.Rational | int) -> arb:
    """An arb ball containing the exact rational ``q`` (at the current precision).

    >>> arb_rational(sympy.Rational(1, 4))
    0.250000000000000
    """
    q = sympy.Rational(q)
    return arb(fmpq(int(q.p), int(q.q)))


def int_power(b, n: int):
    """``b**n`` for an integer ``n`` by repeated squaring; an even power of a real ball
    keeps its non-negative part, and a negative power is ``1 / b**(-n)``.

    >>> int_power(arb("0 +/- 1"), 2).lower() >= 0, int_power(arb(2), -2)
    (True, 0.250000000000000)
    """
    if n < 0:
        return 1 / int_power(b, -n)
    even = n % 2 == 0
    out, base = None, b
    while n:
        if n & 1:
            out = base if out is None else out * base
        n >>= 1
        if n:
            base = base * base
    if out is None:
        return b * 0 + 1
    return out.nonnegative_part() if even and isinstance(out, arb) else out


def _max(*args):
    out = args[0]
    for a in args[1:]:
        out = out.max(a)
    return out


def _min(*args):
    out = args[0]
    for a in args[1:]:
        out = out.min(a)
    return out


def _log(a, *base):
    return a.log() / base[0].log() if base else a.log()


def _heaviside(a: arb, h0: arb | None = None) -> arb:
    at_zero = arb("0.5") if h0 is None else h0
    if a > 0:
        return arb(1)
    if a < 0:
        return arb(0)
    if a.is_zero():
        return at_zero
    return arb(0).union(arb(1)).union(at_zero)


def _leaky_relu(a: arb, slope: arb | None = None) -> arb:
    if slope is None:
        return get_kernel("leaky_relu").value(ARB, a)
    return a.max(arb(0)) + slope * a.min(arb(0))


def _activation_entries() -> dict:
    table: dict = {}
    for act in ACTIVATIONS.values():
        if isinstance(act.func, sympy.FunctionClass):
            kernel = get_kernel(act.name)
            table[act.func] = (lambda k: lambda a: k.value(ARB, a))(kernel)
    table[leaky_relu] = _leaky_relu
    return table


#: SymPy function class -> its arb evaluation (arguments are balls)
FUNCTIONS: dict[type, Callable] = {
    sympy.exp: arb.exp, sympy.log: _log, sympy.sin: arb.sin, sympy.cos: arb.cos,
    sympy.tan: arb.tan, sympy.asin: arb.asin, sympy.acos: arb.acos, sympy.atan: arb.atan,
    sympy.sinh: arb.sinh, sympy.cosh: arb.cosh, sympy.tanh: arb.tanh,
    sympy.asinh: arb.asinh, sympy.erf: arb.erf, sympy.Abs: abs, sympy.Max: _max,
    sympy.Min: _min, sympy.Heaviside: _heaviside, **_activation_entries(),
}

#: the same for complex balls (acb): the analytic functions only
COMPLEX_FUNCTIONS: dict[type, Callable] = {
    sympy.exp: acb.exp, sympy.log: _log, sympy.sin: acb.sin, sympy.cos: acb.cos,
    sympy.tan: acb.tan, sympy.asin: acb.asin, sympy.acos: acb.acos, sympy.atan: acb.atan,
    sympy.sinh: acb.sinh, sympy.cosh: acb.cosh, sympy.tanh: acb.tanh,
    sympy.asinh: acb.asinh,
    ACTIVATIONS["sigmoid"].func: lambda a: 1 / (1 + (-a).exp()),
    ACTIVATIONS["softplus"].func: lambda a: (1 + a.exp()).log(),
}


def _power(b, e, exponent: sympy.Expr):
    if isinstance(exponent, sympy.Integer):
        return int_power(b, int(exponent))
    if exponent == sympy.S.Half:
        return b.sqrt()
    if exponent == -sympy.S.Half:
        return b.rsqrt()
    return (e * b.log()).exp()  # the base must be positive: log gives nan otherwise


def _add(*v):
    out = v[0]
    for w in v[1:]:
        out = out + w
    return out


def _mul(*v):
    out = v[0]
    for w in v[1:]:
        out = out * w
    return out


def _crootof(r: sympy.CRootOf, prec: int) -> arb:
    if not r.is_real:
        raise ArbEvalError("a complex algebraic number where a real one is needed")
    eps = sympy.Rational(1, 2 ** (prec + 2))
    try:
        q = r.eval_rational(dx=eps, dy=eps)
    except Exception as exc:  # SymPy failing to isolate the root: not evaluable here
        raise ArbEvalError(f"cannot isolate {r} ({type(exc).__name__})") from None
    return arb(fmpq(int(q.p), int(q.q)), arb(fmpq(int(eps.p), int(eps.q))))


def _leaf_kind(node: sympy.Basic, variables: Mapping, complex_: bool):
    if node in variables:
        return "var", variables[node]
    if isinstance(node, sympy.Rational):
        return "q", fmpq(int(node.p), int(node.q))
    if node is sympy.pi or node is sympy.E or isinstance(node, sympy.CRootOf):
        return "leaf", node
    if node is sympy.I:
        if complex_:
            return "i", None
        raise ArbEvalError("the expression is not real-valued (it contains the imaginary unit)",
                           hint="symgrad decides claims over the reals")
    if isinstance(node, sympy.Symbol):
        raise ArbEvalError(f"cannot evaluate: the variable '{node}' has no value",
                           hint=f"give it one with --at {node}=...")
    raise ArbEvalError(f"cannot evaluate '{node}' in ball arithmetic")


class ArbProgram:
    """An expression compiled for ball evaluation (see the module text).

    >>> x = sympy.Symbol("x")
    >>> f = compile_arb(x**2 - 1, [x])
    >>> bool(f(arb(3), prec=64) == 8)
    True
    """

    def __init__(self, expr: sympy.Expr, variables: Iterable[sympy.Symbol] = (), *,
                 complex_: bool = False):
        self.complex = complex_
        self.variables = tuple(variables)
        table = COMPLEX_FUNCTIONS if complex_ else FUNCTIONS
        where = {v: i for i, v in enumerate(self.variables)}
        self.ops: list[tuple[str, object, tuple[int, ...]]] = []
        slot: dict[sympy.Basic, int] = {}
        stack: list[tuple[sympy.Basic, bool]] = [(sympy.sympify(expr, strict=True), False)]
        while stack:  # post-order over the expression DAG, without recursion
            node, ready = stack.pop()
            if node in slot:
                continue
            if ready:
                self.ops.append(("fn", self._combiner(node, table),
                                 tuple(slot[a] for a in node.args)))
            elif node in where or not node.args or isinstance(node, (sympy.Rational,
                                                                     sympy.CRootOf)):
                self.ops.append((*_leaf_kind(node, where, complex_), ()))
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in reversed(node.args))
                continue
            slot[node] = len(self.ops) - 1

    @staticmethod
    def _combiner(node: sympy.Basic, table: dict) -> Callable:
        if isinstance(node, sympy.Add):
            return _add
        if isinstance(node, sympy.Mul):
            return _mul
        if isinstance(node, sympy.Pow):
            return lambda b, e, _n=node.args[1]: _power(b, e, _n)
        fn = table.get(node.func)
        if fn is None:
            raise ArbEvalError(f"cannot evaluate the function '{node.func}' in ball arithmetic")
        return fn

    def _constant(self, kind: str, data, prec: int):
        if kind == "q":
            v = arb(data)
        elif kind == "i":
            return acb(0, 1)
        elif data is sympy.pi:
            v = arb.pi()
        elif data is sympy.E:
            v = arb.const_e()
        else:
            v = _crootof(data, prec)
        return acb(v) if self.complex else v

    def __call__(self, *values, prec: int | None = None):
        """The ball of the expression with its variables bound to ``values`` (in order)."""
        if len(values) != len(self.variables):
            raise ArbEvalError(f"{len(self.variables)} value(s) needed, got {len(values)}")
        if prec is not None:
            with ctx.workprec(prec):
                return self._run(values, prec)
        return self._run(values, ctx.prec)

    def _run(self, values, prec: int):
        regs: list = []
        for kind, data, args in self.ops:
            if kind == "fn":
                regs.append(data(*(regs[i] for i in args)))  # type: ignore[operator]
            elif kind == "var":
                regs.append(values[data])  # type: ignore[index]
            else:
                regs.append(self._constant(kind, data, prec))
        return regs[-1]


@lru_cache(maxsize=512)
def _compiled(expr: sympy.Expr, variables: tuple, complex_: bool) -> ArbProgram:
    return ArbProgram(expr, variables, complex_=complex_)


def compile_arb(expr: sympy.Expr, variables: Iterable[sympy.Symbol] = (), *,
                complex_: bool = False) -> ArbProgram:
    """``expr`` compiled for ball evaluation in ``variables`` (cached per expression).

    >>> t = sympy.Symbol("t")
    >>> compile_arb(sympy.Max(t, 1 - t), [t])(arb(0), prec=64)
    1.00000000000000
    """
    return _compiled(sympy.sympify(expr, strict=True), tuple(variables), complex_)


def arb_eval(expr: sympy.Expr, env: Mapping[sympy.Symbol, arb] | None = None, *,
             prec: int | None = None) -> arb:
    """The ball of ``expr`` with the symbols bound to the balls in ``env``.

    >>> arb_eval(sympy.sqrt(2) ** 2 - 2, prec=64)
    0
    """
    env = env or {}
    names = tuple(sorted(env, key=str))
    return compile_arb(expr, names)(*(env[n] for n in names), prec=prec)
