"""Forward pass and backpropagation of a :class:`~symgrad.core.network.Network`, written once
for every number type (the network counterpart of :mod:`symgrad.numeric.recurrence`).

The arithmetic comes from an ops table: ``convert(Fraction)`` and ``activation(name) ->
(sigma, sigma')``, as for the chain (exact rationals, python-flint balls, mpmath numbers,
numpy scalars of one dtype), plus ``exp`` and ``log`` for a softmax output.  For each
data point (x, y):

    z_l = W_l o_{l-1} + b_l,   o_l = act_l(z_l)  (+ o_{l-1} where residual),
    delta_l = g_l * act_l'(z_l),   g_{l-1} = W_l^T delta_l  (+ g_l where residual),
    dF/dW_l += delta_l o_{l-1}^T,   dF/db_l += delta_l,

with g_L = dL/do_L (squared: y_hat - y; none: 1) or, for cross-entropy, delta_L = dL/dz_L
given by the loss (sigmoid(z) - y, resp. (sum y) softmax(z) - y).  ``loss_scale=S`` starts
the reverse sweep from S g_L (resp. S delta_L), multiplied in the ops arithmetic: the
gradient of S F, as a framework's loss scaling does before backward.  Sums run in index
order, the bias added last (``sum_j W_ij o_j + b_i``): in a float format this order is
the arithmetic that format performs.  Loops only: no recursion.

>>> from fractions import Fraction as Q
>>> from symgrad.core.network import Network
>>> from symgrad.numeric.recurrence import ExactOps
>>> net = Network((1, 1), "identity", bias=False, loss="squared")
>>> v = network_values(net, {"W1": [[Q(3)]]}, [([Q(2)], [Q(1)])], ExactOps())
>>> v.value, v.grads["W1"]   # F = (3*2 - 1)^2 / 2, dF/dW = (6 - 1) * 2
(Fraction(25, 2), [[Fraction(10, 1)]])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from symgrad.core.network import Network

__all__ = ["NetworkValues", "Point", "network_values"]

#: one data point: (x, y) as exact rationals (y empty for loss "none")
Point = tuple[Sequence[Fraction], Sequence[Fraction]]


@dataclass
class NetworkValues:
    """F, its gradient per parameter tensor (nested lists like the weights), the outputs
    y_hat per data point, and the exact kinks met: ``(layer, unit, point)`` where a
    ReLU-family pre-activation is exactly 0 (its derivative is the Clarke interval).
    ``layer_inputs[p][l - 1]`` is o_{l-1} at data point p, ``derivatives[p][l - 1]`` the
    act_l'(z_l) there (``None`` for a softmax output) and ``logits[p]`` is z_L;
    ``output_adjoints[p]`` is dL/do_L (``None`` for cross-entropy, whose
    ``output_deltas[p]`` = dL/dz_L)."""

    value: Any
    grads: dict[str, list]
    outputs: list[list[Any]]
    kinks: list[tuple[int, int, int]]
    layer_inputs: list[list[list[Any]]]
    output_adjoints: list[list[Any] | None]
    output_deltas: list[list[Any] | None]
    derivatives: list[list[list[Any] | None]]
    logits: list[list[Any]]


def _identity(ops):
    one = ops.convert(Fraction(1))
    return (lambda t: t), (lambda t: one)


def _layer_ops(net: Network, ops, kink_at_zero: Callable[[str], bool]):
    out = []
    for name in net.activations:
        if name == "softmax":
            out.append((None, None, False))
        elif name == "identity":
            out.append((*_identity(ops), False))
        else:
            out.append((*ops.activation(name), kink_at_zero(name)))
    return out


def _affine(W, b, o):
    z = []
    for i, row in enumerate(W):
        acc = row[0] * o[0]
        for j in range(1, len(row)):
            acc = acc + row[j] * o[j]
        z.append(acc + b[i] if b is not None else acc)
    return z


def _is_exact_zero(t) -> bool:
    return t == 0 and (isinstance(t, Fraction) or type(t).__name__ == "fmpq")


def _loss(net: Network, z_last, o_last, y, ops):
    """(L, delta_L or None, g_L or None) for one point."""
    if net.loss == "none":
        return o_last[0], None, [ops.convert(Fraction(1))]
    if net.loss == "squared":
        r = [o - ops.convert(yi) for o, yi in zip(o_last, y, strict=True)]
        half = ops.convert(Fraction(1, 2))
        total = r[0] * r[0]
        for ri in r[1:]:
            total = total + ri * ri
        return half * total, None, r
    ys = [ops.convert(yi) for yi in y]
    if len(z_last) == 1:  # binary: softplus(z) - y z, dL/dz = sigmoid(z) - y
        softplus, sig = ops.activation("softplus")
        z = z_last[0]
        return softplus(z) - ys[0] * z, [sig(z) - ys[0]], None
    m = z_last[0]  # logsumexp with a rational shift (any shift is exact in balls)
    e = [ops.exp(zi - m) for zi in z_last]
    s = e[0]
    for ei in e[1:]:
        s = s + ei
    lse = m + ops.log(s)
    sy = ys[0]
    for yi in ys[1:]:
        sy = sy + yi
    dot = ys[0] * z_last[0]
    for yi, zi in zip(ys[1:], z_last[1:], strict=True):
        dot = dot + yi * zi
    return sy * lse - dot, [sy * (ei / s) - yi for ei, yi in zip(e, ys, strict=True)], None


def _add(acc, v):
    return v if acc is None else acc + v


def _backward(net: Network, W, ds, os_, delta, g, gW, gB) -> None:
    """One data point's reverse sweep, accumulated into ``gW`` and ``gB``."""
    for layer in range(net.depth, 0, -1):
        k = layer - 1
        if delta is None:
            delta = [gi * di for gi, di in zip(g, ds[k], strict=True)]
        for i, di in enumerate(delta):
            gB[k][i] = _add(gB[k][i], di)
            for j, oj in enumerate(os_[k]):
                gW[k][i][j] = _add(gW[k][i][j], di * oj)
        if layer > 1:
            back = []
            for j in range(len(os_[k])):
                acc = W[k][0][j] * delta[0]
                for i in range(1, len(delta)):
                    acc = acc + W[k][i][j] * delta[i]
                back.append(acc)
            if net.is_residual(layer) and g is not None:
                back = [bj + gj for bj, gj in zip(back, g, strict=True)]
            g, delta = back, None


