"""Classification of a stationary point: inertia, eigenvalue enclosures, higher-order tests.

* **Exact inertia.**  For a real symmetric matrix every eigenvalue is real,
  so Descartes' rule of signs is *exact* on its characteristic polynomial: the
  number of sign changes of the coefficients is the number of positive
  eigenvalues, the number of vanishing low-order coefficients the number of
  zero eigenvalues (:func:`inertia_from_signs`).
* **Certified enclosures.**  For numeric points the Hessian is evaluated in
  ball arithmetic over the certified box of the root and its eigenvalues are
  enclosed by ``acb_mat.eig`` (fallback: Gershgorin discs after an
  approximate diagonalisation, also in ball arithmetic).  A class is given
  only when no enclosure contains 0.
* **Beyond the second-order test.**  One variable: the first non-vanishing
  derivative decides (:func:`higher_order_1d`).  Several variables with a
  singular Hessian (rational points of polynomials): the splitting lemma
  reduces f to a function g on the Hessian's kernel (:func:`reduced_function`);
  the lowest-order homogeneous part of g decides when it is odd, definite or
  sign-indefinite; otherwise the answer is "degenerate: undecided".

>>> inertia_from_signs([0, -4, 1])  # lambda**2 - 4*lambda: eigenvalues 0 and 4
(1, 0, 1)
>>> verdict_from_inertia((1, 1, 0)).cls
'saddle'
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import sympy
from flint import acb_mat, arb, arb_mat

from symgrad.analysis.stationary.model import Verdict

__all__ = [
    "eigen_enclosures",
    "form_sign_pattern",
    "higher_order_1d",
    "inertia_from_signs",
    "numeric_verdict",
    "reduced_function",
    "splitting_verdict",
    "verdict_from_inertia",
]

#: highest Taylor order examined by the higher-order tests
MAX_ORDER_1D = 24
MAX_ORDER_ND = 8


def inertia_from_signs(signs: Sequence[int]) -> tuple[int, int, int]:
    """(positive, negative, zero) eigenvalue counts from the signs of c_0..c_n.

    ``signs[k]`` is the sign of the coefficient of lambda**k in
    det(lambda*I - H) for a real symmetric H (all roots real).
    """
    n = len(signs) - 1
    zero = 0
    while zero < n and signs[zero] == 0:
        zero += 1
    seq = [s for s in reversed(signs[zero:]) if s != 0]
    pos = sum(1 for a, b in itertools.pairwise(seq) if a != b)
    return pos, n - zero - pos, zero


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


def _gershgorin(h: arb_mat) -> list[arb]:
    """Gershgorin discs of V^-1 H V (V: approximate eigenvectors, inverse in ball arithmetic)."""
    import numpy as np

    n = h.nrows()
    mids = [[h[i, j].mid() for j in range(n)] for i in range(n)]
    scale = max([abs(float(m)) for row in mids for m in row] + [0.0])
    v = None
    if scale > 0 and np.isfinite(scale):
        with np.errstate(all="ignore"):
            a = np.array([[float(m / scale) for m in row] for row in mids])
            if np.all(np.isfinite(a)):
                _, vecs = np.linalg.eigh(a)
                v = arb_mat([[arb(float(vecs[i, j])) for j in range(n)] for i in range(n)])
    b = h
    if v is not None:
        try:
            b = v.inv() * h * v
        except ZeroDivisionError:  # pragma: no cover - V is numerically orthogonal
            b = h
    out = []
    for i in range(n):
        rad = sum((abs(b[i, j]) for j in range(n) if j != i), arb(0))
        out.append(b[i, i] + arb(0, rad.upper()))
    return out


def eigen_enclosures(h: arb_mat) -> tuple[list[arb], str]:
    """Balls enclosing the (real) eigenvalues of every symmetric matrix inside ``h``."""
    try:
        eig = acb_mat(h).eig(multiple=True, algorithm="rump")
        vals = [e.real for e in eig]
        if all(v.is_finite() for v in vals):
            return sorted(vals, key=lambda v: float(v.mid())), "acb_mat.eig (rump)"
    except (ValueError, ZeroDivisionError):
        pass
    vals = _gershgorin(h)
    return sorted(vals, key=lambda v: float(v.mid())), "Gershgorin discs after diagonalisation"


def numeric_verdict(eigs: Sequence[arb], method: str) -> Verdict:
    """Verdict from certified eigenvalue enclosures; undecided when one contains 0."""
    if any(e.contains(0) for e in eigs):
        return Verdict("degenerate: undecided", None, None, method,
                       ["an eigenvalue enclosure contains 0: the Hessian may be singular; "
                        "numeric points get no higher-order test"])
    pos = sum(1 for e in eigs if e > 0)
    neg = sum(1 for e in eigs if e < 0)
    return verdict_from_inertia((pos, neg, 0), method=f"certified eigenvalues ({method})")


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


def _lowest_form(g: sympy.Poly) -> tuple[int, sympy.Poly] | None:
    by_deg: dict[int, dict] = {}
    for mon, c in g.as_dict().items():
        if c != 0:
            by_deg.setdefault(sum(mon), {})[mon] = c
    if not by_deg:
        return None
    k = min(by_deg)
    return k, sympy.Poly.from_dict(by_deg[k], *g.gens)


def splitting_verdict(f: sympy.Expr, variables: Sequence[sympy.Symbol],
                      point: Sequence[sympy.Rational], hessian: sympy.Matrix,
                      inertia: tuple[int, int, int]) -> Verdict:
    """Decide a degenerate rational stationary point of a polynomial (see module doc)."""
    pos, neg, zero = inertia
    base = [f"Hessian inertia: {pos} positive, {neg} negative, {zero} zero eigenvalue(s)"]
    method = "higher-order terms on the Hessian kernel (splitting lemma)"
    for order in range(4, MAX_ORDER_ND + 1, 2):
        g, m = reduced_function(f, variables, point, hessian, order)
        low = _lowest_form(g)
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
