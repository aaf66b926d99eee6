"""Depth scan: where each format loses the gradient dF/dw_1 of the seed chain.

For depths n = 1..N the seed chain of depth n uses the first n weights (of a
spec drawn for depth N).  Its output never depends on later layers, so one
pass does every depth at once: with t_1 = 1,

    dF/dw_1 (depth n) = t_n,   t_n = sigma'(z_n) * (w_n * t_{n-1})

(forward-mode differentiation with respect to w_1: a prefix product).  The
scan is therefore O(N) per format, not O(N^2); the tests check the identity
against separate per-depth evaluations.  The true prefix products are Arb
balls with at least 20 certified digits; each format computes the same
recurrence with every operation rounded to the format.

For each format it reports the first depth at which

* ``true_below_normal``: the true |dF/dw_1| is below the smallest normal;
* ``true_rounds_to_zero``: the true value rounds to 0 in the format;
* ``subnormal`` / ``zero``: the computed value is subnormal / exactly 0;
* ``lost_update``: the computed step w_1 - eta*dF/dw_1 gives back w_1 exactly;
* ``lost_update_true``: even the exact step, rounded once, gives back w_1
  (the update is below half an ulp of w_1: the text's machine-epsilon point);
* ``rel_error_exceeds``: the computed value's relative error exceeds the threshold,

or ``None`` when it does not happen up to N (documented cap: N <= 100000).

>>> from fractions import Fraction
>>> s = scan_depths([Fraction(1)] * 600, lr=Fraction(1, 10), formats=("float64",))
>>> d = s.formats[0].first
>>> d["lost_update"] < 30 < d["zero"] < 600
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from flint import arb, ctx

from symgrad.analysis.precision._common import exact_arb, log10_ball, neighbours
from symgrad.analysis.precision.logspace import log10_prefix_gradient
from symgrad.base.errors import SymgradError
from symgrad.core.chain import validate_depth
from symgrad.numeric.flint_backend import FlintOps, certified_digits
from symgrad.numeric.formats import format_info, parse_formats, round_to_format
from symgrad.numeric.numpy_backend import NumpyOps
from symgrad.present.numbers import ball_text, fraction_text, scalar_text
from symgrad.present.tables import html_table, text_table

__all__ = ["EVENTS", "MAX_SCAN_DEPTH", "DepthScan", "FormatScan", "scan_depths", "true_prefix"]

#: Largest N accepted by :func:`scan_depths` and ``symgrad scan``.
MAX_SCAN_DEPTH = 100_000
#: The reported events, in the order of the tables.
EVENTS = (
    "true_below_normal",
    "true_rounds_to_zero",
    "subnormal",
    "zero",
    "lost_update",
    "lost_update_true",
    "rel_error_exceeds",
)
_DIGITS = 20  # certified digits of every true prefix product


def true_prefix(weights: Sequence[Fraction], activation: str = "sigmoid"
                ) -> tuple[list[arb], int]:
    """Balls of dF/dw_1 at depths 1..N (each with >= 20 certified digits) and their bits."""
    n = len(weights)
    # z = w*o needs absolute accuracy: log2 of the largest |w| on top of the digits
    magnitude = max(abs(Fraction(v).numerator).bit_length() - Fraction(v).denominator.bit_length()
                    for v in weights)
    prec = 64 + 2 * math.ceil(math.log2(n + 1)) + 32 + max(0, magnitude)
    ops = FlintOps()
    for _ in range(8):
        with ctx.workprec(prec):
            f, df = ops.activation(activation)
            w = [ops.convert(v) for v in weights]
            o, t = w[0], arb(1)
            out = [t]
            for i in range(1, n):
                z = w[i] * o
                o = f(z)  # before df(z): the sigmoid table then reuses its exponential
                t = df(z) * (w[i] * t)
                out.append(t)
        worst = min((d for d in map(certified_digits, out) if d is not None), default=None)
        if worst is None or worst >= _DIGITS:
            return out, prec
        prec *= 2
    raise SymgradError(  # pragma: no cover - only for a true zero hidden by rounding
        f"could not certify the scan's true values at {prec} bits",
        hint="use a weight spec without exact cancellations",
    )


def _computed_prefix(weights: Sequence[Fraction], name: str, activation: str) -> list:
    ops = NumpyOps(name)
    f, df = ops.activation(activation)
    with np.errstate(all="ignore"):
        w = [ops.convert(v) for v in weights]
        o, t = w[0], ops.convert(Fraction(1))
        out = [t]
        for i in range(1, len(w)):
            z = w[i] * o
            t = df(z) * (w[i] * t)
            o = f(z)
            out.append(t)
    return out


@dataclass
class FormatScan:
    """One format's scan: first depths of each event and log10|computed| per depth."""

    format: str
    first: dict[str, int | None]
    log10: list[float] = field(repr=False)

    def to_json(self) -> dict[str, object]:
        info = format_info(self.format)
        return {
            "format": self.format,
            "smallest_normal": scalar_text(info.tiny, self.format),
            "smallest_subnormal": scalar_text(info.smallest_subnormal, self.format),
            "first_depth": {k: (None if v is None else str(v)) for k, v in self.first.items()},
        }


