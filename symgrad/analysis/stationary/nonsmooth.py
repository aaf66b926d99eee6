"""Non-smooth functions (Max, Min, Abs, relu): subdifferentials at kinks.

Several variables: :func:`analyse_nonsmooth_multi` (selections of the
Max/Min arguments, Clarke subdifferential; helpers in :mod:`.nonsmooth_multi`).
One variable, below:

f is rewritten as a Piecewise function and split into smooth pieces on
intervals.  Inside a piece the smooth theory applies (a piece whose
derivative is identically 0 is a *family*: an interval of stationary points).
At a kink p the one-sided derivatives f'(p-) and f'(p+) are computed exactly;
the (Clarke) subdifferential is the interval between them and p is
stationary iff 0 lies in it.  Each side is then classified by its first
non-vanishing one-sided derivative (or as flat), and the two sides together
decide: rising on both sides is a strict minimum, rising on one and flat on
the other a non-strict minimum, and so on.

The text's f_c(x) = max(0, c*x):

>>> a = analyse_nonsmooth(__import__("symgrad.core.parsing").parsing.parse_expression(
...     "max(0, 1e-90*x)"), __import__("symgrad.core.parsing").parsing.make_symbol("x"))
>>> [(f.description, f.verdict.label) for f in a.families]
[('x in (-oo, 0]', 'local minimum (non-strict)')]
"""

from __future__ import annotations

import itertools

import sympy

from symgrad.analysis.stationary.classify import MAX_ORDER_1D, higher_order_1d
from symgrad.analysis.stationary.evaluate import arb_eval, flint_prec
from symgrad.analysis.stationary.model import Analysis, Family, Piece, StationaryPoint, Verdict
from symgrad.base.errors import SymgradError
from symgrad.core.parsing import as_expr

__all__ = ["analyse_nonsmooth", "analyse_nonsmooth_multi", "side_behaviour"]


def _sign(e: sympy.Expr) -> int | None:
    from symgrad.analysis.stationary.analyse import exact_sign

    return exact_sign(sympy.simplify(e))


def _intervals(s: sympy.Set) -> list[sympy.Interval]:
    if isinstance(s, sympy.Union):
        return [i for a in s.args for i in _intervals(a)]
    if isinstance(s, sympy.Interval):
        return [s]
    if s is sympy.S.EmptySet or isinstance(s, sympy.FiniteSet):
        return []
    raise SymgradError(f"cannot split the domain into intervals: {s}")


def side_behaviour(piece: sympy.Expr, x: sympy.Symbol, p: sympy.Expr, side: int) -> int | None:
    """+1 if f(p + side*h) > f(p) for small h > 0, -1 if <, 0 if the piece is constant.

    None when the first ``MAX_ORDER_1D`` one-sided derivatives vanish.
    """
    d = piece
    for k in range(1, MAX_ORDER_1D + 1):
        d = sympy.diff(d, x)
        if k == 1 and sympy.simplify(d) == 0:
            return 0
        s = _sign(d.subs(x, p))
        if s is None:
            return None
        if s:
            return s if side > 0 or k % 2 == 0 else -s
    return None


def _combine(left: int | None, right: int | None) -> Verdict:
    ev = [f"left side {_word(left)}, right side {_word(right)}"]
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


def _word(s: int | None) -> str:
    return {1: "rises", -1: "falls", 0: "is flat", None: "is undecided"}[s]


def _fmt(e: sympy.Expr, digits: int) -> str:
    from symgrad.analysis.stationary.analyse import fmt

    with flint_prec(int(digits * 3.4) + 40):
        return fmt(arb_eval(e, {}), digits)


