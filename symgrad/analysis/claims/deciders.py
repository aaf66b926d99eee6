"""The deciders of a universal claim (one with free variables), tried in order.

:data:`DECIDERS` is an ordered tuple; each decider takes the :class:`Case` and returns
a decision ``(verdict, method, evidence, counterexample)`` or ``None`` to pass the claim
on (it may leave a note on the case saying why it could not decide).  A new method is
one function and one line in the tuple.

1. :func:`identically_zero` -- lhs - rhs is 0 (``expand``, ``simplify`` of the exp form);
2. :func:`counterexample` -- a seeded point where the relation fails, certified by balls;
3. :func:`identity_by_extrema` -- an equation in one variable as two inequalities;
   then :func:`equation_undecided` ends an equation's chain;
4. :func:`by_assumptions` -- SymPy's assumptions prove the sign of the oriented difference;
5. :func:`by_extrema` -- one variable: the extrema of the difference
   (:mod:`symgrad.analysis.claims.extrema`);
6. :func:`by_polynomial_bound` -- a polynomial lower bound (``polysign.lower_bound``);
7. :func:`no_real_zero` -- ``!=``: ``solveset`` finds no real zero, or an exact one;
8. :func:`ne_by_extrema` -- ``!=`` in one variable: the difference keeps one strict sign.

>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> universal(sympy.Ge(x**2 + 1, 0, evaluate=False), x**2 + 1, [x])[:2]
('TRUE', 'symbolic')
>>> [d.__name__ for d in DECIDERS][:3]
['identically_zero', 'counterexample', 'identity_by_extrema']
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy

from symgrad.analysis.claims.common import PRECISIONS, constant_sign, exact_zero, safe_str, to_exp
from symgrad.analysis.claims.extrema import METHOD_BISECT, decide_extrema
from symgrad.analysis.stationary.polysign import lower_bound
from symgrad.base.errors import SymgradError

__all__ = ["DECIDERS", "FALSE", "TRUE", "UNDECIDED", "Case", "holds", "sample_points",
           "universal"]

TRUE, FALSE, UNDECIDED = "TRUE", "FALSE", "UNDECIDED"
_SAMPLES = (0, 1, -1, Fraction(1, 2), Fraction(-1, 2), 2, -2, 3, -3, Fraction(1, 10),
            Fraction(-1, 10), 10, -10, 100, -100, 10**4, -(10**4), 10**8, -(10**8))
_MAX_POINTS = 400
Decision = tuple[str, str, str, "dict[str, str] | None"]


def holds(rel_type, sign: int) -> bool:
    """Whether ``lhs - rhs`` of sign ``sign`` (-1, 0, 1) satisfies the relation.

    >>> holds(sympy.Le, 0), holds(sympy.Gt, 0)
    (True, False)
    """
    return {sympy.Eq: sign == 0, sympy.Ne: sign != 0, sympy.Lt: sign < 0,
            sympy.Le: sign <= 0, sympy.Gt: sign > 0, sympy.Ge: sign >= 0}[rel_type]


def sample_points(symbols, seed: int = 0) -> list[tuple]:
    """The seeded points a counterexample is looked for at (exact Fractions)."""
    rng = np.random.default_rng(seed)
    extra = [Fraction(float(v)).limit_denominator(1000) for v in rng.uniform(-20, 20, 24)]
    values = list(_SAMPLES) + extra
    if len(symbols) == 1:
        return [(v,) for v in values]
    grid = list(itertools.islice(itertools.product(_SAMPLES[:7], repeat=len(symbols)), _MAX_POINTS))
    rand = [tuple(Fraction(float(v)).limit_denominator(1000)
                  for v in rng.uniform(-5, 5, len(symbols))) for _ in range(64)]
    return grid + rand


@dataclass
class Case:
    """A universal claim: the relation, ``lhs - rhs``, its variables, and the notes the
    deciders leave (the last one is reported if nothing decides)."""

    rel: sympy.Rel
    diff: sympy.Expr
    symbols: list[sympy.Symbol]
    note: str = field(default="")

    @property
    def kind(self):
        return type(self.rel)

    @property
    def oriented(self) -> sympy.Expr | None:
        """The difference to prove ``>= 0`` (``> 0`` if strict), for an inequality."""
        return {sympy.Ge: self.diff, sympy.Gt: self.diff, sympy.Le: -self.diff,
                sympy.Lt: -self.diff}.get(self.kind)

    @property
    def strict(self) -> bool:
        return self.kind in (sympy.Gt, sympy.Lt)

    @property
    def side(self) -> str:
        return "rhs - lhs" if self.kind in (sympy.Le, sympy.Lt) else "lhs - rhs"

    @property
    def names(self) -> str:
        return ", ".join(map(str, self.symbols))


def identically_zero(case: Case) -> Decision | None:
    if not exact_zero(case.diff):
        return None
    ok = holds(case.kind, 0)
    return (TRUE if ok else FALSE), "symbolic", "lhs - rhs simplifies to 0 identically", (
        None if ok else {str(s): "0" for s in case.symbols})


def counterexample(case: Case) -> Decision | None:
    for point in sample_points(case.symbols):
        sub = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(case.symbols, point)}
        try:
            value = case.diff.xreplace(sub)
        except (ValueError, TypeError, ZeroDivisionError):
            continue  # undefined there (e.g. Max(x, 1/x**2) at 0): not a counterexample
        try:
            sign, _, ev = constant_sign(value, precisions=PRECISIONS[:2], simplify=False)
        except SymgradError:
            continue
        if sign is not None and not holds(case.kind, sign):
            where = {str(s): str(v) for s, v in sub.items()}
            text = ", ".join(f"{k}={v}" for k, v in where.items())
            return FALSE, "counterexample", f"at {text}: {ev}", where
    return None


def identity_by_extrema(case: Case) -> Decision | None:
    """lhs == rhs for all real t, as lhs - rhs >= 0 and rhs - lhs >= 0."""
    if case.kind is not sympy.Eq or len(case.symbols) != 1:
        return None
    found = []
    for h, side in ((case.diff, "lhs - rhs"), (-case.diff, "rhs - lhs")):
        out, why_not = decide_extrema(h, case.symbols[0], strict=False, side=side)
        if out is None:
            case.note = f"; extrema: {why_not}"
            return None
        if out.verdict == FALSE:
            return FALSE, out.method, out.evidence, out.witness
        found.append(out)
    method = next((o.method for o in found if o.method == METHOD_BISECT), found[0].method)
    return TRUE, method, f"{found[0].evidence}; and {found[1].evidence}", None


def equation_undecided(case: Case) -> Decision | None:
    if case.kind is not sympy.Eq:
        return None
    return UNDECIDED, "symbolic", (
        "SymPy could not reduce lhs - rhs to 0 and no counterexample was found "
        f"among {len(sample_points(case.symbols))} seeded points{case.note}"), None


def _sign_by_assumptions(expr: sympy.Expr) -> tuple[bool, bool]:
    """(nonnegative proved, positive proved) from SymPy's assumptions on a few forms."""
    forms = [expr, to_exp(expr)]
    try:
        forms.append(sympy.factor(sympy.simplify(forms[1])))
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        pass
    nonneg = any(f.is_nonnegative is True for f in forms)
    pos = any(f.is_positive is True for f in forms)
    return nonneg or pos, pos


