"""A network's whole gradient in float64, float32, float16 and bfloat16 beside the truth.

For a network file (:mod:`symgrad.numeric.network_file`), :func:`network_formats_table`
runs the network's forward pass and backpropagation (:mod:`symgrad.numeric.network_values`,
the same code as the certified path) once per format with :class:`NetworkFormatOps`:
every constant is rounded once from its exact value into the format, and every
operation (product, sum, activation, exp, log) is done on numpy scalars of that dtype,
so each intermediate result is rounded to the format, in the documented order (``sum_j
W_ij o_j`` left to right, the bias added last).  Each gradient entry is compared with its
certified value (:func:`~symgrad.numeric.network_certified.certified_network`):

* the computed value, its status (normal, subnormal, zero, inf, nan) and its relative
  error |computed - true| / |true| (exactly when the true value is rational, else from
  its ball; 3 digits);
* ``lost_update``: the SGD step computed in the format, ``w - lr*g``, gives back ``w``
  exactly (w and lr rounded into the format, g the format's gradient entry).

Per layer l (the entries of W_l and b_l): the counts of zero, subnormal, inf, nan and
lost entries, the worst relative error, and ||dF/dW_l|| (Frobenius) of the gradient the
format computed -- its entries taken exactly and the norm evaluated in ball arithmetic,
so it measures the format's gradient, not a further rounding inside the norm -- beside
the certified true norm.

>>> from symgrad.numeric.network_file import network_from_dict
>>> spec = network_from_dict({"layers": [1, 1], "activation": "sigmoid", "loss": "none",
...     "bias": False, "data": {"x": [["20"]]}, "weights": {"W1": [["1"]]}})
>>> t = network_formats_table(spec, formats=("float64", "float16"))
>>> [(f.format, f.status, f.lost_update) for f in t.entries[0].formats]
[('float64', 'normal', False), ('float16', 'zero', True)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from flint import arb, ctx, fmpq

from symgrad.analysis.precision._common import exact_arb, log10_ball
from symgrad.base.errors import SymgradError
from symgrad.numeric.certified import Ball
from symgrad.numeric.decimal_text import ball_text
from symgrad.numeric.formats import classify, parse_formats, round_to_format
from symgrad.numeric.network_certified import NetworkCertified, certified_network
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_values import network_values
from symgrad.numeric.numpy_backend import NumpyOps
from symgrad.present.numbers import fraction_text, scalar_text

__all__ = ["EntryFormat", "LayerFormat", "LayerProfile", "NetworkFormatOps", "NetworkFormats",
           "ParameterEntry", "network_formats_table"]

#: relative errors and norms are printed to this many significant digits
ERROR_DIGITS = 3
NORM_DIGITS = 6


class NetworkFormatOps(NumpyOps):
    """:class:`~symgrad.numeric.numpy_backend.NumpyOps` with ``exp`` and ``log`` in the
    format (a softmax output); call inside ``numpy.errstate(all="ignore")``.

    >>> type(NetworkFormatOps("bfloat16").exp(NetworkFormatOps("bfloat16").convert(1))).__name__
    'bfloat16'
    """

    @staticmethod
    def exp(v):
        return np.exp(v)

    @staticmethod
    def log(v):
        return np.log(v)


@dataclass(frozen=True)
class EntryFormat:
    """One gradient entry computed in one format; ``error_key`` orders entries by their
    relative error (inf for inf/nan, -1 where the true value depends on a kink)."""

    format: str
    value: object
    text: str
    status: str
    relative_error: str | None
    error_key: float
    lost_update: bool


@dataclass(frozen=True)
class ParameterEntry:
    """One parameter (``tensor``, ``index``): its exact weight, the certified dF/d(it) and
    its value in each format."""

    tensor: str
    index: tuple[int, ...]
    layer: int
    weight: Fraction
    true: Ball
    formats: tuple[EntryFormat, ...]

    @property
    def label(self) -> str:
        return f"dF/d{self.tensor}" + "".join(f"[{i}]" for i in self.index)

    def format(self, name: str) -> EntryFormat:
        for f in self.formats:
            if f.format == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class LayerFormat:
    """One layer's gradient in one format: counts over W_l and b_l, ||dF/dW_l|| of the
    format's gradient (text and log10, -inf when 0) and the worst relative error."""

    format: str
    zero: int
    subnormal: int
    inf: int
    nan: int
    lost: int
    norm: str
    log10_norm: float
    log10_norm_text: str
    norm_relative_error: str | None
    worst_relative_error: str | None
    worst_entry: str | None