def _log10_float(x: float) -> float:
    if math.isnan(x):
        return math.nan
    return -math.inf if x == 0 else math.log10(abs(x))


def _scan_format(name: str, weights, lr: Fraction, threshold: Fraction, activation: str,
                 true: list[arb], prec: int) -> FormatScan:
    info = format_info(name)
    computed = _computed_prefix(weights, name, activation)
    first: dict[str, int | None] = dict.fromkeys(EVENTS)
    w1 = round_to_format(weights[0], name)
    eta = round_to_format(lr, name)
    tiny = info.tiny
    with ctx.workprec(prec + 64):
        tiny_b = exact_arb(info.tiny)
        half_sub = exact_arb(info.smallest_subnormal) / 2
        thr = exact_arb(threshold)
        lr_b, w1_exact = exact_arb(lr), exact_arb(weights[0])
        if math.isfinite(float(w1)):
            below, above = neighbours(w1, info)
            w1f = Fraction(float(w1))
            lo, hi = exact_arb((below + w1f) / 2), exact_arb((w1f + above) / 2)
        else:
            lo = hi = None
        with np.errstate(all="ignore"):
            for n, (g, c) in enumerate(zip(true, computed), start=1):
                x = float(c)
                a = abs(g)
                if first["true_below_normal"] is None and a < tiny_b:
                    first["true_below_normal"] = n
                if first["true_rounds_to_zero"] is None and a < half_sub:
                    first["true_rounds_to_zero"] = n
                if first["subnormal"] is None and 0 < abs(x) < tiny:
                    first["subnormal"] = n
                if first["zero"] is None and x == 0:
                    first["zero"] = n
                if first["lost_update"] is None and lo is not None and (w1 - eta * c) == w1:
                    first["lost_update"] = n
                if first["lost_update_true"] is None and lo is not None:
                    step = w1_exact - lr_b * g
                    if lo < step < hi:  # certain: rounds back to w1
                        first["lost_update_true"] = n
                if first["rel_error_exceeds"] is None:
                    if not math.isfinite(x):
                        first["rel_error_exceeds"] = n
                    elif g.is_zero():
                        if x != 0:
                            first["rel_error_exceeds"] = n
                    elif abs(exact_arb(x) - g) > thr * a:
                        first["rel_error_exceeds"] = n
    return FormatScan(name, first, [_log10_float(float(c)) for c in computed])