def network_values(net: Network, weights: dict[str, Sequence], data: Sequence[Point], ops, *,
                   kink_at_zero: Callable[[str], bool] = lambda name: False,
                   backward: bool = True, loss_scale: Any = None) -> NetworkValues:
    """F = sum over ``data`` of the loss, and dF/d(every parameter), in ``ops`` arithmetic.

    ``weights`` maps ``W1``, ``b1``, ... to nested sequences of Fractions (shape n_l x
    n_{l-1}, row i holding the weights into unit i).  ``kink_at_zero(name)`` says whether
    the activation's derivative jumps at 0 (then an exact 0 pre-activation is recorded).
    ``backward=False`` runs the forward pass alone (``grads`` is then empty).
    ``loss_scale`` (None: unscaled): a number of the ops' type, or an int/Fraction
    (converted once), multiplying dL/do_L (resp. dL/dz_L) before each point's reverse
    sweep; ``output_adjoints``/``output_deltas`` keep the unscaled values.
    """
    conv = ops.convert
    W = [[[conv(v) for v in row] for row in weights[f"W{layer}"]]
         for layer in range(1, net.depth + 1)]
    B = [[conv(v) for v in weights[f"b{layer}"]] if net.bias else None
         for layer in range(1, net.depth + 1)]
    acts = _layer_ops(net, ops, kink_at_zero)
    scale = conv(Fraction(loss_scale)) if isinstance(loss_scale, (int, Fraction)) \
        else loss_scale
    gW = [[[None] * len(row) for row in w] for w in W]
    gB = [[None] * len(w) for w in W]
    total, outputs, kinks = None, [], []
    inputs, adjoints, deltas, derivs, logits = [], [], [], [], []

    for p, (x, y) in enumerate(data):
        o, zs, ds, os_ = [conv(v) for v in x], [], [], []
        for layer, (w, b, (f, df, kinked)) in enumerate(zip(W, B, acts, strict=True), 1):
            os_.append(o)
            z = _affine(w, b, o)
            zs.append(z)
            if f is None:  # softmax output: the loss works on the logits
                ds.append(None)
                o = z
                continue
            if kinked:
                kinks += [(layer, i, p) for i, t in enumerate(z) if _is_exact_zero(t)]
            a = [f(t) for t in z]
            ds.append([df(t) for t in z] if backward else None)
            o = [oi + ai for oi, ai in zip(o, a, strict=True)] if net.is_residual(layer) else a
        loss, delta, g = _loss(net, zs[-1], o, y, ops)
        outputs.append(o)
        inputs.append(os_)
        adjoints.append(g)
        deltas.append(delta)
        derivs.append(ds)
        logits.append(zs[-1])
        total = _add(total, loss)
        if backward and scale is not None:
            delta = None if delta is None else [di * scale for di in delta]
            g = None if g is None else [gi * scale for gi in g]
        if backward:
            _backward(net, W, ds, os_, delta, g, gW, gB)
    grads: dict[str, list] = {}
    for layer in range(1, net.depth + 1) if backward else ():
        grads[f"W{layer}"] = gW[layer - 1]
        if net.bias:
            grads[f"b{layer}"] = gB[layer - 1]
    return NetworkValues(total, grads, outputs, kinks, inputs, adjoints, deltas, derivs, logits)
