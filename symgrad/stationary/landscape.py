"""The deep chain's own landscape: Hessian in all L weights, stationary points, flat regions.

For the seed chain o_1 = w_1, z_i = w_i o_{i-1}, o_i = sigma(z_i), F = o_L, the
gradient g_i = dF/dw and Hessian H_i of each o_i are propagated forward
(second-order forward mode), exactly as the chain rule gives them:

    g(z_i) = w_i g_{i-1} + o_{i-1} e_i,
    H(z_i) = w_i H_{i-1} + e_i g_{i-1}^T + g_{i-1} e_i^T,
    g_i = sigma'(z_i) g(z_i),   H_i = sigma''(z_i) g(z_i) g(z_i)^T + sigma'(z_i) H(z_i),

in arb ball arithmetic (cancellation-free formulas for sigma', sigma''), so
every entry comes with a certified error bound; the precision is raised until
each entry has the requested number of correct digits.  Weights may be balls:
then the enclosures hold on the whole box, which is how
:func:`small_gradient_regions` certifies regions where ||grad F|| < c while F
is far above its infimum and no stationary point lies in the region.

Stationary points (seed form): dF/dw_L = sigma'(z_L) o_{L-1} and
dF/dw_k = o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i) with o_0 = 1, and
sigma' > 0 for sigmoid, tanh and softplus.  Hence for sigmoid and softplus
(o_i > 0 for i >= 2) only L = 2 has one, the origin; for tanh (o_j = 0 iff
some w_i = 0, i <= j) they are the points with at least two zero weights.

>>> from fractions import Fraction
>>> from symgrad.chain import Chain
>>> r = chain_hessian(Chain(2), [Fraction(0), Fraction(0)], digits=10)
>>> r.hessian_text, r.verdict.cls
([['0', '0.2500000000'], ['0.2500000000', '0']], 'saddle')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy
from flint import arb, arb_mat, fmpq

from ..chain import Chain
from ..errors import SymgradError
from .analyse import fmt
from .classify import eigen_enclosures, numeric_verdict
from .evaluate import flint_prec
from .model import Verdict

__all__ = [
    "MAX_HESSIAN_DEPTH",
    "ChainHessian",
    "Region",
    "chain_forward",
    "chain_hessian",
    "chain_infimum",
    "stationary_description",
    "symbolic_hessian",
    "small_gradient_regions",
]

MAX_HESSIAN_DEPTH = 300


def _acts(name: str, z: arb) -> tuple[arb, arb, arb]:
    """sigma, sigma', sigma'' at z without cancellation."""
    if name == "sigmoid":
        e = (-z).exp()
        s = 1 / (1 + e)
        d1 = e / (1 + e) ** 2
        return s, d1, d1 * (-z).expm1() / (1 + e)  # s'' = s'(1 - 2s) = s'(e - 1)/(1 + e)
    if name == "tanh":
        t = z.tanh()
        sech2 = 1 / z.cosh() ** 2
        return t, sech2, -2 * t * sech2
    if name == "softplus":
        e = (-z).exp()
        return z.exp().log1p(), 1 / (1 + e), e / (1 + e) ** 2
    raise SymgradError(f"unknown activation '{name}'")  # pragma: no cover


def chain_forward(chain: Chain, weights: Sequence[arb], *, hessian: bool = True):
    """(F, grad, Hessian or None) as arb / arb_mat, for the seed form."""
    if chain.form != "seed":
        raise SymgradError("the landscape tools support the seed chain form only",
                           hint="drop --form/--bias")
    n = chain.depth
    o = weights[0]
    g = arb_mat(n, 1)
    g[0, 0] = 1
    h = arb_mat(n, n) if hessian else None
    for i in range(1, n):
        w = weights[i]
        gz = g * w
        gz[i, 0] = gz[i, 0] + o
        s, d1, d2 = _acts(chain.activation, w * o)
        if hessian:
            ei = arb_mat(n, 1)
            ei[i, 0] = 1
            outer = ei * g.transpose()
            hz = h * w + outer + outer.transpose()
            h = gz * gz.transpose() * d2 + hz * d1
        g = gz * d1
        o = s
    return o, [g[k, 0] for k in range(n)], h


def _ball(w: Fraction, rad: Fraction = Fraction(0)) -> arb:
    b = arb(fmpq(w.numerator, w.denominator))
    return b if rad == 0 else b + arb(0, arb(fmpq(rad.numerator, rad.denominator)).upper())


def chain_infimum(chain: Chain) -> sympy.Expr:
    """inf F over all weights: the limit of sigma at -oo (derived by SymPy) for L >= 2."""
    if chain.depth == 1:
        return -sympy.oo
    t = sympy.Symbol("t", real=True)
    return sympy.limit(chain.act(t), t, -sympy.oo)


def stationary_description(chain: Chain) -> tuple[str, list[tuple[Fraction, ...]]]:
    """The stationary set (see module doc): a description and its isolated points."""
    n = chain.depth
    if n == 1:
        return "none (F = w1 has gradient 1)", []
    if chain.activation in ("sigmoid", "softplus"):
        if n == 2:
            return "the origin only", [(Fraction(0), Fraction(0))]
        return (f"none: dF/dw{n} = sigma'(z{n})*o{n - 1} and o{n - 1} = sigma(.) > 0", [])
    if n == 2:
        return "the origin only", [(Fraction(0), Fraction(0))]
    return "the points with at least two zero weights (a family)", []


