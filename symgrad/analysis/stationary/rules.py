"""Every classification rule of the stationary engine, in ordered tables.

A rule is a named function that returns a :class:`~.model.Verdict` or None
("this rule does not decide here"); a table is tried in order and the first
verdict wins.  A new rule is one function and one line in its table.

* **Exact inertia** (:data:`POINT_RULES`).  For a real symmetric matrix every
  eigenvalue is real, so Descartes' rule of signs is *exact* on its
  characteristic polynomial: the number of sign changes of the coefficients is
  the number of positive eigenvalues, the number of vanishing low-order
  coefficients the number of zero eigenvalues
  (:func:`~.signs.inertia_from_signs`, :func:`verdict_from_inertia`).
* **Certified enclosures.**  For numeric points the Hessian is evaluated in
  ball arithmetic over the certified box of the root and its eigenvalues are
  enclosed (:mod:`symgrad.numeric.eigen_enclosures`).  A class is given only when no enclosure
  contains 0 (:func:`numeric_verdict`), or -- the deep chain -- when one
  enclosure is provably positive and one provably negative
  (:func:`enclosure_verdict`: indefinite, a saddle).
* **Beyond the second-order test** (:data:`POINT_RULES`).  One variable: the
  first non-vanishing derivative decides (:func:`higher_order_1d`).  Several
  variables with a singular Hessian (rational points of polynomials): the
  splitting lemma reduces f to a function g on the Hessian's kernel
  (:func:`~.splitting.reduced_function`); the lowest-order homogeneous part of
  g decides when it is odd, definite or sign-indefinite
  (:func:`splitting_verdict`); otherwise the answer is "degenerate: undecided".
* **Families** (:data:`FAMILY_RULES`): a constant f; a global sign of
  f - f(family) by factorisation; the Morse-Bott test.
* **Kinks**: one variable, the one-sided behaviours (:func:`one_sided_verdict`);
  several variables, :data:`KINK_RULES` (see :mod:`.nonsmooth_multi` for the
  soundness of each).

>>> verdict_from_inertia((1, 1, 0)).cls
'saddle'
>>> [rule.__name__ for rule in POINT_RULES]
['inertia_rule', 'higher_order_rule', 'splitting_rule']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy
from flint import arb

from symgrad.analysis.stationary.algebraic import AlgebraicPoint
from symgrad.analysis.stationary.kink_rules import KINK_RULES, KinkFacts, classify_kink
from symgrad.analysis.stationary.model import Verdict, first_verdict
from symgrad.analysis.stationary.polysign import factor_sign
from symgrad.analysis.stationary.signs import exact_sign, inertia_from_signs
from symgrad.analysis.stationary.solve import ExactFamily
from symgrad.analysis.stationary.splitting import (
    form_sign_pattern,
    lowest_form,
    reduced_function,
)
from symgrad.numeric.eigen_enclosures import components

__all__ = [
    "EXACT_INERTIA",
    "FAMILY_RULES",
    "KINK_RULES",
    "MAX_ORDER_1D",
    "MAX_ORDER_ND",
    "POINT_RULES",
    "FamilyFacts",
    "KinkFacts",
    "PointFacts",
    "classify_family",
    "classify_kink",
    "classify_point",
    "constant_family",
    "enclosure_verdict",
    "global_sign_family",
    "global_sign_verdict",
    "higher_order_1d",
    "higher_order_rule",
    "inertia_rule",
    "morse_bott_family",
    "numeric_verdict",
    "one_sided_verdict",
    "side_word",
    "sign_verdict",
    "splitting_rule",
    "splitting_verdict",
    "verdict_from_inertia",
]

#: highest Taylor order examined by the higher-order tests
MAX_ORDER_1D = 24
MAX_ORDER_ND = 8
EXACT_INERTIA = "exact inertia (Descartes on the charpoly)"


# -- second order and beyond, at one point ---------------------------------------------
def verdict_from_inertia(inertia: tuple[int, int, int], *, method: str = "inertia") -> Verdict:
    """Second-order verdict; a singular semidefinite Hessian gives 'degenerate: undecided'."""
    pos, neg, zero = inertia
    ev = [f"Hessian inertia: {pos} positive, {neg} negative, {zero} zero eigenvalue(s)"]
    if pos and neg:
        return Verdict("saddle", None, zero > 0, method, [*ev, "indefinite Hessian"])
    if zero == 0 and pos:
        return Verdict("local minimum", True, False, method, [*ev, "positive definite"])
    if zero == 0 and neg:
        return Verdict("local maximum", True, False, method, [*ev, "negative definite"])
    return Verdict("degenerate: undecided", None, True, method,
                   [*ev, "singular semidefinite Hessian: the second-order test cannot decide"])


def higher_order_1d(sign_of_derivative: Callable[[int], int], *, start: int = 2,
                    max_order: int = MAX_ORDER_1D, describe: Callable[[int], str] | None = None
                    ) -> Verdict:
    """One variable: the first non-vanishing derivative f^(k)(p), k >= start, decides.

    Even k: strict minimum (f^(k) > 0) or maximum (< 0); odd k: no extremum.

    >>> higher_order_1d(lambda k: 1 if k == 4 else 0).label
    'local minimum (strict)'
    """
    for k in range(start, max_order + 1):
        s = sign_of_derivative(k)
        if s == 0:
            continue
        text = describe(k) if describe else f"f^({k})(p) {'>' if s > 0 else '<'} 0"
        ev = [f"first non-vanishing derivative has order {k}: {text}"]
        degenerate = k > 2
        if k % 2:
            return Verdict("no extremum", None, degenerate, "higher-order derivative test",
                           [*ev, "odd order: f - f(p) changes sign at p (inflection)"])
        cls = "local minimum" if s > 0 else "local maximum"
        return Verdict(cls, True, degenerate, "higher-order derivative test", ev)
    return Verdict("degenerate: undecided", None, True, "higher-order derivative test",
                   [f"derivatives of orders {start}..{max_order} all vanish at p"])


def numeric_verdict(eigs: Sequence[arb], method: str) -> Verdict:
    """Verdict from certified eigenvalue enclosures; undecided when one contains 0."""
    if any(e.contains(0) for e in eigs):
        return Verdict("degenerate: undecided", None, None, method,
                       ["an eigenvalue enclosure contains 0: the Hessian may be singular; "
                        "numeric points get no higher-order test"])
    pos = sum(1 for e in eigs if e > 0)
    neg = sum(1 for e in eigs if e < 0)
    return verdict_from_inertia((pos, neg, 0), method=f"certified eigenvalues ({method})")


def enclosure_verdict(eigs: Sequence[arb], how: str) -> Verdict:
    """Class at a stationary point from certified enclosures (sound conclusions only)."""
    base = numeric_verdict(eigs, how)
    if base.cls != "degenerate: undecided":
        return base
    comps = components([(e.lower(), e.upper()) for e in eigs])
    if any(lo > 0 for lo, _, _ in comps) and any(hi < 0 for _, hi, _ in comps):
        return Verdict("saddle", None, None, f"certified eigenvalues ({how})",
                       ["a provably positive and a provably negative eigenvalue: the "
                        "Hessian is indefinite, so F - F(w) takes both signs near w"])
    return base


def sign_verdict(signs: Sequence[int | None], method: str = "eigenvalue signs") -> Verdict:
    """Second-order verdict from the signs of the eigenvalues (None: sign undecided).

    Decided signs give the inertia (:func:`verdict_from_inertia`); with an undecided
    sign, one positive and one negative eigenvalue still prove a saddle.

    >>> sign_verdict([1, -1]).cls, sign_verdict([1, None]).cls
    ('saddle', 'degenerate: undecided')
    """
    if None in signs:
        if 1 in signs and -1 in signs:
            return Verdict("saddle", None, None, method, ["a positive and a negative eigenvalue"])
        return Verdict("degenerate: undecided", None, None, method,
                       ["an eigenvalue of undecided sign"])
    return verdict_from_inertia((signs.count(1), signs.count(-1), signs.count(0)), method=method)


@dataclass
class PointFacts:
    """An exact stationary point: f, its variables, the point, the Hessian there (entries
    in the point's number field) and the Hessian's exact inertia."""

    f: sympy.Expr
    gens: tuple[sympy.Symbol, ...]
    point: AlgebraicPoint
    hessian: list[list]
    inertia: tuple[int, int, int]


def inertia_rule(facts: PointFacts) -> Verdict | None:
    """A nonsingular or indefinite Hessian decides (exact inertia)."""
    verdict = verdict_from_inertia(facts.inertia, method=EXACT_INERTIA)
    return None if verdict.cls == "degenerate: undecided" else verdict


def higher_order_rule(facts: PointFacts) -> Verdict | None:
    """One variable: the first non-vanishing derivative, signs exact in the point's field."""
    if len(facts.gens) != 1:
        return None
    x, point = facts.gens[0], facts.point

    def sign_k(k: int) -> int:
        return point.sign(point.substitute(sympy.Poly(sympy.diff(facts.f, x, k), x,
                                                      domain="QQ")))

    return higher_order_1d(sign_k)


def splitting_rule(facts: PointFacts) -> Verdict | None:
    """Several variables, a rational point: the splitting lemma (:func:`splitting_verdict`)."""
    point = facts.point
    if len(facts.gens) == 1 or not point.is_rational():
        return None
    hmat = sympy.Matrix([[point.element(e) for e in row] for row in facts.hessian])
    return splitting_verdict(facts.f, facts.gens, point.exact_coords(), hmat, facts.inertia)


#: the exact point rules, in order
POINT_RULES: tuple[Callable[[PointFacts], Verdict | None], ...] = (
    inertia_rule, higher_order_rule, splitting_rule)


def classify_point(facts: PointFacts) -> Verdict:
    """The first verdict of :data:`POINT_RULES`, else the undecided second-order verdict."""
    verdict = first_verdict(POINT_RULES, facts)
    if verdict is not None:
        return verdict
    verdict = verdict_from_inertia(facts.inertia, method=EXACT_INERTIA)
    verdict.evidence.append("higher-order test is implemented for rational points only")
    return verdict


def splitting_verdict(f: sympy.Expr, variables: Sequence[sympy.Symbol],
                      point: Sequence[sympy.Rational], hessian: sympy.Matrix,
                      inertia: tuple[int, int, int]) -> Verdict:
    """Decide a degenerate rational stationary point of a polynomial (see module doc)."""
    pos, neg, zero = inertia
    base = [f"Hessian inertia: {pos} positive, {neg} negative, {zero} zero eigenvalue(s)"]
    method = "higher-order terms on the Hessian kernel (splitting lemma)"
    for order in range(4, MAX_ORDER_ND + 1, 2):
        g, m = reduced_function(f, variables, point, hessian, order)
        low = lowest_form(g)
        if low is None:
            continue
        k, form = low
        if k < 3:  # pragma: no cover - impossible at a stationary point with this kernel
            break
        ev = [*base, f"reduced function on the {m}-dimensional kernel starts with the "
              f"order-{k} form {form.as_expr()}"]
        pattern = "indefinite" if k % 2 else form_sign_pattern(form)
        if pattern == "indefinite":
            why = "odd order" if k % 2 else "the form takes both signs"
            cls = "no extremum" if len(variables) == 1 else "saddle"
            return Verdict(cls, None, True, method, [*ev, f"{why}: f - f(p) takes both signs"])
        if pattern == "positive definite":
            if neg == 0:
                return Verdict("local minimum", True, True, method, [*ev, "form positive definite"])
            return Verdict("saddle", None, True, method,
                           [*ev, "rises along the kernel, falls along negative eigenvectors"])
        if pattern == "negative definite":
            if pos == 0:
                return Verdict("local maximum", True, True, method, [*ev, "form negative definite"])
            return Verdict("saddle", None, True, method,
                           [*ev, "falls along the kernel, rises along positive eigenvectors"])
        return Verdict("degenerate: undecided", None, True, method,
                       [*ev, "the lowest-order form is semidefinite with zero directions; "
                        "deciding would need terms beyond it"])
    return Verdict("degenerate: undecided", None, True, method,
                   [*base, f"reduced function on the kernel vanishes up to order {MAX_ORDER_ND}"])


# -- families of stationary points -----------------------------------------------------
def global_sign_verdict(f, variables, fam: ExactFamily) -> Verdict | None:
    """f - v for the family's value v factored into factors of fixed sign, or None.

    If f - v = c * prod(p_j**m_j) with each p_j**m_j >= 0 everywhere, then f >= v
    (c > 0) or f <= v (c < 0) on all of R^n, with equality on the family: every
    point of the family is a non-strict (global) minimum or maximum.
    """
    value = sympy.simplify(f.subs(fam.solution))
    if value.free_symbols & set(variables):
        return None
    found = factor_sign(f - value, variables)
    if found is None:
        return None
    sign, shown = found
    cls = "local minimum" if sign > 0 else "local maximum"
    rel = "≥" if sign > 0 else "≤"
    return Verdict(cls, False, True, "global sign of f - f(family) by factorisation", [
        f"f - ({value}) = {shown}: every factor has a fixed sign",
        f"f {rel} {value} on all of ℝⁿ with equality on the family: non-strict "
        f"(global) {'minimum' if sign > 0 else 'maximum'} at every point"])


@dataclass
class FamilyFacts:
    """A family of the exact solver with f, its variables, its Hessian and the dimension."""

    f: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    hessian: sympy.Matrix
    family: ExactFamily

    @property
    def dimension(self) -> int:
        return len(self.family.free)


def constant_family(facts: FamilyFacts) -> Verdict | None:
    """The gradient vanishes identically: f is constant."""
    if facts.family.solution:
        return None
    return Verdict("constant", None, True, "gradient identically zero",
                   ["f is constant: every point is a non-strict local minimum and maximum"])


def global_sign_family(facts: FamilyFacts) -> Verdict | None:
    """f - f(family) of fixed sign (see :func:`global_sign_verdict`)."""
    return global_sign_verdict(facts.f, facts.variables, facts.family)


def morse_bott_family(facts: FamilyFacts) -> Verdict:
    """Morse-Bott: a Hessian constant along the family whose kernel is the family's
    tangent space gives a non-strict extremum at every point; indefinite: saddles."""
    variables, fam, dim = facts.variables, facts.family, facts.dimension
    hs = facts.hessian.subs(fam.solution)
    method = "Morse-Bott test (Hessian constant along the family)"
    if hs.free_symbols & set(variables):
        return Verdict("degenerate: undecided", None, True, method,
                       ["the Hessian varies along the family; no uniform verdict is derived"])
    lam = sympy.Dummy("lam")
    coeffs = list(reversed(hs.charpoly(lam).all_coeffs()))
    signs = [exact_sign(c) for c in coeffs]
    if None in signs:
        return Verdict("degenerate: undecided", None, True, method, ["undecidable sign"])
    pos, neg, zero = inertia_from_signs(signs)
    ev = [f"Hessian on the family: {pos} positive, {neg} negative, {zero} zero eigenvalue(s)",
          f"family dimension {dim}"]
    smooth = all(e.is_polynomial(*fam.free) for e in fam.solution.values())
    if pos and neg:
        return Verdict("saddle", None, True, method, [*ev, "indefinite Hessian at every point"])
    if zero == dim and smooth:
        cls = "local minimum" if pos or not neg else "local maximum"
        return Verdict(cls, False, True, method, [
            *ev, "kernel = tangent space of the family (Morse-Bott): non-strict extremum "
            "at every point"])
    return Verdict("degenerate: undecided", None, True, method,
                   [*ev, "more zero eigenvalues than the family's dimension"])


#: the family rules, in order (the last always decides)
FAMILY_RULES: tuple[Callable[[FamilyFacts], Verdict | None], ...] = (
    constant_family, global_sign_family, morse_bott_family)


def classify_family(facts: FamilyFacts) -> Verdict:
    """The first verdict of :data:`FAMILY_RULES` (the last rule always decides)."""
    verdict = first_verdict(FAMILY_RULES, facts)
    if verdict is None:  # pragma: no cover
        raise AssertionError("morse_bott_family always decides")
    return verdict


# -- one-variable kinks ----------------------------------------------------------------
def one_sided_verdict(left: int | None, right: int | None) -> Verdict:
    """A 1-D kink in the subdifferential from each side's behaviour (+1 rises, -1 falls,
    0 flat, None undecided): rising on both sides a strict minimum, rising on one and flat
    on the other a non-strict minimum, rising on one and falling on the other no extremum.

    >>> one_sided_verdict(1, 0).label
    'local minimum (non-strict)'
    """
    ev = [f"left side {side_word(left)}, right side {side_word(right)}"]
    method = "one-sided derivatives (subdifferential)"
    if left is None or right is None:
        return Verdict("degenerate: undecided", None, True, method, ev)
    pair = {left, right}
    if pair == {1}:
        return Verdict("local minimum", True, True, method, ev)
    if pair == {-1}:
        return Verdict("local maximum", True, True, method, ev)
    if pair == {1, 0}:
        return Verdict("local minimum", False, True, method, ev)
    if pair == {-1, 0}:
        return Verdict("local maximum", False, True, method, ev)
    if pair == {0}:
        return Verdict("constant", None, True, method, ev)
    return Verdict("no extremum", None, True, method, ev)


def side_word(s: int | None) -> str:
    """How f behaves on one side of a kink, in words."""
    return {1: "rises", -1: "falls", 0: "is flat", None: "is undecided"}[s]
