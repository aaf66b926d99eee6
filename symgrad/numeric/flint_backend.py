"""Ball arithmetic for the chain with python-flint (Arb): the number layer of certified values.

Every number is either an exact rational (``fmpq``) or a ball ``mid ± rad`` that is
*guaranteed* to contain the exact value.  :class:`ExactBallOps` is the ops table for
the shared recurrence :func:`symgrad.numeric.recurrence.evaluate_chain` used by
:func:`evaluate`: inputs stay exact until an activation needs a ball, so exact
cancellations and exact zeros are decided exactly.  :class:`FlintOps` is the plain
ball table (inputs rounded on entry) for code that needs balls throughout.  Turning
balls into printed digits is :mod:`symgrad.numeric.certified`.

The activation formulas are chosen so that the radius Arb propagates is the exact
first-order one for every sign of the argument (see :func:`_sigmoid`): deep
contractive chains keep their digits instead of losing a constant factor per layer.

Precision is scoped with ``flint.ctx.workprec``; nothing global leaks.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> v = evaluate(Chain(2), [Fraction(1), Fraction(1)], prec=64)
>>> v.grad_w[0].str(10, radius=False)  # sigma'(1) = e/(1+e)^2
'0.1966119332'
>>> evaluate(Chain(2, activation="tanh"), [Fraction(0), Fraction(3)], prec=64).grad_w[1]
0
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath
from flint import arb, ctx, fmpq

from symgrad.core.chain import Chain
from symgrad.numeric.decimal_text import decimal_enclosure
from symgrad.numeric.recurrence import ChainValues, evaluate_chain, forward_output

__all__ = [
    "ACTIVATION_TABLE",
    "EXACT_AT_ZERO",
    "MAX_DEPTH_DIGITS",
    "MAX_DIGITS",
    "ExactBallOps",
    "FlintOps",
    "arb_to_fraction",
    "arb_to_mpf",
    "as_ball",
    "certified_digits",
    "decimal_enclosure",
    "evaluate",
    "forward",
]

#: Largest number of digits ``reference`` accepts (documented in the README).
MAX_DIGITS = 10_000

#: Largest depth x digits one certified evaluation accepts (documented in the README):
#: the cost of a pass grows like depth x working bits, so beyond this it would not finish
#: in minutes; refused up front, deterministically, instead of running past a time limit.
MAX_DEPTH_DIGITS = 10**8


def _sigmoid(t: arb) -> arb:
    # 1/(1+e^-t) for every sign: Arb never overflows, and the radius it propagates is the
    # exact first-order one, sigma'(t)*rad(t) (no dependency between two occurrences of t).
    # The form e^t/(1+e^t) for t < 0 would count rad(t) about three times near 0 and blow
    # the radius up along deep contractive chains.
    return 1 / (1 + (-t).exp())


def _dsigmoid(t: arb) -> arb:
    # sigma'(t) = e^{-|t|}/(1+e^{-|t|})^2: no cancellation.  sigma' is even, so evaluating
    # it on the ball |t| (which Arb encloses correctly even when t contains 0) is valid.
    e = (-abs(t)).exp()
    return e / (1 + e) ** 2


def _dtanh(t: arb) -> arb:
    # 1 - tanh^2 = sech^2, no cancellation for large |t|
    return t.sech() ** 2


def _softplus(t: arb) -> arb:
    # log(1 + e^t): first-order exact radius (sigma(t)*rad(t)); for t > 64, where e^t may be
    # out of Arb's reach at low precision, t + log1p(e^-t) (radius factor 1 + e^-64).
    if t > 64:
        return t + (-t).exp().log1p()
    return t.exp().log1p()


#: name -> (sigma, sigma') in ball arithmetic
ACTIVATION_TABLE = {
    "sigmoid": (_sigmoid, _dsigmoid),
    "tanh": (arb.tanh, _dtanh),
    "softplus": (_softplus, _sigmoid),
}

#: name -> (sigma(0), sigma'(0)) as exact rationals, ``None`` where irrational (log 2);
#: the tests check these against SymPy's exact values
EXACT_AT_ZERO = {
    "sigmoid": (fmpq(1, 2), fmpq(1, 4)),
    "tanh": (fmpq(0), fmpq(1)),
    "softplus": (None, fmpq(1, 2)),
}


class FlintOps:
    """Arb balls at the caller's current ``flint.ctx.prec`` (inputs rounded on entry)."""

    def convert(self, value: Fraction) -> arb:
        v = Fraction(value)
        return arb(fmpq(v.numerator, v.denominator))

    def activation(self, name: str):
        return ACTIVATION_TABLE[name]


