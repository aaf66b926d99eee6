"""Activation functions as SymPy function classes, and their derived properties.

Each activation is a :class:`sympy.Function` subclass with

* an exact derivative rule expressed through itself (``fdiff``):
  ``sigmoid' = sigmoid*(1 - sigmoid)``, ``tanh' = 1 - tanh**2``,
  ``softplus' = sigmoid``;
* a rewrite to ``exp`` (``expr.rewrite(sympy.exp)``);
* LaTeX printing through a ``_latex`` method (``\\sigma``, ``\\tanh``,
  ``\\operatorname{softplus}``);
* numeric evaluation through ``evalf``.  The numeric backends
  (:mod:`symgrad.numeric`) keep their own tables of numerically stable
  formulas, which the test-suite checks against these classes.

The supremum of each derivative, and where it is attained, is *derived* by
:func:`derivative_supremum` (critical points of the derivative plus the limits
at +-infinity), never typed in.

This module imports SymPy only: it is part of the symbolic core.

>>> import sympy
>>> t = sympy.Symbol("t")
>>> sympy.diff(sigmoid(t), t)
(1 - sigmoid(t))*sigmoid(t)
>>> derivative_supremum("sigmoid").value
1/4
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy
from sympy import Function, S, exp, log

from symgrad.base.errors import SymgradError

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Supremum",
    "derivative_supremum",
    "get_activation",
    "identity",
    "sigmoid",
    "softplus",
]


class sigmoid(Function):
    """The logistic sigmoid, sigma(t) = 1/(1 + exp(-t)).

    >>> import sympy
    >>> sigmoid(0)
    1/2
    >>> sigmoid(sympy.Symbol("t")).rewrite(sympy.exp)
    1/(1 + exp(-t))
    """

    nargs = 1

    @classmethod
    def eval(cls, arg):
        # structural tests only: assumption queries on large products are slow
        if arg is S.Zero:
            return S.Half
        if arg is S.Infinity:
            return S.One
        if arg is S.NegativeInfinity:
            return S.Zero
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + exp(-arg))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _eval_evalf(self, prec):
        return self.rewrite(exp)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        base = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return base if exp is None else r"\sigma^{%s}\left(%s\right)" % (
            exp,
            printer._print(self.args[0]),
        )


class softplus(Function):
    """softplus(t) = log(1 + exp(t)); its derivative is the sigmoid.

    >>> import sympy
    >>> t = sympy.Symbol("t")
    >>> sympy.diff(softplus(t), t)
    sigmoid(t)
    """

    nargs = 1

    @classmethod
    def eval(cls, arg):
        if arg is S.Zero:
            return log(2)
        if arg is S.NegativeInfinity:
            return S.Zero
        if arg is S.Infinity:
            return S.Infinity
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return log(1 + exp(arg))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _eval_evalf(self, prec):
        return self.rewrite(exp)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        name = r"\operatorname{softplus}" if exp is None else (
            r"\operatorname{softplus}^{%s}" % exp
        )
        return r"%s\left(%s\right)" % (name, printer._print(self.args[0]))


def identity(arg):
    """The identity map, used for the text's first layer o_1 = w_1."""
    return arg


@dataclass(frozen=True)
class Activation:
    """A named activation: ``func`` maps a SymPy expression to sigma(expr)."""

    name: str
    func: object
    latex_name: str
    description: str

    def __call__(self, arg: sympy.Expr) -> sympy.Expr:
        return self.func(arg)  # type: ignore[operator]

    def derivative(self, arg: sympy.Expr) -> sympy.Expr:
        """sigma'(arg), obtained from ``sympy.diff`` of the class's rule.

        >>> import sympy
        >>> get_activation("tanh").derivative(sympy.Symbol("z"))
        1 - tanh(z)**2
        """
        t = sympy.Dummy("t")
        return sympy.diff(self(t), t).xreplace({t: arg})


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, r"\sigma", "logistic sigmoid 1/(1+exp(-t))"),
    "tanh": Activation("tanh", sympy.tanh, r"\tanh", "hyperbolic tangent"),
    "softplus": Activation("softplus", softplus, r"\operatorname{softplus}", "log(1+exp(t))"),
}


def get_activation(name: str) -> Activation:
    """Look up an activation by name, with an error that lists the known ones.

    >>> get_activation("sigmoid").name
    'sigmoid'
    """
    key = str(name).strip().lower()
    if key not in ACTIVATIONS:
        known = ", ".join(sorted(ACTIVATIONS))
        raise SymgradError(f"unknown activation '{name}'", hint=f"choose one of: {known}")
    return ACTIVATIONS[key]


@dataclass(frozen=True)
class Supremum:
    """sup_t |sigma'(t)| with where it is attained (``None`` if only approached)."""

    activation: str
    value: sympy.Expr
    attained_at: tuple[sympy.Expr, ...]
    approached_at: tuple[sympy.Expr, ...]
    critical_points: tuple[sympy.Expr, ...]
    derivative: sympy.Expr
    variable: sympy.Symbol


@cache
def derivative_supremum(name: str) -> Supremum:
    """Derive sup_t |sigma'(t)| over the reals for the activation ``name``.

    The candidates are the real critical points of sigma' (solutions of
    sigma''(t) = 0, found by ``solveset`` on the ``exp`` rewrite) and the limits
    of sigma' at -oo and +oo.  sigma' is continuous, so the supremum of |sigma'|
    is the largest absolute value among these candidates.

    >>> s = derivative_supremum("tanh")
    >>> s.value, s.attained_at
    (1, (0,))
    """
    act = get_activation(name)
    t = sympy.Symbol("t", real=True)
    dsig = act.derivative(t)
    d_exp = sympy.simplify(dsig.rewrite(exp))
    d2 = sympy.simplify(sympy.diff(d_exp, t))
    crit = sympy.solveset(sympy.numer(sympy.together(d2)), t, domain=S.Reals)
    if crit is not S.EmptySet and not isinstance(crit, sympy.FiniteSet):
        raise SymgradError(f"cannot derive the supremum of {name}': critical set {crit}")
    crit_points = tuple(sorted(crit, key=lambda c: float(c)))
    candidates: list[tuple[sympy.Expr, sympy.Expr, bool]] = []
    for c in crit_points:
        candidates.append((sympy.nsimplify(sympy.simplify(abs(d_exp.subs(t, c)))), c, True))
    for inf in (S.NegativeInfinity, S.Infinity):
        candidates.append((abs(sympy.limit(d_exp, t, inf)), inf, False))
    best = max(candidates, key=lambda c: float(c[0]))[0]
    attained = tuple(c for v, c, real in candidates if real and sympy.simplify(v - best) == 0)
    approached = tuple(c for v, c, real in candidates if not real and sympy.simplify(v - best) == 0)
    return Supremum(name, best, attained, approached, crit_points, dsig, t)