def analyse_nonsmooth(f: sympy.Expr, x: sympy.Symbol, *, box=None, digits: int = 20) -> Analysis:
    """Stationary points, flat families and kinks of a non-smooth f(x)."""
    pw = sympy.piecewise_fold(f.rewrite(sympy.Piecewise))
    pairs = pw.as_expr_set_pairs() if isinstance(pw, sympy.Piecewise) else [(pw, sympy.S.Reals)]
    domain = sympy.S.Reals
    if box is not None:
        lo, hi = box[str(x)]
        domain = sympy.Interval(lo, hi)
    pieces: list[tuple[sympy.Interval, sympy.Expr]] = []
    for expr, s in pairs:
        for iv in _intervals(sympy.Intersection(s, domain)):
            if iv.measure != 0:
                pieces.append((iv, expr))
    pieces.sort(key=lambda t: (t[0].start != -sympy.oo, t[0].start))
    res = Analysis(f, (x,), (sympy.diff(f, x),), None,
                   "non-smooth: piecewise split + one-sided derivatives", digits, box)
    flats: list[tuple[sympy.Interval, sympy.Expr]] = []
    for iv, expr in pieces:
        d = sympy.simplify(sympy.diff(expr, x))
        opened = sympy.Interval.open(iv.start, iv.end)
        if d == 0:
            note = "f constant: every interior point is stationary (non-strict min and max)"
            flats.append((iv, expr))
        else:
            crit = sympy.solveset(d, x, opened)
            if crit is sympy.S.EmptySet:
                note = "no stationary point" + (
                    f"; f' = {_fmt(d, min(digits, 15))} everywhere here" if d.is_number else "")
            elif isinstance(crit, sympy.FiniteSet):
                note = f"stationary at {sorted(crit, key=float)}"
                for p in sorted(crit, key=float):
                    res.points.append(_smooth_point(expr, x, p, digits))
            else:
                note = "stationary points not solvable exactly here (not reported)"
                res.notes.append(f"piece {iv}: {note}")
        res.pieces.append(Piece(_interval_text(iv), expr, d, note))
    kinks = sorted({iv.end for iv, _ in pieces if iv.end.is_finite}
                   & {iv.start for iv, _ in pieces if iv.start.is_finite}, key=float)
    merged = [[iv.start, iv.end, True, True, e, None] for iv, e in flats]
    for p in kinks:
        left = next(e for iv, e in pieces if iv.end == p)
        right = next(e for iv, e in pieces if iv.start == p)
        dl = sympy.simplify(sympy.diff(left, x).subs(x, p))
        dr = sympy.simplify(sympy.diff(right, x).subs(x, p))
        if _sign(left.subs(x, p) - right.subs(x, p)) != 0:
            res.notes.append(f"f is discontinuous or undecidable at {p}: not classified")
            continue
        lo_d, hi_d = sorted([dl, dr], key=float)
        stationary = _sign(lo_d) != 1 and _sign(hi_d) != -1
        extra = {"left_derivative": str(dl), "right_derivative": str(dr),
                 "subdifferential": [str(lo_d), str(hi_d)], "stationary": stationary}
        if not stationary:
            res.notes.append(f"kink at x = {p}: subdifferential [{lo_d}, {hi_d}] excludes 0")
            continue
        verdict = _combine(side_behaviour(left, x, p, -1), side_behaviour(right, x, p, 1))
        verdict.evidence.insert(0, f"f'({p}-) = {dl}, f'({p}+) = {dr}: 0 in [{lo_d}, {hi_d}]")
        point = StationaryPoint("kink", (_fmt(p, digits),), (p,), True, None,
                                _fmt(right.subs(x, p), digits), verdict, extra=extra)
        absorbed = False
        if verdict.cls in ("local minimum", "local maximum") and not verdict.strict:
            for m in merged:
                if p in (m[0], m[1]) and m[5] in (None, verdict.cls):
                    m[5] = verdict.cls
                    m[3 if m[1] == p else 2] = False
                    absorbed = True
        if not absorbed:
            res.points.append(point)
        else:
            res.notes.append(f"kink x = {p}: {verdict.label}; {verdict.evidence[0]}")
    for start, end, lopen, ropen, e, cls in merged:
        iv = sympy.Interval(start, end, lopen, ropen)
        if cls is None:
            v = Verdict("constant", None, True, "flat piece (f' = 0)",
                        [f"f = {e} on {iv}: every point is a non-strict minimum and maximum"])
        else:
            v = Verdict(cls, False, True, "flat piece (f' = 0) + one-sided derivatives at its ends",
                        [f"f = {e} on {iv}", "interior points are non-strict minima and maxima; "
                         "the closed end(s) are non-strict "
                         + ("minima" if "min" in cls else "maxima")])
        res.families.append(Family(f"{x} in {_interval_text(iv)}", (f"f = {e}",), 1, v,
                                   sympy.latex(iv)))
    return res


def _interval_text(iv: sympy.Interval) -> str:
    left = "(" if iv.left_open or iv.start == -sympy.oo else "["
    right = ")" if iv.right_open or iv.end == sympy.oo else "]"
    return f"{left}{iv.start}, {iv.end}{right}"


def _smooth_point(expr, x, p, digits) -> StationaryPoint:
    def sign_k(k: int) -> int:
        s = _sign(sympy.diff(expr, x, k).subs(x, p))
        if s is None:
            raise SymgradError(f"cannot decide the sign of a derivative at {p}")
        return s

    verdict = higher_order_1d(sign_k)
    return StationaryPoint("exact", (_fmt(p, digits),), (p,), True, None,
                           _fmt(expr.subs(x, p), digits), verdict)


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
    if s is sympy.S.EmptySet:
        return []
    return list(s) if isinstance(s, sympy.FiniteSet) else None


