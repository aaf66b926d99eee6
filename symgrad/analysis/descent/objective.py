"""What gradient descent minimises: the chain's F in its weights, or a network's F in all of
its parameters, behind one interface.

An objective has ``n`` parameters (``names``, exact starting values ``start``), computes
``(F, grad F)`` and ``F`` alone in whatever arithmetic an ops table supplies (balls,
numpy scalars of one format), and classifies a final iterate with the existing Hessian
analysis.  :class:`ChainObjective` runs :func:`symgrad.numeric.recurrence.evaluate_chain`
(the descent moves the weights; biases and x are fixed data, as in ``symgrad hessian``);
:class:`NetworkObjective` runs :func:`symgrad.numeric.network_values.network_values` over
the network's data (every W and b moves, in the order of ``Network.entries()``).

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> obj = ChainObjective(Chain(2), [Fraction(1), Fraction(0)])
>>> obj.n, obj.names, obj.grad(obj.start, ball_ops())[1]
(2, ['w1', 'w2'], [0, 1/4])
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from flint import arb, fmpq

from symgrad.analysis.precision.network_formats import NetworkFormatOps
from symgrad.analysis.stationary.landscape import MAX_HESSIAN_DEPTH, chain_hessian
from symgrad.analysis.stationary.network_point import classify_network_point
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.network_certified import NetworkBallOps
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_hessian import network_hessian
from symgrad.numeric.network_values import network_values
from symgrad.numeric.recurrence import evaluate_chain, forward_output

__all__ = ["ChainObjective", "NetworkObjective", "Objective", "ball_ops", "float_ops"]

_CLASS_DIGITS = 10


class _IterateBallOps(NetworkBallOps):
    """Exact-aware balls (with exp/log), taking iterates that are already balls."""

    def convert(self, value):
        return value if isinstance(value, (arb, fmpq)) else super().convert(value)


class _IterateFormatOps(NetworkFormatOps):
    """Numpy scalars of one format (with exp/log), taking values already in the format."""

    def convert(self, value):
        return value if isinstance(value, self.info.dtype) else super().convert(value)


def ball_ops() -> _IterateBallOps:
    """The ball table for iterates (call inside ``flint.ctx.workprec``)."""
    return _IterateBallOps()


def float_ops(name: str) -> _IterateFormatOps:
    """The table of format ``name`` (call inside ``numpy.errstate(all="ignore")``)."""
    return _IterateFormatOps(name)


class Objective(abc.ABC):
    """The interface (see the module docstring); ``size`` scales the guard bits."""

    n: int
    size: int
    names: list[str]
    start: list[Fraction]
    inputs: list[Fraction]  # every exact number the evaluation reads (for magnitudes)

    @abc.abstractmethod
    def grad(self, p, ops):
        """(F, gradient) at ``p`` in ``ops`` arithmetic."""

    @abc.abstractmethod
    def value(self, p, ops):
        """F at ``p`` in ``ops`` arithmetic."""

    @abc.abstractmethod
    def scaled_grad(self, p, ops, scale):
        """(F, gradient of ``scale`` x F), the reverse sweep seeded with ``scale``."""

    @abc.abstractmethod
    def classify(self, w: Sequence[Fraction], digits: int):
        """(||grad F|| text, Verdict, eigenvalue enclosure texts) at ``w``."""


class ChainObjective(Objective):
    """The chain's F in its L weights (biases and x fixed)."""

    def __init__(self, chain: Chain, weights: Sequence[Fraction],
                 biases: Sequence[Fraction] | None = None, x: Fraction | None = None) -> None:
        self.chain, self.biases, self.x = chain, biases, x
        self.n = self.size = chain.depth
        self.names = [f"w{k}" for k in range(1, chain.depth + 1)]
        self.start = list(weights)
        self.inputs = [*weights, *(biases or ()), *([] if x is None else [x])]

    def describe(self) -> str:
        return self.chain.describe()

    def grad(self, p, ops):
        v = evaluate_chain(self.chain, p, ops, biases=self.biases, x=self.x)
        return v.value, v.grad_w

    def value(self, p, ops):
        return forward_output(self.chain, p, ops, biases=self.biases, x=self.x)

    def scaled_grad(self, p, ops, scale):
        """(F, gradient of ``scale`` x F): the reverse sweep of ``evaluate_chain`` in the
        same order, started from dF/dF = ``scale`` (a number of the ops' type)."""
        v = evaluate_chain(self.chain, p, ops, biases=self.biases, x=self.x)
        x0 = ops.convert(Fraction(1) if (self.chain.form == "seed" or self.x is None)
                         else self.x)
        inputs = [x0, *v.outputs[:-1]]
        grad, delta = [None] * self.n, scale
        for i in range(self.n - 1, -1, -1):
            gi = delta * v.dact[i]
            grad[i] = gi * inputs[i]
            delta = gi * p[i]
        return v.value, grad

    def classify(self, w: Sequence[Fraction], digits: int):
        if self.n > MAX_HESSIAN_DEPTH:
            raise SymgradError(f"depth above the Hessian cap {MAX_HESSIAN_DEPTH}")
        h = chain_hessian(self.chain, w, digits=min(digits, _CLASS_DIGITS), biases=self.biases,
                          x=self.x, symbolic_max_depth=0)
        return h.grad_norm, h.verdict, h.eigenvalues


