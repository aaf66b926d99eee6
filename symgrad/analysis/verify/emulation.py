"""symgrad's emulation of a framework's float16/bfloat16 gradient, operation by operation.

For float16 and bfloat16 the tolerance model of :mod:`symgrad.analysis.verify.tolerance`
leaves no digit to check beyond a few layers (its relative bound reaches 1/2 near
depth 10 in bfloat16).  The check of :mod:`symgrad.analysis.verify.emulation_check`
replaces it by one that fails on a single unit in the last place: this module
repeats the framework's own computation, with the framework's formulas in the
framework's order, every operation rounded to the format, and gives the *set*
of values that computation can produce for F and each partial derivative.

**Order of operations** (read from the frameworks' sources and autodiff rules;
``RN`` = rounding to the format, ``g`` = the adjoint dF/dy of a layer's output
``y``, ``z`` its pre-activation):

* both: ``z = RN(w*o)`` (general form: ``RN(z + b)``), ``dF/dw_i = RN(dz*o_(i-1))``,
  ``dF/db_i = dz``, next adjoint ``RN(dz*w_i)``;
* jax ``sigmoid``: ``RN(1/RN(1 + RN(exp(-z))))`` (XLA expands the logistic);
  backward ``RN(g*RN(y*RN(1 - y)))`` (``lax.logistic``'s JVP);
  ``tanh``: ``RN(tanh z)``; backward ``RN(h + RN(h*y))``, ``h = RN(g*RN(1 - y))``
  (the transpose of ``lax.tanh``'s JVP ``(g + g*y)(1 - y)``);
  ``softplus`` = ``logaddexp(z, 0)``: ``RN(max(z, 0) + RN(log1p(RN(exp(-|z|)))))``;
  backward ``RN(g*RN(exp(RN(z - y))))``;
* torch: one kernel each, ``RN(sigmoid z)``, ``RN(tanh z)``, ``RN(softplus z)``
  (``z`` itself above the threshold 20); backward kernels ``(g(1 - y))y``,
  ``g(1 - y y)``, ``(g e)/(e + 1)`` with ``e = exp(z)`` (``g`` above the
  threshold), each either in float32 with one rounding (``"once"``) or rounded
  after every operation (``"per-op"``), as :class:`Model` says (measured).

**The bound, and why it is sound.**  Each float16/bfloat16 operation is computed
in the format or in float32 and then rounded to the format.  A sum, product or
quotient is correctly rounded (IEEE 754), so its result is ``RN(v)`` or, rounded
twice, ``RN(RN_f32(v))``, with ``v`` the exact value of the operation on its
format inputs (symgrad checks with rationals that its float64 ``v`` is exact, and
otherwise allows ``v +- 2^-50 |v|``); torch's backward kernels made of sums and
products alone are evaluated as float32 does it, operation by operation, which is
deterministic too.  An elementary function (or a kernel containing one) is only
accurate to a few float32 ulps: its float32 value differs from ``v`` by at most
``eps |v| + a`` with ``eps`` = :data:`EPS_FUNCTION` = 2^-19 (float32 libraries are
accurate to a few ulps, 2^-22; XLA's tanh returns +-1 beyond |z| = 7.9, a relative
error of 2^-21.8: a margin of 7 on both; each function's accuracy is measured
before it is relied on, see :mod:`symgrad.analysis.verify.emulation_check`) and ``a`` =
2^-146 below 2^-100 (float32's subnormal spacing is 2^-149).  Rounding is
monotone, so the result is one of ``RN(v - eps|v| - a) .. RN(v + eps|v| + a)``:
one value, or two neighbours when ``v`` lies that close to a rounding boundary.
A forward value with two candidates forks the forward pass; each fork is swept
backward on its own (the adjoint as a set), so the framework's F and every
partial derivative must be in the union of the forks' sets: the bound is
**0 ulps from the set**.  A backend measured to flush subnormals to zero gets its
subnormal results flushed here too.
Almost every set has one value; more than :data:`MAX_CANDIDATES` candidates or
:data:`MAX_PATHS` forks raise :class:`TooManyCandidates` (the row is then *not
checkable*, never a loose pass).

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> e = emulate("torch", Chain(2), [Fraction(1), Fraction(1)], "bfloat16")
>>> sorted(e.value), sorted(e.grad_w[0])  # RN(sigma(1)) = 187/256; RN((69/256)(187/256))
([0.73046875], [0.197265625])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from symgrad.analysis.verify.emulation_sets import (
    EMULATED_FORMATS,
    EPS_FUNCTION,
    MAX_CANDIDATES,
    MAX_PATHS,
    ONE,
    Model,
    Sets,
    TooManyCandidates,
    Values,
    contains,
    format_rounding,
    single,
)
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain

__all__ = [
    "EMULATED_ACTIVATIONS",
    "EMULATED_BACKENDS",
    "EMULATED_FORMATS",
    "EPS_FUNCTION",
    "MAX_CANDIDATES",
    "MAX_PATHS",
    "Emulation",
    "Model",
    "TooManyCandidates",
    "contains",
    "emulate",
    "format_rounding",
    "layer_rules",
]

EMULATED_BACKENDS = ("jax", "torch")
#: the activations whose framework formulas are emulated (any other is not checkable)
EMULATED_ACTIVATIONS = ("sigmoid", "tanh", "softplus")
#: torch.nn.functional.softplus's default threshold (beta = 1)
TORCH_SOFTPLUS_THRESHOLD = 20.0


def _exp(t: float) -> float:
    return math.inf if t > 709.0 else math.exp(t)


def _sigmoid(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t)) if t >= 0 else _exp(t) / (1.0 + _exp(t))


def _softplus(t: float) -> float:
    return max(t, 0.0) + math.log1p(math.exp(-abs(t))) if math.isfinite(t) else max(t, 0.0)


def _torch_softplus(t: float) -> float:
    return t if t > TORCH_SOFTPLUS_THRESHOLD else _softplus(t)


def _jax_layer(S: Sets, act: str):
    """(forward z -> y, backward (g, z, y) -> dz) in jax's formulas."""
    if act == "sigmoid":
        def fwd(z):
            e = S.fn("exp", lambda t: _exp(-t), z)
            return S.div(ONE, S.add(ONE, e))

        def bwd(g, z, y):
            return S.mul(g, S.mul(y, S.sub(ONE, y)))
    elif act == "tanh":
        def fwd(z):
            return S.fn("tanh", math.tanh, z)

        def bwd(g, z, y):
            h = S.mul(g, S.sub(ONE, y))
            return S.add(h, S.mul(h, y))
    else:
        def fwd(z):
            e = S.fn("exp", lambda t: _exp(-abs(t)), z)
            return S.add(frozenset(max(t, 0.0) for t in z), S.fn("log1p", math.log1p, e))

        def bwd(g, z, y):
            return S.mul(g, S.fn("exp", _exp, S.sub(z, y)))
    return fwd, bwd


