"""Positive-dimensional critical sets of a polynomial, decomposed exactly (the losses of
linear and deep linear networks, e.g. (w1 w2 w3 - 1)^2).

The exact path (:func:`.smooth.run_exact`) refuses gradient systems above a Bezout bound;
for such a polynomial this path (:func:`run_critical_sets`) decomposes the critical set
V(grad f) itself:

1. **factorisation first**: a Groebner basis (grevlex) of the system; when one of its
   elements factors over Q, V splits into one system per irreducible factor (the
   factor replacing the element), and so on until every basis element is irreducible;
   empty systems (basis {1}) are dropped, and a system whose ideal contains another's
   (so its variety is contained in the other's) is absorbed into it;
2. each component's **dimension** from the leading monomials of its Groebner basis (the
   largest set of variables no leading monomial lives in), and the **value of f** on it
   (f reduced modulo the basis: a constant on every component of a critical set);
3. its **class**: a rational parametrisation (the variables outside a maximal
   independent set solved for) gives an :class:`~.solve.ExactFamily`, classified by the
   family rules (:func:`.builders.exact_family`: constant, global sign of f - f(family),
   Morse-Bott); when they leave it undecided, :func:`generic_inertia_verdict` decides
   from the characteristic polynomial of the Hessian on the family, whose coefficients
   have a fixed sign off the zeros of their factors; those exceptional points, when
   finitely many and rational, are classified as exact points (exact inertia, the
   higher-order tests).

The generators of a component are irreducible over Q; a component may still split
further over R or C, and its dimension is that of its complex points.

>>> a = analyse_critical_sets("(w1*w2*w3 - 1)**2")
>>> [(f.dimension, f.verdict.cls) for f in a.families]
[(1, 'saddle'), (1, 'saddle'), (1, 'saddle'), (2, 'local minimum')]
>>> [(p.exact, p.verdict.cls) for p in a.points]
[((0, 0, 0), 'saddle')]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy

from symgrad.analysis.stationary.algebraic import rational_point
from symgrad.analysis.stationary.budget import run_with_budget
from symgrad.analysis.stationary.builders import exact_family, exact_point
from symgrad.analysis.stationary.model import Analysis, Family, Verdict
from symgrad.analysis.stationary.polysign import factor_sign
from symgrad.analysis.stationary.request import Request
from symgrad.analysis.stationary.rules import verdict_from_inertia
from symgrad.analysis.stationary.signs import inertia_from_signs
from symgrad.analysis.stationary.solve import ExactFamily, exact_eligible
from symgrad.core.parsing import parse_expression

__all__ = ["MAX_COMPONENTS", "MAX_VARS", "analyse_critical_sets", "applies", "components",
           "dimension", "generic_inertia_verdict", "run_critical_sets"]

MAX_VARS = 6
MAX_COMPONENTS = 64


def _split(basis, gens):
    """(element, its irreducible factors) for the first basis element that factors."""
    for p in basis:
        _, facs = sympy.factor_list(p, *gens)
        if len(facs) > 1 or (facs and facs[0][1] > 1):
            return p, [q for q, _ in facs]
    return None


def _contains(big, small, gens) -> bool:
    """Every generator of ``small`` lies in the ideal of the Groebner basis ``big``."""
    return all(big.reduce(p)[1] == 0 for p in small.exprs)


def components(grads: Sequence[sympy.Expr], gens: Sequence[sympy.Symbol]) -> list:
    """Groebner bases (grevlex) of the components of V(grads), see the module doc."""
    stack, done = [list(grads)], []
    while stack:
        if len(done) + len(stack) > MAX_COMPONENTS:
            return []
        system = stack.pop()
        basis = sympy.groebner(system, *gens, order="grevlex")
        if list(basis.exprs) == [1]:
            continue
        split = _split(basis.exprs, gens)
        if split is None:
            done.append(basis)
            continue
        element, factors = split
        rest = [p for p in basis.exprs if p != element]
        stack += [[*rest, q] for q in factors]
    out = []
    for i, g in enumerate(done):
        inside = any(j != i and _contains(g, h, gens) and not (
            _contains(h, g, gens) and j > i) for j, h in enumerate(done))
        if not inside:
            out.append(g)
    return out


def dimension(basis, gens: Sequence[sympy.Symbol]) -> tuple[int, tuple[sympy.Symbol, ...]]:
    """(dimension, a maximal independent set of variables) from the leading monomials."""
    lead = [sympy.Poly(p, *gens).monoms(order="grevlex")[0] for p in basis.exprs]
    supports = [{g for g, e in zip(gens, m) if e} for m in lead]
    for k in range(len(gens), -1, -1):
        for subset in itertools.combinations(gens, k):
            if not any(s <= set(subset) for s in supports):
                return k, subset
    return 0, ()  # pragma: no cover - the empty set is always independent


def _parametrise(basis, gens, free) -> ExactFamily | None:
    bound = [g for g in gens if g not in free]
    if not bound:
        return ExactFamily({}, tuple(free))
    sols = sympy.solve(list(basis.exprs), bound, dict=True)
    if len(sols) != 1 or set(sols[0]) != set(bound):
        return None
    if any(v.free_symbols - set(free) for v in sols[0].values()):
        return None
    return ExactFamily(sols[0], tuple(free))


def _coefficient_sign(c: sympy.Expr, free) -> tuple[int, list] | None:
    """(sign of c off the zeros of its factors, those factors), or None."""
    num, den = sympy.fraction(sympy.cancel(sympy.together(c)))
    if num == 0:
        return 0, []
    signs, zeros = [], []
    for part in (num, den):
        if not part.free_symbols:
            signs.append(1 if part > 0 else -1)
            continue
        found = factor_sign(part, list(free))
        if found is None:
            return None
        signs.append(found[0])
        zeros += [q for q, _ in sympy.factor_list(part, *free)[1]]
    return signs[0] * signs[1], zeros


def generic_inertia_verdict(hessian: sympy.Matrix, fam: ExactFamily
                            ) -> tuple[Verdict, list[sympy.Expr]] | None:
    """The class at every point of the family off a set of exceptional equations: the
    signs of the characteristic polynomial's coefficients of the Hessian on the family
    (each of fixed sign off the zeros of its factors) give the inertia there."""
    hs = hessian.subs(fam.solution)
    lam = sympy.Dummy("lam")
    coeffs = list(reversed(hs.charpoly(lam).all_coeffs()))
    signs, exceptional = [], []
    for c in coeffs:
        got = _coefficient_sign(c, fam.free)
        if got is None:
            return None
        signs.append(got[0])
        exceptional += got[1]
    verdict = verdict_from_inertia(inertia_from_signs(signs),
                                   method="Hessian inertia on the family (charpoly signs)")
    if verdict.cls == "degenerate: undecided":
        return None
    exceptional = list(dict.fromkeys(exceptional))
    where = " or ".join(f"{q} = 0" for q in exceptional)
    verdict.evidence.append("at every point of the family" + (
        f" except where {where}: the Hessian test does not decide there (isolated "
        "rational such points are classified as points)" if exceptional else ""))
    return verdict, exceptional


def _special_points(f, gens, hess, fam: ExactFamily, exceptional, digits):
    """Exact points where the generic verdict does not hold (finitely many, rational)."""
    out = []
    for q in exceptional:
        eqs = [q] + [k - v for k, v in fam.solution.items()]
        sols = sympy.solve(eqs, list(gens), dict=True)
        for s in sols:
            if set(s) != set(gens) or not all(v.is_Rational for v in s.values()):
                continue
            out.append(exact_point(f, gens, hess, rational_point([s[g] for g in gens]), digits))
    return out


def _family(f, gens, hess, basis, digits) -> tuple[Family, list]:
    dim, free = dimension(basis, gens)
    value = basis.reduce(f)[1]
    eqs = tuple(f"{sympy.sstr(p)} = 0" for p in basis.exprs)
    fam = _parametrise(basis, gens, free) if dim else None
    where = f"component {', '.join(eqs)} (dimension {dim}), f = {sympy.sstr(value)} on it"
    if fam is None:
        verdict = Verdict("degenerate: undecided", None, True, "critical set decomposition",
                          ["no rational parametrisation of the component was found"])
        return Family(where, eqs, dim, verdict), []
    family = exact_family(f, gens, hess, fam)
    points = []
    if family.verdict.cls == "degenerate: undecided":
        got = generic_inertia_verdict(hess, fam)
        if got is not None:
            family.verdict, exceptional = got
            points = _special_points(f, gens, hess, fam, exceptional, digits)
    family.description = where
    family.equations = eqs
    return family, points


def applies(req: Request) -> bool:
    """A polynomial in at most ``MAX_VARS`` variables that the exact path refuses."""
    if req.method == "numeric" or len(req.variables) > MAX_VARS:
        return False
    ok, _ = exact_eligible(req.expr, req.variables)
    if ok:
        return False
    try:
        sympy.Poly(req.expr, *req.variables, domain="QQ")
    except (sympy.PolynomialError, sympy.CoercionFailed, sympy.GeneratorsError):
        return False
    return True


def run_critical_sets(req: Request) -> Analysis | None:
    """The decomposition path within the exact time budget, or None when it does not
    decide (no positive-dimensional component, or out of time; see module doc)."""
    done, res = run_with_budget(_run, (req,), seconds=req.time_budget)
    return res if done else None


def _run(req: Request) -> Analysis | None:
    gens = req.variables
    parts = components([sympy.expand(g) for g in req.gradient], gens)
    if not parts or all(dimension(b, gens)[0] == 0 for b in parts):
        return None
    res = Analysis(req.expr, gens, req.gradient, req.hessian,
                   "exact: critical set decomposition (factorisation + Groebner bases)",
                   req.digits, req.box)
    reason = exact_eligible(req.expr, gens)[1]
    res.notes.append(f"{reason}: the critical set is decomposed exactly instead")
    seen = set()
    for basis in sorted(parts, key=lambda b: (dimension(b, gens)[0], str(b.exprs))):
        family, points = _family(req.expr, gens, req.hessian, basis, req.digits)
        if family.dimension == 0:
            sols = sympy.solve(list(basis.exprs), list(gens), dict=True)
            rational = [s for s in sols if set(s) == set(gens)
                        and all(v.is_Rational for v in s.values())]
            if len(rational) == len(sols):
                points += [exact_point(req.expr, gens, req.hessian,
                                       rational_point([s[g] for g in gens]), req.digits)
                           for s in rational]
                family = None
        if family is not None:
            res.families.append(family)
        for p in points:
            if p.exact not in seen:
                seen.add(p.exact)
                res.points.append(p)
    res.notes.append("each component: generators irreducible over Q (it may split further "
                     "over R or C); dimension of its complex points")
    return res


def analyse_critical_sets(expr: str, digits: int = 20) -> Analysis | None:
    """:func:`run_critical_sets` of an expression in its variables (sorted by name)."""
    e = parse_expression(expr)
    gens = tuple(sorted(e.free_symbols, key=str))
    req = Request(e, gens, None, digits, "auto", 8, 60.0)
    return run_critical_sets(req) if applies(req) else None
