"""The Hessian of a network's F in all its parameters, certified (forward over reverse).

:func:`symgrad.numeric.network_values.network_values` -- the forward pass and the
backpropagation written once over an ops table -- runs over dual numbers
(:class:`~symgrad.numeric.dual.Dual`) whose tangents are :class:`Tangent` columns of
length q (the number of parameters): parameter k is seeded with the unit vector e_k,
so the tangent of dF/dw_i is row i of the Hessian, d^2F / dw_i dw_j (vector forward
mode over the reverse sweep; one pass gives F, grad F and H).  A tangent is an exact
``fmpq_mat`` while everything it meets is rational and an ``arb_mat`` after (so an
identity network's Hessian, or any exactly cancelling entry, is an exact rational),
and values stay exact rationals until an activation needs a ball, as in
:class:`~symgrad.numeric.dual.DualArbOps`.  The precision is raised
(:func:`~symgrad.numeric.precision_ladder.raise_precision`) until every entry of F,
grad F and H is decided to D digits; entries that stay balls around 0 after the
second rung (zero to within the radius, not proven 0) are kept as balls.

Cost: each of the O(q * |D|) scalar operations of one backpropagation carries a
length-q tangent, so O(q^2 |D|) ball operations (about a second for q = 200 and a
few data points); the eigenvalue certification is the analysis layer's.

>>> from symgrad.numeric.network_file import network_from_dict
>>> spec = network_from_dict({"layers": [1, 1, 1], "activation": "identity",
...     "loss": "squared", "bias": False, "data": {"x": [["1"]], "y": [["1"]]},
...     "weights": {"W1": [["0"]], "W2": [["0"]]}})
>>> h = network_hessian(spec, digits=5)
>>> [[b.mid for b in row] for row in h.hessian]   # (w1 w2 - 1)^2 / 2 at 0
[['0', '-1.0000e+0'], ['-1.0000e+0', '0']]
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flint import arb, arb_mat, ctx, fmpq, fmpq_mat, fmpq_series

from symgrad.base.errors import SymgradError
from symgrad.numeric.certified import Ball, initial_precision
from symgrad.numeric.dual import Dual, DualArbOps
from symgrad.numeric.flint_backend import MAX_DIGITS
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_values import network_values
from symgrad.numeric.precision_ladder import PrecisionNotReached, raise_precision

__all__ = [
    "MAX_HESSIAN_PARAMETERS",
    "MAX_HESSIAN_WORK",
    "SERIES_AT_ZERO",
    "DualBallOps",
    "NetworkHessian",
    "Tangent",
    "exact_series",
    "hessian_at",
    "is_polynomial",
    "line_taylor",
    "network_hessian",
    "parameter_names",
]

#: the most parameters :func:`network_hessian` accepts (the q x q matrix and its q^2 text)
MAX_HESSIAN_PARAMETERS = 400
#: the most q^2 x data points x digits one evaluation accepts
MAX_HESSIAN_WORK = 10**9


def _promote(m):
    return arb_mat(m) if isinstance(m, fmpq_mat) else m


class Tangent:
    """A column of q tangent entries: exact (``fmpq_mat``) until a ball meets it.

    >>> t = Tangent(fmpq_mat(2, 1, [1, 2]))
    >>> (t * fmpq(1, 2)).m, type((t * arb(2)).m).__name__
    ([1/2]
    [  1], 'arb_mat')
    """

    __slots__ = ("m",)

    def __init__(self, m) -> None:
        self.m = m

    def __add__(self, other: Tangent) -> Tangent:
        a, b = self.m, other.m
        if isinstance(a, fmpq_mat) and isinstance(b, fmpq_mat):
            return Tangent(a + b)
        return Tangent(_promote(a) + _promote(b))

    def __neg__(self) -> Tangent:
        return Tangent(-self.m)

    def __mul__(self, s) -> Tangent:
        if isinstance(s, (fmpq, int)) or isinstance(self.m, arb_mat):
            return Tangent(self.m * s)
        return Tangent(arb_mat(self.m) * s)

    __rmul__ = __mul__

    def __truediv__(self, s) -> Tangent:
        if isinstance(s, fmpq) and isinstance(self.m, fmpq_mat):
            return Tangent(self.m * (1 / s))
        return Tangent(_promote(self.m) * (1 / (arb(s) if isinstance(s, fmpq) else s)))

    def entries(self) -> list:
        return [self.m[i, 0] for i in range(self.m.nrows())]


class DualBallOps(DualArbOps):
    """:class:`~symgrad.numeric.dual.DualArbOps` with ``exp``/``log`` (softmax output) for
    :func:`~symgrad.numeric.network_values.network_values`."""

    @staticmethod
    def exp(v: Dual) -> Dual:
        e = (arb(v.val) if isinstance(v.val, fmpq) else v.val).exp()
        return Dual(e, None if v.tan is None else v.tan * e)

    @staticmethod
    def log(v: Dual) -> Dual:
        x = arb(v.val) if isinstance(v.val, fmpq) else v.val
        return Dual(x.log(), None if v.tan is None else v.tan / x)


def parameter_names(spec: NetworkSpec) -> list[str]:
    """``W1[0][0]``, ..., ``b1[0]``, ... in the network's entry order (the Hessian's rows)."""
    return [name + "".join(f"[{i}]" for i in idx) for name, idx in spec.network.entries()]


@dataclass(frozen=True)
class NetworkHessian:
    """F, grad F (flat, in :func:`parameter_names` order) and H as :class:`Ball` s; ``raw``
    holds the same values as ``fmpq``/``arb`` (``raw_hessian[i][j]``) for the analysis."""

    spec: NetworkSpec
    digits: int
    prec: int
    names: tuple[str, ...]
    value: Ball
    gradient: tuple[Ball, ...]
    hessian: tuple[tuple[Ball, ...], ...]
    raw_gradient: tuple
    raw_hessian: tuple[tuple, ...]

    @property
    def exact(self) -> bool:
        """True when every gradient and Hessian entry is an exact rational."""
        return all(isinstance(v, fmpq) for v in self.raw_gradient) and all(
            isinstance(v, fmpq) for row in self.raw_hessian for v in row)


def _evaluate(spec: NetworkSpec):
    """(F, grad, H) at flint's current precision: one forward-over-reverse pass."""
    net = spec.network
    entries = net.entries()
    q = len(entries)
    ops = DualBallOps()
    weights: dict[str, list] = {}
    for k, (name, idx) in enumerate(entries):
        unit = fmpq_mat(q, 1)
        unit[k, 0] = 1
        value = spec.weights[name]
        for i in idx:
            value = value[i]
        dual = ops.seed(Fraction(value), Tangent(unit))
        if len(idx) == 2:
            rows = weights.setdefault(name, [[None] * len(r) for r in spec.weights[name]])
            rows[idx[0]][idx[1]] = dual
        else:
            weights.setdefault(name, [None] * len(spec.weights[name]))[idx[0]] = dual
    v = network_values(net, weights, spec.data, ops)
    flat = []
    for name, idx in entries:
        g = v.grads[name]
        for i in idx:
            g = g[i]
        flat.append(g)
    zero = [fmpq(0)] * q
    rows = [zero if g.tan is None else g.tan.entries() for g in flat]
    hess = [[rows[max(i, j)][min(i, j)] for j in range(q)] for i in range(q)]  # symmetric
    return v.value.val, [g.val for g in flat], hess