def _f32_sigmoid_backward(a: float, b: float) -> float:
    """torch's float32 ``a * (1 - b) * b``, operation by operation (IEEE: deterministic)."""
    a32, b32 = np.float32(a), np.float32(b)
    with np.errstate(all="ignore"):
        return float(a32 * (np.float32(1) - b32) * b32)


def _f32_tanh_backward(a: float, b: float) -> float:
    """torch's float32 ``a * (1 - b * b)``."""
    a32, b32 = np.float32(a), np.float32(b)
    with np.errstate(all="ignore"):
        return float(a32 * (np.float32(1) - b32 * b32))


def _torch_layer(S: Sets, act: str):
    """(forward, backward) as torch's CPU kernels."""
    if act == "sigmoid":
        def bwd(g, z, y):
            return S.kernel("sigmoid_backward", _f32_sigmoid_backward,
                            lambda a, b: S.mul(S.mul(a, S.sub(ONE, b)), b), g, y, eps=0.0)

        return (lambda z: S.fn("sigmoid", _sigmoid, z)), bwd
    if act == "tanh":
        def bwd(g, z, y):
            return S.kernel("tanh_backward", _f32_tanh_backward,
                            lambda a, b: S.mul(a, S.sub(ONE, S.mul(b, b))), g, y, eps=0.0)

        return (lambda z: S.fn("tanh", math.tanh, z)), bwd

    def per_op(a, t):
        e = S.fn("exp", _exp, t)
        return S.div(S.mul(a, e), S.add(e, ONE))

    def bwd(g, z, y):
        if next(iter(z)) > TORCH_SOFTPLUS_THRESHOLD:
            return g
        return S.kernel("softplus_backward", lambda a, t: a * _sigmoid(t), per_op, g, z)

    return (lambda z: S.fn("softplus", _torch_softplus, z)), bwd