class NetworkObjective(Objective):
    """A network's F (the loss summed over its data) in all its parameters."""

    def __init__(self, spec: NetworkSpec) -> None:
        self.spec = spec
        net = spec.network
        self.entries = net.entries()
        self.shapes = net.parameters()
        self.n = len(self.entries)
        self.size = net.depth * max(net.widths)
        self.names = [f"{t}[{','.join(str(i + 1) for i in idx)}]" for t, idx in self.entries]
        self.start = [_at(spec.weights[t], idx) for t, idx in self.entries]
        self.inputs = [*self.start, *(v for x, y in spec.data for v in (*x, *y))]

    def describe(self) -> str:
        net = self.spec.network
        k = len(self.spec.data)
        return (f"network {'-'.join(map(str, net.widths))}, {net.loss} loss, {k} data "
                f"point{'s' if k != 1 else ''}, {self.n} parameters")

    def tensors(self, p) -> dict[str, list]:
        """The flat parameter list as nested lists per tensor."""
        out, k = {}, 0
        for name, shape in self.shapes:
            if len(shape) == 2:
                out[name] = [list(p[k + i * shape[1]:k + (i + 1) * shape[1]])
                             for i in range(shape[0])]
                k += shape[0] * shape[1]
            else:
                out[name] = list(p[k:k + shape[0]])
                k += shape[0]
        return out

    def grad(self, p, ops):
        v = network_values(self.spec.network, self.tensors(p), self.spec.data, ops)
        return v.value, [_at(v.grads[t], idx) for t, idx in self.entries]

    def scaled_grad(self, p, ops, scale):
        """(F, gradient of ``scale`` x F): each point's reverse sweep started from
        ``scale`` x dL/do_L (resp. dL/dz_L), ``scale`` a number of the ops' type."""
        v = network_values(self.spec.network, self.tensors(p), self.spec.data, ops,
                           loss_scale=scale)
        return v.value, [_at(v.grads[t], idx) for t, idx in self.entries]

    def value(self, p, ops):
        return network_values(self.spec.network, self.tensors(p), self.spec.data, ops,
                              backward=False).value

    def classify(self, w: Sequence[Fraction], digits: int):
        weights = {k: tuple(tuple(r) if isinstance(r, list) else r for r in v)
                   for k, v in self.tensors(list(w)).items()}
        h = network_hessian(replace(self.spec, weights=weights),
                            digits=min(digits, _CLASS_DIGITS))
        point = classify_network_point(h)
        return point.grad_norm, point.verdict, point.eigenvalues


def _at(nested, index: tuple[int, ...]):
    for i in index:
        nested = nested[i]
    return nested
