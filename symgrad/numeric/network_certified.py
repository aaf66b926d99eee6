"""Certified values of a network: F, every dF/dW_l[i][j], dF/db_l[i] and the per-layer
gradient norms ||dF/dW_l|| (Frobenius: the vanishing profile), each decided to D digits.

The network's forward pass and backpropagation (:mod:`symgrad.numeric.network_values`) run
in exact rationals while the values are rational and in python-flint balls after (the
chain's :class:`~symgrad.numeric.flint_backend.ExactBallOps`), so exact cancellations give
exact zeros.  The working precision rises in the manner of python-flint's ``good()``
(:func:`~symgrad.numeric.precision_ladder.raise_precision`) until every value is decided:
the printed D-digit decimal is the exact value rounded to nearest, certified by its ball
(:class:`~symgrad.numeric.certified.Ball`).

ReLU-family activations: where a pre-activation is *exactly* at the kink (z = 0, decided
in exact arithmetic), the derivative there is the Clarke interval [min, max] of the
one-sided derivatives, and the balls carry it.  A value that depends on it cannot be
decided; it is returned with its certified enclosure, 0 certified digits and the kink
named in :attr:`NetworkCertified.kinks`, instead of a refusal.  Without such a kink, an
undecided value at the precision cap is a one-line refusal.

>>> from symgrad.numeric.network_file import network_from_dict
>>> spec = network_from_dict({"layers": [1, 1], "activation": "sigmoid", "loss": "none",
...     "bias": False, "data": {"x": [["1"]]}, "weights": {"W1": [["1"]]}})
>>> c = certified_network(spec, digits=12)
>>> c.value.mid, c.grads["W1"][0][0].mid   # sigma(1), sigma'(1) * 1
('7.31058578630e-1', '1.96611933241e-1')
"""

from __future__ import annotations

from dataclasses import dataclass

from flint import arb, fmpq

from symgrad.base.errors import SymgradError
from symgrad.numeric.certified import Ball, initial_precision, precision_cap
from symgrad.numeric.flint_backend import MAX_DIGITS, ExactBallOps
from symgrad.numeric.kernels import get_kernel
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_values import NetworkValues, network_values
from symgrad.numeric.precision_ladder import PrecisionNotReached, raise_precision

__all__ = ["MAX_WORK", "NetworkBallOps", "NetworkCertified", "certified_forward",
           "certified_network"]

#: the most (parameters x data points) one certified evaluation accepts
MAX_WORK = 2_000_000


class NetworkBallOps(ExactBallOps):
    """:class:`~symgrad.numeric.flint_backend.ExactBallOps` with ``exp`` and ``log`` (balls)
    for a softmax output."""

    @staticmethod
    def exp(v):
        return (arb(v) if isinstance(v, fmpq) else v).exp()

    @staticmethod
    def log(v):
        return (arb(v) if isinstance(v, fmpq) else v).log()


def _kinked(name: str) -> bool:
    return get_kernel(name).kink_order == 1


def _square(g):
    """g^2 exactly (a rational), or an enclosure of {t^2 : t in g} (a ball containing 0,
    e.g. a Clarke interval, gives [0, max|t|^2] instead of a ball of both signs)."""
    if isinstance(g, fmpq) or 0 not in g:
        return g * g
    return arb.union(arb(0), g.abs_upper() ** 2)


def _norm(entries) -> arb | fmpq:
    total = fmpq(0)
    for row in entries:
        for g in row:
            total = total + _square(g)
    if isinstance(total, fmpq):
        if total == 0:
            return fmpq(0)
        total = arb(total)
    return total.nonnegative_part().sqrt()


@dataclass(frozen=True)
class NetworkCertified:
    """Certified F, gradient entries (nested lists of :class:`Ball` like the weights) and
    per-layer norms; ``kinks``: ``(layer, unit, point)`` at an exact kink (0-based unit and
    point); ``undecided``: names of values that depend on such a kink."""

    spec: NetworkSpec
    digits: int
    prec: int
    value: Ball
    grads: dict[str, list]
    layer_norms: list[Ball]
    kinks: tuple[tuple[int, int, int], ...]
    undecided: tuple[str, ...]

    def balls(self) -> list[tuple[str, Ball]]:
        """``("F", ball)``, ``("dF/dW1[0][1]", ball)``, ... ``("||dF/dW1||", ball)``."""
        out = [("F", self.value)]
        for name, g in self.grads.items():
            if name.startswith("W"):
                out += [(f"dF/d{name}[{i}][{j}]", b) for i, row in enumerate(g)
                        for j, b in enumerate(row)]
            else:
                out += [(f"dF/d{name}[{i}]", b) for i, b in enumerate(g)]
        out += [(f"||dF/dW{k}||", b) for k, b in enumerate(self.layer_norms, 1)]
        return out


