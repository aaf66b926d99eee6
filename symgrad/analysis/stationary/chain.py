"""The chain's landscape in its weights, in closed form: stationary set, infimum, and
boxes where the gradient is small far from the infimum.

**Stationary points** (in the weights; x, biases fixed).  dF/dw_k =
o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i) with o_0 = 1 (seed) or x,
and sigma' > 0 for sigmoid, tanh and softplus, so dF/dw_k = 0 iff o_{k-1} = 0
or some w_i = 0 with i > k.  Sigmoid and softplus outputs are > 0, so beyond
the smallest depths there are none; for tanh o_j = 0 iff z_j = 0, decided
exactly for rational z_j (Lindemann: tanh of a nonzero rational is irrational).

>>> from symgrad.core.chain import Chain
>>> stationary_description(Chain(2))
('the origin only', [(Fraction(0, 1), Fraction(0, 1))])
>>> chain_infimum(Chain(3, activation="tanh"))
-1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy
from flint import arb, ctx, fmpq

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.hessian import chain_forward, fraction_ball
from symgrad.present.numbers import format_bound

__all__ = ["Region", "chain_infimum", "small_gradient_regions", "stationary_description"]


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
    whole box, printed by :func:`symgrad.present.numbers.format_bound` (rounded up / down), so
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
    with ctx.workprec(256 + 4 * n):
        for cen in centers:
            box = [fraction_ball(Fraction(v), halfwidth) for v in cen]
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
