"""Activation functions as SymPy function classes, and their derived properties.

Each activation is a :class:`sympy.Function` subclass with

* an exact derivative rule expressed through itself (``fdiff``):
  ``sigmoid' = sigmoid*(1 - sigmoid)``, ``tanh' = 1 - tanh**2``,
  ``softplus' = sigmoid``;
* a rewrite to ``exp`` (``expr.rewrite(sympy.exp)``);
* LaTeX printing through a ``_latex`` method (``\\sigma``, ``\\tanh``,
  ``\\operatorname{softplus}``);
* numeric evaluation through ``evalf``.  The numerically stable formulas of
  every number type (mpmath, Arb balls, numpy formats and arrays, dual numbers)
  are written once, in :mod:`symgrad.numeric.kernels`, keyed by the same name.

The classes live in :mod:`symgrad.core.activation_classes`; this module is the
registry: one :class:`Activation` entry per name, with the symbolic facts the
rest of symgrad reads (sign of the output, bounded or not, where it has a kink,
its LaTeX/MathML names).  Adding an activation is one class (or a SymPy
function), one entry here and one kernel entry; ``tests/test_activation_registry.py``
checks that every table has it.

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

import itertools
from dataclasses import dataclass
from functools import cache

import sympy
from sympy import S, exp

from symgrad.base.errors import InputError
from symgrad.core.activation_classes import (
    LEAKY_SLOPE,
    elu,
    gelu,
    leaky_relu,
    relu,
    sigmoid,
    silu,
    softplus,
)

__all__ = [
    "ACTIVATIONS",
    "LEAKY_SLOPE",
    "TEXT_ACTIVATIONS",
    "Activation",
    "Supremum",
    "derivative_supremum",
    "elu",
    "gelu",
    "get_activation",
    "identity",
    "leaky_relu",
    "relu",
    "sigmoid",
    "silu",
    "softplus",
]


def identity(arg):
    """The identity map, used for the text's first layer o_1 = w_1."""
    return arg


@dataclass(frozen=True)
class Activation:
    """A named activation: ``func`` maps a SymPy expression to sigma(expr).

    Facts: ``sign`` of the output (``positive``, ``nonnegative`` or ``any``);
    ``bounded`` (|sigma| <= 1, so outputs do not grow along a chain); ``kink_order``:
    ``None`` for a smooth activation, 1 if sigma' jumps at 0 (ReLU family: sigma'(0) is
    the Clarke interval), 2 if sigma'' jumps there (elu); ``mathml_name`` (the name the
    MathML printer shows); ``monotone`` (sigma' >= 0 everywhere: false for gelu and silu,
    whose derivatives dip below 0).
    """

    name: str
    func: object
    latex_name: str
    description: str
    sign: str = "any"
    bounded: bool = False
    kink_order: int | None = None
    mathml_name: str = ""
    monotone: bool = True

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


_A = Activation
#: the registry, the text's three activations first
ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    _A("sigmoid", sigmoid, r"\sigma", "logistic sigmoid 1/(1+exp(-t))", "positive", True,
       mathml_name="&#x3C3;"),
    _A("tanh", sympy.tanh, r"\tanh", "hyperbolic tangent", "any", True, mathml_name="tanh"),
    _A("softplus", softplus, r"\operatorname{softplus}", "log(1+exp(t))", "positive",
       mathml_name="softplus"),
    _A("identity", identity, "", "the identity t (a linear layer)", mathml_name=""),
    _A("relu", relu, r"\operatorname{ReLU}", "max(0, t)", "nonnegative", kink_order=1,
       mathml_name="ReLU"),
    _A("leaky_relu", leaky_relu, r"\operatorname{LeakyReLU}",
       f"t for t > 0, a t otherwise (a = {LEAKY_SLOPE})", kink_order=1,
       mathml_name="LeakyReLU"),
    _A("elu", elu, r"\operatorname{ELU}", "t for t > 0, exp(t) - 1 otherwise (alpha = 1)",
       kink_order=2, mathml_name="ELU"),
    _A("gelu", gelu, r"\operatorname{GELU}", "t Phi(t) = t (1 + erf(t/sqrt(2)))/2 (exact)",
       mathml_name="GELU", monotone=False),
    _A("silu", silu, r"\operatorname{SiLU}", "t sigmoid(t) (swish)", mathml_name="SiLU",
       monotone=False),
    _A("erf", sympy.erf, r"\operatorname{erf}", "the error function", "any", True,
       mathml_name="erf"),
)}

#: the activations of the text (the default set of the verification battery)
TEXT_ACTIVATIONS = ("sigmoid", "tanh", "softplus")


def get_activation(name: str) -> Activation:
    """Look up an activation by name, with an error that lists the known ones.

    >>> get_activation("sigmoid").name
    'sigmoid'
    """
    key = str(name).strip().lower()
    if key not in ACTIVATIONS:
        known = ", ".join(sorted(ACTIVATIONS))
        raise InputError(f"unknown activation '{name}'", hint=f"choose one of: {known}")
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
    #: False when a critical point has no closed form: ``value`` is then a rational upper
    #: bound within 10^-29 (relative) of the supremum, and ``attained_at`` 30-digit roots
    exact: bool = True

    @property
    def witnesses(self) -> tuple[sympy.Expr, ...]:
        """One point per entry of ``attained_at`` (an entry may be a whole interval, where
        sigma' is constant): the point itself, or a point inside the interval.

        >>> derivative_supremum("relu").witnesses
        (1,)
        """
        return tuple(_inside(c) if isinstance(c, sympy.Set) else c for c in self.attained_at)


