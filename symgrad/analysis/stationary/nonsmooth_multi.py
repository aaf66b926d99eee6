"""Non-smooth functions of several variables (Max, Min, Abs, relu): Clarke stationarity.

Every Max/Min/Abs node (Abs(u) = Max(u, -u), relu(u) = Max(0, u)) is resolved
by *selecting* one argument; a selection s gives a polynomial piece f_s valid
on the closed region R_s = {chosen argument >= the others, at every node}.

* Interior points: the exact solver finds grad f_s = 0; a root strictly inside
  R_s is an ordinary smooth stationary point, classified as usual.  Flat
  families of a piece are clipped to the open region (one free variable).
* Kinks: at p the pieces active there (p in R_s) give the gradients whose
  convex hull contains the Clarke subdifferential; equality holds when each
  piece is *essentially* active (shown by an exact ray into the interior of
  R_s), and for convex/concave f (recognised structurally) every active
  gradient is a subgradient.  0 in the hull (exact Caratheodory test) makes
  p Clarke stationary.  Candidates come from the square systems
  f_s1 = ... = f_sm, sum lam_k grad f_sk = 0, sum lam_k = 1 (m <= n + 1).
* Classes at kinks: convex f => global minimum (concave: maximum), strict
  unless an active piece is constant along a ray staying in its region;
  otherwise a factor-by-factor sign certificate of f - f(p) on every active
  region => minimum/maximum (strictness left open unless a piece is flat);
  otherwise exact rays with f increasing and decreasing => no extremum;
  otherwise "degenerate: undecided".

This module holds the geometry (selections, curvature, hulls, exact rays); the
classes at kinks are the rules of :mod:`.kink_rules`, the driver is
:func:`symgrad.analysis.stationary.clarke.analyse_nonsmooth_multi`.

>>> x, y = sympy.symbols("x y", real=True)
>>> sorted(str(piece) for piece, _ in selections(abs(x) + abs(y), (x, y)))
['-x + y', '-x - y', 'x + y', 'x - y']
>>> ray_sign(x - y, {x: 0, y: 0}, (1, -1), (x, y))
1
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy

from symgrad.analysis.stationary.signs import expression_sign
from symgrad.base.errors import SymgradError
from symgrad.core.parsing import as_expr

__all__ = ["MAX_NODES", "MAX_SELECTIONS", "MAX_SUBSETS", "Sel", "active", "at_point",
           "curvature", "directions", "flat_ray", "nonneg_near", "ray_sign", "selections",
           "zero_in_hull"]

MAX_NODES = 6
MAX_SELECTIONS = 64
MAX_SUBSETS = 400
_KINDS = (sympy.Max, sympy.Min, sympy.Abs)
_T = sympy.Dummy("t")
Sel = tuple[sympy.Expr, tuple[sympy.Expr, ...]]


def _expand(e: sympy.Expr) -> list[Sel]:
    if not e.has(*_KINDS):
        return [(e, ())]
    if isinstance(e, _KINDS):
        args = (e.args[0], -e.args[0]) if isinstance(e, sympy.Abs) else e.args
        sgn = -1 if isinstance(e, sympy.Min) else 1
        out: list[Sel] = []
        for combo in itertools.product(*[_expand(a) for a in args]):
            cons = tuple(c for _, cs in combo for c in cs)
            for i, (pi, _) in enumerate(combo):
                out.append((pi, cons + tuple(sympy.expand(sgn * (pi - pj))
                                             for j, (pj, _) in enumerate(combo) if j != i)))
                if len(out) > MAX_SELECTIONS:
                    raise _too_many()
        return out
    out = []
    for combo in itertools.product(*[_expand(a) for a in e.args]):
        out.append((e.func(*[p for p, _ in combo]), tuple(c for _, cs in combo for c in cs)))
        if len(out) > MAX_SELECTIONS:
            raise _too_many()
    return out


def _too_many() -> SymgradError:
    return SymgradError(f"too many non-smooth pieces (more than {MAX_SELECTIONS} selections "
                        "of Max/Min/Abs arguments)", hint="simplify the expression")


def selections(f: sympy.Expr, variables: Sequence[sympy.Symbol]) -> list[Sel]:
    """(piece, constraints) pairs: f = piece where every constraint is >= 0.

    >>> x, y = sympy.symbols("x y", real=True)
    >>> selections(sympy.Max(x, y), (x, y))
    [(x, (x - y,)), (y, (-x + y,))]
    """
    nodes = sum(1 for n in sympy.preorder_traversal(f) if isinstance(n, _KINDS))
    if nodes > MAX_NODES:
        raise SymgradError(f"too many Max/Min/Abs/relu nodes ({nodes}; at most {MAX_NODES} "
                           "in several variables)", hint="use fewer non-smooth terms")
    out: list[Sel] = []
    for piece, cons in _expand(f):
        piece = sympy.expand(piece)
        kept = []
        for c in dict.fromkeys(cons):
            if c.is_number:
                if c < 0:
                    break
                continue
            kept.append(c)
        else:
            for e in (piece, *kept):
                try:
                    sympy.Poly(e, *variables, domain="QQ")
                except (sympy.PolynomialError, sympy.CoercionFailed, sympy.GeneratorsError):
                    raise SymgradError(
                        "non-smooth expressions in several variables need polynomial pieces "
                        f"with rational coefficients ('{e}' is not one)",
                        hint="use polynomial arguments inside Max/Min/Abs/relu") from None
            out.append((piece, tuple(kept)))
    return out


def curvature(e: sympy.Expr, variables: Sequence[sympy.Symbol]) -> int | None:
    """+1 convex, -1 concave, 0 affine, None not recognised (structural rules only)."""
    if not e.has(*variables):
        return 0
    if isinstance(e, _KINDS):
        cs = [curvature(a, variables) for a in e.args]
        if isinstance(e, sympy.Abs):
            return 1 if cs == [0] else None
        want = 1 if isinstance(e, sympy.Max) else -1
        return want if all(c in (0, want) for c in cs) else None
    if not e.has(*_KINDS):
        try:
            p = sympy.Poly(e, *variables, domain="QQ")
        except (sympy.PolynomialError, sympy.CoercionFailed, sympy.GeneratorsError):
            return None
        if p.total_degree() <= 1:
            return 0
        if p.total_degree() == 2:
            h = sympy.hessian(e, variables)
            if h.is_positive_semidefinite:
                return 1
            if (-h).is_positive_semidefinite:
                return -1
        return None
    if isinstance(e, sympy.Add):
        cs = [curvature(a, variables) for a in e.args]
        if None in cs:
            return None
        if all(c >= 0 for c in cs):
            return max(cs)
        return min(cs) if all(c <= 0 for c in cs) else None
    coeff, rest = e.as_coeff_Mul()
    if isinstance(e, sympy.Mul) and coeff != 1 and coeff.is_Rational:
        c = curvature(rest, variables)
        return None if c is None else c * int(sympy.sign(coeff))
    return None


def zero_in_hull(vectors: Sequence[Sequence[sympy.Expr]]) -> bool | None:
    """Whether 0 lies in the convex hull (exact; Caratheodory subsets), None if undecidable.

    >>> zero_in_hull([(1, 0), (0, 1)]), zero_in_hull([(1, 1), (-1, -1)])
    (False, True)
    """
    vecs = list(dict.fromkeys(tuple(as_expr(c) for c in v)
                              for v in vectors))
    if not vecs:
        return False
    n = len(vecs[0])
    undecided = False
    for m in range(1, min(n + 1, len(vecs)) + 1):
        lam = sympy.symbols(f"lam0:{m}")
        for sub in itertools.combinations(vecs, m):
            mat = sympy.Matrix([[v[i] for v in sub] for i in range(n)] + [[1] * m])
            sol = sympy.linsolve((mat, sympy.Matrix([0] * n + [1])), lam)
            if sol is sympy.S.EmptySet:
                continue
            vals = next(iter(sol))
            if any(as_expr(v).free_symbols for v in vals):
                continue  # affinely dependent: a smaller subset covers it
            signs = [expression_sign(v) for v in vals]
            if None in signs:
                undecided = True
            elif min(signs) >= 0:
                return True
    return None if undecided else False


def at_point(e, pt):
    """``e`` at the point ``pt`` (a dict variable -> value; empty: ``e`` itself)."""
    return e.xreplace(pt) if pt else e


def ray_sign(c, pt, d, xs) -> int | None:
    """Sign of c(p + t*d) for small t > 0 (0: identically zero), exactly."""
    q = sympy.expand(c.xreplace({x: pt[x] + _T * di for x, di in zip(xs, d)}))
    for coeff in reversed(sympy.Poly(q, _T).all_coeffs()):
        s = expression_sign(coeff)
        if s != 0:
            return s
    return 0


def directions(n: int) -> list[tuple[int, ...]]:
    """The exact probe directions in n variables (all of {-1, 0, 1}^n \\ 0 up to n = 3).

    >>> len(directions(2)), directions(1)
    (8, [(1,), (-1,)])
    """
    if n <= 3:
        return [d for d in itertools.product((1, 0, -1), repeat=n) if any(d)]
    out = []
    for i, j in itertools.combinations_with_replacement(range(n), 2):
        for si, sj in itertools.product((1, -1), repeat=2):
            d = [0] * n
            d[i] += si
            d[j] += sj if i != j else 0
            if any(d) and tuple(d) not in out:
                out.append(tuple(d))
    return out


def flat_ray(piece, cons, pt, xs, sgn) -> tuple[int, ...] | bool | None:
    """A ray from p along which the (<= quadratic, sgn-convex) piece is constant inside its
    region: the ray, False when there is none, None when undecided."""
    if sympy.Poly(piece, *xs).total_degree() > 2:
        return None
    g = sympy.Matrix([[at_point(sympy.diff(piece, x), pt) for x in xs]])
    h = sympy.hessian(piece, xs)
    if not (sgn * h).is_positive_semidefinite:
        return None
    basis = sympy.Matrix.vstack(g, h).nullspace()
    if not basis:
        return False
    act = [c for c in cons if expression_sign(at_point(c, pt)) == 0]
    if len(basis) == 1:
        for r in (basis[0], -basis[0]):
            if all((s := ray_sign(c, pt, list(r), xs)) is not None and s >= 0 for c in act):
                return tuple(r)
        return False
    if any(sympy.Poly(c, *xs).total_degree() > 1 for c in act):
        return None
    b = sympy.Matrix.hstack(*basis)
    m = sympy.Matrix([[sympy.diff(c, x) for x in xs] for c in act]) * b if act else None
    if m is None or m.rank() < b.shape[1]:
        return tuple(b * (m.nullspace()[0] if m is not None else sympy.eye(b.shape[1])[:, 0]))
    for rows in itertools.combinations(range(m.rows), b.shape[1] - 1):
        ns = m.extract(list(rows), list(range(m.cols))).nullspace() if rows else [
            sympy.eye(1)]
        if len(ns) != 1:
            continue
        for z in (ns[0], -ns[0]):
            signs = [expression_sign(v) for v in m * z]
            if None in signs:
                return None
            if min(signs) >= 0:
                return tuple(b * z)
    return False


def nonneg_near(e, cons, pt, xs) -> bool:
    """True when e >= 0 on the region {cons >= 0} near p, shown factor by factor: even
    powers, region constraints (up to a rational factor) and factors of fixed sign at p."""
    e = sympy.expand(e)
    if e == 0:
        return True
    coeff, factors = sympy.factor_list(e, *xs)
    sign = int(sympy.sign(coeff))
    for fac, mult in factors:
        if mult % 2 == 0:
            continue
        s0 = expression_sign(at_point(fac, pt))
        if s0 is None:
            return False
        if s0 == 0:
            ratios = [sympy.cancel(fac / c) for c in cons]
            s0 = next((int(sympy.sign(q)) for q in ratios if q.is_Rational and q != 0), None)
            if s0 is None:
                return False
        sign *= s0
    return sign >= 0


def active(sels, pt) -> tuple[list[Sel], bool] | None:
    """Selections whose region contains p, and whether p is interior to one of them."""
    act, interior = [], False
    for piece, cons in sels:
        signs = [expression_sign(at_point(c, pt)) for c in cons]
        if None in signs:
            return None
        if min(signs, default=1) >= 0:
            act.append((piece, cons))
            interior |= min(signs, default=1) > 0
    return act, interior