def _balls(v: NetworkValues, norms, digits: int, prec: int):
    def ball(x):
        return Ball(x, digits, prec)

    grads = {name: ([[ball(x) for x in row] for row in g] if name.startswith("W")
                    else [ball(x) for x in g]) for name, g in v.grads.items()}
    return ball(v.value), grads, [ball(n) for n in norms]


def _check(spec: NetworkSpec, digits: int) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise SymgradError(f"digits must be a whole number in 1..{MAX_DIGITS}, got {digits!r}",
                           hint="ask for e.g. 30 digits")
    work = spec.network.n_parameters * len(spec.data)
    if work > MAX_WORK:
        raise SymgradError(f"{spec.network.n_parameters} parameters x {len(spec.data)} data "
                           f"points is above the budget of {MAX_WORK:,} for one certified "
                           "evaluation", hint="use fewer points or a smaller network")


def _magnitude_bits(spec: NetworkSpec) -> int:
    top = 0
    values = [v for w in spec.weights.values() for row in w
              for v in (row if isinstance(row, tuple) else (row,))]
    values += [v for x, y in spec.data for v in (*x, *y)]
    for q in values:
        if q:
            top = max(top, abs(q.numerator).bit_length() - q.denominator.bit_length())
    return top


def _setup(spec: NetworkSpec, digits: int, max_prec: int | None):
    """Check the request; the first and the last precision, and the weights as lists."""
    _check(spec, digits)
    net = spec.network
    size = net.depth * max(net.widths)
    start = initial_precision(digits, size, _magnitude_bits(spec))
    cap = precision_cap(start, size) if max_prec is None else max(max_prec, start)
    weights = {k: [list(r) if isinstance(r, tuple) else r for r in w]
               for k, w in spec.weights.items()}
    return start, cap, weights


def certified_network(spec: NetworkSpec, *, digits: int,
                      max_prec: int | None = None) -> NetworkCertified:
    """F, the gradient and the per-layer gradient norms of ``spec``, decided to ``digits``."""
    net = spec.network
    start, cap, weights = _setup(spec, digits, max_prec)

    def evaluate(prec: int):
        v = network_values(net, weights, spec.data, NetworkBallOps(), kink_at_zero=_kinked)
        norms = [_norm(v.grads[f"W{k}"]) for k in range(1, net.depth + 1)]
        return v, norms, _balls(v, norms, digits, prec)

    def decided(result) -> bool:
        _, _, (value, grads, norms) = result
        cert = NetworkCertified(spec, digits, 0, value, grads, norms, (), ())
        return all(b.decided for _, b in cert.balls())

    try:
        result, prec = raise_precision(evaluate, decided, start, cap,
                                       what="the network's values")
    except PrecisionNotReached as exc:
        result, prec = exc.last, exc.prec
    v, _, (value, grads, norms) = result
    cert = NetworkCertified(spec, digits, prec, value, grads, norms, tuple(v.kinks), ())
    open_ = tuple(name for name, b in cert.balls() if not b.decided)
    if open_ and not v.kinks:
        raise SymgradError(f"{open_[0]} is not decided to {digits} digits at {prec} bits "
                           "(the precision cap)", hint="ask for fewer digits, or pass a "
                           "higher max_prec")
    return NetworkCertified(spec, digits, prec, value, grads, norms, tuple(v.kinks), open_)


def certified_forward(spec: NetworkSpec, *, digits: int, max_prec: int | None = None) -> Ball:
    """F alone (one forward pass per rung, no backpropagation), decided to ``digits``: the
    baseline of the network benchmark (``benchmarks/bench_networks.py``)."""
    net = spec.network
    start, cap, weights = _setup(spec, digits, max_prec)

    def evaluate(prec: int) -> Ball:
        v = network_values(net, weights, spec.data, NetworkBallOps(), backward=False)
        return Ball(v.value, digits, prec)

    try:
        ball, _ = raise_precision(evaluate, lambda b: b.decided, start, cap, what="F")
    except PrecisionNotReached as exc:
        raise SymgradError(f"F is not decided to {digits} digits at {exc.prec} bits",
                           hint="ask for fewer digits") from None
    return ball
