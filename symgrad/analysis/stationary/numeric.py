"""Numeric stationary points: seeded Newton starts, deduplication, Krawczyk certification.

:func:`newton_search` runs Newton's method on grad f = 0 from ``starts``
points drawn uniformly in the box by numpy's PCG64 generator with a fixed
seed (deterministic), first at double-like precision, then polishes each
converged root at ``digits + 20`` digits (mpmath, scoped with ``workdps``).
Roots closer than 1e-8 (relative) are merged.  The search is not exhaustive:
the report says how many starts were used.

:func:`krawczyk` certifies one root: with X = x~ + [-r, r]^q, Y ~ J(x~)^-1,

    K(X) = x~ - Y g(x~) + (I - Y J(X)) (X - x~)

evaluated in arb ball arithmetic; K(X) inside the interior of X proves that X
contains exactly one zero of g (existence and uniqueness), which lies in
K(X) as well.

>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> roots = newton_search([2*x - 1], [[sympy.Integer(2)]], [x], {"x": (-1, 1)}, digits=20)
>>> ok, box = krawczyk([2*x - 1], [[sympy.Integer(2)]], [x], roots[0], digits=20)
>>> ok, box[0].contains(arb(1) / 2)
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import mpmath
import numpy as np
import sympy
from flint import arb, arb_mat, ctx, fmpq

from symgrad.analysis.stationary.evaluate import arb_eval, mp_function
from symgrad.numeric.kernels import KERNELS, functions
from symgrad.numeric.namespaces import ARRAY

__all__ = ["DEFAULT_STARTS", "SEED", "krawczyk", "newton_search"]

SEED = 20240605
DEFAULT_STARTS = 64


def _mpf_to_fmpq(x) -> fmpq:
    if not isinstance(x, mpmath.mpf):
        x = mpmath.mpf(x)
    sign, man, exp, _ = x._mpf_
    man, exp = (-int(man) if sign else int(man)), int(exp)
    return fmpq(man * 2**exp, 1) if exp >= 0 else fmpq(man, 2 ** (-exp))


#: float64 Newton starts (vectorised) for every high-precision start; their
#: converged points seed the mpmath phase, so small basins are not missed
FLOAT_STARTS_FACTOR = 32


def _float_candidates(grad, hess, variables, lo_f, hi_f, n: int, seed: int) -> list[list[float]]:
    """Converged points of a vectorised float64 Newton iteration from ``n`` seeded starts.

    The gradient and Hessian are SymPy expressions from the allow-listed parser;
    ``lambdify`` turns them into numpy functions.  Returns [] when an expression
    has no numpy counterpart (the mpmath phase still runs).
    """
    q = len(variables)
    table = {name: functions(name, ARRAY)[0] for name in KERNELS}  # the activation registry
    try:
        gfun = sympy.lambdify(variables, list(grad), modules=[table, "numpy"])
        hfun = sympy.lambdify(variables, [h for row in hess for h in row],
                              modules=[table, "numpy"])
    except Exception:  # a function numpy cannot evaluate: leave it to mpmath
        return []
    rng = np.random.default_rng(seed + 1)
    lo, hi = np.asarray(lo_f), np.asarray(hi_f)
    x = rng.uniform(lo, hi, size=(n, q))
    span = hi - lo
    def values(fun, pts, k):
        cols = fun(*pts.T)
        return np.stack([np.broadcast_to(np.asarray(v, float), (len(pts),)) for v in cols], 1
                        ).reshape(len(pts), *k)

    alive = np.ones(n, bool)
    with np.errstate(all="ignore"):
        for _ in range(60):
            idx = np.flatnonzero(alive)
            if not len(idx):
                break
            try:
                g = values(gfun, x[idx], (q,))
                h = values(hfun, x[idx], (q, q))
                bad = ~(np.all(np.isfinite(g), 1) & np.all(np.isfinite(h), (1, 2)))
                h[bad], g[bad] = np.eye(q), 0.0
                dx = -(np.linalg.pinv(h) @ g[..., None])[..., 0]  # singular H: least squares
            except (np.linalg.LinAlgError, TypeError, ValueError):
                return []
            x[idx] += dx
            alive[idx[bad]] = False
            inside = np.all((x >= lo - span / 4) & (x <= hi + span / 4), axis=1)
            alive &= inside & np.all(np.isfinite(x), axis=1)
        ok = alive.copy()
        if ok.any():
            g = values(gfun, x[ok], (q,))
            ok[np.flatnonzero(ok)] = np.all(np.isfinite(g), 1) & (np.abs(g).max(axis=1) < 1e-6)
    out: list[list[float]] = []
    for row in x[ok]:
        if not any(np.max(np.abs(row - np.asarray(o))) <= 1e-6 * (1 + np.max(np.abs(row)))
                   for o in out):
            out.append([float(v) for v in row])
    return sorted(out)


def _newton(gf, hf, x, lo, hi, tol, maxit):
    q = len(x)
    for _ in range(maxit):
        g = mpmath.matrix(gf(*x))
        h = hf(*x)
        try:
            dx = mpmath.lu_solve(h, -g)
        except ZeroDivisionError:
            return None
        x = [x[i] + dx[i] for i in range(q)]
        for i in range(q):
            span = hi[i] - lo[i]
            if not (lo[i] - span / 4 <= x[i] <= hi[i] + span / 4):
                return None
        if mpmath.norm(dx) <= tol * (1 + mpmath.norm(mpmath.matrix(x))):
            return x
    return None


def newton_search(grad: Sequence[sympy.Expr], hess: Sequence[Sequence[sympy.Expr]],
                  variables: Sequence[sympy.Symbol], box: dict, *, digits: int,
                  starts: int = DEFAULT_STARTS, seed: int = SEED) -> list[list[mpmath.mpf]]:
    """Approximate stationary points inside ``box`` ({name: (lo, hi)}), sorted."""
    q = len(variables)
    gf = mp_function(list(grad), variables)
    flat = [h for row in hess for h in row]
    hf = mp_function(flat, variables)
    names = [str(v) for v in variables]
    rng = np.random.default_rng(seed)
    lo_f = [float(box[n][0]) for n in names]
    hi_f = [float(box[n][1]) for n in names]
    pts = rng.uniform(lo_f, hi_f, size=(starts, q))
    candidates = _float_candidates(grad, hess, variables, lo_f, hi_f,
                                   starts * FLOAT_STARTS_FACTOR, seed)
    if candidates:
        pts = np.concatenate([np.asarray(candidates, float).reshape(-1, q), pts])
    found: list[list[mpmath.mpf]] = []
    with mpmath.workdps(20):
        lo = [mpmath.mpf(sympy.Rational(box[n][0]).p) / sympy.Rational(box[n][0]).q for n in names]
        hi = [mpmath.mpf(sympy.Rational(box[n][1]).p) / sympy.Rational(box[n][1]).q for n in names]
        for start in pts:
            try:
                x = _newton(gf, _square(hf, q), [mpmath.mpf(float(s)) for s in start], lo, hi,
                            mpmath.mpf(10) ** -12, 60)
            except (ZeroDivisionError, OverflowError, ValueError, TypeError):
                x = None
            if x is None:
                continue
            if any(not (lo[i] <= x[i] <= hi[i]) for i in range(q)):
                continue
            if not any(_close(x, y) for y in found):
                found.append(x)
    polished = []
    with mpmath.workdps(digits + 20):
        for x in found:
            try:
                y = _newton(gf, _square(hf, q), [mpmath.mpf(v) for v in x], lo, hi,
                            mpmath.mpf(10) ** -(digits + 15), 30)
            except (ZeroDivisionError, OverflowError, ValueError, TypeError):
                y = None
            polished.append(y if y is not None else x)
        polished.sort(key=lambda v: [float(c) for c in v])
        return [[+c for c in v] for v in polished]


def _square(hf, q):
    def h(*x):
        flat = hf(*x)
        return mpmath.matrix([[flat[i * q + j] for j in range(q)] for i in range(q)])

    return h


def _close(x, y) -> bool:
    d = max(abs(a - b) for a, b in zip(x, y))
    return d <= 1e-8 * (1 + max(abs(a) for a in x))


def krawczyk(grad: Sequence[sympy.Expr], hess: Sequence[Sequence[sympy.Expr]],
             variables: Sequence[sympy.Symbol], approx: Sequence, *, digits: int
             ) -> tuple[bool, list[arb]]:
    """Certify a unique zero of ``grad`` near ``approx``; returns (certified, enclosure)."""
    q = len(variables)
    bits = int((digits + 30) * 3.33)
    with ctx.workprec(bits):
        mid = [arb(_mpf_to_fmpq(a)) for a in approx]
        env_mid = dict(zip(variables, mid))
        g_mid = [arb_eval(g, env_mid) for g in grad]
        j_mid = arb_mat([[arb_eval(h, env_mid) for h in row] for row in hess])
        try:
            y = arb_mat([[arb(j_mid[i, j].mid()) for j in range(q)] for i in range(q)]).inv()
        except ZeroDivisionError:
            return False, mid
        y = arb_mat([[arb(y[i, j].mid()) for j in range(q)] for i in range(q)])
        scale = max([abs(float(m.mid())) for m in mid] + [1.0])
        for exp10 in (digits + 8, digits // 2 + 4, 8, 4):
            r = arb(fmpq(1, 10**exp10)) * arb(scale)
            box = [m + arb(0, r.upper()) for m in mid]
            env = dict(zip(variables, box))
            j_box = arb_mat([[arb_eval(h, env) for h in row] for row in hess])
            delta = arb_mat([[box[i] - mid[i]] for i in range(q)])
            gm = arb_mat([[v] for v in g_mid])
            eye = arb_mat([[int(i == j) for j in range(q)] for i in range(q)])
            k = arb_mat([[v] for v in mid]) - y * gm + (eye - y * j_box) * delta
            kk = [k[i, 0] for i in range(q)]
            if all(box[i].contains_interior(kk[i]) for i in range(q)):
                return True, kk
    return False, mid
