"""Evaluation of SymPy expressions in ball arithmetic (python-flint ``arb``) and mpmath.

:func:`arb_eval` walks the expression tree and evaluates every node in
``arb`` ball arithmetic, so the result is a ball that is guaranteed to contain
the exact value for every input inside the input balls (an interval
extension).  :func:`mp_function` compiles an expression (already parsed and
built by symgrad, never a user string) into an mpmath-evaluable function.

flint's working precision is global state; :func:`flint_prec` scopes it.

>>> import sympy
>>> from flint import arb
>>> x = sympy.Symbol("x", real=True)
>>> with flint_prec(100):
...     v = arb_eval(sympy.exp(x) - 1, {x: arb(0)})
>>> v.contains(0)
True
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import flint
import sympy
from flint import arb, fmpq

from symgrad.base.errors import SymgradError
from symgrad.core.activations import sigmoid, softplus
from symgrad.core.parsing import as_expr
from symgrad.numeric.mpmath_backend import ACTIVATION_TABLE

__all__ = ["arb_eval", "arb_of", "flint_prec", "mp_function", "to_arb_rational"]


@contextlib.contextmanager
def flint_prec(bits: int) -> Iterator[None]:
    """Set flint's working precision to ``bits`` inside the block, then restore it."""
    old = flint.ctx.prec
    flint.ctx.prec = int(bits)
    try:
        yield
    finally:
        flint.ctx.prec = old


def to_arb_rational(q: sympy.Rational | int) -> arb:
    """An arb ball containing the exact rational ``q`` (at the current precision)."""
    q = sympy.Rational(q)
    return arb(fmpq(int(q.p), int(q.q)))


def arb_of(x: sympy.Expr) -> arb:
    """A ball enclosing a constant SymPy expression (rational, pi, E, algebraic, ...)."""
    return arb_eval(x, {})


def _unary(name: str, a: arb) -> arb:
    if name == "sigmoid":
        return 1 / (1 + (-a).exp())
    if name == "softplus":
        return a.exp().log1p()
    if name == "Abs":
        return abs(a)
    return getattr(a, name)()


_UNARY = {
    sympy.exp: "exp",
    sympy.log: "log",
    sympy.sin: "sin",
    sympy.cos: "cos",
    sympy.tan: "tan",
    sympy.asin: "asin",
    sympy.acos: "acos",
    sympy.atan: "atan",
    sympy.sinh: "sinh",
    sympy.cosh: "cosh",
    sympy.tanh: "tanh",
    sympy.asinh: "asinh",
    sympy.Abs: "Abs",
    sigmoid: "sigmoid",
    softplus: "softplus",
}


def arb_eval(expr: sympy.Expr, env: dict[sympy.Symbol, arb]) -> arb:
    """Evaluate ``expr`` with the symbols bound to the balls in ``env``."""
    cache: dict[sympy.Basic, arb] = {}

    def ev(e: sympy.Basic) -> arb:
        hit = cache.get(e)
        if hit is not None:
            return hit
        if e.is_Symbol:
            if e not in env:
                raise SymgradError(f"no value for variable {e}")
            r = env[e]
        elif e.is_Rational:
            r = to_arb_rational(e)
        elif e is sympy.pi:
            r = arb.pi()
        elif e is sympy.E:
            r = arb(1).exp()
        elif e.is_Add:
            r = arb(0)
            for a in e.args:
                r = r + ev(a)
        elif e.is_Mul:
            r = arb(1)
            for a in e.args:
                r = r * ev(a)
        elif e.is_Pow:
            base, ex = e.args
            b = ev(base)
            if ex.is_Integer:
                n = int(ex)
                r = _ipow(b, n) if n >= 0 else 1 / _ipow(b, -n)
            elif ex == sympy.S.Half:
                r = b.sqrt()
            elif ex == -sympy.S.Half:
                r = b.rsqrt()
            else:
                r = (ev(ex) * b.log()).exp()
        elif e.func in _UNARY and len(e.args) == 1:
            r = _unary(_UNARY[e.func], ev(e.args[0]))
        elif isinstance(e, (sympy.Max, sympy.Min)):
            vals = [ev(a) for a in e.args]
            r = vals[0]
            for v in vals[1:]:
                r = r.max(v) if isinstance(e, sympy.Max) else r.min(v)
        elif isinstance(e, sympy.log) and len(e.args) == 2:
            r = ev(e.args[0]).log() / ev(e.args[1]).log()
        elif e.is_number and isinstance(e, sympy.CRootOf):
            r = _crootof(e)
        else:
            raise SymgradError(f"cannot evaluate '{type(e).__name__}' in ball arithmetic")
        cache[e] = r
        return r

    return ev(as_expr(expr))


def _ipow(b: arb, n: int) -> arb:
    """b**n by repeated squaring (arb's ** goes through log and fails on balls around 0)."""
    result, base = arb(1), b
    while n:
        if n & 1:
            result = result * base
        n >>= 1
        if n:
            base = base * base
    return result


def _crootof(e: sympy.CRootOf) -> arb:
    if not e.is_real:
        raise SymgradError("complex algebraic number where a real one is needed")
    bits = flint.ctx.prec
    dx = sympy.Rational(1, 2 ** (bits + 10))
    approx = e.eval_rational(dx=dx, n=max(15, bits // 3))
    return arb(fmpq(int(approx.p), int(approx.q)), fmpq(int(dx.p), int(dx.q)))


_MP_MODULES = [
    {"sigmoid": ACTIVATION_TABLE["sigmoid"][0], "softplus": ACTIVATION_TABLE["softplus"][0],
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
