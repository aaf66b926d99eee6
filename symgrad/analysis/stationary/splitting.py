"""The splitting lemma's tools: reduce f to the Hessian's kernel, and the sign of a form.

At a degenerate rational stationary point p of a polynomial f, coordinates
h = R u + K v (R: basis of the Hessian's range, K: of its kernel) split f;
the reduced function g(v) on the kernel (:func:`reduced_function`) has the
same local behaviour as f - f(p) along the kernel, so its lowest-order
homogeneous part (:func:`lowest_form`) decides when it is odd, definite or
sign-indefinite (:func:`form_sign_pattern`).  The verdict itself is the rule
:func:`symgrad.analysis.stationary.rules.splitting_verdict`.

>>> x, y = sympy.symbols("x y")
>>> form_sign_pattern(sympy.Poly(x**4 + y**4, x, y))
'positive definite'
>>> lowest_form(sympy.Poly(x**3 + x**4, x))[0]
3
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy

__all__ = ["form_sign_pattern", "lowest_form", "reduced_function"]


def form_sign_pattern(form: sympy.Poly) -> str:
    """'positive definite', 'negative definite', 'indefinite' or 'semidefinite/unknown'.

    ``form`` is a nonzero homogeneous polynomial.  Exact for 1 and 2 variables
    (Sturm root isolation); in 3 or more variables only indefiniteness is
    detected (two exact sample values of opposite sign).
    """
    gens = form.gens
    if len(gens) == 1:
        c = form.LC()
        k = form.total_degree()
        if k % 2:
            return "indefinite"
        return "positive definite" if c > 0 else "negative definite"
    signs: set[int] = set()
    zero_dir = False
    if len(gens) == 2:
        a, b = gens
        s = sympy.Dummy("s")
        p = sympy.Poly(form.as_expr().subs({a: s, b: 1}), s)
        at_inf = form.as_expr().subs({a: 1, b: 0})
        signs.add(int(sympy.sign(at_inf)))
        zero_dir = at_inf == 0
        if p.is_zero:
            return "semidefinite/unknown"
        roots = p.intervals()
        if any(mult % 2 for _, mult in roots):  # p changes sign at a root of odd multiplicity
            return "indefinite"
        zero_dir = zero_dir or bool(roots)
        cuts = sorted({iv[0] for (iv, _) in roots} | {iv[1] for (iv, _) in roots})
        samples = [cuts[0] - 1, cuts[-1] + 1] if cuts else [sympy.S.Zero]
        samples += [(u + w) / 2 for u, w in zip(cuts, cuts[1:])]  # noqa: RUF007
        for (lo, hi), _ in roots:  # sample on both sides of every root
            samples += [lo, hi]
        for x in samples:
            v = p.eval(x)
            if v != 0:
                signs.add(1 if v > 0 else -1)
        signs.discard(0)
        if signs == {1, -1}:
            return "indefinite"
        if zero_dir:
            return "semidefinite/unknown"
        return "positive definite" if signs == {1} else "negative definite"

    for vec in itertools.product((-2, -1, 0, 1, 2), repeat=min(len(gens), 4)):
        full = list(vec) + [0] * (len(gens) - len(vec))
        v = form.eval(dict(zip(gens, full)))
        if v != 0:
            signs.add(1 if v > 0 else -1)
        if signs == {1, -1}:
            return "indefinite"
    return "semidefinite/unknown"


def reduced_function(f: sympy.Expr, variables: Sequence[sympy.Symbol],
                     point: Sequence[sympy.Rational], hessian: sympy.Matrix,
                     order: int) -> tuple[sympy.Poly, int]:
    """Splitting lemma: g(v) = min-over-range f, as a Taylor polynomial of degree <= ``order``.

    Coordinates h = R u + K v (R: basis of the Hessian's range, K: of its
    kernel).  u*(v) solves df/du = 0 (implicit function theorem, the Hessian
    on the range is invertible), computed as a truncated power series by a
    simplified Newton iteration; g(v) = f(p + R u*(v) + K v) - f(p).
    Returns (g, kernel dimension).
    """
    kernel = hessian.nullspace()
    rng = hessian.columnspace()
    m, r = len(kernel), len(rng)
    us = sympy.symbols(f"u0:{r}") if r else ()
    vs = sympy.symbols(f"v0:{m}")
    basis = sympy.Matrix.hstack(*rng, *kernel)
    shift = basis * sympy.Matrix(list(us) + list(vs))
    subs = {x: point[i] + shift[i] for i, x in enumerate(variables)}
    f0 = f.subs(dict(zip(variables, point)))
    big = sympy.Poly(sympy.expand(f.subs(subs, simultaneous=True) - f0), *us, *vs)

    def trunc(p: sympy.Poly) -> sympy.Poly:
        return sympy.Poly.from_dict(
            {mon: c for mon, c in p.as_dict().items() if sum(mon[r:]) <= order}
            or {(0,) * (r + m): 0},
            *us, *vs)

    if r:
        grad_u = [big.diff(u) for u in us]
        a_inv = sympy.Matrix(r, r, lambda i, j: big.diff(us[i]).diff(us[j]).eval(
            dict.fromkeys(list(us) + list(vs), 0))).inv()
        ustar = [sympy.Poly(0, *us, *vs) for _ in range(r)]
        for _ in range(order):
            env = {u: ustar[i].as_expr() for i, u in enumerate(us)}
            g = [trunc(sympy.Poly(gu.as_expr().subs(env, simultaneous=True), *us, *vs))
                 for gu in grad_u]
            ustar = [trunc(ustar[i] - sum((a_inv[i, j] * g[j] for j in range(r)),
                                          sympy.Poly(0, *us, *vs))) for i in range(r)]
        env = {u: ustar[i].as_expr() for i, u in enumerate(us)}
        big = trunc(sympy.Poly(big.as_expr().subs(env, simultaneous=True), *us, *vs))
    g = sympy.Poly(trunc(big).as_expr(), *vs)
    return g, m


def lowest_form(g: sympy.Poly) -> tuple[int, sympy.Poly] | None:
    """(degree, form) of the lowest-degree nonzero homogeneous part of g; None if g = 0."""
    by_deg: dict[int, dict] = {}
    for mon, c in g.as_dict().items():
        if c != 0:
            by_deg.setdefault(sum(mon), {})[mon] = c
    if not by_deg:
        return None
    k = min(by_deg)
    return k, sympy.Poly.from_dict(by_deg[k], *g.gens)