@dataclass(frozen=True)
class LayerProfile:
    """Layer l: its parameter count, the certified ||dF/dW_l|| and each format's summary."""

    layer: int
    parameters: int
    true_norm: Ball
    log10_true_norm: float
    log10_true_norm_text: str
    formats: tuple[LayerFormat, ...]

    def format(self, name: str) -> LayerFormat:
        for f in self.formats:
            if f.format == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class NetworkFormats:
    """Every entry in every format, the per-layer profile and the certified values."""

    spec: NetworkSpec
    digits: int
    lr: Fraction
    names: tuple[str, ...]
    certified: NetworkCertified
    entries: tuple[ParameterEntry, ...]
    layers: tuple[LayerProfile, ...]

    def worst(self, name: str, count: int) -> list[ParameterEntry]:
        """The ``count`` entries of the largest relative error in format ``name`` (ties in
        parameter order; entries at a kink left out)."""
        ranked = [e for e in self.entries if e.format(name).error_key >= 0]
        ranked.sort(key=lambda e: -e.format(name).error_key)
        return ranked[:count]


def _key(r: Fraction) -> float:
    try:
        return float(r)
    except OverflowError:
        return math.inf


def relative_error(x: float, true: Ball, prec: int) -> tuple[str | None, float]:
    """(text, ordering key) of |x - true| / |true|: exact for a rational true value, from
    the ball otherwise; ``None`` text when the ball is not decided (a kink)."""
    if math.isnan(x):
        return "nan", math.inf
    if math.isinf(x):
        return "inf", math.inf
    t = true.exact_value
    if t is not None:
        if t == 0:
            return ("0", 0.0) if x == 0 else ("inf", math.inf)
        r = abs(Fraction(x) - t) / abs(t)
        return ("0" if r == 0 else fraction_text(r, ERROR_DIGITS)), _key(r)
    if not true.decided:
        return None, -1.0
    with ctx.workprec(prec + 64):
        r = abs(exact_arb(x) - true.arb) / abs(true.arb)
        return ball_text(r, ERROR_DIGITS), float(r.mid())


def format_gradients(spec: NetworkSpec, name: str) -> dict[str, list]:
    """dF/d(every parameter) computed in format ``name`` (nested like the weights)."""
    with np.errstate(all="ignore"):
        return network_values(spec.network, spec.weights, spec.data,
                              NetworkFormatOps(name)).grads


def lost_update(weight: Fraction, g, lr: Fraction, name: str) -> bool:
    """Whether ``w - lr*g``, computed in format ``name``, equals ``w`` (w, lr rounded in).

    >>> lost_update(Fraction(1), np.float16(1e-4), Fraction(1, 10), "float16")
    True
    """
    w, eta = round_to_format(weight, name), round_to_format(lr, name)
    with np.errstate(all="ignore"):
        return bool(w - eta * g == w)


def _entry_format(name: str, g, weight: Fraction, true: Ball, lr: Fraction,
                  prec: int) -> EntryFormat:
    x = float(g)
    text, key = relative_error(x, true, prec)
    return EntryFormat(name, g, scalar_text(g, name), classify(g, name), text, key,
                       lost_update(weight, g, lr, name))


def _at(nested, index: tuple[int, ...]):
    for i in index:
        nested = nested[i]
    return nested


def _entries(spec: NetworkSpec, cert: NetworkCertified, names, lr) -> list[ParameterEntry]:
    grads = {name: format_gradients(spec, name) for name in names}
    out = []
    for tensor, index in spec.network.entries():
        true = _at(cert.grads[tensor], index)
        weight = _at(spec.weights[tensor], index)
        fs = tuple(_entry_format(n, _at(grads[n][tensor], index), weight, true, lr, cert.prec)
                   for n in names)
        out.append(ParameterEntry(tensor, index, int(tensor[1:]), weight, true, fs))
    return out