def hessian_at(spec: NetworkSpec, *, prec: int) -> tuple:
    """(F, grad F, H) at ``prec`` bits with no accuracy target: each entry an exact
    rational (``fmpq``) or a ball; one forward-over-reverse pass (what ``verify --network``
    compares the frameworks' Hessians with)."""
    with ctx.workprec(prec):
        return _evaluate(spec)


def _check(spec: NetworkSpec, digits: int) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise SymgradError(f"digits must be a whole number in 1..{MAX_DIGITS}, got {digits!r}",
                           hint="ask for e.g. 20 digits")
    q = spec.network.n_parameters
    if q > MAX_HESSIAN_PARAMETERS:
        raise SymgradError(f"{q} parameters is above the Hessian cap of "
                           f"{MAX_HESSIAN_PARAMETERS}", hint="use a smaller network")
    work = q * q * max(1, len(spec.data)) * digits
    if work > MAX_HESSIAN_WORK:
        raise SymgradError(f"{q}^2 parameters x {len(spec.data)} data points x {digits} "
                           f"digits is above the Hessian work cap of {MAX_HESSIAN_WORK:.0e}",
                           hint="use fewer data points, fewer digits or a smaller network")


def network_hessian(spec: NetworkSpec, *, digits: int = 20) -> NetworkHessian:
    """F, grad F and the Hessian of ``spec`` at its weights, each decided to ``digits``.

    An activation exactly at its kink (ReLU family, z = 0 exactly) leaves F without a
    second derivative there: a one-line refusal.
    """
    _check(spec, digits)
    net = spec.network
    start = initial_precision(digits, net.depth * max(net.widths), 8)
    second = start * 4

    def evaluate(prec: int):
        f, g, h = _evaluate(spec)
        balls = [Ball(f, digits, prec)] + [Ball(x, digits, prec) for x in g]
        balls += [Ball(x, digits, prec) for row in h for x in row]
        return prec, (f, g, h), balls

    def accept(result) -> bool:
        prec, _, balls = result
        return all(b.decided or (prec >= second and isinstance(b.value, arb)
                                 and b.value.contains(0)) for b in balls)

    try:
        result, prec = raise_precision(evaluate, accept, start, max(16 * start, 4096),
                                       what="the network's Hessian")
    except PrecisionNotReached as exc:
        result, prec = exc.last, exc.prec
    _, (f, g, h), _ = result
    q = len(g)
    return NetworkHessian(
        spec, digits, prec, tuple(parameter_names(spec)), Ball(f, digits, prec),
        tuple(Ball(x, digits, prec) for x in g),
        tuple(tuple(Ball(h[i][j], digits, prec) for j in range(q)) for i in range(q)),
        tuple(g), tuple(tuple(row) for row in h))


