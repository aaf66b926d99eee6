"""Certified evaluation of the chain with python-flint ball arithmetic (Arb).

Every number is a ball ``mid ± rad`` that is *guaranteed* to contain the exact
value.  :class:`FlintOps` is the ops table for the shared recurrence
:func:`symgrad.recurrence.evaluate_chain`; :func:`certified_values` raises the
working precision by itself (like flint's ``good()``) until every requested
quantity has ``digits`` certified significant digits, and otherwise raises a
:class:`~symgrad.errors.SymgradError` that says what to raise.

"d certified significant digits" means: the ball's radius is below
``10**-d`` times the magnitude of its midpoint (``rad/|mid| < 10**-d``).  An
exact ball (radius 0) is certified to every digit.  A ball that contains 0 but
is not exactly 0 certifies *no* digit (its sign is undecided, it may even be
exactly zero); :func:`certified_values` then raises the precision, and if that
never decides it, it fails with a message instead of guessing.

Precision is scoped with ``flint.ctx.workprec``; nothing global leaks.

>>> from fractions import Fraction
>>> from symgrad.chain import Chain
>>> c = certified_values(Chain(2), [Fraction(1), Fraction(1)], digits=15)
>>> c.grad_w[0].mid  # sigma'(1) = e/(1+e)^2
'1.96611933241482e-1'
>>> c.grad_w[0].digits >= 15
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import mpmath
from flint import arb, ctx, fmpq

from ..chain import Chain
from ..errors import SymgradError
from ..recurrence import ChainValues, evaluate_chain, forward_output
from .mpmath_backend import MAX_DIGITS

__all__ = [
    "ACTIVATION_TABLE",
    "Ball",
    "Certified",
    "FlintOps",
    "arb_to_fraction",
    "arb_to_mpf",
    "certified_digits",
    "certified_values",
    "decimal_enclosure",
    "evaluate",
    "forward",
    "initial_precision",
]

_LOG2_10 = math.log2(10)


def _sigmoid(t: arb) -> arb:
    # In Arb there is no overflow, and 1/(1+e^-t) has no cancellation on either side of 0,
    # so one formula is valid whether or not the sign of the ball t is decided.
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
    # log(1 + e^t); Arb never overflows, log1p keeps the relative accuracy for t << 0
    return t.exp().log1p()


#: name -> (sigma, sigma') in ball arithmetic
ACTIVATION_TABLE = {
    "sigmoid": (_sigmoid, _dsigmoid),
    "tanh": (arb.tanh, _dtanh),
    "softplus": (_softplus, _sigmoid),
}


class FlintOps:
    """Arb balls at the caller's current ``flint.ctx.prec``."""

    def convert(self, value: Fraction) -> arb:
        v = Fraction(value)
        return arb(fmpq(v.numerator, v.denominator))

    def activation(self, name: str):
        if name == "sigmoid":
            return _shared_sigmoid()
        return ACTIVATION_TABLE[name]


def _shared_sigmoid():
    """(sigma, sigma') that share one exponential per argument.

    The recurrence calls ``f(z)`` and then ``df(z)`` on the same ball; ``f``
    keeps e = exp(-|z|) so ``df`` costs no second exponential (the forward values
    are reused by the backward sweep: the cheap-gradient principle).
    """
    last: list = [None, None]

    def f(t: arb) -> arb:
        if t > 0 or t < 0:  # sign decided: e^{-|t|} serves both sigma and sigma'
            e = (-abs(t)).exp()
            last[0], last[1] = t, e
            return 1 / (1 + e) if t > 0 else e / (1 + e)
        last[0] = None
        return _sigmoid(t)

    def df(t: arb) -> arb:
        if last[0] is t:
            e = last[1]
            return e / (1 + e) ** 2
        return _dsigmoid(t)

    return f, df


def evaluate(chain: Chain, weights: Sequence[Fraction], *, prec: int,
             biases: Sequence[Fraction] | None = None,
             x: Fraction | None = None) -> ChainValues:
    """All balls (F and every partial) at ``prec`` bits (no accuracy target)."""
    with ctx.workprec(prec):
        return evaluate_chain(chain, weights, FlintOps(), biases=biases, x=x)


def forward(chain: Chain, weights: Sequence[Fraction], *, prec: int,
            biases: Sequence[Fraction] | None = None, x: Fraction | None = None) -> arb:
    """The ball of F alone (one forward pass) at ``prec`` bits."""
    with ctx.workprec(prec):
        return forward_output(chain, weights, FlintOps(), biases=biases, x=x)


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


def _sci(digits: str, exp10: int) -> str:
    """``digits`` (a positive integer's text) times 10**exp10 as ``d.ddd...e±N``."""
    e = exp10 + len(digits) - 1
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mant}e{e:+d}"


