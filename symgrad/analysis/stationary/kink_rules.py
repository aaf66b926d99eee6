"""The rules that classify a Clarke-stationary kink of a function of several variables.

Each rule takes the :class:`KinkFacts` of a kink p (f, the selections active
at p, the point, the variables, f's recognised curvature) and returns a
verdict or None; :data:`KINK_RULES` is tried in order (soundness arguments:
:mod:`.nonsmooth_multi`):

1. :func:`convex_kink` -- convex f: global minimum (concave: maximum), strict
   unless an active piece is constant along a ray staying in its region;
2. :func:`sign_certificate_kink` -- f - f(p) >= 0 (<= 0) on every active region
   near p, shown factor by factor: minimum (maximum);
3. :func:`two_rays_kink` -- exact rays along which f increases and decreases:
   no extremum;
4. :func:`undecided_kink` -- otherwise "degenerate: undecided".

:func:`kink_point` gathers the facts of a candidate (active pieces, 0 in the
hull of their gradients, essential activity) and applies the rules.

>>> x, y = sympy.symbols("x y", real=True)
>>> from symgrad.analysis.stationary.nonsmooth_multi import selections
>>> f = abs(x) - abs(y)
>>> classify_kink(KinkFacts(f, selections(f, (x, y)), {x: 0, y: 0}, (x, y), None)).cls
'no extremum'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy

from symgrad.analysis.stationary.decimals import constant_text
from symgrad.analysis.stationary.model import StationaryPoint, Verdict, first_verdict
from symgrad.analysis.stationary.nonsmooth_multi import (
    Sel,
    active,
    at_point,
    directions,
    flat_ray,
    nonneg_near,
    ray_sign,
    zero_in_hull,
)

__all__ = ["KINK_RULES", "KinkFacts", "classify_kink", "convex_kink", "kink_point",
           "sign_certificate_kink", "two_rays_kink", "undecided_kink"]

METHOD = "Clarke subdifferential at a kink"


@dataclass
class KinkFacts:
    """A Clarke-stationary kink: f, the selections active at ``point``, the variables and
    f's curvature (+1 convex, -1 concave, 0 affine, None not recognised)."""

    f: sympy.Expr
    active: Sequence[Sel]
    point: dict
    variables: tuple[sympy.Symbol, ...]
    curvature: int | None


def convex_kink(k: KinkFacts) -> Verdict | None:
    """Convex (concave) f with 0 in the subdifferential: a global minimum (maximum)."""
    curv, pt, xs = k.curvature, k.point, k.variables
    if curv not in (1, -1):
        return None
    cls = "local minimum" if curv == 1 else "local maximum"
    ev = [f"f is {'convex' if curv == 1 else 'concave'} (Max/Min/Abs of affine/quadratic "
          f"pieces) and 0 is in the subdifferential: global {cls[6:]}"]
    strict = True
    for piece, cons in k.active:
        r = flat_ray(piece, cons, pt, xs, curv)
        if r is None:
            strict = None
            ev.append(f"strictness not decided (piece {piece})")
            break
        if r is not False:
            strict = False
            ev.append(f"f is constant along p + t*{tuple(r)} (piece {piece}): non-strict")
            break
    else:
        ev.append("no active piece is constant along a ray inside its region: strict")
    return Verdict(cls, strict, True, METHOD, ev)


def sign_certificate_kink(k: KinkFacts) -> Verdict | None:
    """f - f(p) of one sign on every active region near p, shown factor by factor."""
    pt, xs, sels = k.point, k.variables, k.active
    f0 = at_point(k.f, pt)
    for sgn, cls in ((1, "local minimum"), (-1, "local maximum")):
        if all(nonneg_near(sgn * (piece - f0), cons, pt, xs) for piece, cons in sels):
            flat = [piece for piece, cons in sels if sympy.expand(piece - f0) == 0 and any(
                all(ray_sign(c, pt, d, xs) == 1 for c in cons) for d in directions(len(xs)))]
            return Verdict(cls, False if flat else None, True, METHOD, [
                f"on every active region, f - f(p) factors into squares, region constraints "
                f"and factors of fixed sign at p: {'≥' if sgn == 1 else '≤'} 0 near p",
                f"f = f(p) on a region entering p (piece {flat[0]}): non-strict" if flat
                else "strictness not decided"])
    return None


