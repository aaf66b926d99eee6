"""Clarke-stationary points and families of a non-smooth f of several variables.

The method and its soundness are in :mod:`.nonsmooth_multi` (selections,
active gradients, hulls); the classes at kinks are :data:`.kink_rules.KINK_RULES`.
:func:`analyse_nonsmooth_multi` runs in phases on a :class:`Search`:

1. :func:`_piece_phase` -- each polynomial piece by the exact solver: interior
   points (classified like smooth points), kink candidates on region
   boundaries, flat families clipped to their regions;
2. :func:`_kink_phase` -- the square kink systems of m <= n + 1 pieces: isolated
   candidates, and one-parameter kink sets (:class:`Curve`);
3. :func:`_candidate_phase` -- every candidate classified (:func:`.kink_rules.kink_point`),
   non-strict extrema on a curve absorbed into it;
4. the curves merged and reported.

>>> from symgrad.core.parsing import parse_expression, make_symbol
>>> a = analyse_nonsmooth_multi(parse_expression("abs(x) + abs(y)"),
...                             (make_symbol("x"), make_symbol("y")))
>>> [(p.exact, p.verdict.label) for p in a.points]
[((0, 0), 'local minimum (strict)')]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from math import comb

import sympy

from symgrad.analysis.stationary.builders import exact_family, exact_point
from symgrad.analysis.stationary.kink_rules import kink_point
from symgrad.analysis.stationary.model import Analysis, Family, Verdict
from symgrad.analysis.stationary.nonsmooth import interval_text
from symgrad.analysis.stationary.nonsmooth_multi import (
    MAX_SUBSETS,
    Sel,
    active,
    curvature,
    selections,
)
from symgrad.analysis.stationary.signs import expression_sign
from symgrad.analysis.stationary.solve import ExactFamily, exact_eligible, solve_exact
from symgrad.base.errors import SymgradError
from symgrad.core.parsing import as_expr
from symgrad.present.latex import latex

__all__ = ["Curve", "Search", "analyse_nonsmooth_multi"]


@dataclass
class Curve:
    """Stationary points x_k = sub[x_k](t) (x_t = t) for t in ``tset``, all of one class."""

    sub: dict
    t: sympy.Symbol
    tset: sympy.Set
    verdict: Verdict

    def key(self) -> tuple:
        return (tuple(sorted((str(k), str(v)) for k, v in self.sub.items())), str(self.t))

    def at(self, v) -> dict:
        """The point of the curve at t = v."""
        return {**{k: e.subs(self.t, v) for k, e in self.sub.items()}, self.t: v}


@dataclass
class Search:
    """The state of one analysis: the selections, the result so far, the kink candidates
    (exact points, keyed by their coordinates) and the one-parameter curves."""

    f: sympy.Expr
    xs: tuple[sympy.Symbol, ...]
    box: dict | None
    digits: int
    sels: list[Sel]
    curv: int | None
    res: Analysis
    candidates: dict[tuple, dict] = field(default_factory=dict)
    curves: list[Curve] = field(default_factory=list)

    def candidate(self, pt: dict) -> None:
        """Keep a real kink candidate."""
        if all(not as_expr(v).has(sympy.I) for v in pt.values()):
            self.candidates.setdefault(tuple(pt[x] for x in self.xs), pt)


def _family_set(cons_lists, sub, t, strict: bool) -> sympy.Set:
    """{t : some constraint list holds on the family} (> 0 if strict, else >= 0)."""
    out = sympy.S.EmptySet
    for cons in cons_lists:
        part = sympy.S.Reals
        for c in cons:
            e = sympy.expand(c.xreplace(sub))
            part = sympy.Intersection(part, sympy.solveset(e > 0 if strict else e >= 0, t,
                                                           sympy.S.Reals))
        out = sympy.Union(out, part)
    return out


def _points_of(s: sympy.Set):
    """The points of a finite set ([] if empty), None if it is not finite."""
    if s is sympy.S.EmptySet:
        return []
    return list(s) if isinstance(s, sympy.FiniteSet) else None


def _in_box(pt, xs, box) -> bool:
    """Whether an exact point lies in the box (undecidable comparisons keep the point)."""
    return box is None or not any(expression_sign(pt[x] - box[str(x)][0]) == -1
                                  or expression_sign(pt[x] - box[str(x)][1]) == 1 for x in xs)


def _member(v, s: sympy.Set) -> bool:
    """Whether v is provably in s."""
    try:
        return bool(s.contains(v))
    except TypeError:
        return False


def _witness(lists, free) -> dict | None:
    """A rational point (free variables on a small grid) where some list is all > 0."""
    grid = [sympy.Rational(k, 2) for k in (0, 1, -1, 2, -2, 4, -4)]
    for vals in itertools.islice(itertools.product(grid, repeat=len(free)), 2401):
        at = dict(zip(free, vals))
        if any(all(expression_sign(c.xreplace(at)) == 1 for c in cs) for cs in lists):
            return {str(k): str(v) for k, v in at.items()}
    return None


def _merge_curves(curves: list[Curve]) -> list[Curve]:
    """Unite curves on the same parametrisation with the same class; drop undecided parts
    covered by decided ones."""
    groups: dict = {}
    for c in curves:
        groups.setdefault(c.key(), []).append(Curve(c.sub, c.t, c.tset, c.verdict))
    out = []
    for members in groups.values():
        decided: dict[str, Curve] = {}
        undecided = []
        for m in members:
            if m.verdict.cls == "degenerate: undecided":
                undecided.append(m)
            elif m.verdict.cls in decided:
                decided[m.verdict.cls].tset = sympy.Union(decided[m.verdict.cls].tset, m.tset)
            else:
                decided[m.verdict.cls] = m
        out.extend(decided.values())
        if undecided:
            m = undecided[0]
            rest = sympy.Union(*[u.tset for u in undecided])
            if decided:
                rest = sympy.Complement(rest, sympy.Union(*[d.tset for d in decided.values()]))
            if rest is not sympy.S.EmptySet:
                out.append(Curve(m.sub, m.t, rest, m.verdict))
    return out


def _set_text(s: sympy.Set) -> str:
    """A union of intervals as text."""
    if isinstance(s, sympy.Union):
        return " ∪ ".join(_set_text(a) for a in s.args)
    if isinstance(s, sympy.Interval):
        return interval_text(s)
    if s == sympy.S.Reals:
        return "ℝ"
    if isinstance(s, sympy.FiniteSet):
        return "{" + ", ".join(str(a) for a in s.args) + "}"
    return str(s)


def _one_free(s: Search, sub, t, cons_lists, verdict) -> None:
    """A one-parameter flat family of a piece, clipped to its open region; the region's
    boundary points become kink candidates."""
    opened = _family_set(cons_lists, sub, t, True)
    closed = _family_set(cons_lists, sub, t, False)
    edge = sympy.Complement(closed, opened)
    for v in _points_of(edge) or []:
        s.candidate({**{k: e.subs(t, v) for k, e in sub.items()}, t: v})
    if _points_of(edge) is None:
        s.res.notes.append(f"boundary of the set {t} in {closed} not enumerated")
    if opened is not sympy.S.EmptySet:
        s.curves.append(Curve(sub, t, opened, verdict))


def _many_free(s: Search, piece, psels, fam: ExactFamily, verdict) -> None:
    """A flat family of dimension >= 2: reported with its region stated, when the region
    provably has a (rational) point."""
    res = s.res
    sub = dict(fam.solution)
    lists = [[sympy.expand(c.xreplace(sub)) for c in cons] for _, cons in psels]
    eqs = ", ".join(f"{k} = {v}" for k, v in sub.items()) or "every point"
    where = " or ".join("(" + (" and ".join(f"{c} > 0" for c in cs) or "True") + ")"
                        for cs in lists)
    witness = _witness(lists, fam.free)
    if witness is None:
        res.notes.append(f"piece {piece} is stationary on {eqs} where {where}; no "
                         "rational point of this region was found (it may be empty): "
                         "not reported")
        return
    shown = ", ".join(f"{k} = {v}" for k, v in witness.items())
    verdict.evidence.append(f"the region contains e.g. ({shown})")
    res.families.append(Family(f"{eqs} where {where}",
                               tuple(f"{k} = {v}" for k, v in sub.items()),
                               len(fam.free), verdict))
    res.notes.append(f"piece {piece}: family of dimension {len(fam.free)}; its region "
                     "is stated, not simplified")


def _piece_phase(s: Search, piece) -> None:
    """Stationary points and flat families of one polynomial piece, inside its regions."""
    xs, res = s.xs, s.res
    psels = [sel for sel in s.sels if sel[0] == piece]
    ok, reason = exact_eligible(piece, xs)
    if not ok:
        raise SymgradError(f"piece {piece} of the non-smooth expression: no exact path "
                           f"({reason})", hint="use lower-degree pieces")
    sol = solve_exact(piece, xs)
    hess = sympy.hessian(piece, xs)
    for ap in sol.points:
        pt = dict(zip(xs, ap.exact_coords()))
        got = active(psels, pt)
        if got is None:
            res.notes.append(f"stationary point of piece {piece} at {tuple(pt.values())}: "
                             "region membership undecided; not classified")
        elif got[1]:
            if not _in_box(pt, xs, s.box):
                continue
            sp = exact_point(piece, xs, hess, ap, s.digits)
            sp.extra["piece"] = str(piece)
            res.points.append(sp)
        elif got[0]:
            s.candidate(pt)
    for other in sol.other_points:
        res.notes.append(f"stationary point {other} of piece {piece} not classified")
    for fam in sol.families:
        verdict = exact_family(piece, xs, hess, fam).verdict
        verdict.evidence = [f"f = {piece} near every point of the family (open region); "
                            "the statements below are about this piece", *verdict.evidence]
        if len(fam.free) == 1:
            _one_free(s, dict(fam.solution), fam.free[0], [c for _, c in psels], verdict)
        else:
            _many_free(s, piece, psels, fam, verdict)


def _curve_verdict(s: Search, lam_vals, t) -> Verdict:
    """The class of a one-parameter kink set (convexity decides; otherwise undecided)."""
    if any(v.free_symbols - {t} for v in map(sympy.sympify, lam_vals)):
        cls, ev = None, "multipliers not determined along the set"
    elif s.curv in (1, -1):
        cls, ev = ("local minimum" if s.curv == 1 else "local maximum"), (
            "f is convex/concave and 0 is in the hull of active gradients at "
            "every point: a continuum of global extrema (non-strict)")
    else:
        cls, ev = None, ("candidate kink set (0 in the hull of the active gradients "
                         "where the multipliers are ≥ 0); f is not recognised as "
                         "convex or concave: Clarke stationarity and class undecided")
    return (Verdict(cls, False, True, "Clarke subdifferential", [ev]) if cls
            else Verdict("degenerate: undecided", None, True, "Clarke subdifferential", [ev]))


def _kink_curve(s: Search, sub_pieces, sol, t, lam) -> None:
    """A kink set with one free variable t: its points where every piece is active and the
    multipliers are >= 0 (finite: candidates; else a curve and its ends)."""
    xs = s.xs
    sub = {x: sol[x] for x in xs if x != t}
    lam_vals = [sol.get(lk, lk) for lk in lam]
    verdict = _curve_verdict(s, lam_vals, t)
    # every piece active: intersect per piece the union of its regions
    per = [_family_set([c for q, c in s.sels if q == p], sub, t, False) for p in sub_pieces]
    lam_ok = sympy.S.Reals
    if not (verdict.evidence[0].startswith("multipliers")):
        for v in lam_vals:
            lam_ok = sympy.Intersection(lam_ok, sympy.solveset(as_expr(v) >= 0, t,
                                                               sympy.S.Reals))
    curve = Curve(sub, t, sympy.Intersection(*per, lam_ok), verdict)
    if _points_of(curve.tset) is not None:
        for v in curve.tset:
            s.candidate(curve.at(v))
        return
    try:
        ends = _points_of(curve.tset.boundary) or []
    except (NotImplementedError, TypeError):
        ends = []
        s.res.notes.append(f"ends of the kink set {t} in {curve.tset} not enumerated")
    for v in ends:
        s.candidate(curve.at(v))
    s.curves.append(curve)


def _kink_phase(s: Search, pieces) -> None:
    """The kink systems f_s1 = ... = f_sm, sum lam_k grad f_sk = 0, sum lam_k = 1."""
    xs = s.xs
    for m in range(2, len(xs) + 2):
        lam = sympy.symbols(f"lam0:{m}", real=True)
        for sub_pieces in itertools.combinations(pieces, m):
            eqs = [sub_pieces[0] - q for q in sub_pieces[1:]]
            eqs += [sum(lk * sympy.diff(q, x) for lk, q in zip(lam, sub_pieces)) for x in xs]
            try:
                sols = sympy.solve([*eqs, sum(lam) - 1], [*xs, *lam], dict=True)
            except NotImplementedError:
                s.res.notes.append(f"kink system of pieces {sub_pieces} not solved: its "
                                   "stationary points (if any) are missing")
                continue
            for sol in sols:
                free = [x for x in xs if x not in sol or any(
                    as_expr(v).has(x) for v in sol.values())]
                free = list(dict.fromkeys(free))
                if not free:
                    s.candidate({x: sol[x] for x in xs})
                elif len(free) > 1:
                    s.res.notes.append(f"kink set of pieces {sub_pieces} of dimension "
                                       f"{len(free)} not analysed")
                else:
                    _kink_curve(s, sub_pieces, sol, free[0], lam)


def _absorbed(s: Search, pt: dict, v: Verdict) -> bool:
    """Extend every curve of the same class through pt (a non-strict extremum on it)."""
    absorbed = False
    if v.cls in ("local minimum", "local maximum") and v.strict is False:
        for c in s.curves:
            if c.verdict.cls == v.cls and all(
                    expression_sign(e.subs(c.t, pt[c.t]) - pt[k]) == 0
                    for k, e in c.sub.items()) and (
                    _member(pt[c.t], c.tset) or _member(pt[c.t], c.tset.closure)):
                c.tset = sympy.Union(c.tset, sympy.FiniteSet(pt[c.t]))
                absorbed = True
    return absorbed


def _candidate_phase(s: Search) -> None:
    """Classify every kink candidate, in coordinate order."""
    for key in sorted(s.candidates, key=lambda k: [float(v) for v in k]):
        pt = s.candidates[key]
        sp, note = kink_point(s.f, s.sels, pt, s.xs, s.curv, s.digits)
        if note:
            s.res.notes.append(note)
        if sp is None:
            continue
        if _absorbed(s, pt, sp.verdict):
            s.res.notes.append(f"kink {key}: {sp.verdict.label}, part of a family below")
        elif _in_box(pt, s.xs, s.box):
            s.res.points.append(sp)


def _start(f: sympy.Expr, xs, box, digits) -> tuple[Search, list]:
    """The selections, the bound on the kink systems, f's curvature: a fresh search."""
    sels = selections(f, xs)
    pieces = list(dict.fromkeys(p for p, _ in sels))
    n_sub = sum(comb(len(pieces), m) for m in range(2, len(xs) + 2))
    if n_sub > MAX_SUBSETS:
        raise SymgradError(f"too many combinations of non-smooth pieces ({len(pieces)} pieces "
                           f"in {len(xs)} variables: {n_sub} kink systems, at most "
                           f"{MAX_SUBSETS})", hint="use fewer Max/Min/Abs terms or variables")
    curv = curvature(f, xs)
    res = Analysis(f, xs, tuple(sympy.diff(f, x) for x in xs), None,
                   "non-smooth: selections + Clarke subdifferential", digits, box)
    res.notes.append(f"{len(sels)} selections, {len(pieces)} distinct polynomial pieces; f is "
                     + {1: "convex", -1: "concave", 0: "affine"}.get(curv, "not recognised as "
                                                                      "convex or concave"))
    return Search(f, xs, box, digits, sels, curv, res), pieces


def analyse_nonsmooth_multi(f: sympy.Expr, xs, *, box=None, digits: int = 20) -> Analysis:
    """Clarke-stationary points and families of a non-smooth f of several variables.

    See :mod:`.nonsmooth_multi` for the method and its soundness argument.
    """
    s, pieces = _start(f, tuple(xs), box, digits)
    for piece in pieces:
        _piece_phase(s, piece)
    _kink_phase(s, pieces)
    _candidate_phase(s)
    res = s.res
    for c in _merge_curves(s.curves):
        eqs = tuple(f"{k} = {e}" for k, e in c.sub.items())
        desc = ", ".join([*eqs, f"{c.t} in {_set_text(c.tset)}"])
        res.families.append(Family(desc, eqs, 1, c.verdict, latex(c.tset)))
    if box is not None:
        res.notes.append("points outside the box are left out; families are not clipped")
    res.points.sort(key=lambda p: [float(v) for v in p.exact] if p.exact else [])
    return res