def by_assumptions(case: Case) -> Decision | None:
    if case.oriented is None:
        return None
    nonneg, pos = _sign_by_assumptions(case.oriented)
    if not (pos or (nonneg and not case.strict)):
        return None
    return TRUE, "symbolic", (f"SymPy's assumptions prove {case.side} {'> 0' if pos else '≥ 0'} "
                              f"for all real {case.names}"), None


def by_extrema(case: Case) -> Decision | None:
    if case.oriented is None or len(case.symbols) != 1:
        return None
    out, why_not = decide_extrema(case.oriented, case.symbols[0], strict=case.strict,
                                  side=case.side)
    if out is None:
        case.note = f"; extrema: {why_not}"
        return None
    return out.verdict, out.method, out.evidence, out.witness


def by_polynomial_bound(case: Case) -> Decision | None:
    if case.oriented is None:
        return None
    bound = lower_bound(case.oriented, case.symbols)
    if bound is None:
        return None
    m, attained = bound
    sgn = int(sympy.sign(m)) if m.is_Rational else None
    if sgn is None or not (sgn > 0 or (sgn == 0 and (not case.strict or attained is False))):
        return None
    how = ("exact minimum of a quadratic (PSD by exact inertia)"
           if attained else "factorisation into factors of fixed sign")
    return TRUE, "polynomial bound", (
        f"{case.side} ≥ {safe_str(m)} for all real {case.names} ({how})"), None


