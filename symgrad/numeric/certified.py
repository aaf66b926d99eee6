"""Certified values of the chain: every printed digit backed by a ball.

:func:`certified_values` evaluates F and the partial derivatives with
:func:`symgrad.numeric.flint_backend.evaluate` (exact rationals while the values
are rational, Arb balls after) and raises the working precision, in the manner
of python-flint's ``good()``, until every requested quantity is **decided to D
correct digits**: the printed D-significant-digit decimal is the exact value
rounded to nearest (ties to even).  A ball decides it only when both of its
ends round to the same decimal (:func:`symgrad.numeric.decimal_text.round_ball`);
an exact rational is rounded exactly.  Exact zeros are decided by exact
arithmetic, never by a ball.

The precision starts at :func:`initial_precision` and is raised at most to
:func:`precision_cap` (to :func:`tie_cap` for a value already accurate to D digits
that lies extremely close to a rounding boundary); past it, or past the work cap
``depth x digits <=`` :data:`~symgrad.numeric.flint_backend.MAX_DEPTH_DIGITS`, a one-line
:class:`~symgrad.base.errors.SymgradError` says what to change.

:func:`~symgrad.numeric.reference.reference_values` is the same computation as plain
digit strings (what ``symgrad reference`` prints without ``--certified``).

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> c = certified_values(Chain(2), [Fraction(1), Fraction(1)], digits=15)
>>> c.grad_w[0].mid  # sigma'(1) = e/(1+e)^2 = 0.196611933241481852...
'1.96611933241482e-1'
>>> c.grad_w[0].digits
15
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from flint import arb, ctx, fmpq

from symgrad.base import reprs
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.decimal_text import (
    decimal_enclosure,
    printed_radius,
    radius_text,
    round_ball,
    round_rational,
    round_text,
)
from symgrad.numeric.flint_backend import (
    MAX_DEPTH_DIGITS,
    MAX_DIGITS,
    arb_to_fraction,
    certified_digits,
    evaluate,
    exact_kinks,
)
from symgrad.numeric.recurrence import ChainValues

__all__ = [
    "Ball",
    "Certified",
    "certified_values",
    "initial_precision",
    "precision_cap",
    "tie_cap",
]

_LOG2_10 = math.log2(10)


def _fraction(value: fmpq) -> Fraction:
    return Fraction(int(value.p), int(value.q))


class Ball:
    """A certified value: an exact rational (``fmpq``) or an Arb ball, and its printed text.

    ``mid`` is the value rounded to ``requested`` significant digits: correctly rounded
    when the ball decides it (always, for balls returned by :func:`certified_values`).
    ``rad`` is rounded *up* so that ``[mid - rad, mid + rad]`` contains the exact value.
    ``digits`` is the number of leading digits of ``mid`` that are correct (equal to the
    exact value correctly rounded to that many digits): ``requested`` when decided.

    >>> b = Ball(arb(1) / 3, 10, 64)
    >>> b.mid, b.digits, b.contains(Fraction(1, 3)), b.contains(Fraction(1, 2))
    ('3.333333333e-1', 10, True, False)
    >>> Ball(fmpq(1, 4), 3, 64).mid, Ball(fmpq(1, 4), 3, 64).rad
    ('2.50e-1', '0')
    """

    def __init__(self, value: arb | fmpq, requested: int, prec: int) -> None:
        self.value = value
        self.requested = requested
        self.prec = prec

    @property
    def exact(self) -> bool:
        """True when the value is known exactly (an exact rational, or a radius-0 ball)."""
        return isinstance(self.value, fmpq) or self.value.is_exact()

    @cached_property
    def arb(self) -> arb:
        """The value as an Arb ball (an exact rational is rounded outward at ``prec``)."""
        if isinstance(self.value, arb):
            return self.value
        with ctx.workprec(self.prec):
            return arb(self.value)

    @cached_property
    def exact_value(self) -> Fraction | None:
        """The exact rational value, when known."""
        if isinstance(self.value, fmpq):
            return _fraction(self.value)
        return arb_to_fraction(self.value) if self.value.is_exact() else None

    @cached_property
    def _rounded(self) -> str | None:
        if self.exact_value is not None:
            return round_rational(self.exact_value, self.requested)
        return round_ball(self.value, self.requested)

    @property
    def decided(self) -> bool:
        """True when ``mid`` is the exact value correctly rounded to ``requested`` digits."""
        return self._rounded is not None

    @cached_property
    def mid(self) -> str:
        if self._rounded is not None:
            return self._rounded
        return decimal_enclosure(self.value, self.requested)[0]

    @cached_property
    def rad(self) -> str:
        if self.exact_value is not None:
            return radius_text(abs(self.exact_value - _decimal(self.mid)))
        if not self.value.is_finite():
            return "inf"
        return printed_radius(self.value, self.mid)

    @cached_property
    def digits(self) -> int:
        if self.decided:
            return self.requested
        if self.exact_value is not None or self.mid in ("0", "nan"):
            return 0
        top = min(self.requested, certified_digits(self.value) or 0)
        for d in range(top, 0, -1):
            r = round_ball(self.value, d)
            if r is not None and r == round_text(self.mid, d):
                return d
        return 0

    @property
    def contains_zero(self) -> bool:
        """True when 0 is possible: the value is exactly 0 or the ball contains 0."""
        if self.exact_value is not None:
            return self.exact_value == 0
        return 0 in self.value

    def contains(self, value) -> bool:
        """Whether the exact number ``value`` (mpf, Fraction, int, float) is possible."""
        mp = sys.modules.get("mpmath")  # an mpf exists only once mpmath is imported
        if mp is not None and isinstance(value, mp.mpf):
            if not mp.isfinite(value):
                return False
            sign, man, exp, _ = value._mpf_
            v = Fraction(int(man)) * (Fraction(2) ** int(exp)) * (-1 if sign else 1)
        else:
            v = Fraction(value)
        if self.exact_value is not None:
            return v == self.exact_value
        if not self.value.is_finite():
            return True
        m, r = arb_to_fraction(self.value.mid()), arb_to_fraction(self.value.rad())
        return m - r <= v <= m + r

    def to_json(self) -> dict[str, str]:
        """``{"value": mid, "radius": rad, "certified_digits": digits}``, all strings."""
        return {"value": self.mid, "radius": self.rad, "certified_digits": str(self.digits)}

    def __repr__(self) -> str:
        """``Ball(mid ± rad, N digits)``, a long midpoint shortened (:mod:`symgrad.present`)."""
        return reprs.render(self, "text") or f"Ball({self.mid} ± {self.rad})"

    def _repr_html_(self) -> str | None:
        """Jupyter: ``mid ± rad``, certified digits (:mod:`symgrad.present.numeric_reprs`)."""
        return reprs.render(self, "html")


def _decimal(text: str) -> Fraction:
    """A printed ``d.ddde±N`` (or "0") as an exact rational."""
    if text == "0":
        return Fraction(0)
    mant, _, exp = text.partition("e")
    return Fraction(mant) * Fraction(10) ** int(exp)


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

    def __repr__(self) -> str:
        """One short line at any size (:mod:`symgrad.present.numeric_reprs`)."""
        return reprs.render(self, "text") or f"<{type(self).__name__}>"

    def _repr_html_(self) -> str | None:
        """Jupyter: a table of every ball (:mod:`symgrad.present.numeric_reprs`)."""
        return reprs.render(self, "html")

    def to_json(self) -> dict[str, object]:
        return {
            "certified_digits": str(self.digits),
            "working_precision_bits": str(self.prec),
            "value": self.value.to_json(),
            "grad_w": [b.to_json() for b in self.grad_w],
            "grad_b": [b.to_json() for b in self.grad_b],
            "grad_x": None if self.grad_x is None else self.grad_x.to_json(),
        }


def _magnitude_bits(values: Sequence[Fraction]) -> int:
    """About log2 of the largest |input|: Arb needs that many more bits to reduce e^t."""
    top = 0
    for q in values:
        if q:
            top = max(top, abs(q.numerator).bit_length() - q.denominator.bit_length())
    return top


def initial_precision(digits: int, depth: int, magnitude_bits: int = 0) -> int:
    """Working bits to try first: the digits, guard bits growing like log2(depth), and the
    bits of the largest input magnitude (``magnitude_bits``)."""
    return (math.ceil(digits * _LOG2_10) + 2 * math.ceil(math.log2(depth + 1)) + 16
            + max(0, magnitude_bits))


def precision_cap(start: int, depth: int) -> int:
    """The most bits :func:`certified_values` raises to: ``4*start + 256 + 4*min(depth,
    10**4)`` (a deep chain may lose a few bits per layer to rounding)."""
    return 4 * start + 256 + 4 * min(depth, 10**4)


def _check_budget(chain: Chain, digits: int) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise SymgradError(
            f"digits must be a whole number in 1..{MAX_DIGITS}, got {digits!r}",
            hint="ask for e.g. 30 digits",
        )
    if chain.depth * digits > MAX_DEPTH_DIGITS:
        raise SymgradError(
            f"depth {chain.depth} x {digits} digits is above the budget of "
            f"depth x digits <= {MAX_DEPTH_DIGITS:.0e} for one certified evaluation",
            hint="ask for fewer digits or a shallower chain",
        )


def _wanted(v: ChainValues, chain: Chain, wrt: Sequence[int] | None):
    """(name, value) of every quantity that must be decided."""
    ks = range(1, chain.depth + 1) if wrt is None else wrt
    out = [("F", v.value)] + [(f"dF/dw{k}", v.grad_w[k - 1]) for k in ks]
    if chain.bias:
        out += [(f"dF/db{k}", v.grad_b[k - 1]) for k in ks]
    if chain.form == "general":
        out.append(("dF/dx", v.grad_x))
    return out


def _undecided(v: ChainValues, chain: Chain, wrt, digits: int):
    """(name, ball) of the quantities not yet decided to ``digits`` digits, worst first."""
    bad = []
    for name, value in _wanted(v, chain, wrt):
        if isinstance(value, fmpq) or round_ball(value, digits) is not None:
            continue
        bits = value.rel_accuracy_bits() if value.is_finite() and 0 not in value else -1
        bad.append((bits, name, value))
    bad.sort(key=lambda t: t[0])
    return bad


def _needed_bits(digits: int) -> int:
    return math.ceil(digits * _LOG2_10) + 8


def tie_cap(depth: int) -> int:
    """The most bits spent on a value that lies extremely close to a rounding boundary
    (accurate to D digits, but not yet on which side of the boundary it falls):
    ``min(2**18, 3 * 10**8 // depth)``."""
    return min(2**18, 3 * 10**8 // depth)


def _next_precision(prec: int, worst_bits: int, digits: int) -> int:
    missing = _needed_bits(digits) - worst_bits
    if worst_bits <= 0 or missing <= 0:  # sign undecided, or a near-tie: double
        return 2 * prec
    return max(prec + missing + 32, prec * 5 // 4)


def _refusal(name: str, value, digits: int, prec: int, cap: int) -> SymgradError:
    if isinstance(value, arb) and value.is_finite() and 0 in value:
        what = f"{name} still contains 0 at {prec} bits (it is not exactly 0: exact zeros " \
               "are decided exactly)"
        hint = "ask for fewer digits, or pass a higher max_prec"
    elif isinstance(value, arb) and value.rel_accuracy_bits() >= _needed_bits(digits):
        what = (f"{name} lies within 2^-{value.rel_accuracy_bits()} (relative) of a rounding "
                f"boundary at {digits} digits, so its correctly rounded value is not decided")
        hint = f"ask for {digits + 1} digits" + (f" or {digits - 1}" if digits > 1 else "")
    else:
        what = f"{name} is not decided to {digits} digits at {prec} bits"
        hint = "ask for fewer digits, or pass a higher max_prec"
    return SymgradError(f"{what}; the precision cap is {cap} bits", hint=hint)


def certified_values(chain: Chain, weights: Sequence[Fraction], *, digits: int,
                     biases: Sequence[Fraction] | None = None, x: Fraction | None = None,
                     wrt: Sequence[int] | None = None,
                     max_prec: int | None = None) -> Certified:
    """F and the partial derivatives, each decided to ``digits`` correct digits.

    ``wrt`` limits which dF/dw_k (and dF/db_k) must be decided (default: all); the others
    are returned as they came out at the final precision.  ``max_prec`` overrides
    :func:`precision_cap`.
    """
    _check_budget(chain, digits)
    inputs = [*weights, *(biases or ()), *([] if x is None else [x])]
    prec = initial_precision(digits, chain.depth, _magnitude_bits(inputs))
    cap = precision_cap(prec, chain.depth) if max_prec is None else max_prec
    if prec > cap:
        raise SymgradError(
            f"{digits} digits at depth {chain.depth} need at least {prec} bits, "
            f"above max_prec={cap}", hint=f"raise max_prec to {prec} or more",
        )
    near_tie_cap = max(cap, tie_cap(chain.depth)) if max_prec is None else cap
    while True:
        v = evaluate(chain, weights, prec=prec, biases=biases, x=x)
        bad = _undecided(v, chain, wrt, digits)
        if not bad:
            break
        # once every undecided value is accurate to D digits, only near-ties remain
        limit = near_tie_cap if bad[0][0] >= _needed_bits(digits) else cap
        if prec >= limit:
            kinks = exact_kinks(chain, weights, biases=biases, x=x)
            if kinks:  # not a number to certify: sigma' there is the Clarke interval
                raise SymgradError(
                    f"{bad[0][1]} depends on {chain.activation}'(0) at layer {kinks[0]}, whose "
                    f"pre-activation is exactly 0: the derivative there is the Clarke interval, "
                    f"not a number", hint="move the weights off the kink (z = 0)")
            raise _refusal(bad[0][1], bad[0][2], digits, prec, limit)
        prec = min(limit, _next_precision(prec, bad[0][0], digits))

    def ball(b) -> Ball:
        return Ball(b, digits, prec)

    return Certified(
        digits=digits,
        prec=prec,
        value=ball(v.value),
        grad_w=[ball(g) for g in v.grad_w],
        grad_b=[ball(g) for g in v.grad_b],
        grad_x=ball(v.grad_x) if chain.form == "general" else None,
    )