_LAYERS = {"jax": _jax_layer, "torch": _torch_layer}


def layer_rules(backend: str, sets: Sets, activation: str):
    """(forward z -> y, backward (g, z, y) -> dz) of one layer in ``backend``'s formulas,
    on candidate sets of ``sets``'s format.

    >>> from symgrad.analysis.verify.emulation_sets import format_rounding
    >>> fwd, _ = layer_rules("torch", Sets(format_rounding("bfloat16"), Model()), "sigmoid")
    >>> sorted(fwd(single(1.0)))  # RN(sigma(1)) = 187/256
    [0.73046875]
    """
    if backend not in _LAYERS:
        raise SymgradError(f"symgrad emulates only {', '.join(EMULATED_BACKENDS)}")
    if activation not in EMULATED_ACTIVATIONS:
        raise SymgradError(f"symgrad does not emulate {backend}'s {activation} formulas",
                           hint=f"emulated: {', '.join(EMULATED_ACTIVATIONS)}")
    return _LAYERS[backend](sets, activation)


@dataclass(frozen=True)
class Emulation:
    """Candidate sets of F and every partial (same order as the certified values)."""

    value: Values
    grad_w: list[Values]
    grad_b: list[Values]
    grad_x: Values | None
    paths: int

    def quantities(self) -> list[Values]:
        """[F, dF/dw_1.., dF/db_1.. (with biases), dF/dx (general form)]."""
        return [self.value, *self.grad_w, *self.grad_b,
                *([] if self.grad_x is None else [self.grad_x])]


def _exact_float(v: Fraction) -> float:
    f = float(v)
    if Fraction(f) != v:
        raise SymgradError("the emulation takes the framework's rounded parameters (exact floats)")
    return f


def _forward(S: Sets, fwd, w, b, o0: float, first: int, depth: int):
    """Every fork of the forward pass: lists of (o_prev, z, y) per layer."""
    paths: list[list[tuple[float, float, float]]] = [[(o0, o0, o0)]]
    for i in range(first, depth):
        new = []
        for layers in paths:
            o = layers[-1][2]
            z = S.mul(w[i], single(o))
            if b is not None:
                z = S.add(z, b[i])
            for zi in z:
                new += [[*layers, (o, zi, y)] for y in fwd(single(zi))]
        if len(new) > MAX_PATHS:
            raise TooManyCandidates(f"more than {MAX_PATHS} forks of the forward pass")
        paths = new
    return [p[1:] for p in paths]


def emulate(backend: str, chain: Chain, weights: Sequence[Fraction], fmt: str, *,
            biases: Sequence[Fraction] | None = None, x: Fraction | None = None,
            flushes: bool = False, model: Model | None = None) -> Emulation:
    """Candidate sets of ``backend``'s F and gradient in ``fmt`` (parameters already in ``fmt``).

    Raises :class:`TooManyCandidates` when a set or the forks outgrow their caps.
    """
    S = Sets(format_rounding(fmt, flush=flushes), model or Model())
    fwd, bwd = layer_rules(backend, S, chain.activation)
    w = [single(_exact_float(v)) for v in weights]
    b = [single(_exact_float(v)) for v in biases] if chain.bias and biases is not None else None
    seed, n = chain.form == "seed", chain.depth
    first = 1 if seed else 0
    o0 = _exact_float(weights[0] if seed else (Fraction(1) if x is None else x))
    acc: list[set[float]] = [set() for _ in range(2 * n + 2)]  # F, w.., b.., x
    paths = _forward(S, fwd, w, b, o0, first, n)
    for layers in paths:
        acc[0].add(layers[-1][2])
        g = ONE
        for i in range(n - 1, first - 1, -1):
            o, z, y = layers[i - first]
            dz = bwd(g, single(z), single(y))
            acc[1 + i] |= S.mul(dz, single(o))
            if b is not None:
                acc[1 + n + i] |= dz
            g = S.mul(dz, w[i])
        acc[1 if seed else 2 * n + 1] |= g
    sets = [frozenset(s) for s in acc]
    return Emulation(sets[0], sets[1:n + 1], sets[n + 1:2 * n + 1] if b is not None else [],
                     None if seed else sets[2 * n + 1], len(paths))