def _in_box(pt, xs, box) -> bool:
    """Whether an exact point lies in the box (undecidable comparisons keep the point)."""
    return box is None or not any(_sign(pt[x] - box[str(x)][0]) == -1
                                  or _sign(pt[x] - box[str(x)][1]) == 1 for x in xs)


def _member(v, s: sympy.Set) -> bool:
    try:
        return bool(s.contains(v))
    except TypeError:
        return False


def _witness(lists, free) -> dict | None:
    """A rational point (free variables on a small grid) where some list is all > 0."""
    grid = [sympy.Rational(k, 2) for k in (0, 1, -1, 2, -2, 4, -4)]
    for vals in itertools.islice(itertools.product(grid, repeat=len(free)), 2401):
        at = dict(zip(free, vals))
        if any(all(_sign(c.xreplace(at)) == 1 for c in cs) for cs in lists):
            return {str(k): str(v) for k, v in at.items()}
    return None


def _merge_families(fams):
    """Unite families on the same curve with the same class; drop undecided parts covered
    by decided ones."""
    groups: dict = {}
    for sub, t, tset, verdict in fams:
        key = (tuple(sorted((str(k), str(v)) for k, v in sub.items())), str(t))
        groups.setdefault(key, []).append([sub, t, tset, verdict])
    out = []
    for members in groups.values():
        decided: dict[str, list] = {}
        undecided = []
        for m in members:
            if m[3].cls == "degenerate: undecided":
                undecided.append(m)
            elif m[3].cls in decided:
                decided[m[3].cls][2] = sympy.Union(decided[m[3].cls][2], m[2])
            else:
                decided[m[3].cls] = m
        out.extend(decided.values())
        if undecided:
            m = undecided[0]
            rest = sympy.Union(*[u[2] for u in undecided])
            if decided:
                rest = sympy.Complement(rest, sympy.Union(*[d[2] for d in decided.values()]))
            if rest is not sympy.S.EmptySet:
                out.append([m[0], m[1], rest, m[3]])
    return out


def _set_text(s: sympy.Set) -> str:
    if isinstance(s, sympy.Union):
        return " U ".join(_set_text(a) for a in s.args)
    if isinstance(s, sympy.Interval):
        return _interval_text(s)
    return "R" if s == sympy.S.Reals else str(s)


