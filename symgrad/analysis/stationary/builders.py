"""Builders: an exact or numeric stationary point, or a family, with its verdict and text.

Each builder gathers the facts (Hessian, inertia, enclosures) and asks the
rule tables of :mod:`.rules` for the class.

>>> import sympy
>>> from symgrad.analysis.stationary.algebraic import rational_point
>>> x, y = sympy.symbols("x y", real=True)
>>> f = x**2 - y**2
>>> p = exact_point(f, (x, y), sympy.hessian(f, (x, y)), rational_point([0, 0]), 5)
>>> p.coords, p.verdict.cls
(('0', '0'), 'saddle')
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import sympy
from flint import arb_mat, ctx, fmpq, fmpq_poly

from symgrad.analysis.stationary.algebraic import AlgebraicPoint, field_charpoly
from symgrad.analysis.stationary.decimals import enclosure_text, fmt, working_bits
from symgrad.analysis.stationary.evaluate import arb_eval
from symgrad.analysis.stationary.model import Family, StationaryPoint, Verdict
from symgrad.analysis.stationary.numeric import krawczyk, newton_search
from symgrad.analysis.stationary.rules import (
    FamilyFacts,
    PointFacts,
    classify_family,
    classify_point,
    numeric_verdict,
)
from symgrad.analysis.stationary.signs import inertia_from_signs
from symgrad.analysis.stationary.solve import ExactFamily
from symgrad.numeric.eigen_enclosures import eigen_enclosures
from symgrad.present.latex import latex
from symgrad.present.numbers import format_bound

__all__ = ["exact_family", "exact_point", "in_box", "numeric_points", "printed_radius"]


def exact_point(f, variables, hess, point: AlgebraicPoint, digits) -> StationaryPoint:
    """An exact stationary point: exact inertia, then :data:`.rules.POINT_RULES`."""
    gens = tuple(variables)
    bits = working_bits(digits)
    hp = [[point.substitute(sympy.Poly(h, *gens, domain="QQ")) for h in row]
          for row in hess.tolist()]
    coeffs = field_charpoly(point, hp)
    inertia = inertia_from_signs([point.sign(c) for c in coeffs])
    verdict = classify_point(PointFacts(f, gens, point, hp, inertia))
    with ctx.workprec(bits):
        hb = arb_mat([[point.ball(e, bits) for e in row] for row in hp])
        eigs, _ = eigen_enclosures(hb)
    return StationaryPoint(
        kind="exact",
        coords=tuple(fmt(point.ball(c, bits), digits) for c in point.coords),
        exact=point.exact_coords(),
        certified=True,
        radius=None,
        value=fmt(point.ball(point.substitute(sympy.Poly(f, *gens, domain="QQ")), bits), digits),
        verdict=verdict,
        hessian=[[fmt(e, digits) for e in row] for row in hb.tolist()],
        hessian_exact=sympy.Matrix([[point.element(e) for e in row] for row in hp]),
        eigenvalues=[enclosure_text(e, digits) for e in eigs],
        inertia=inertia,
        extra={"charpoly_coefficients": [str(point.element(c)) for c in coeffs]},
    )


def exact_family(f, variables, hess, fam: ExactFamily) -> Family:
    """A family of the exact solver, classified by :data:`.rules.FAMILY_RULES`."""
    free = fam.free
    eqs = tuple(f"{k} = {v}" for k, v in fam.solution.items())
    desc = (", ".join(eqs) if eqs else "every point") + (
        f" (free: {', '.join(map(str, free))})" if free else "")
    tex = ", ".join(f"{latex(k)} = {latex(v)}" for k, v in fam.solution.items())
    verdict = classify_family(FamilyFacts(f, tuple(variables), hess, fam))
    return Family(desc, eqs, len(free), verdict, tex)


def _dyadic(x) -> Fraction:
    """An arf (dyadic) as an exact Fraction."""
    man, exp = (int(t) for t in x.man_exp())
    return Fraction(man) * Fraction(2) ** exp


def printed_radius(enc, coords: Sequence[str]) -> Fraction:
    """The largest distance from a printed coordinate to the far end of its enclosure: the
    root lies within +/- this of the *printed* point (midpoint rounding included)."""
    worst = Fraction(0)
    for e, text in zip(enc, coords, strict=True):
        shown = Fraction(0) if text.startswith("0 ±") else Fraction(Decimal(text))
        worst = max(worst, abs(shown - _dyadic(e.mid())) + _dyadic(e.rad()))
    return worst


def numeric_points(f, variables, grad, hess, box, digits, starts) -> list[StationaryPoint]:
    """Seeded Newton roots in the box, Krawczyk-certified, with enclosure verdicts."""
    h_rows = hess.tolist()
    roots = newton_search(grad, h_rows, variables, box, digits=digits, starts=starts)
    out = []
    bits = working_bits(digits)
    for r in roots:
        ok, enc = krawczyk(grad, h_rows, variables, r, digits=digits)
        with ctx.workprec(bits):
            env = dict(zip(variables, enc))
            hb = arb_mat([[arb_eval(h, env) for h in row] for row in h_rows])
            value = arb_eval(f, env)
            if ok:
                eigs, how = eigen_enclosures(hb)
                verdict = numeric_verdict(eigs, how)
                if len(variables) == 1 and verdict.cls == "degenerate: undecided":
                    verdict.evidence.append("f''(p) enclosure contains 0")
            else:
                eigs = []
                verdict = Verdict("degenerate: undecided", None, None, "none",
                                  ["root not certified (Krawczyk test failed): no verdict"])
            coords = tuple(fmt(e, digits) for e in enc)
            radius = printed_radius(enc, coords) if ok else None
            out.append(StationaryPoint(
                kind="numeric", coords=coords, exact=None,
                certified=ok, radius=None if radius is None else format_bound(radius, "upper", 3),
                value=fmt(value, digits), verdict=verdict,
                hessian=[[fmt(e, digits) for e in row] for row in hb.tolist()],
                eigenvalues=[enclosure_text(e, digits) for e in eigs] or None))
    return out


def in_box(point: AlgebraicPoint, names, box) -> bool:
    """Whether an exact point lies in the closed box (exact comparisons)."""
    for c, n in zip(point.coords, names):
        lo, hi = box[n]
        for bound, want in ((lo, 1), (hi, -1)):
            d = c - fmpq_poly([fmpq(int(bound.p), int(bound.q))])
            if point.sign(d) * want < 0:
                return False
    return True