def _is_stationary(chain: Chain, w: Sequence[Fraction]) -> bool:
    desc, pts = stationary_description(chain)
    if chain.activation == "tanh" and chain.depth >= 2:
        return sum(1 for v in w if v == 0) >= 2
    return tuple(w) in pts


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
    stationary: bool
    stationary_set: str
    notes: list[str] = field(default_factory=list)
    symbolic: sympy.Matrix | None = None

    def as_dict(self) -> dict:
        return {
            "depth": self.chain.depth, "activation": self.chain.activation,
            "weights": [str(w) for w in self.weights], "digits": self.digits,
            "F": self.value, "gradient": self.gradient, "gradient_norm": self.grad_norm,
            "hessian": self.hessian_text, "eigenvalue_enclosures": self.eigenvalues,
            "stationary": self.stationary, "stationary_set": self.stationary_set,
            "verdict": self.verdict.as_dict(), "notes": self.notes,
            "hessian_symbolic": None if self.symbolic is None else [
                [str(v) for v in row] for row in self.symbolic.tolist()],
        }


def _accurate(b: arb, digits: int) -> bool:
    return b.is_exact() or (not b.contains(0) and b.rel_accuracy_bits() >= digits * 3.33 + 4)


def chain_hessian(chain: Chain, weights: Sequence[Fraction], *, digits: int = 20,
                  symbolic_max_depth: int = 3) -> ChainHessian:
    """Hessian of F at ``weights`` to ``digits`` correct digits, with its class."""
    n = chain.depth
    if n > MAX_HESSIAN_DEPTH:
        raise SymgradError(f"depth {n} is above the Hessian cap {MAX_HESSIAN_DEPTH}",
                           hint=f"use --depth {MAX_HESSIAN_DEPTH} or less")
    if len(weights) != n:
        raise SymgradError(f"{len(weights)} weights for depth {n}")
    bits = int(digits * 3.33) + 64 + 2 * n
    notes = []
    for _ in range(6):
        with flint_prec(bits):
            f, g, h = chain_forward(chain, [_ball(Fraction(w)) for w in weights])
            entries = [h[i, j] for i in range(n) for j in range(n)] + g + [f]
            if all(_accurate(e, digits) or e.rad() < arb(2) ** (-bits // 2) for e in entries):
                break
        bits *= 2
    with flint_prec(bits):
        stationary = _is_stationary(chain, [Fraction(w) for w in weights])
        norm = sum((v * v for v in g), arb(0)).sqrt()
        eigs, how = eigen_enclosures(h)
        if stationary:
            verdict = numeric_verdict(eigs, how)
        else:
            verdict = Verdict("no extremum", None, False, "gradient",
                              [f"not stationary: ||grad F|| = {norm.str(5)}"])
        res = ChainHessian(
            chain, tuple(Fraction(w) for w in weights), digits, fmt(f, digits),
            [fmt(v, digits) for v in g], fmt(norm, digits),
            [[fmt(h[i, j], digits) for j in range(n)] for i in range(n)],
            [e.str(digits) for e in eigs], verdict, stationary,
            stationary_description(chain)[0], notes)
    if n <= symbolic_max_depth:
        res.symbolic = symbolic_hessian(chain)
    return res


def symbolic_hessian(chain: Chain) -> sympy.Matrix:
    """The symbolic Hessian (Jacobian of the gradient) of the nested expression."""
    expr = chain.nested_expression()
    grad = sympy.Matrix([sympy.diff(expr, w) for w in chain.weights])
    return grad.jacobian(chain.weights)


@dataclass
class Region:
    center: tuple[Fraction, ...]
    halfwidth: Fraction
    grad_norm_upper: str
    gap_lower: str
    qualifies: bool
    stationary_free: bool

    def as_dict(self) -> dict:
        return {"center": [str(c) for c in self.center], "halfwidth": str(self.halfwidth),
                "gradient_norm_upper": self.grad_norm_upper, "F_minus_inf_lower": self.gap_lower,
                "qualifies": self.qualifies, "no_stationary_point": self.stationary_free}


def small_gradient_regions(chain: Chain, c: Fraction, *, far: Fraction = Fraction(1, 10),
                           centers: Sequence[Sequence[Fraction]] | None = None,
                           halfwidth: Fraction = Fraction(1, 10)) -> list[Region]:
    """Boxes (center +/- halfwidth in every weight) checked in ball arithmetic.

    A box *qualifies* when, on the whole box, ||grad F|| < c, F - inf F > far,
    and dF/dw_L excludes 0 (so no stationary point lies in it).
    Default centers: s*(1, ..., 1) for s = 1, 2, 4, ..., 64.
    """
    n = chain.depth
    if c <= 0:
        raise SymgradError("the gradient threshold c must be > 0")
    inf = chain_infimum(chain)
    if centers is None:
        centers = [tuple(Fraction(s) for _ in range(n)) for s in (1, 2, 4, 8, 16, 32, 64)]
    out = []
    with flint_prec(256 + 4 * n):
        for cen in centers:
            f, g, _ = chain_forward(chain, [_ball(Fraction(v), halfwidth) for v in cen],
                                    hessian=False)
            norm = sum((v * v for v in g), arb(0)).sqrt()
            gap = f - (arb(fmpq(int(inf.p), int(inf.q))) if inf.is_Rational else arb("-inf"))
            free = not g[-1].contains(0)
            ok = bool(norm < arb(fmpq(c.numerator, c.denominator))) and bool(
                gap > arb(fmpq(far.numerator, far.denominator))) and free
            out.append(Region(tuple(Fraction(v) for v in cen), halfwidth,
                              norm.upper().str(5, radius=False),
                              gap.lower().str(5, radius=False), ok, free))
    return out