def two_rays_kink(k: KinkFacts) -> Verdict | None:
    """Exact rays from p along which f rises and falls: no extremum."""
    pt, xs = k.point, k.variables
    seen: dict[int, tuple[int, ...]] = {}
    for d in directions(len(xs)):
        for piece, cons in k.active:
            if all((s := ray_sign(c, pt, d, xs)) is not None and s >= 0 for c in cons):
                s = ray_sign(piece - at_point(piece, pt), pt, d, xs)
                if s is not None:
                    seen.setdefault(s, d)
                break
    if 1 in seen and -1 in seen:
        return Verdict("no extremum", None, True, METHOD, [
            f"f(p + t*{seen[1]}) > f(p) and f(p + t*{seen[-1]}) < f(p) for small t > 0"])
    return None


def undecided_kink(k: KinkFacts) -> Verdict:
    """No rule decides: said, not guessed."""
    return Verdict("degenerate: undecided", None, True, METHOD, [
        "f is not recognised as convex or concave and the probed exact rays do not show "
        "both increase and decrease"])


#: the kink rules, in order (the last always decides)
KINK_RULES: tuple[Callable[[KinkFacts], Verdict | None], ...] = (
    convex_kink, sign_certificate_kink, two_rays_kink, undecided_kink)


def classify_kink(facts: KinkFacts) -> Verdict:
    """The first verdict of :data:`KINK_RULES` (the last rule always decides)."""
    verdict = first_verdict(KINK_RULES, facts)
    if verdict is None:  # pragma: no cover
        raise AssertionError("undecided_kink always decides")
    return verdict


def kink_point(f, sels, pt, xs, curv, digits) -> tuple[StationaryPoint | None, str | None]:
    """A kink candidate classified: (the point, None), or (None, why it is not reported)."""
    where = "(" + ", ".join(str(pt[x]) for x in xs) + ")"
    got = active(sels, pt)
    if got is None:
        return None, f"kink candidate {where}: a sign could not be decided; not classified"
    act, interior = got
    if interior or not act:
        return None, None
    grads = {p: tuple(sympy.expand(at_point(sympy.diff(p, x), pt)) for x in xs) for p, _ in act}
    inside = zero_in_hull(list(grads.values()))
    if inside is None:
        return None, f"kink {where}: membership of 0 in the gradient hull undecided"
    if not inside:
        return None, f"kink {where}: 0 is not in the hull of the active gradients"
    if curv not in (1, -1):
        ess = [p for p, cons in act if any(
            all(ray_sign(c, pt, d, xs) == 1 for c in cons) for d in directions(len(xs)))]
        if not zero_in_hull([grads[p] for p in dict.fromkeys(ess)]):
            return None, (f"kink {where}: 0 is in the active hull but essential activity of "
                          "the pieces was not shown: Clarke stationarity undecided")
    verdict = classify_kink(KinkFacts(f, act, pt, xs, curv))
    verdict.evidence.insert(0, "active gradients " + ", ".join(
        str(g) for g in dict.fromkeys(grads.values())) + ": 0 in their convex hull")
    extra = {"active_pieces": [str(p) for p in grads], "clarke_stationary": True,
             "active_gradients": [[str(c) for c in g] for g in grads.values()]}
    return StationaryPoint("kink", tuple(constant_text(pt[x], digits) for x in xs),
                           tuple(pt[x] for x in xs), True, None,
                           constant_text(at_point(f, pt), digits), verdict, extra=extra), None