def analyse_nonsmooth_multi(f: sympy.Expr, xs, *, box=None, digits: int = 20) -> Analysis:
    """Clarke-stationary points and families of a non-smooth f of several variables.

    See :mod:`.nonsmooth_multi` for the method and its soundness argument.
    """
    from math import comb

    from symgrad.analysis.stationary.analyse import _exact_point, _family
    from symgrad.analysis.stationary.nonsmooth_multi import (
        MAX_SUBSETS,
        active,
        curvature,
        kink_point,
        selections,
    )
    from symgrad.analysis.stationary.solve import exact_eligible, solve_exact

    xs = tuple(xs)
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
    cands: dict[tuple, dict] = {}
    fams: list[list] = []  # [sub, t, set, verdict, equations text]

    def candidate(pt):
        if all(not as_expr(v).has(sympy.I) for v in pt.values()):
            cands.setdefault(tuple(pt[x] for x in xs), pt)

    def one_free(sub, t, cons_lists, verdict):
        opened = _family_set(cons_lists, sub, t, True)
        closed = _family_set(cons_lists, sub, t, False)
        edge = sympy.Complement(closed, opened)
        for v in _points_of(edge) or []:
            candidate({**{k: e.subs(t, v) for k, e in sub.items()}, t: v})
        if _points_of(edge) is None:
            res.notes.append(f"boundary of the set {t} in {closed} not enumerated")
        if opened is not sympy.S.EmptySet:
            fams.append([sub, t, opened, verdict])

    for piece in pieces:
        psels = [s for s in sels if s[0] == piece]
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
                if not _in_box(pt, xs, box):
                    continue
                sp = _exact_point(piece, xs, hess, ap, digits)
                sp.extra["piece"] = str(piece)
                res.points.append(sp)
            elif got[0]:
                candidate(pt)
        for other in sol.other_points:
            res.notes.append(f"stationary point {other} of piece {piece} not classified")
        for fam in sol.families:
            verdict = _family(piece, xs, hess, fam).verdict
            verdict.evidence = [f"f = {piece} near every point of the family (open region); "
                                "the statements below are about this piece", *verdict.evidence]
            if len(fam.free) == 1:
                one_free(dict(fam.solution), fam.free[0], [c for _, c in psels], verdict)
                continue
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
                continue
            verdict.evidence.append(f"the region contains e.g. {witness}")
            res.families.append(Family(f"{eqs} where {where}",
                                       tuple(f"{k} = {v}" for k, v in sub.items()),
                                       len(fam.free), verdict))
            res.notes.append(f"piece {piece}: family of dimension {len(fam.free)}; its region "
                             "is stated, not simplified")
    for m in range(2, len(xs) + 2):
        lam = sympy.symbols(f"lam0:{m}", real=True)
        for sub_pieces in itertools.combinations(pieces, m):
            eqs = [sub_pieces[0] - q for q in sub_pieces[1:]]
            eqs += [sum(lk * sympy.diff(q, x) for lk, q in zip(lam, sub_pieces)) for x in xs]
            try:
                sols = sympy.solve([*eqs, sum(lam) - 1], [*xs, *lam], dict=True)
            except NotImplementedError:
                res.notes.append(f"kink system of pieces {sub_pieces} not solved: its "
                                 "stationary points (if any) are missing")
                continue
            for sol in sols:
                free = [x for x in xs if x not in sol or any(
                    as_expr(v).has(x) for v in sol.values())]
                free = list(dict.fromkeys(free))
                if not free:
                    candidate({x: sol[x] for x in xs})
                    continue
                if len(free) > 1:
                    res.notes.append(f"kink set of pieces {sub_pieces} of dimension "
                                     f"{len(free)} not analysed")
                    continue
                t = free[0]
                sub = {x: sol[x] for x in xs if x != t}
                lam_vals = [sol.get(lk, lk) for lk in lam]
                if any(v.free_symbols - {t} for v in map(sympy.sympify, lam_vals)):
                    cls, ev = None, "multipliers not determined along the set"
                elif curv in (1, -1):
                    cls, ev = ("local minimum" if curv == 1 else "local maximum"), (
                        "f is convex/concave and 0 is in the hull of active gradients at "
                        "every point: a continuum of global extrema (non-strict)")
                else:
                    cls, ev = None, ("candidate kink set (0 in the hull of the active gradients "
                                     "where the multipliers are >= 0); f is not recognised as "
                                     "convex or concave: Clarke stationarity and class undecided")
                verdict = (Verdict(cls, False, True, "Clarke subdifferential", [ev]) if cls
                           else Verdict("degenerate: undecided", None, True,
                                        "Clarke subdifferential", [ev]))
                # every piece active: intersect per piece the union of its regions
                per = [_family_set([c for q, c in sels if q == p], sub, t, False)
                       for p in sub_pieces]
                lam_ok = sympy.S.Reals
                if not (verdict.evidence[0].startswith("multipliers")):
                    for v in lam_vals:
                        lam_ok = sympy.Intersection(lam_ok, sympy.solveset(
                            as_expr(v) >= 0, t, sympy.S.Reals))
                tset = sympy.Intersection(*per, lam_ok)
                if _points_of(tset) is not None:
                    for v in tset:
                        candidate({**{k: e.subs(t, v) for k, e in sub.items()}, t: v})
                    continue
                try:
                    ends = _points_of(tset.boundary) or []
                except (NotImplementedError, TypeError):
                    ends = []
                    res.notes.append(f"ends of the kink set {t} in {tset} not enumerated")
                for v in ends:
                    candidate({**{k: e.subs(t, v) for k, e in sub.items()}, t: v})
                fams.append([sub, t, tset, verdict])
    for key in sorted(cands, key=lambda k: [float(v) for v in k]):
        pt = cands[key]
        sp, note = kink_point(f, sels, pt, xs, curv, digits)
        if note:
            res.notes.append(note)
        if sp is None:
            continue
        v = sp.verdict
        absorbed = False
        if v.cls in ("local minimum", "local maximum") and v.strict is False:
            for fam in fams:
                sub, t, tset, fv = fam
                if fv.cls == v.cls and all(_sign(e.subs(t, pt[t]) - pt[k]) == 0
                                           for k, e in sub.items()) and (
                        _member(pt[t], tset) or _member(pt[t], tset.closure)):
                    fam[2] = sympy.Union(tset, sympy.FiniteSet(pt[t]))
                    absorbed = True
        if absorbed:
            res.notes.append(f"kink {key}: {v.label}, part of a family below")
        elif _in_box(pt, xs, box):
            res.points.append(sp)
    for sub, t, tset, verdict in _merge_families(fams):
        eqs = tuple(f"{k} = {e}" for k, e in sub.items())
        desc = ", ".join([*eqs, f"{t} in {_set_text(tset)}"])
        res.families.append(Family(desc, eqs, 1, verdict, sympy.latex(tset)))
    if box is not None:
        res.notes.append("points outside the box are left out; families are not clipped")
    res.points.sort(key=lambda p: [float(v) for v in p.exact] if p.exact else [])
    return res
