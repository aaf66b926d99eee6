"""The supremum of the activation's derivative, derived step by step: :func:`supremum_section`.

The bound of the gradient document needs s = sup |sigma'|; this section derives
it from :func:`symgrad.core.activations.derivative_supremum` (critical points,
limits, one-sided limits at a kink) instead of assuming it.

>>> sec = supremum_section("sigmoid")
>>> sec.steps[-1].equation
Eq(s, 1/4)
"""

from __future__ import annotations

import sympy

from symgrad.core.activations import derivative_supremum, get_activation
from symgrad.interfaces.documents.model import Section, Step
from symgrad.interfaces.documents.words import activation_words

__all__ = ["supremum_section"]


def _where_text(c) -> str:  # (0, infinity), never SymPy's Interval.open(0, oo)
    if isinstance(c, sympy.Interval):
        return ("(" if c.left_open or c.start == -sympy.oo else "[") + _where_text(c.start) + (
            ", " + _where_text(c.end) + (")" if c.right_open or c.end == sympy.oo else "]"))
    return {sympy.oo: "infinity", -sympy.oo: "-infinity"}.get(c, str(c))


def supremum_section(activation: str) -> Section:
    """The supremum of |sigma'| derived by :func:`derivative_supremum`, as steps; the prose
    follows the registry's facts (a kink at 0, an exact or a numeric critical point).

    >>> sec = supremum_section("relu")
    >>> "jumps there" in sec.steps[-1].justification
    True
    """
    sup = derivative_supremum(activation)
    kink = get_activation(activation).kink_order
    t, ds = sup.variable, sup.derivative
    steps = [Step("The derivative of the activation.", "differentiation by SymPy",
                  sympy.Eq(sympy.Derivative(_act_of(activation, t), t), ds, evaluate=False))]
    found = ", ".join(str(c) for c in sup.critical_points) or "none"
    how = ("SymPy solves the equation over the reals, with the activation written in "
           "exponentials" if sup.exact else
           "SymPy finds no closed form: the sign changes of the second derivative on a grid "
           "from -64 to 64 are each refined by bisection to 30 digits")
    if kink is None:
        steps.append(Step("Critical points of the derivative: the real solutions of",
                          f"{how}; solutions: {found}",
                          sympy.Eq(sympy.diff(ds, t), 0, evaluate=False)))
    else:
        steps += _kink_steps(ds, t, kink, how, found)
    for c in sup.critical_points:
        val = ds.subs(t, c)
        steps.append(Step(("At the critical point ", sympy.Eq(t, c, evaluate=False), "."),
                          "substitution", sympy.Eq(sympy.Subs(ds, t, c), val, evaluate=False)))
    for inf in (sympy.S.NegativeInfinity, sympy.S.Infinity):
        # simplified first: SymPy's limit of silu's raw rewrite at oo is wrong (0, not 1)
        lim = _limit_at(ds, t, inf, kink is not None)
        steps.append(Step(("The limit at ", inf, "."),
                          "SymPy's limit, with the activation written in exponentials",
                          sympy.Eq(sympy.Limit(ds, t, inf), lim, evaluate=False)))
    where = ("attained at " + ", ".join(map(_where_text, sup.attained_at)) if sup.attained_at
             else "approached as t tends to " + ", ".join(map(_where_text, sup.approached_at)))
    ok = all(sympy.simplify(ds.subs(t, c).rewrite(sympy.exp) - sup.value) == 0
             for c in sup.witnesses)
    steps.append(Step(("The largest candidate is the supremum of ", sympy.Abs(ds),
                       " over the reals."), _largest_why(kink, sup.exact, where),
                      sympy.Eq(sympy.Symbol("s"), sup.value, evaluate=False),
                      ok if sup.attained_at and sup.exact else None))
    return Section(f"The maximum of the {activation_words(activation)} derivative",
                   ("The bound needs the supremum ", sympy.Symbol("s"), " of the absolute "
                    "value of the activation's derivative; it is derived here, not assumed."),
                   tuple(steps))


def _limit_at(ds, t, inf, kinked: bool) -> sympy.Expr:
    """lim sigma'(t) as t -> inf; a kinked (Piecewise) sigma' is first restricted to the side
    of ``inf`` (t = +-u, u > 0), where it is one smooth piece.

    >>> t = sympy.Symbol("t", real=True)
    >>> _limit_at(sympy.Piecewise((1, t > 0), (sympy.exp(t), True)), t, -sympy.oo, True)
    0
    """
    if kinked:
        u = sympy.Symbol("u", positive=True)
        side = ds.subs(t, u if inf is sympy.S.Infinity else -u)
        return sympy.limit(sympy.simplify(side.rewrite(sympy.exp)), u, sympy.oo)
    return sympy.limit(sympy.simplify(ds.rewrite(sympy.exp)), t, inf)


def _kink_steps(ds, t, kink: int, how: str, found: str) -> list[Step]:
    """A kinked activation: the critical points of each smooth side, and the one-sided
    limits of sigma' at 0 (candidates too)."""
    jump = "the derivative jumps there" if kink == 1 else "the second derivative jumps there"
    u = sympy.Symbol("u", positive=True)
    steps = []
    for side, rel in ((1, sympy.Gt(t, 0)), (-1, sympy.Lt(t, 0))):
        d2 = sympy.diff(ds.subs(t, side * u).subs(u, side * t), t)
        flat = "; it reads 0 = 0: the derivative is constant on this side" if d2 == 0 else ""
        steps.append(Step(("Critical points of the derivative on the side ", rel,
                           ": the solutions of"),
                          f"a kink at 0 ({jump}), so each side is a smooth piece; {how}; "
                          f"solutions (both sides): {found}{flat}",
                          sympy.Eq(d2, 0, evaluate=False)))
    for d, side in (("+", "right"), ("-", "left")):
        lim = sympy.limit(ds, t, 0, d)
        steps.append(Step(f"The one-sided limit at 0 from the {side}.", "SymPy's one-sided limit",
                          sympy.Eq(sympy.Limit(ds, t, 0, d), lim, evaluate=False)))
    return steps


def _largest_why(kink: int | None, exact: bool, where: str) -> str:
    if kink is None:
        head = "the derivative is continuous: its supremum is the largest of the values at " \
               "the critical points and the limits"
    elif kink == 1:
        head = ("the derivative is continuous on each side of 0 and jumps there (at 0 it is "
                "the Clarke interval, between the one-sided limits): its supremum is the "
                "largest of the values at the critical points, the one-sided limits at 0 and "
                "the limits at -infinity and infinity")
    else:
        head = ("the derivative is continuous (its own derivative jumps at 0): its supremum "
                "is the largest of the values at the critical points of each side, the "
                "one-sided limits at 0 and the limits at -infinity and infinity")
    if not exact:
        head += ("; the value at a numeric critical point is rounded up in its 30th "
                 "significant digit, so it is an upper bound")
    return f"{head}; {where}"


def _act_of(activation: str, t: sympy.Symbol) -> sympy.Expr:
    return get_activation(activation)(t)