@dataclass
class DepthScan:
    """The whole scan; ``to_json()`` gives a stable schema (strings, nulls)."""

    max_depth: int
    lr: Fraction
    threshold: Fraction
    activation: str
    formats: list[FormatScan]
    true_log10: list[float] = field(repr=False)
    logspace_log10: list[float] = field(repr=False)
    logspace_max_error: str = "0"

    def format(self, name: str) -> FormatScan:
        for f in self.formats:
            if f.format == name:
                return f
        raise KeyError(name)

    def to_json(self) -> dict[str, object]:
        return {
            "schema": "symgrad.scan/1",
            "max_depth": str(self.max_depth),
            "activation": self.activation,
            "lr": fraction_text(self.lr),
            "threshold": fraction_text(self.threshold),
            "quantity": {"name": "dF/dw1", "sympy": "Derivative(F, w1)",
                         "latex": r"\frac{\partial F}{\partial w_{1}}"},
            "formats": [f.to_json() for f in self.formats],
            "logspace": {"max_abs_error_log10": self.logspace_max_error},
        }

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        header = ["event", *[f.format for f in self.formats]]
        rows = [[ev] + ["-" if f.first[ev] is None else str(f.first[ev]) for f in self.formats]
                for ev in EVENTS]
        return header, rows

    def to_text(self) -> str:
        header, rows = self._cells()
        return (
            f"first depth (1..{self.max_depth}) of each event, dF/dw1 of the seed chain "
            f"({self.activation}), lr {fraction_text(self.lr)}, "
            f"rel. error threshold {fraction_text(self.threshold)}; '-' = not reached\n\n"
            + text_table(header, rows)
            + f"\n\nlog-space float64 log10|dF/dw1|: max abs error {self.logspace_max_error} "
            f"over all depths\n"
        )

    def __repr__(self) -> str:
        """One short line whatever the size (:mod:`symgrad.present.summary`)."""
        from symgrad.present.summary import short_value, summary

        zero = ", ".join(f"{f.format} 0 at L={short_value(f.first['zero'])}"
                         for f in self.formats if f.first.get("zero") is not None)
        return summary("DepthScan", [f"depths 1..{self.max_depth}", self.activation,
                                     f"{len(self.formats)} formats", zero or "no format 0"],
                       ".to_json(), .true_log10")

    def _repr_html_(self) -> str:
        header, rows = self._cells()
        return html_table(header, rows, caption=f"first depth of each event (1..{self.max_depth})")


def scan_depths(weights: Sequence[Fraction], *, lr: Fraction = Fraction(1, 10),
                formats: Sequence[str] | str | None = None,
                threshold: Fraction = Fraction(1, 100),
                activation: str = "sigmoid") -> DepthScan:
    """Scan depths 1..len(weights) in each format (see module doc)."""
    n = validate_depth(len(weights), cap=MAX_SCAN_DEPTH, name="max-depth")
    names = parse_formats(formats)
    lr, threshold = Fraction(lr), Fraction(threshold)
    if lr <= 0:
        raise SymgradError(f"the learning rate must be > 0, got {fraction_text(lr)}",
                           hint="e.g. --lr 0.1")
    if threshold <= 0:
        raise SymgradError("the relative error threshold must be > 0", hint="e.g. --threshold 0.01")
    true, prec = true_prefix(weights, activation)
    scans = [_scan_format(name, weights, lr, threshold, activation, true, prec) for name in names]
    logspace = log10_prefix_gradient(weights, activation)
    true_log10: list[float] = []
    worst, missed = arb(0), False
    with ctx.workprec(prec + 64):
        for g, ls in zip(true, logspace):
            if g.is_zero():
                true_log10.append(-math.inf)
                continue
            lt = log10_ball(g, prec)
            true_log10.append(float(lt))
            if math.isfinite(ls):
                worst = worst.max(abs(lt - exact_arb(ls)))
            else:  # -inf or nan where the true value is a nonzero number (e.g. a weight
                missed = True  # beyond float64): an infinite error, never "0"
        err = "inf" if missed else ball_text(worst, 2)
    return DepthScan(n, lr, threshold, activation, scans, true_log10, logspace, err)