def _a_root(roots: sympy.Set) -> sympy.Expr | None:
    """One real element of a solution set from ``solveset`` (checked by the caller)."""
    if isinstance(roots, (sympy.Union, sympy.Intersection)):
        return next((r for r in map(_a_root, roots.args) if r is not None), None)
    if isinstance(roots, sympy.FiniteSet):
        return next((r for r in roots.args if r.is_real is True), None)
    if isinstance(roots, sympy.ImageSet) and len(roots.lamda.variables) == 1:
        r = roots.lamda.expr.xreplace({roots.lamda.variables[0]: 0})
        return r if r.is_real is True else None
    return None


def no_real_zero(case: Case) -> Decision | None:
    if case.kind is not sympy.Ne or len(case.symbols) != 1:
        return None
    t = case.symbols[0]
    try:
        roots = sympy.solveset(case.diff, t, sympy.S.Reals)
    except Exception:  # SymPy cannot solve it: no proof, not a bug
        return None
    if roots is sympy.S.EmptySet:
        return TRUE, "symbolic", "solveset: lhs - rhs has no real zero", None
    root = _a_root(roots)
    if root is not None and exact_zero(case.diff.xreplace({t: root})):
        return FALSE, "symbolic", (f"lhs - rhs = 0 exactly at {t} = {safe_str(root)} "
                                   "(a zero from solveset)"), {str(t): safe_str(root)}
    return None


def ne_by_extrema(case: Case) -> Decision | None:
    """lhs - rhs > 0 everywhere, or < 0 everywhere."""
    if case.kind is not sympy.Ne or len(case.symbols) != 1:
        return None
    for h, side in ((case.diff, "lhs - rhs"), (-case.diff, "rhs - lhs")):
        out, why_not = decide_extrema(h, case.symbols[0], strict=True, side=side)
        if out is not None and out.verdict == TRUE:
            return TRUE, out.method, out.evidence, None
        if out is None:
            case.note = f"; extrema: {why_not}"
    return None


#: the deciders of a universal claim, in order (the first decision wins)
DECIDERS: tuple[Callable[[Case], Decision | None], ...] = (
    identically_zero, counterexample, identity_by_extrema, equation_undecided,
    by_assumptions, by_extrema, by_polynomial_bound, no_real_zero, ne_by_extrema,
)


def universal(rel: sympy.Rel, diff: sympy.Expr, symbols: list[sympy.Symbol]) -> Decision:
    """The first decision of :data:`DECIDERS`, else UNDECIDED with the last note."""
    case = Case(rel, diff, symbols)
    for decider in DECIDERS:
        found = decider(case)
        if found is not None:
            return found
    return UNDECIDED, "none conclusive", (
        f"no counterexample among {len(sample_points(symbols))} seeded points, and no proof "
        f"found{case.note}"), None
