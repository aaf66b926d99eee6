"""Set-valued arithmetic in float16/bfloat16: what one framework operation can produce.

The sets behind :mod:`symgrad.analysis.verify.emulation` (its docstring gives the
soundness argument): :func:`format_rounding` rounds a float64 into the format exactly,
:class:`Sets` applies one operation to every combination of candidate inputs and returns
every result the framework can produce, :class:`Model` holds what was measured about a
backend's kernels.

>>> S = Sets(format_rounding("bfloat16"), Model())
>>> sorted(S.add(single(1.0), single(2.0**-9)))  # 1 + 2^-9 rounds to 1 in bfloat16
[1.0]
>>> contains(S.mul(single(3.0), single(0.5)), 1.5)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product

import numpy as np

from symgrad.base.errors import SymgradError

__all__ = [
    "ABS_SLACK",
    "ABS_SLACK_BELOW",
    "EMULATED_FORMATS",
    "EPS_FUNCTION",
    "MAX_CANDIDATES",
    "MAX_PATHS",
    "ONE",
    "Model",
    "Sets",
    "TooManyCandidates",
    "Values",
    "contains",
    "format_rounding",
    "single",
]

EMULATED_FORMATS = ("float16", "bfloat16")
#: relative error allowed to a float32 elementary function or kernel (module docstring)
EPS_FUNCTION = 2.0**-19
#: absolute error of float32 results in its subnormal range (8 * 2^-149), below 2^-100
ABS_SLACK, ABS_SLACK_BELOW = 2.0**-146, 2.0**-100
#: more candidates for one value, or more forks of the forward pass: not checkable
MAX_CANDIDATES, MAX_PATHS = 16, 64
Values = frozenset  # candidate values: exact numbers of the format, as floats
_NAN = float("nan")  # one object, so that NaN candidates compare by identity


class TooManyCandidates(SymgradError):
    """A set or the forward forks outgrew their cap: the row is not checkable."""


@dataclass(frozen=True)
class _Format:
    """p significand bits, smallest normal exponent, largest finite value, flushing."""

    p: int
    emin: int
    max: float
    flush: bool

    def rn(self, x: float) -> float:
        """Round the float64 ``x`` to nearest, ties to even, in the format (exact)."""
        if x == 0 or not math.isfinite(x):
            return x
        q = max(math.frexp(x)[1] - 1, self.emin) - self.p + 1  # exponent of the ulp at x
        r = math.ldexp(round(math.ldexp(x, -q)), q)  # scaling by 2^q and round() are exact
        if abs(r) > self.max:
            return math.copysign(math.inf, x)
        if self.flush and r != 0 and abs(r) < math.ldexp(1.0, self.emin):
            return math.copysign(0.0, x)
        return r


_FORMATS = {"float16": (11, -14, 65504.0), "bfloat16": (8, -126, (2 - 2.0**-7) * 2.0**127)}


def format_rounding(fmt: str, *, flush: bool = False) -> Callable[[float], float]:
    """Correct rounding (nearest, ties to even) of a float64 into ``fmt``.

    >>> format_rounding("bfloat16")(1 + 2.0**-8 + 2.0**-30)  # above the midpoint: up
    1.0078125
    """
    if fmt not in _FORMATS:
        raise SymgradError(f"symgrad emulates only {', '.join(EMULATED_FORMATS)}, not '{fmt}'")
    return _Format(*_FORMATS[fmt], flush).rn


@dataclass(frozen=True)
class Model:
    """What was measured about a backend: the evaluation orders of its kernels."""

    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kernel -> orders

    def variants_of(self, kernel: str) -> tuple[str, ...]:
        return self.variants.get(kernel, ("once", "per-op"))


class Sets:
    """Set-valued arithmetic in one format: every operation on every combination."""

    def __init__(self, rn: Callable[[float], float], model: Model) -> None:
        self.rn = rn
        self.model = model

    def _done(self, out: set[float]) -> Values:
        if len(out) > MAX_CANDIDATES:
            raise TooManyCandidates(f"more than {MAX_CANDIDATES} candidates for one value")
        return frozenset(out)

    def _special(self, v: float, out: set[float]) -> bool:
        if v != v:
            out.add(_NAN)
        elif math.isinf(v):
            out.add(v)
        return not math.isfinite(v)

    def fn(self, name: str, f: Callable[..., float], *args: Values,
           eps: float | None = None) -> Values:
        """An elementary function or float32 kernel: RN(v - d) .. RN(v + d), d = eps|v| + a."""
        out: set[float] = set()
        eps = EPS_FUNCTION if eps is None else eps
        for vals in product(*args):
            v = f(*vals)
            if not self._special(v, out):
                d = eps * abs(v) + (ABS_SLACK if abs(v) < ABS_SLACK_BELOW else 0.0)
                out.update((self.rn(v - d), self.rn(v + d)))
        return self._done(out)

    def basic(self, op: str, *args: Values) -> Values:
        """An IEEE operation (correctly rounded in float32, then rounded to the format):
        RN(v) or, rounded twice, RN(RN_f32(v)) for the exact result v."""
        out: set[float] = set()
        for a, b in product(*args):
            v, exact = _exact_op(op, a, b)
            if self._special(v, out):
                continue
            ends = (v,) if exact else (v - abs(v) * 2.0**-50, v + abs(v) * 2.0**-50)
            for e in ends:
                out.update((self.rn(e), self.rn(_f32(e))))
        return self._done(out)

    def mul(self, a: Values, b: Values) -> Values:
        return self.basic("*", a, b)

    def add(self, a: Values, b: Values) -> Values:
        return self.basic("+", a, b)

    def sub(self, a: Values, b: Values) -> Values:
        return self.basic("-", a, b)

    def div(self, a: Values, b: Values) -> Values:
        return self.basic("/", a, b)

    def kernel(self, name: str, once: Callable[..., float], per_op: Callable[..., Values],
               *args: Values, eps: float | None = None) -> Values:
        """A float32 kernel rounded once to the format (``once`` gives its float32 value,
        exactly when ``eps`` = 0), or (variant "per-op") rounded after each operation."""
        out: set[float] = set()
        for variant in self.model.variants_of(name):
            out |= self.fn(name, once, *args, eps=eps) if variant == "once" else per_op(*args)
        return self._done(out)


def _f32(x: float) -> float:
    """float64 -> float32, correctly rounded (numpy), as a float."""
    with np.errstate(over="ignore"):
        return float(np.float32(x))


def _exact_op(op: str, a: float, b: float) -> tuple[float, bool]:
    """(float64 result, whether it is exact) of a op b."""
    with np.errstate(all="ignore"):
        v = float(_OPS[op](np.float64(a), np.float64(b)))
    if not (math.isfinite(v) and math.isfinite(a) and math.isfinite(b)):
        return v, True
    if op == "*":
        return v, True  # two format significands: at most 22 bits; no float64 underflow here
    fa, fb, fv = Fraction(a), Fraction(b), Fraction(v)
    exact = {"+": fa + fb, "-": fa - fb, "/": fa / fb if b else fv}[op] == fv
    return v, exact


_OPS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def single(v: float) -> Values:
    """The set of one value."""
    return frozenset((v,))


ONE = single(1.0)


def contains(candidates: Values, computed: float) -> bool:
    """True when ``computed`` is one of the candidates (NaN matches NaN)."""
    return (computed in candidates) if computed == computed else any(
        v != v for v in candidates)
