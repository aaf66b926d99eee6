"""Ball arithmetic for the chain with python-flint (Arb): the number layer of certified values.

Every number is either an exact rational (``fmpq``) or a ball ``mid ± rad`` that is
*guaranteed* to contain the exact value.  :class:`ExactBallOps` is the ops table for
the shared recurrence :func:`symgrad.numeric.recurrence.evaluate_chain` used by
:func:`evaluate`: inputs stay exact until an activation needs a ball, so exact
cancellations and exact zeros are decided exactly.  :class:`FlintOps` is the plain
ball table (inputs rounded on entry) for code that needs balls throughout.  Turning
balls into printed digits is :mod:`symgrad.numeric.certified`.

The activation formulas (:mod:`symgrad.numeric.kernels` in the :data:`ARB` namespace)
are chosen so that the radius Arb propagates is the exact first-order one for every sign
of the argument (sigma(t) = 1/(1+e^{-t}), one occurrence of t): deep contractive chains
keep their digits instead of losing a constant factor per layer.

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

from flint import arb, ctx, fmpq

from symgrad.core.chain import Chain
from symgrad.numeric.decimal_text import decimal_enclosure
from symgrad.numeric.kernels import KERNELS, functions, get_kernel
from symgrad.numeric.namespaces import ARB
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
    "exact_kinks",
    "forward",
]

#: Largest number of digits ``reference`` accepts (documented in the README).
MAX_DIGITS = 10_000

#: Largest depth x digits one certified evaluation accepts (documented in the README):
#: the cost of a pass grows like depth x working bits, so beyond this it would not finish
#: in minutes; refused up front, deterministically, instead of running past a time limit.
MAX_DEPTH_DIGITS = 10**8


#: name -> (sigma, sigma') in ball arithmetic: the kernels' forms in :data:`ARB` (sigmoid
#: 1/(1+e^-t) for every sign, softplus log1p(e^t), ReLU family: the Clarke interval at 0)
ACTIVATION_TABLE = {name: functions(name, ARB) for name in KERNELS}


def _fmpq(q: Fraction | None) -> fmpq | None:
    return None if q is None else fmpq(q.numerator, q.denominator)


#: name -> (sigma(0), sigma'(0)) as exact rationals, ``None`` where irrational (log 2) or
#: not a point (the Clarke interval of relu'(0)); from the kernels, checked against SymPy
EXACT_AT_ZERO = {name: (_fmpq(k.exact_at_zero[0]), _fmpq(k.exact_at_zero[1]))
                 for name, k in KERNELS.items()}


class FlintOps:
    """Arb balls at the caller's current ``flint.ctx.prec`` (inputs rounded on entry)."""

    def convert(self, value: Fraction) -> arb:
        v = Fraction(value)
        return arb(fmpq(v.numerator, v.denominator))

    def activation(self, name: str):
        return functions(name, ARB)


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
        f, df = functions(name, ARB)
        f0, df0 = EXACT_AT_ZERO[name]
        slopes = tuple(_fmpq(q) for q in get_kernel(name).linear_pieces)
        return _exact_aware(f, f0, slopes), _exact_aware(df, df0, slopes, derivative=True)


def _exact_aware(fn, at_zero, slopes=(None, None), *, derivative: bool = False):
    """``fn`` on balls; on an exact rational t: the exact value at 0, and on a side where
    the activation is linear (relu, leaky_relu, identity, elu for t > 0) the exact
    slope * t (or the slope, for the derivative), so later exact cancellations stay exact."""
    def g(t):
        if isinstance(t, fmpq):
            if t == 0:
                if at_zero is not None:
                    return at_zero
            else:
                slope = slopes[1] if t > 0 else slopes[0]
                if slope is not None:
                    return slope if derivative else slope * t
            t = arb(t)
        return fn(t)

    return g


def exact_kinks(chain: Chain, weights: Sequence[Fraction], *,
                biases: Sequence[Fraction] | None = None, x: Fraction | None = None,
                order: int = 1) -> list[int]:
    """The layers (1-based) whose pre-activation is *exactly* at the activation's kink (0)
    where its derivative of ``order`` jumps: there sigma' (resp. sigma'') is the Clarke
    interval, not a number.  Empty for a smooth activation.  Decided in exact rational
    arithmetic (one forward pass with :class:`ExactBallOps`).

    >>> exact_kinks(Chain(3, activation="relu"), [Fraction(1), Fraction(-1), Fraction(2)])
    [3]
    """
    kink = get_kernel(chain.activation).kink_order
    if kink is None or kink > order:
        return []
    f, _ = ExactBallOps().activation(chain.activation)
    layer = [1 if chain.form == "seed" else 0]  # the seed form's layer 1 is the identity
    found: list[int] = []

    def probe(t):
        layer[0] += 1
        if (isinstance(t, fmpq) or t.is_exact()) and t == 0:  # an exact ball is a point
            found.append(layer[0])
        return f(t)

    class Probe(ExactBallOps):
        def activation(self, name: str):
            return probe, probe

    with ctx.workprec(64):
        forward_output(chain, weights, Probe(), biases=biases, x=x)
    return found


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
    import mpmath  # only here: the certified path needs no mpmath

    if value.is_zero():
        return mpmath.mpf(0)
    man, exp = value.man_exp()
    man = int(man)
    with mpmath.workprec(max(53, man.bit_length())):  # the mpf constructor rounds: keep all bits
        return mpmath.mpf(mpmath.libmp.from_man_exp(man, int(exp)))


def as_ball(value: arb | fmpq) -> arb:
    """A ball for ``value`` at the current precision (an ``fmpq`` is rounded outward)."""
    return value if isinstance(value, arb) else arb(value)