def _log10(value: arb, prec: int) -> tuple[float, str]:
    """log10 of a norm: (a float for plotting, its text to at most 6 certified digits)."""
    if value.is_zero():
        return -math.inf, "-inf"
    if 0 in value or not value.is_finite():
        return math.nan, "nan"
    ball = log10_ball(value, prec)
    return float(ball.mid()), ball_text(ball, NORM_DIGITS)


def _format_norm(values: list[float], true: Ball, true_total: Fraction | None, prec: int):
    """(text, (log10, its text), relative error text) of the Frobenius norm of exact
    ``values``; ``true_total`` is the exact squared true norm when known.  The relative
    error is ``None`` when the true norm depends on a kink."""
    if any(math.isnan(v) for v in values):
        return "nan", (math.nan, "nan"), "nan"
    if any(math.isinf(v) for v in values):
        return "inf", (math.inf, "inf"), "inf"
    total = sum((Fraction(v) ** 2 for v in values), Fraction(0))
    with ctx.workprec(prec + 64):
        norm = arb(fmpq(total.numerator, total.denominator)).sqrt()
        t = true.arb
        if total == true_total:
            rel = "0"
        elif not true.decided:
            rel = None
        elif total == 0:
            rel = "0" if t.is_zero() else "1"
        elif t.is_zero():
            rel = "inf"
        else:
            rel = ball_text(abs(norm - t) / t, ERROR_DIGITS)
        return ("0" if total == 0 else ball_text(norm, NORM_DIGITS)), _log10(norm, prec), rel


def _layer_format(name: str, entries: list[ParameterEntry], true_norm: Ball,
                  prec: int) -> LayerFormat:
    fs = [e.format(name) for e in entries]
    count = {s: sum(f.status == s for f in fs) for s in ("zero", "subnormal", "inf", "nan")}
    weights = [float(f.value) for e, f in zip(entries, fs, strict=True)
               if e.tensor.startswith("W")]
    exact = [e.true.exact_value for e in entries if e.tensor.startswith("W")]
    true_total = None if None in exact else sum((t * t for t in exact), Fraction(0))
    norm, log10, rel = _format_norm(weights, true_norm, true_total, prec)
    ranked = [(f.error_key, e) for e, f in zip(entries, fs, strict=True) if f.error_key >= 0]
    worst = max(ranked, key=lambda t: t[0], default=None)
    return LayerFormat(
        format=name, zero=count["zero"], subnormal=count["subnormal"], inf=count["inf"],
        nan=count["nan"], lost=sum(f.lost_update for f in fs), norm=norm, log10_norm=log10[0],
        log10_norm_text=log10[1],
        norm_relative_error=rel,
        worst_relative_error=None if worst is None else worst[1].format(name).relative_error,
        worst_entry=None if worst is None else worst[1].label)


def _layers(entries: list[ParameterEntry], cert: NetworkCertified, names) -> list[LayerProfile]:
    out = []
    for layer, true_norm in enumerate(cert.layer_norms, 1):
        mine = [e for e in entries if e.layer == layer]
        fs = tuple(_layer_format(n, mine, true_norm, cert.prec) for n in names)
        out.append(LayerProfile(layer, len(mine), true_norm, *_log10(true_norm.arb, cert.prec),
                                fs))
    return out


def network_formats_table(spec: NetworkSpec, *, formats=None, lr: Fraction = Fraction(1, 10),
                          digits: int = 20) -> NetworkFormats:
    """Every gradient entry of ``spec`` in each format beside its certified value, and the
    per-layer profile (see the module docstring).  ``lr`` is the exact learning rate."""
    names = parse_formats(formats)
    lr = Fraction(lr)
    if lr <= 0:
        raise SymgradError(f"the learning rate must be > 0, got {fraction_text(lr)}",
                           hint="e.g. --lr 0.1")
    cert = certified_network(spec, digits=digits)
    entries = _entries(spec, cert, names, lr)
    layers = _layers(entries, cert, names)
    return NetworkFormats(spec, digits, lr, names, cert, tuple(entries), tuple(layers))
