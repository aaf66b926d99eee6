"""The forward/backward recurrence of the chain, written once for every number type.

``evaluate_chain`` runs the forward pass (o_i, z_i, sigma'(z_i)) and the
reverse sweep (the adjoint delta_k = dF/do_k) with whatever arithmetic the
``ops`` table supplies: mpmath numbers, python-flint balls, numpy scalars of a
given dtype.  The backends in :mod:`symgrad.numeric` only provide tables; the
recurrence itself is shared, so one tested path serves all of them.

It is the numeric counterpart of :func:`symgrad.core.derive.derive_layerwise`:

    dF/dw_k = o_{k-1} sigma'(z_k) delta_k,   dF/db_k = sigma'(z_k) delta_k,
    delta_L = 1,   delta_{k-1} = delta_k w_k sigma'(z_k),   dF/dx = delta_0.

Loops only (no recursion), so depths of 10^5 and more are fine.  This module
imports no numeric library.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> ops = ExactOps()
>>> v = evaluate_chain(Chain(2, activation="tanh"), [Fraction(0), Fraction(3)], ops)
>>> v.grad_w  # F = tanh(w2*w1) at (0, 3): dF/dw1 = w2, dF/dw2 = w1
[Fraction(3, 1), Fraction(0, 1)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain

__all__ = ["ChainValues", "ExactOps", "NumberOps", "evaluate_chain", "forward_output"]


class NumberOps(Protocol):
    """What a backend supplies: conversion and the activation table."""

    def convert(self, value: Fraction) -> Any: ...

    def activation(self, name: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]: ...


class ExactOps:
    """Exact rational arithmetic; only for activations that are exact at 0.

    Used in doctests and as a tiny reference; any other argument raises.
    """

    def convert(self, value: Fraction) -> Fraction:
        return Fraction(value)

    def activation(self, name: str):
        def f(t):
            if t != 0:
                raise SymgradError("ExactOps evaluates activations only at 0")
            return {"sigmoid": Fraction(1, 2), "tanh": Fraction(0)}[name]

        def df(t):
            if t != 0:
                raise SymgradError("ExactOps evaluates activations only at 0")
            return {"sigmoid": Fraction(1, 4), "tanh": Fraction(1)}[name]

        return f, df


@dataclass
class ChainValues:
    """Everything the recurrence computes, in the backend's number type.

    Lists are 0-based: ``outputs[i-1]`` is o_i, ``grad_w[k-1]`` is dF/dw_k.
    """

    outputs: list[Any]
    dact: list[Any]
    grad_w: list[Any]
    grad_b: list[Any]
    grad_x: Any

    @property
    def value(self) -> Any:
        """F = o_L."""
        return self.outputs[-1]


def _params(chain: Chain, weights, biases, x, ops):
    if len(weights) != chain.depth:
        raise SymgradError(
            f"{len(weights)} weights given for depth {chain.depth}",
            hint=f"give exactly {chain.depth} weights",
        )
    w = [ops.convert(v) for v in weights]
    if chain.bias:
        if biases is None or len(biases) != chain.depth:
            raise SymgradError("the chain has biases: give one per layer", hint="--biases SPEC")
        b = [ops.convert(v) for v in biases]
    else:
        b = None
    x0 = ops.convert(Fraction(1) if (chain.form == "seed" or x is None) else x)
    return w, b, x0


def forward_output(chain: Chain, weights: Sequence[Fraction], ops: NumberOps, *,
                   biases: Sequence[Fraction] | None = None, x: Fraction | None = None) -> Any:
    """F alone (one forward pass, no stored intermediates)."""
    w, b, o = _params(chain, weights, biases, x, ops)
    f, _ = ops.activation(chain.activation)
    for i in range(chain.depth):
        z = w[i] * o if b is None else w[i] * o + b[i]
        o = z if (i == 0 and chain.form == "seed") else f(z)
    return o


def evaluate_chain(chain: Chain, weights: Sequence[Fraction], ops: NumberOps, *,
                   biases: Sequence[Fraction] | None = None,
                   x: Fraction | None = None) -> ChainValues:
    """Forward pass and reverse sweep: F and every partial derivative."""
    w, b, o = _params(chain, weights, biases, x, ops)
    f, df = ops.activation(chain.activation)
    one = ops.convert(Fraction(1))
    inputs, outputs, dact = [], [], []
    for i in range(chain.depth):
        z = w[i] * o if b is None else w[i] * o + b[i]
        inputs.append(o)
        if i == 0 and chain.form == "seed":
            o, d = z, one
        else:
            o, d = f(z), df(z)
        outputs.append(o)
        dact.append(d)
    grad_w = [None] * chain.depth
    grad_b = [None] * chain.depth if b is not None else []
    delta = one
    for i in range(chain.depth - 1, -1, -1):
        g = delta * dact[i]
        grad_w[i] = g * inputs[i]
        if b is not None:
            grad_b[i] = g
        delta = g * w[i]
    return ChainValues(outputs, dact, grad_w, grad_b, delta)