def _inside(s: sympy.Set) -> sympy.Expr:
    if s is S.Reals:
        return S.Zero
    lo, hi = s.inf, s.sup
    if lo.is_finite and hi.is_finite:
        return (lo + hi) / 2
    return lo + 1 if lo.is_finite else (hi - 1 if hi.is_finite else S.Zero)


@cache
def derivative_supremum(name: str) -> Supremum:
    """Derive sup_t |sigma'(t)| over the reals for the activation ``name``.

    The candidates are the real critical points of sigma' (solutions of
    sigma''(t) = 0, found by ``solveset`` on the ``exp`` rewrite) and the limits
    of sigma' at -oo and +oo.  sigma' is continuous, so the supremum of |sigma'|
    is the largest absolute value among these candidates.  An activation with a kink
    at 0 is split there: each side is a smooth piece (its limits at 0 join the
    candidates), and a piece where sigma' is constant attains its value on the whole
    open half-line.  Where ``solveset`` finds no closed form (silu), the critical
    points are the sign changes of sigma'' on a grid, refined by ``nsolve`` to 30 digits,
    and the value there is a rational rounded up at 30 digits (an upper bound).

    >>> s = derivative_supremum("tanh")
    >>> s.value, s.attained_at
    (1, (0,))
    >>> derivative_supremum("relu").attained_at
    (Interval.open(0, oo),)
    """
    act = get_activation(name)
    t = sympy.Symbol("t", real=True)
    dsig = act.derivative(t)
    if act.kink_order is not None:
        u = sympy.Symbol("u", positive=True)
        right = _candidates(name, dsig.subs(t, u), u, 1)
        left = _candidates(name, dsig.subs(t, -u), u, -1)
        cands, crit = right[0] + left[0], tuple(sorted(right[1] + left[1], key=float))
    else:
        cands, crit = _candidates(name, dsig, t, 0)
    best = max(cands, key=lambda c: float(c[0]))[0]
    attained = tuple(c for v, c, real in cands if real and sympy.simplify(v - best) == 0)
    approached = tuple(c for v, c, real in cands if not real and sympy.simplify(v - best) == 0)
    exact = not any(getattr(c, "is_Float", False) for c in crit)
    return Supremum(name, best, attained, approached, crit, dsig, t, exact)


def _candidates(name: str, d: sympy.Expr, var: sympy.Symbol, side: int):
    """(|sigma'| value, where, attained?) candidates of one smooth piece, and its critical
    points in t.  ``side`` 0: var = t over the reals; +1 / -1: t = +-var, var > 0."""
    d_exp = sympy.simplify(d.rewrite(exp))
    where = (lambda v: v) if side >= 0 else (lambda v: -v)
    if not d_exp.has(var):
        whole = S.Reals if side == 0 else (sympy.Interval.open(0, S.Infinity) if side > 0
                                           else sympy.Interval.open(S.NegativeInfinity, 0))
        return [(abs(d_exp), whole, True)], ()
    domain = S.Reals if side == 0 else sympy.Interval.open(0, S.Infinity)
    crit = _critical_points(name, d_exp, var, domain)
    cands: list[tuple[sympy.Expr, sympy.Expr, bool]] = []
    for c in crit:
        value = abs(d_exp.subs(var, c))
        value = _rounded_up(value) if c.is_Float else sympy.nsimplify(sympy.simplify(value))
        cands.append((value, where(c), True))
    ends = (S.NegativeInfinity, S.Infinity) if side == 0 else (S.Zero, S.Infinity)
    for end in ends:
        lim = sympy.limit(d_exp, var, end, "+" if end == 0 else "+-")
        cands.append((abs(lim), where(end), False))
    return cands, tuple(where(c) for c in crit)


def _rounded_up(value: sympy.Expr) -> sympy.Rational:
    """|sigma'| at a numeric critical point (refined to 40 digits, where sigma' is flat, so
    the value is good to ~40 digits) rounded *up* to 30 significant digits: a rational
    upper bound within 10^-29 (relative) of the supremum, which ball arithmetic can use."""
    v = sympy.Float(value.evalf(45), 45)
    e = sympy.floor(sympy.log(v, 10)) - 29
    return sympy.ceiling(v / sympy.Integer(10) ** e + 1) * sympy.Integer(10) ** e


def _critical_points(name: str, d_exp: sympy.Expr, var: sympy.Symbol,
                     domain) -> tuple[sympy.Expr, ...]:
    d2 = sympy.simplify(sympy.diff(d_exp, var))
    numer = sympy.numer(sympy.together(d2))
    crit = sympy.solveset(numer, var, domain=domain)
    if isinstance(crit, sympy.ConditionSet):
        return _numeric_roots(numer, var, domain)
    if crit is not S.EmptySet and not isinstance(crit, sympy.FiniteSet):
        raise InputError(f"cannot derive the supremum of {name}': critical set {crit}")
    return tuple(sorted(crit, key=lambda c: float(c)))


def _numeric_roots(f: sympy.Expr, var: sympy.Symbol, domain) -> tuple[sympy.Expr, ...]:
    """Real roots of ``f`` in ``domain`` from the sign changes of its float values on a
    grid of [-64, 64] (step 1/8), each refined by bisection (``nsolve``) to 30 digits."""
    g = sympy.lambdify(var, f, "math")
    grid = [k / 8 for k in range(-512, 513)]
    if domain is not S.Reals:
        grid = [x for x in grid if domain.contains(sympy.Rational(x)) is S.true]
    roots = []
    for a, b in itertools.pairwise(grid):
        try:
            fa, fb = g(a), g(b)
        except (OverflowError, ValueError, ZeroDivisionError):
            continue
        if fa * fb < 0:
            root = sympy.nsolve(f, var, (sympy.Rational(a), sympy.Rational(b)),
                                solver="bisect", prec=40)
            roots.append(sympy.Float(root, 30))
    return tuple(roots)