def is_polynomial(spec: NetworkSpec) -> bool:
    """True when F is a polynomial in the parameters: identity activations, loss squared
    or none (a linear / deep linear network)."""
    net = spec.network
    return all(a == "identity" for a in net.activations) and net.loss in ("squared", "none")


#: activations whose Taylor series at an exact 0 has rational coefficients (fmpq_series)
SERIES_AT_ZERO = {
    "tanh": lambda z: z.tanh(),
    "sigmoid": lambda z: 1 / (1 + (-z).exp()),
    "silu": lambda z: z / (1 + (-z).exp()),
}


class _SeriesOps:
    """Exact truncated power series in t (``fmpq_series``): a polynomial network, or
    activations of :data:`SERIES_AT_ZERO` at pre-activations that are exactly 0 at t = 0."""

    def __init__(self, order: int) -> None:
        self.n = order + 1

    def convert(self, value):
        if isinstance(value, fmpq_series):
            return value
        q = Fraction(value)
        return fmpq_series([fmpq(q.numerator, q.denominator)], prec=self.n)

    def activation(self, name: str):
        series = SERIES_AT_ZERO.get(name)

        def f(z):
            if series is None or z.coeffs()[:1] not in ([], [0]):
                raise SymgradError(f"the Taylor coefficients of {name} there are not exact "
                                   "rationals", hint="exact series need identity, or tanh/"
                                   "sigmoid/silu at a zero pre-activation")
            return series(z)

        return f, f


def exact_series(spec: NetworkSpec) -> bool:
    """True when :func:`line_taylor` may apply: no cross-entropy loss and every activation
    identity or in :data:`SERIES_AT_ZERO` (it still needs zero pre-activations there)."""
    net = spec.network
    return net.loss in ("squared", "none") and all(
        a == "identity" or a in SERIES_AT_ZERO for a in net.activations)


def line_taylor(spec: NetworkSpec, direction, order: int, *, square: bool = False
                ) -> list[Fraction]:
    """Exact Taylor coefficients c_0..c_order of t -> F(p + t v) (``square``: of
    F(p + t^2 v)), p the weights and v ``direction`` (rationals in :func:`parameter_names`
    order): a polynomial network (:func:`is_polynomial`), or tanh/sigmoid/silu units whose
    pre-activations are exactly 0 at p; otherwise a :class:`SymgradError`.

    >>> from symgrad.numeric.network_file import network_from_dict
    >>> spec = network_from_dict({"layers": [1, 1, 1], "activation": "identity",
    ...     "loss": "none", "bias": False, "data": {"x": [["1"]]},
    ...     "weights": {"W1": [["0"]], "W2": [["0"]]}})
    >>> [str(c) for c in line_taylor(spec, [1, -1], 3)]   # F = w1 w2 on t(1, -1)
    ['0', '0', '-1', '0']
    """
    if not exact_series(spec):
        raise SymgradError("exact Taylor coefficients need a loss squared or none and "
                           "identity, tanh, sigmoid or silu units", hint="see exact_series")
    ops = _SeriesOps(order)
    weights: dict[str, list] = {}
    for (name, idx), v in zip(spec.network.entries(), direction, strict=True):
        p = spec.weights[name]
        for i in idx:
            p = p[i]
        p, v = Fraction(p), Fraction(v)
        coeffs = [fmpq(p.numerator, p.denominator), fmpq(0), fmpq(v.numerator, v.denominator)]
        s = fmpq_series(coeffs if square else [coeffs[0], coeffs[2]], prec=ops.n)
        if len(idx) == 2:
            rows = weights.setdefault(name, [[None] * len(r) for r in spec.weights[name]])
            rows[idx[0]][idx[1]] = s
        else:
            weights.setdefault(name, [None] * len(spec.weights[name]))[idx[0]] = s
    total = network_values(spec.network, weights, spec.data, ops, backward=False).value
    got = [Fraction(int(c.p), int(c.q)) for c in total.coeffs()]
    return (got + [Fraction(0)] * ops.n)[:ops.n]
