"""Non-smooth functions of one variable (Max, Min, Abs, relu): subdifferentials at kinks.

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

>>> a = analyse_nonsmooth(__import__("symgrad.parsing").parsing.parse_expression(
...     "max(0, 1e-90*x)"), __import__("symgrad.parsing").parsing.make_symbol("x"))
>>> [(f.description, f.verdict.label) for f in a.families]
[('x in (-oo, 0]', 'local minimum (non-strict)')]
"""

from __future__ import annotations

import sympy

from ..errors import SymgradError
from .classify import MAX_ORDER_1D, higher_order_1d
from .evaluate import arb_eval, flint_prec
from .model import Analysis, Family, Piece, StationaryPoint, Verdict

__all__ = ["analyse_nonsmooth", "side_behaviour"]


def _sign(e: sympy.Expr) -> int | None:
    from .analyse import exact_sign

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
    from .analyse import fmt

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
