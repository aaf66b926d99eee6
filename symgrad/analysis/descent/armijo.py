"""Armijo backtracking: the sufficient-decrease condition, decided in each arithmetic.

A step t from p along -g is accepted when

    F(p - t g) <= F(p) - c t ||g||^2,    c = 1e-4 (:data:`ARMIJO_C`),

trying t = eta, eta/2, eta/4, ... at most :data:`MAX_HALVINGS` times (the text's "step size
chosen appropriately").  :func:`decrease_verdict` decides it with balls (True, False, or
None when the balls overlap); :func:`float_decrease` evaluates it in a float format, every
operation rounded in that format, in the order (c*t)*||g||^2, F(p) - that, compare.

>>> from flint import arb
>>> decrease_verdict(arb(1), arb(2), arb(4), Fraction(1, 2), ARMIJO_C)
True
>>> decrease_verdict(arb(2), arb(2), arb(4), Fraction(1, 2), ARMIJO_C)
False
"""

from __future__ import annotations

from fractions import Fraction

from flint import arb, fmpq

__all__ = ["ARMIJO_C", "MAX_HALVINGS", "decrease_verdict", "float_decrease"]

#: the sufficient-decrease constant c of the Armijo rule
ARMIJO_C = Fraction(1, 10_000)
#: the most halvings of eta tried before the rule gives up
MAX_HALVINGS = 60


def decrease_verdict(f_new: arb, f_old: arb, grad_sq: arb, t: Fraction,
                     c: Fraction = ARMIJO_C) -> bool | None:
    """Whether F(p - t g) <= F(p) - c t ||g||^2 holds: True/False when the balls decide it,
    None when they do not."""
    ct = fmpq((c * t).numerator, (c * t).denominator)
    slack = f_old - ct * grad_sq - f_new  # >= 0 iff the condition holds
    if slack >= 0:
        return True
    if slack < 0:
        return False
    return None


def float_decrease(f_new, f_old, grad_sq, t, c) -> bool:
    """The condition in one float format (all arguments scalars of that format)."""
    return bool(f_new <= f_old - (c * t) * grad_sq)
