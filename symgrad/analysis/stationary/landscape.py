"""The deep chain's own landscape: Hessian in all L weights, stationary points, flat regions.

**Hessian (forward over reverse).**  Column j of the Hessian is the derivative
of the gradient in the direction e_j.  The shared recurrence
:func:`symgrad.numeric.recurrence.evaluate_chain` (forward pass + reverse sweep for
grad F) is run once more with dual numbers over Arb balls
(:class:`symgrad.numeric.dual.DualArbOps`): weight j carries the tangent e_j,
and the tangent of ``grad_w[i]`` is d^2F / dw_i dw_j.  Directions are batched
``BLOCK`` at a time (the tangent is an ``arb_mat`` column, so the inner loop
runs in C): O(L^2) work and O(L * BLOCK) working memory besides H, instead
of the O(L^3) of propagating L x L matrices.  The general form (input x, biases, all held fixed)
comes for free from the shared recurrence.  Every entry is a certified ball;
H[i, j] and H[j, i] are intersected (both enclose the same number), and the
precision is raised until every entry of F, grad F and the Hessian has the
requested number of correct digits (entries that stay balls around 0 -- exact
zeros not computed exactly -- are shown with their radius and noted).

**Eigenvalues.**  Up to ``EIG_RUMP_MAX_DEPTH`` by ``acb_mat.eig`` (Rump's
method, :func:`symgrad.analysis.stationary.classify.eigen_enclosures`; it grows like
L^3.6: 0.7 s at L = 50, 6.5 s at 100, 80 s at 200).  Above, by congruence:
V = approximate eigenvectors (numpy ``eigh``), M = V^T H V and V^T V in ball
arithmetic, Gershgorin components of M (a component of k discs holds exactly
k eigenvalues), and Ostrowski's theorem lambda_k(M) = theta_k lambda_k(H) with
theta_k in the Gershgorin hull of V^T V (2 arb matrix products, about 12 s at
L = 1000).  These enclosures have float64 resolution relative to ||H||.  A
class is given only when it is sound: all enclosures away from 0 (inertia), or
one provably positive and one provably negative eigenvalue (indefinite, so a
saddle); otherwise "degenerate: undecided".

**Depth cap and timings** (20 digits, normal:0,1,seed=7, 2-core machine,
whole :func:`chain_hessian` / without eigenvalues): L = 50: 0.15-0.3 s /
0.01 s; L = 200: 0.4-0.8 s / 0.14 s; L = 1000: 11-24 s / 4 s (``symgrad
hessian`` end to end 16 s, 0.7 GB, 29 MB of text).  The Hessian alone is
22x (L = 100) to 54x (L = 300) faster than the old O(L^3) propagation.
``MAX_HESSIAN_DEPTH`` = 1000: the L x L matrix itself (10^6 balls, its text,
the O(L^3) eigenvalue certification) is the limit, not the recurrence.

**Stationary points** (in the weights; x, biases fixed).  dF/dw_k =
o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i) with o_0 = 1 (seed) or x,
and sigma' > 0 for sigmoid, tanh and softplus, so dF/dw_k = 0 iff o_{k-1} = 0
or some w_i = 0 with i > k.  Sigmoid and softplus outputs are > 0, so beyond
the smallest depths there are none; for tanh o_j = 0 iff z_j = 0, decided
exactly for rational z_j (Lindemann: tanh of a nonzero rational is irrational).

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> r = chain_hessian(Chain(2), [Fraction(0), Fraction(0)], digits=10)
>>> r.hessian_text, r.verdict.cls
([['0', '2.500000000e-1'], ['2.500000000e-1', '0']], 'saddle')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy
from flint import arb, arb_mat, fmpq

from symgrad.analysis.stationary.analyse import fmt
from symgrad.analysis.stationary.classify import eigen_enclosures, numeric_verdict
from symgrad.analysis.stationary.evaluate import flint_prec
from symgrad.analysis.stationary.model import Verdict
from symgrad.base.errors import SymgradError
from symgrad.base.output import format_bound
from symgrad.core.chain import Chain
from symgrad.numeric.decimal_text import round_ball
from symgrad.numeric.dual import DualArbOps
from symgrad.numeric.flint_backend import as_ball
from symgrad.numeric.recurrence import evaluate_chain
from symgrad.numeric.weights import MAX_PREACTIVATION_BITS, preactivation_bits

__all__ = [
    "BLOCK",
    "EIG_RUMP_MAX_DEPTH",
    "MAX_HESSIAN_DEPTH",
    "ChainHessian",
    "Region",
    "chain_forward",
    "chain_hessian",
    "chain_infimum",
    "congruence_enclosures",
    "small_gradient_regions",
    "stationary_description",
    "symbolic_hessian",
]

MAX_HESSIAN_DEPTH = 1000
EIG_RUMP_MAX_DEPTH = 60
BLOCK = 64
_MAX_TRIES = 6


def chain_forward(chain: Chain, weights: Sequence, *, hessian: bool = True,
                  biases: Sequence | None = None, x=None):
    """(F, grad in the weights, Hessian in the weights or None) as arb / arb_mat.

    ``weights``, ``biases``, ``x``: Fractions or arb balls (balls give enclosures
    over the whole box).  Works at flint's current precision.
    """
    n = chain.depth
    ops = DualArbOps()
    w = [ops.convert(v) for v in weights]
    if not hessian:
        v = evaluate_chain(chain, w, ops, biases=biases, x=x)
        return as_ball(v.value.val), [as_ball(g.val) for g in v.grad_w], None
    h = arb_mat(n, n)
    for j0 in range(0, n, BLOCK):
        j1 = min(n, j0 + BLOCK)
        seeded = list(w)
        for j in range(j0, j1):
            e = arb_mat(j1 - j0, 1)
            e[j - j0, 0] = 1
            seeded[j] = ops.seed(w[j].val, e)
        v = evaluate_chain(chain, seeded, ops, biases=biases, x=x)
        for i, g in enumerate(v.grad_w):
            if g.tan is not None:
                t = g.tan
                for c in range(j1 - j0):
                    h[i, j0 + c] = t[c, 0]
    for i in range(n):  # both triangles enclose the same symmetric matrix
        for j in range(i):
            b = h[i, j].intersection(h[j, i])
            h[i, j] = b
            h[j, i] = b
    # values stay exact rationals while they are rational (exact zeros exactly 0); balls
    # from here on, an exact 0 as the exact ball 0
    return as_ball(v.value.val), [as_ball(g.val) for g in v.grad_w], h


def _ball(w, rad: Fraction = Fraction(0)) -> arb:
    w = Fraction(w)
    b = arb(fmpq(w.numerator, w.denominator))
    return b if rad == 0 else b + arb(0, arb(fmpq(rad.numerator, rad.denominator)).upper())


def chain_infimum(chain: Chain) -> sympy.Expr:
    """inf F over all weights: the limit of sigma at -oo (derived by SymPy) for L >= 2.

    F = sigma(w_L o_(L-1)) with o_(L-1) != 0 somewhere (o_1 = w_1, and o_j > 0 for
    sigmoid/softplus; tanh(t) != 0 for t != 0), so w_L -> -oo (or +oo) drives F to
    sigma(-oo); sigma is strictly increasing, so F > inf F everywhere: the infimum is
    approached, never attained (sigmoid, softplus: 0; tanh: -1).
    Seed form, L = 1: F = w1, no lower bound.  General form, L = 1: the limit
    holds for an input x != 0.
    """
    if chain.depth == 1 and chain.form == "seed":
        return -sympy.oo
    t = sympy.Symbol("t", real=True)
    return sympy.limit(chain.act(t), t, -sympy.oo)


def stationary_description(chain: Chain) -> tuple[str, list[tuple[Fraction, ...]]]:
    """The stationary set in the weights (see module doc): a description, isolated points."""
    n = chain.depth
    seed = chain.form == "seed"
    if n == 1:
        if seed:
            return "none (F = w1 has gradient 1)", []
        return ("every w1 when x = 0 (dF/dw1 = x*sigma'(z1)); none when x != 0", [])
    if chain.activation in ("sigmoid", "softplus"):
        if n == 2 and seed:
            return "the origin only", [(Fraction(0), Fraction(0))]
        return (f"none: dF/dw{n} = sigma'(z{n})*o{n - 1} and o{n - 1} = sigma(.) > 0", [])
    if seed:
        if n == 2:
            return "the origin only", [(Fraction(0), Fraction(0))]
        return "the points with at least two zero weights (a family)", []
    return ("the points where, for every k, o{k-1} = 0 or some w_i = 0 with i > k "
            "(o_j = 0 iff z_j = 0; a family)", [])


def _stationarity(chain: Chain, w: Sequence[Fraction], b, x, grad: Sequence[arb],
                  outs: Sequence[arb]) -> bool | None:
    """Exact decision whether grad_w F = 0 (None: undecided), see the module doc."""
    n, tanh = chain.depth, chain.activation == "tanh"
    bias = [Fraction(v) for v in b] if b is not None else [Fraction(0)] * n
    # zero-ness of o_0..o_{L-1}: True (= 0), False (!= 0), None; `exact` when rational
    exact: Fraction | None = Fraction(1) if (chain.form == "seed" or x is None) else Fraction(x)
    irrational = False
    zero: list[bool | None] = [exact == 0]
    for i in range(n - 1):
        wi = Fraction(w[i])
        if i == 0 and chain.form == "seed":
            exact, irrational = wi, False
        elif not tanh:  # sigmoid, softplus: o_i > 0
            exact, irrational = None, False
        else:
            z_exact = None
            if exact is not None:
                z_exact = wi * exact + bias[i]
            elif wi == 0:
                z_exact = bias[i]
            if z_exact is not None:  # tanh(q) = 0 iff q = 0, irrational otherwise
                exact, irrational = (Fraction(0), False) if z_exact == 0 else (None, True)
            else:
                known = irrational or (bias[i] == 0 and zero[-1] is False)
                nonzero = known or not outs[i].contains(0)
                exact, irrational = None, False
                zero.append(False if nonzero else None)
                continue
        zero.append(exact == 0 if exact is not None else False)
    later_zero = [False] * n
    for k in range(n - 2, -1, -1):
        later_zero[k] = later_zero[k + 1] or Fraction(w[k + 1]) == 0
    parts = [True if (later_zero[k] or zero[k] is True) else
             (False if zero[k] is False else None) for k in range(n)]
    if all(p is True for p in parts):
        return True
    if any(p is False for p in parts) or any(not g.contains(0) for g in grad):
        return False
    return None


def congruence_enclosures(h: arb_mat) -> tuple[list[arb], str]:
    """Eigenvalue enclosures of the symmetric matrices in ``h`` in O(L^3) arb matrix products.

    Sorted; the k-th ball holds the k-th smallest eigenvalue (see module doc).
    """
    import numpy as np

    n = h.nrows()
    with flint_prec(64):
        mids = [[h[i, j].mid() for j in range(n)] for i in range(n)]
        top = max((abs(e) for row in mids for e in row), key=float)
        top = top.mid() if top != 0 else arb(1)
        man, ex = top.man_exp()
        scale = arb(2) ** -(int(ex) + int(man).bit_length())
        cut = top * arb(2) ** -100
        a = np.array([[float(e * scale) for e in row] for row in mids])
        _, vecs = np.linalg.eigh((a + a.T) / 2)
        v = arb_mat(vecs.tolist())
        vt = v.transpose()
        # entries far below float resolution become 0 +/- |h_ij| (same enclosure, but
        # arb's block matrix product is much faster with a narrow exponent range)
        hr = arb_mat([[arb(0, abs(h[i, j]).upper()) if abs(mids[i][j]) < cut else +h[i, j]
                       for j in range(n)] for i in range(n)])
        del mids
        m = vt * hr * v
        g = vt * v

        def discs(mat):
            out = []
            for i in range(n):
                r = sum((abs(mat[i, j]) for j in range(n) if j != i), arb(0))
                c = mat[i, i]
                out.append(((c - r).lower(), (c + r).upper()))
            return out

        gd = discs(g)
        tlo = min(lo for lo, _ in gd)
        thi = max(hi for _, hi in gd)
        if not tlo > 0:
            return [arb(0, arb("inf"))] * n, "congruence failed (V singular?)"
        theta = tlo.union(thi)
        hull: list[arb] = []
        for lo, hi, k in _components(discs(m)):
            hull += [lo.union(hi)] * k
        return [e / theta for e in hull], "congruence V^T H V, Gershgorin + Ostrowski"


def _components(intervals):
    """Merge overlapping (lo, hi) pairs: (lo, hi, count), sorted."""
    out = []
    for lo, hi in sorted(intervals, key=lambda p: float(p[0].mid())):
        if out and not lo > out[-1][1]:
            plo, phi, k = out[-1]
            out[-1] = (plo, phi if phi > hi else hi, k + 1)
        else:
            out.append((lo, hi, 1))
    return out


def _verdict(eigs: Sequence[arb], how: str) -> Verdict:
    """Class at a stationary point from certified enclosures (sound conclusions only)."""
    base = numeric_verdict(eigs, how)
    if base.cls != "degenerate: undecided":
        return base
    comps = _components([(e.lower(), e.upper()) for e in eigs])
    if any(lo > 0 for lo, _, _ in comps) and any(hi < 0 for _, hi, _ in comps):
        return Verdict("saddle", None, None, f"certified eigenvalues ({how})",
                       ["a provably positive and a provably negative eigenvalue: the "
                        "Hessian is indefinite, so F - F(w) takes both signs near w"])
    return base


def _accurate(b: arb, digits: int) -> bool:
    """The ball is exact, or decides its value correctly rounded to ``digits`` digits."""
    return b.is_exact() or (not b.contains(0) and round_ball(b, digits) is not None)


@dataclass
class ChainHessian:
    chain: Chain
    weights: tuple[Fraction, ...]
    digits: int
    value: str
    gradient: list[str]
    grad_norm: str
    hessian_text: list[list[str]]
    eigenvalues: list[str]
    verdict: Verdict
    stationary: bool | None
    stationary_set: str
    notes: list[str] = field(default_factory=list)
    symbolic: sympy.Matrix | None = None
    biases: tuple[Fraction, ...] | None = None
    x: Fraction | None = None
    eigen_method: str = ""

    def as_dict(self) -> dict:
        from symgrad.numeric.weights import (
            number_text,  # exact at any magnitude (str(10**9999) fails)
        )

        return {
            "depth": self.chain.depth, "activation": self.chain.activation,
            "form": self.chain.form, "bias": self.chain.bias,
            "weights": [number_text(w) for w in self.weights], "digits": self.digits,
            "biases": None if self.biases is None else [number_text(b) for b in self.biases],
            "x": None if self.x is None else number_text(self.x),
            "F": self.value, "gradient": self.gradient, "gradient_norm": self.grad_norm,
            "hessian": self.hessian_text, "eigenvalue_enclosures": self.eigenvalues,
            "eigenvalue_method": self.eigen_method,
            "stationary": self.stationary, "stationary_set": self.stationary_set,
            "verdict": self.verdict.as_dict(), "notes": self.notes,
            "hessian_symbolic": None if self.symbolic is None else [
                [str(v) for v in row] for row in self.symbolic.tolist()],
        }


def _evaluate(chain, weights, biases, x, digits):
    """(bits, F, grad, H) with every entry accurate to ``digits`` where achievable."""
    n = chain.depth
    target = digits * 3.33 + 4
    # z = w*o + b keeps ``target`` bits of *absolute* accuracy (what sigma''(z) ~ e^-|z|
    # needs) only with log2|z| on top: a bound from the inputs, refused beyond a cap
    magnitude = preactivation_bits(weights, biases=biases, x=x, form=chain.form,
                                   activation=chain.activation)
    if magnitude > MAX_PREACTIVATION_BITS:
        raise SymgradError(
            f"the chain's pre-activations reach about 2^{magnitude}, beyond the Hessian's "
            f"limit of 2^{MAX_PREACTIVATION_BITS} (certifying sigma''(z) ~ e^-|z| needs "
            "log2|z| bits of working precision)",
            hint="use smaller weights, biases or input, or a shallower softplus chain")
    bits = int(target) + 32 + 4 * n.bit_length() + magnitude
    for _ in range(_MAX_TRIES):
        with flint_prec(bits):
            f, g, h = chain_forward(chain, weights, biases=biases, x=x)
            entries = [h[i, j] for i in range(n) for j in range(i + 1)] + g + [f]
            bad = [e for e in entries if not _accurate(e, digits)]
            if not bad:
                return bits, f, g, h
            if all(e.contains(0) for e in bad) and bits > 4 * target + 200 + magnitude:
                return bits, f, g, h  # balls around 0 that more precision does not decide
            short = [e for e in bad if not e.contains(0) and e.rel_accuracy_bits() < target]
            losses = [bits - e.rel_accuracy_bits() for e in short]
        if short and len(short) == len(bad):  # only short of digits: raise by the loss
            bits = max(bits + 32, int(target + max(losses)) + 32)
        else:  # a ball around 0, or a value at a rounding boundary: double
            bits *= 2
    return bits, f, g, h


def chain_hessian(chain: Chain, weights: Sequence[Fraction], *, digits: int = 20,
                  symbolic_max_depth: int = 3, biases: Sequence[Fraction] | None = None,
                  x: Fraction | None = None, eigenvalues: bool = True) -> ChainHessian:
    """Hessian of F in the weights at ``weights`` to ``digits`` correct digits, with its class.

    ``biases``/``x``: the general form's fixed parameters.  ``eigenvalues=False``
    skips the O(L^3) enclosures (a stationary point is then left undecided).
    """
    n = chain.depth
    if n > MAX_HESSIAN_DEPTH:
        raise SymgradError(f"depth {n} is above the Hessian cap {MAX_HESSIAN_DEPTH}",
                           hint=f"use --depth {MAX_HESSIAN_DEPTH} or less")
    if len(weights) != n:
        raise SymgradError(f"{len(weights)} weights for depth {n}", hint=f"give {n} weights")
    if not 1 <= digits <= 1000:
        raise SymgradError(f"digits must be in 1..1000, got {digits}")
    w = tuple(Fraction(v) for v in weights)
    b = None if biases is None else tuple(Fraction(v) for v in biases)
    xq = None if x is None else Fraction(x)
    bits, f, g, h = _evaluate(chain, w, b, xq, digits)
    notes = []
    with flint_prec(bits):
        ops = DualArbOps()
        outs = [o.val for o in evaluate_chain(chain, w, ops, biases=b, x=xq).outputs]
        stationary = _stationarity(chain, w, b, xq, g, outs)
        norm = sum((v * v for v in g), arb(0)).sqrt()
        text = [[""] * n for _ in range(n)]
        loose = 0
        for i in range(n):
            for j in range(i + 1):
                text[i][j] = text[j][i] = fmt(h[i, j], digits)
                loose += (1 if i == j else 2) * (not _accurate(h[i, j], digits))
        if loose:
            notes.append(f"{loose} Hessian entries are balls around 0 at {bits} bits (shown "
                         "with their radius): zero to within it, possibly exactly 0")
        if not eigenvalues:
            eigs, how = [], "skipped (eigenvalues=False)"
        elif n <= EIG_RUMP_MAX_DEPTH:
            eigs, how = eigen_enclosures(h)
        else:
            eigs, how = congruence_enclosures(h)
        if stationary and not eigenvalues:
            verdict = Verdict("degenerate: undecided", None, None, "none",
                              ["stationary, but the eigenvalue enclosures were skipped"])
        elif stationary:
            verdict = _verdict(eigs, how)
        elif stationary is None:
            verdict = Verdict("degenerate: undecided", None, None, "gradient",
                              ["stationarity undecided: every gradient enclosure contains 0, "
                               "but exact vanishing is not proven"])
        else:
            verdict = Verdict("not stationary", None, False, "gradient",
                              [f"not stationary: ||grad F|| = {norm.str(5)}"])
        res = ChainHessian(
            chain, w, digits, fmt(f, digits), [fmt(v, digits) for v in g],
            fmt(norm, digits), text, [e.str(digits) for e in eigs], verdict, stationary,
            stationary_description(chain)[0], notes, None, b, xq, how)
    if n <= symbolic_max_depth:
        res.symbolic = symbolic_hessian(chain)
    return res


def symbolic_hessian(chain: Chain) -> sympy.Matrix:
    """The symbolic Hessian in the weights (Jacobian of the gradient) of the nested expression."""
    expr = chain.nested_expression()
    grad = sympy.Matrix([sympy.diff(expr, w) for w in chain.weights])
    return grad.jacobian(chain.weights)


@dataclass
class Region:
    """One box of :func:`small_gradient_regions`.

    ``qualifies``: True when proved on the whole box, False when refuted at its
    centre, None when neither (the enclosures are too wide to decide).
    """

    center: tuple[Fraction, ...]
    halfwidth: Fraction
    grad_norm_upper: str
    gap_lower: str
    qualifies: bool | None
    stationary_free: bool

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "no", None: "undecided"}[self.qualifies]

    def as_dict(self) -> dict:
        return {"center": [str(c) for c in self.center], "halfwidth": str(self.halfwidth),
                "gradient_norm_upper": self.grad_norm_upper, "F_minus_inf_lower": self.gap_lower,
                "qualifies": self.qualifies, "no_stationary_point": self.stationary_free}


def _exact(q: Fraction) -> arb:
    return arb(fmpq(q.numerator, q.denominator))


def small_gradient_regions(chain: Chain, c: Fraction, *, far: Fraction = Fraction(1, 10),
                           centers: Sequence[Sequence[Fraction]] | None = None,
                           halfwidth: Fraction = Fraction(1, 10)) -> list[Region]:
    """Boxes (center +/- halfwidth in every weight) checked in ball arithmetic (seed form).

    A box *qualifies* when, on the whole box, ||grad F|| < c, F - inf F > far,
    and no stationary point lies in it: dF/dw_L = o_(L-1) sigma'(z_L) with
    sigma' > 0, so an enclosure of o_(L-1) (the chain of depth L - 1) that
    excludes 0 proves it (as does an enclosure of dF/dw_L that excludes 0).
    A box that is not proved is refuted when the condition fails at its centre
    (exact weights), else left undecided (``qualifies`` is None).
    Default centers: s*(1, ..., 1) for s = 1, 2, 4, ..., 64.

    ``grad_norm_upper`` / ``gap_lower`` are the ends of the ball enclosures over the
    whole box, printed by :func:`symgrad.base.output.format_bound` (rounded up / down), so
    every point of the box satisfies ||grad F|| <= grad_norm_upper and
    F - inf F >= gap_lower with inf F from :func:`chain_infimum` (a limit, not attained).
    """
    n = chain.depth
    if chain.form != "seed":
        raise SymgradError("the small-gradient boxes support the seed chain form only",
                           hint="drop --form/--bias")
    if c <= 0:
        raise SymgradError("the gradient threshold c must be > 0")
    inf = chain_infimum(chain)
    if centers is None:
        centers = [tuple(Fraction(s) for _ in range(n)) for s in (1, 2, 4, 8, 16, 32, 64)]
    head = Chain(n - 1, activation=chain.activation) if n > 1 else None
    cb, farb = _exact(Fraction(c)), _exact(Fraction(far))
    infb = _exact(Fraction(int(inf.p), int(inf.q))) if inf.is_Rational else None
    out = []
    with flint_prec(256 + 4 * n):
        for cen in centers:
            box = [_ball(Fraction(v), halfwidth) for v in cen]
            f, g, _ = chain_forward(chain, box, hessian=False)
            # an upper bound of ||grad F|| on the box from |g_i| <= |g_i|.upper() (squaring a
            # ball around 0 would give a negative lower end, and its sqrt no number at all)
            norm = sum((abs(v).upper() ** 2 for v in g), arb(0)).upper().sqrt().upper()
            if n == 1:
                free = True  # F = w1: dF/dw1 = 1
            else:
                prev = chain_forward(head, box[:-1], hessian=False)[0]  # o_(L-1) on the box
                free = not prev.contains(0) or not g[-1].contains(0)
            if infb is not None:  # F - inf F on the box, enclosed
                gap = f - infb
                far_enough = bool(gap > farb)
                gap_text = format_bound(gap, "lower", 5)
            else:  # inf F = -oo (seed form, L = 1): F - inf F = +oo everywhere
                far_enough, gap_text = True, "inf"
            ok: bool | None = True if (bool(norm < cb) and far_enough and free) else None
            if ok is None:  # refuted when the condition fails at the centre
                fc, gc, _ = chain_forward(chain, [Fraction(v) for v in cen], hessian=False)
                norm_c = sum((v * v for v in gc), arb(0)).sqrt()
                if bool(norm_c >= cb) or (infb is not None and bool(fc - infb <= farb)) or all(
                        v.is_zero() for v in gc):
                    ok = False
            out.append(Region(tuple(Fraction(v) for v in cen), halfwidth,
                              format_bound(norm, "upper", 5), gap_text, ok, free))
    return out