def _up_2(r: int, exp10: int) -> str:
    """The non-negative r*10**exp10 rounded *up* to 2 significant digits, as a string."""
    if r == 0:
        return "0"
    shift = max(0, len(str(r)) - 2)
    q = -(-r // 10**shift)  # ceiling division
    if q >= 100:  # 99.x rounded up to 100
        q, shift = q // 10, shift + 1
    return _sci(str(q), exp10 + shift)


def decimal_enclosure(ball: arb, digits: int) -> tuple[str, str]:
    """(mid, rad) decimal strings with ``digits`` significant digits in ``mid`` such that
    the ball lies inside ``[mid - rad, mid + rad]`` (rad rounded up; integer arithmetic).

    >>> decimal_enclosure(arb(1) / 3, 5)
    ('3.3333e-1', '3.4e-6')
    """
    if not ball.is_finite():
        return "nan", "inf"
    if ball.is_zero():
        return "0", "0"
    m, r, e = (int(v) for v in ball.mid_rad_10exp(digits + 5))
    if m == 0:
        return "0", _up_2(r, e)
    sign, m = ("-" if m < 0 else ""), abs(m)
    drop = len(str(m)) - digits
    if drop > 0:
        unit = 10**drop
        q, rest = divmod(m, unit)
        if 2 * rest >= unit:
            q += 1
        r += abs(q * unit - m)
        if len(str(q)) > digits:  # carry to 10**digits: exact division by 10
            q, drop = q // 10, drop + 1
        return sign + _sci(str(q), e + drop), _up_2(r, e)
    return sign + _sci(str(m) + "0" * -drop, e + drop), _up_2(r, e)


class Ball:
    """A certified enclosure of one real number.

    ``mid`` is the midpoint rounded to the requested significant digits and
    ``rad`` a radius rounded *up* that also covers that rounding, so the exact
    value lies in ``[mid - rad, mid + rad]`` (decimal strings).  ``digits`` is the
    number of certified significant digits of the underlying Arb ball (the
    requested number for an exact ball); ``arb`` is that ball.

    >>> b = Ball(arb(1) / 3, 10, 64)
    >>> b.mid, b.contains(Fraction(1, 3)), b.contains(Fraction(1, 2))
    ('3.333333333e-1', True, False)
    """

    def __init__(self, ball: arb, requested: int, prec: int) -> None:
        self.arb = ball
        self.requested = requested
        self.prec = prec

    @property
    def exact(self) -> bool:
        """True when the ball has radius 0 (the value is known exactly)."""
        return self.arb.is_exact()

    @cached_property
    def digits(self) -> int:
        d = certified_digits(self.arb)
        return self.requested if d is None else d

    @property
    def contains_zero(self) -> bool:
        """True when 0 lies in the ball (sign undecided, or exactly zero)."""
        return 0 in self.arb

    @cached_property
    def _strings(self) -> tuple[str, str]:
        return decimal_enclosure(self.arb, self.requested)

    @property
    def mid(self) -> str:
        return self._strings[0]

    @property
    def rad(self) -> str:
        return self._strings[1]

    def contains(self, value) -> bool:
        """Whether the exact number ``value`` (mpf, Fraction, int, float) lies in the ball."""
        if isinstance(value, mpmath.mpf):
            sign, man, exp, _ = value._mpf_
            if not mpmath.isfinite(value):
                return False
            v = Fraction(int(man)) * (Fraction(2) ** int(exp)) * (-1 if sign else 1)
        else:
            v = Fraction(value)
        if not self.arb.is_finite():
            return True
        m = arb_to_fraction(self.arb.mid())
        r = arb_to_fraction(self.arb.rad())
        return m - r <= v <= m + r

    def to_json(self) -> dict[str, str]:
        """``{"value": mid, "radius": rad, "certified_digits": digits}``, all strings."""
        return {"value": self.mid, "radius": self.rad, "certified_digits": str(self.digits)}

    def __repr__(self) -> str:
        return f"Ball({self.mid} ± {self.rad}, {self.digits} digits)"

    def _repr_html_(self) -> str:
        """Jupyter: ``mid ± rad`` and the number of certified digits."""
        from .._display import esc

        return (f"<span>{esc(self.mid)} &#xB1; {esc(self.rad)} "
                f"<small>({self.digits} certified digits)</small></span>")


@dataclass(frozen=True)
class Certified:
    """F and every partial derivative as certified :class:`Ball` objects.

    ``grad_b`` is empty without biases; ``grad_x`` is ``None`` in the seed form.
    ``prec`` is the working precision (bits) at which all were certified.
    """

    digits: int
    prec: int
    value: Ball
    grad_w: list[Ball]
    grad_b: list[Ball]
    grad_x: Ball | None

    def balls(self) -> list[tuple[str, Ball]]:
        """Every ball with its name (``F``, ``dF/dw1``, ..., ``dF/db1``, ``dF/dx``)."""
        out = [("F", self.value)]
        out += [(f"dF/dw{k}", b) for k, b in enumerate(self.grad_w, 1)]
        out += [(f"dF/db{k}", b) for k, b in enumerate(self.grad_b, 1)]
        if self.grad_x is not None:
            out.append(("dF/dx", self.grad_x))
        return out

    def _repr_html_(self) -> str:
        """Jupyter: a table of every ball (long gradients cut)."""
        from .._display import elide, html_table

        rows = [None if nb is None else [nb[0], nb[1].mid, nb[1].rad, str(nb[1].digits)]
                for nb in elide(self.balls())]
        return html_table(["quantity", "midpoint", "radius", "certified digits"], rows,
                          caption=f"certified enclosures, {self.digits} significant digits "
                          f"requested (working precision {self.prec} bits)")

    def to_json(self) -> dict[str, object]:
        return {
            "certified_digits": str(self.digits),
            "working_precision_bits": str(self.prec),
            "value": self.value.to_json(),
            "grad_w": [b.to_json() for b in self.grad_w],
            "grad_b": [b.to_json() for b in self.grad_b],
            "grad_x": None if self.grad_x is None else self.grad_x.to_json(),
        }


def initial_precision(digits: int, depth: int) -> int:
    """Working bits to try first: the digits plus guard bits growing like log2(depth)."""
    return math.ceil(digits * _LOG2_10) + 2 * math.ceil(math.log2(depth + 1)) + 16


def _worst(v: ChainValues, chain: Chain) -> tuple[int | None, str, arb]:
    """The least certified quantity: (digits or None if all exact, name, ball)."""
    items = [("F", v.value)] + [(f"dF/dw{k}", g) for k, g in enumerate(v.grad_w, 1)]
    items += [(f"dF/db{k}", g) for k, g in enumerate(v.grad_b, 1)]
    if chain.form == "general":
        items.append(("dF/dx", v.grad_x))
    worst: tuple[int | None, str, arb] = (None, "F", v.value)
    for name, ball in items:
        d = certified_digits(ball)
        if d is not None and (worst[0] is None or d < worst[0]):
            worst = (d, name, ball)
    return worst


def certified_values(chain: Chain, weights: Sequence[Fraction], *, digits: int,
                     biases: Sequence[Fraction] | None = None, x: Fraction | None = None,
                     max_prec: int | None = None) -> Certified:
    """F and every partial derivative with ``digits`` certified significant digits.

    Starts at :func:`initial_precision` and raises the precision by the digits
    still missing (plus a margin) until every ball qualifies or ``max_prec``
    bits (default: 4x the start + 256) are exceeded.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise SymgradError(
            f"digits must be a whole number in 1..{MAX_DIGITS}, got {digits!r}",
            hint="pass e.g. --digits 30",
        )
    prec = initial_precision(digits, chain.depth)
    if max_prec is None:
        max_prec = 4 * prec + 256
    if prec > max_prec:
        raise SymgradError(
            f"{digits} digits at depth {chain.depth} need at least {prec} bits, "
            f"above max_prec={max_prec}", hint=f"raise max_prec to {prec} or more",
        )
    while True:
        v = evaluate(chain, weights, prec=prec, biases=biases, x=x)
        got, name, ball = _worst(v, chain)
        if got is None or got >= digits:
            break
        if prec >= max_prec:
            if 0 in ball:
                raise SymgradError(
                    f"{name} = [0 ± {decimal_enclosure(ball, 2)[1]}] still "
                    f"contains 0 at {prec} bits: its sign and digits cannot be certified "
                    "(it may be exactly zero)",
                    hint="raise max_prec if it is not zero, or evaluate with mpmath",
                )
            raise SymgradError(
                f"only {got} of {digits} digits of {name} certified at {prec} bits",
                hint=f"raise max_prec above {max_prec} or ask for fewer digits",
            )
        step = math.ceil((digits - got) * _LOG2_10) + 32
        prec = min(max_prec, max(prec + step, prec * 5 // 4))

    def ball(b: arb) -> Ball:
        return Ball(b, digits, prec)

    return Certified(
        digits=digits,
        prec=prec,
        value=ball(v.value),
        grad_w=[ball(g) for g in v.grad_w],
        grad_b=[ball(g) for g in v.grad_b],
        grad_x=ball(v.grad_x) if chain.form == "general" else None,
    )