class ExactBallOps(FlintOps):
    """Exact rationals (``fmpq``) while a value is rational, Arb balls after.

    Inputs stay exact, so a pre-activation such as w_1 x + b_1 is computed exactly and an
    exact cancellation gives an exact 0; an activation applied to an exact 0 gives its
    exact value where it is rational (sigma(0) = 1/2, tanh(0) = 0, ...).  A rational is
    rounded to a ball only at the activation that needs it.  Products with an exact 0 stay
    exactly 0, so every partial derivative that is exactly zero comes out as ``fmpq(0)``.
    """

    def convert(self, value: Fraction) -> fmpq:
        v = Fraction(value)
        return fmpq(v.numerator, v.denominator)

    def activation(self, name: str):
        f, df = ACTIVATION_TABLE[name]
        f0, df0 = EXACT_AT_ZERO[name]
        return _exact_aware(f, f0), _exact_aware(df, df0)


def _exact_aware(fn, at_zero):
    def g(t):
        if isinstance(t, fmpq):
            if t == 0 and at_zero is not None:
                return at_zero
            t = arb(t)
        return fn(t)

    return g


def evaluate(chain: Chain, weights: Sequence[Fraction], *, prec: int,
             biases: Sequence[Fraction] | None = None,
             x: Fraction | None = None) -> ChainValues:
    """F and every partial at ``prec`` bits (no accuracy target): ``fmpq`` where the value
    is an exact rational, an Arb ball otherwise (see :class:`ExactBallOps`)."""
    with ctx.workprec(prec):
        return evaluate_chain(chain, weights, ExactBallOps(), biases=biases, x=x)


def forward(chain: Chain, weights: Sequence[Fraction], *, prec: int,
            biases: Sequence[Fraction] | None = None, x: Fraction | None = None) -> arb:
    """F alone (one forward pass) at ``prec`` bits: ``fmpq`` if exact, else a ball."""
    with ctx.workprec(prec):
        return forward_output(chain, weights, ExactBallOps(), biases=biases, x=x)


def certified_digits(ball: arb) -> int | None:
    """Certified significant digits of ``ball``; ``None`` for an exact ball (all digits).

    Arb's relative accuracy ``b`` guarantees ``rad/|mid| < 2**-b``; we return the
    largest ``d`` with ``10**-d >= 2**-b`` (never more), and 0 if the ball contains 0.

    >>> certified_digits(arb(1) / 3) >= 14
    True
    >>> certified_digits(arb(0)) is None
    True
    """
    if not ball.is_finite():
        return 0
    if ball.is_exact():
        return None
    if 0 in ball:
        return 0
    bits = ball.rel_accuracy_bits()
    # 0.30102999566 < log10(2): integer arithmetic, rounded down
    return max(0, bits * 30102999566 // 100000000000)


def arb_to_fraction(value: arb) -> Fraction:
    """An exact arb (e.g. a midpoint) as a Fraction."""
    man, exp = value.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


def arb_to_mpf(value: arb):
    """An exact arb (e.g. a midpoint) as an exact mpmath number."""
    if value.is_zero():
        return mpmath.mpf(0)
    man, exp = value.man_exp()
    man = int(man)
    with mpmath.workprec(max(53, man.bit_length())):  # the mpf constructor rounds: keep all bits
        return mpmath.mpf(mpmath.libmp.from_man_exp(man, int(exp)))


def as_ball(value: arb | fmpq) -> arb:
    """A ball for ``value`` at the current precision (an ``fmpq`` is rounded outward)."""
    return value if isinstance(value, arb) else arb(value)
