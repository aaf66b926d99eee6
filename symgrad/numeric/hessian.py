"""The deep chain's value, gradient and Hessian in all L weights, in dual numbers over arb.

**Forward over reverse.**  Column j of the Hessian is the derivative of the
gradient in the direction e_j.  The shared recurrence
:func:`symgrad.numeric.recurrence.evaluate_chain` (forward pass + reverse
sweep for grad F) is run once more with dual numbers over Arb balls
(:class:`symgrad.numeric.dual.DualArbOps`): weight j carries the tangent e_j,
and the tangent of ``grad_w[i]`` is d^2F / dw_i dw_j.  Directions are batched
``BLOCK`` at a time (the tangent is an ``arb_mat`` column, so the inner loop
runs in C): O(L^2) work and O(L * BLOCK) working memory besides H.  The
general form (input x, biases, all held fixed) comes for free from the shared
recurrence.  Every entry is a certified ball; H[i, j] and H[j, i] are
intersected (both enclose the same number).

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> f, g, h = chain_forward(Chain(2), [Fraction(0), Fraction(0)])
>>> h[0, 1].contains(fraction_ball(Fraction(1, 4))), g[0].is_zero()
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from flint import arb, arb_mat, fmpq

from symgrad.core.chain import Chain
from symgrad.numeric.dual import DualArbOps
from symgrad.numeric.flint_backend import as_ball
from symgrad.numeric.recurrence import evaluate_chain

__all__ = ["BLOCK", "chain_forward", "fraction_ball"]

#: tangent directions propagated together (one arb_mat column each)
BLOCK = 64


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


def fraction_ball(w, rad: Fraction = Fraction(0)) -> arb:
    """The exact rational ``w`` as a ball, widened by ``rad`` (rounded up) when rad > 0."""
    w = Fraction(w)
    b = arb(fmpq(w.numerator, w.denominator))
    return b if rad == 0 else b + arb(0, arb(fmpq(rad.numerator, rad.denominator)).upper())
