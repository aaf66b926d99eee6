"""Non-smooth functions of one variable (Max, Min, Abs, relu): subdifferentials at kinks.

(Several variables: :mod:`.clarke`.)  f is rewritten as a Piecewise function
and split into smooth pieces on intervals.  Inside a piece the smooth theory
applies (a piece whose derivative is identically 0 is a *family*: an interval
of stationary points).  At a kink p the one-sided derivatives f'(p-) and
f'(p+) are computed exactly; the (Clarke) subdifferential is the interval
between them and p is stationary iff 0 lies in it.  Each side is then
classified by its first non-vanishing one-sided derivative (or as flat), and
the two sides together decide (:func:`symgrad.analysis.stationary.rules.one_sided_verdict`):
rising on both sides is a strict minimum, rising on one and flat on the other
a non-strict minimum, and so on.

The text's f_c(x) = max(0, c*x):

>>> from symgrad.core.parsing import make_symbol, parse_expression
>>> a = analyse_nonsmooth(parse_expression("max(0, 1e-90*x)"), make_symbol("x"))
>>> [(f.description, f.verdict.label) for f in a.families]
[('x in (-∞, 0]', 'local minimum (non-strict)')]
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from symgrad.analysis.stationary.decimals import constant_text
from symgrad.analysis.stationary.model import Analysis, Family, Piece, StationaryPoint, Verdict
from symgrad.analysis.stationary.rules import MAX_ORDER_1D, higher_order_1d, one_sided_verdict
from symgrad.analysis.stationary.signs import simplified_sign
from symgrad.base.errors import SymgradError
from symgrad.present.latex import latex

__all__ = ["FlatRun", "analyse_nonsmooth", "interval_text", "side_behaviour"]


def _intervals(s: sympy.Set) -> list[sympy.Interval]:
    """The intervals of a union of intervals (points dropped)."""
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
        s = simplified_sign(d.subs(x, p))
        if s is None:
            return None
        if s:
            return s if side > 0 or k % 2 == 0 else -s
    return None


def _smooth_pieces(f: sympy.Expr, x: sympy.Symbol,
                   box) -> list[tuple[sympy.Interval, sympy.Expr]]:
    """(interval, expression) of every smooth piece of f with positive length, sorted."""
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
    return pieces


@dataclass
class FlatRun:
    """A flat piece (f' = 0) and its closed ends; ``cls`` is set when a kink at an end
    extends its non-strict extremum to that end."""

    start: sympy.Expr
    end: sympy.Expr
    left_open: bool
    right_open: bool
    expression: sympy.Expr
    cls: str | None = None


def _interior(res: Analysis, x, pieces, digits) -> list[FlatRun]:
    """Stationary points inside each piece (added to ``res``); the flat pieces returned."""
    flats: list[FlatRun] = []
    for iv, expr in pieces:
        d = sympy.simplify(sympy.diff(expr, x))
        opened = sympy.Interval.open(iv.start, iv.end)
        if d == 0:
            note = "f constant: every interior point is stationary (non-strict min and max)"
            flats.append(FlatRun(iv.start, iv.end, True, True, expr))
        else:
            crit = sympy.solveset(d, x, opened)
            if crit is sympy.S.EmptySet:
                note = "no stationary point" + (
                    f"; f' = {constant_text(d, min(digits, 15))} everywhere here"
                    if d.is_number else "")
            elif isinstance(crit, sympy.FiniteSet):
                note = "stationary at " + ", ".join(f"{x} = {p}" for p in sorted(crit, key=float))
                for p in sorted(crit, key=float):
                    res.points.append(_smooth_point(expr, x, p, digits))
            else:
                note = "stationary points not solvable exactly here (not reported)"
                res.notes.append(f"piece {interval_text(iv)}: {note}")
        res.pieces.append(Piece(interval_text(iv), expr, d, note))
    return flats


def _kink(res: Analysis, x, p, pieces, flats: list[FlatRun], digits) -> None:
    """Classify the kink at p (a point, or an end absorbed into a flat run, or a note)."""
    left = next(e for iv, e in pieces if iv.end == p)
    right = next(e for iv, e in pieces if iv.start == p)
    dl = sympy.simplify(sympy.diff(left, x).subs(x, p))
    dr = sympy.simplify(sympy.diff(right, x).subs(x, p))
    if simplified_sign(left.subs(x, p) - right.subs(x, p)) != 0:
        res.notes.append(f"f is discontinuous or undecidable at {p}: not classified")
        return
    lo_d, hi_d = sorted([dl, dr], key=float)
    stationary = simplified_sign(lo_d) != 1 and simplified_sign(hi_d) != -1
    extra = {"left_derivative": str(dl), "right_derivative": str(dr),
             "subdifferential": [str(lo_d), str(hi_d)], "stationary": stationary}
    if not stationary:
        res.notes.append(f"kink at x = {p}: subdifferential [{lo_d}, {hi_d}] excludes 0")
        return
    verdict = one_sided_verdict(side_behaviour(left, x, p, -1), side_behaviour(right, x, p, 1))
    verdict.evidence.insert(0, f"f'({p}-) = {dl}, f'({p}+) = {dr}: 0 in [{lo_d}, {hi_d}]")
    point = StationaryPoint("kink", (constant_text(p, digits),), (p,), True, None,
                            constant_text(right.subs(x, p), digits), verdict, extra=extra)
    absorbed = False
    if verdict.cls in ("local minimum", "local maximum") and not verdict.strict:
        for m in flats:
            if p in (m.start, m.end) and m.cls in (None, verdict.cls):
                m.cls = verdict.cls
                if m.end == p:
                    m.right_open = False
                else:
                    m.left_open = False
                absorbed = True
    if not absorbed:
        res.points.append(point)
    else:
        res.notes.append(f"kink x = {p}: {verdict.label}; {verdict.evidence[0]}")


def _flat_family(x, m: FlatRun) -> Family:
    """The family of a flat run: constant, or a non-strict extremum up to its closed ends."""
    iv = sympy.Interval(m.start, m.end, m.left_open, m.right_open)
    e, cls = m.expression, m.cls
    where = interval_text(iv)
    if cls is None:
        v = Verdict("constant", None, True, "flat piece (f' = 0)",
                    [f"f = {e} on {where}: every point is a non-strict minimum and maximum"])
    else:
        v = Verdict(cls, False, True, "flat piece (f' = 0) + one-sided derivatives at its ends",
                    [f"f = {e} on {where}", "interior points are non-strict minima and maxima; "
                     "the closed end(s) are non-strict "
                     + ("minima" if "min" in cls else "maxima")])
    return Family(f"{x} in {where}", (f"f = {e}",), 1, v, latex(iv))


def analyse_nonsmooth(f: sympy.Expr, x: sympy.Symbol, *, box=None, digits: int = 20) -> Analysis:
    """Stationary points, flat families and kinks of a non-smooth f(x)."""
    pieces = _smooth_pieces(f, x, box)
    res = Analysis(f, (x,), (sympy.diff(f, x),), None,
                   "non-smooth: piecewise split + one-sided derivatives", digits, box)
    flats = _interior(res, x, pieces, digits)
    kinks = sorted({iv.end for iv, _ in pieces if iv.end.is_finite}
                   & {iv.start for iv, _ in pieces if iv.start.is_finite}, key=float)
    for p in kinks:
        _kink(res, x, p, pieces, flats, digits)
    res.families.extend(_flat_family(x, m) for m in flats)
    return res


def interval_text(iv: sympy.Interval) -> str:
    """An interval as text in mathematical notation, open at infinite ends.

    >>> interval_text(sympy.Interval(0, sympy.oo)), interval_text(sympy.Interval(-sympy.oo, 0))
    ('[0, ∞)', '(-∞, 0]')
    """
    left = "(" if iv.left_open or iv.start == -sympy.oo else "["
    right = ")" if iv.right_open or iv.end == sympy.oo else "]"
    return f"{left}{_end_text(iv.start)}, {_end_text(iv.end)}{right}"


def _end_text(end) -> str:
    """An interval end: ``∞`` / ``-∞`` for SymPy's ``oo`` / ``-oo``, else its text."""
    if end == sympy.oo:
        return "∞"
    if end == -sympy.oo:
        return "-∞"
    return str(end)


def _smooth_point(expr, x, p, digits) -> StationaryPoint:
    def sign_k(k: int) -> int:
        s = simplified_sign(sympy.diff(expr, x, k).subs(x, p))
        if s is None:
            raise SymgradError(f"cannot decide the sign of a derivative at {p}")
        return s

    verdict = higher_order_1d(sign_k)
    return StationaryPoint("exact", (constant_text(p, digits),), (p,), True, None,
                           constant_text(expr.subs(x, p), digits), verdict)
