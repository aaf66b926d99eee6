"""The text's general setting: a network phi_w : R^n -> R^m, a loss and a data set.

Fully connected layers with widths n_0 (inputs), n_1, ..., n_L (outputs).  Layer l
computes z_l = W_l o_{l-1} + b_l and o_l = act_l(z_l) (o_0 = x), or, with residual
connections where the widths match, o_l = o_{l-1} + act_l(z_l).  The empirical error is
the sum over the data set, F(w) = sum_{(x, y) in D} L(phi_w(x), y), with the loss

* ``squared``: L = 1/2 ||y_hat - y||^2;
* ``cross-entropy``: the output layer is ``sigmoid`` (n_L = 1, binary) or ``softmax``
  (n_L >= 2); L = -y log y_hat - (1 - y) log(1 - y_hat), resp. -sum_i y_i log y_hat_i,
  written on the logits z_L as softplus(z) - y z, resp. (sum y) logsumexp(z) - y.z;
* ``none``: F = the single output (n_L = 1), as in the text's chain.

The scalar chain is the special case: every width 1, input x, loss ``none``.

This module is the core's model (standard library only: the numeric commands that read
a network do not import SymPy); numbers and files are
:mod:`symgrad.numeric.network_file` and :mod:`symgrad.numeric.network_values`.

>>> net = Network((2, 2, 1), ("tanh", "identity"))
>>> net.depth, net.n_parameters, [name for name, _ in net.parameters()]
(2, 9, ['W1', 'b1', 'W2', 'b2'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from symgrad.base.errors import InputError
from symgrad.core.activation_names import activation_name

__all__ = ["LOSSES", "OUTPUT_ONLY", "Network"]

#: the losses a network file may name
LOSSES = ("squared", "cross-entropy", "none")
#: activations allowed only on the output layer (not elementwise)
OUTPUT_ONLY = ("softmax",)


@dataclass(frozen=True)
class Network:
    """A fully connected network: ``widths`` n_0..n_L, one activation per layer.

    ``activations`` may be a single name for every layer.  ``residual`` adds the skip
    o_{l-1} to every layer whose input and output widths match.
    """

    widths: tuple[int, ...]
    activations: tuple[str, ...] | str = "sigmoid"
    bias: bool = True
    residual: bool = False
    loss: str = "squared"

    def __post_init__(self) -> None:
        widths = tuple(self.widths) if isinstance(self.widths, Sequence) else ()
        if len(widths) < 2 or not all(type(n) is int and n >= 1 for n in widths):
            raise InputError(f"layers must list at least two positive whole widths "
                             f"n_0, ..., n_L, got {self.widths!r}",
                             hint="e.g. layers = [2, 2, 1]")
        object.__setattr__(self, "widths", widths)
        acts = self.activations
        acts = (acts,) * (len(widths) - 1) if isinstance(acts, str) else tuple(acts)
        if len(acts) != len(widths) - 1:
            raise InputError(f"activation lists {len(acts)} names for {len(widths) - 1} "
                             "layers", hint="give one name per layer, or one name for all")
        acts = tuple(_activation_name(a, last=i == len(acts) - 1) for i, a in enumerate(acts))
        object.__setattr__(self, "activations", acts)
        for flag in ("bias", "residual"):
            if type(getattr(self, flag)) is not bool:
                raise InputError(f"{flag} must be true or false, got "
                                 f"{getattr(self, flag)!r}", hint=f"{flag} = true")
        self._check_loss()

    def _check_loss(self) -> None:
        if self.loss not in LOSSES:
            raise InputError(f"unknown loss {self.loss!r}", hint="choose one of: "
                             + ", ".join(LOSSES))
        out, last = self.widths[-1], self.activations[-1]
        if self.loss == "none" and out != 1:
            raise InputError(f"loss 'none' needs one output (F is that output), but "
                             f"n_L = {out}", hint="end layers with 1, or use loss = 'squared'")
        if self.loss == "cross-entropy":
            if out == 1 and last != "sigmoid":
                raise InputError("cross-entropy with one output needs a sigmoid output "
                                 f"layer, got {last!r}", hint="make the last activation "
                                 "'sigmoid'")
            if out > 1 and last != "softmax":
                raise InputError(f"cross-entropy with {out} outputs needs a softmax output "
                                 f"layer, got {last!r}", hint="make the last activation "
                                 "'softmax'")
        elif last == "softmax":
            raise InputError("softmax is the output of a cross-entropy loss only",
                             hint="loss = 'cross-entropy', or another last activation")

    @property
    def depth(self) -> int:
        """L, the number of layers with weights."""
        return len(self.widths) - 1

    def is_residual(self, layer: int) -> bool:
        """Whether layer ``layer`` (1-based) adds its input o_{l-1} to its output: with
        ``residual``, where the widths match, except a cross-entropy output layer (its
        output is the sigmoid/softmax the loss reads)."""
        if self.loss == "cross-entropy" and layer == self.depth:
            return False
        return self.residual and self.widths[layer - 1] == self.widths[layer]

    def parameters(self) -> list[tuple[str, tuple[int, ...]]]:
        """``(name, shape)`` of every parameter tensor in order: W1 (n_1 x n_0), b1, W2, ..."""
        out: list[tuple[str, tuple[int, ...]]] = []
        for layer in range(1, self.depth + 1):
            out.append((f"W{layer}", (self.widths[layer], self.widths[layer - 1])))
            if self.bias:
                out.append((f"b{layer}", (self.widths[layer],)))
        return out

    @property
    def n_parameters(self) -> int:
        """q, the number of scalar weights."""
        total = 0
        for _, shape in self.parameters():
            size = 1
            for n in shape:
                size *= n
            total += size
        return total

    def entries(self) -> list[tuple[str, tuple[int, ...]]]:
        """Every scalar weight as ``(tensor name, index)`` in order (row-major)."""
        out: list[tuple[str, tuple[int, ...]]] = []
        for name, shape in self.parameters():
            if len(shape) == 2:
                out.extend((name, (i, j)) for i in range(shape[0]) for j in range(shape[1]))
            else:
                out.extend((name, (i,)) for i in range(shape[0]))
        return out


def _activation_name(name: object, *, last: bool) -> str:
    key = str(name).strip().lower() if isinstance(name, str) else name
    if key in OUTPUT_ONLY:
        if not last:
            raise InputError(f"{key} may only be the output layer's activation",
                             hint="use an elementwise activation for hidden layers")
        return key
    if not isinstance(key, str):
        raise InputError(f"activation names must be text, got {name!r}",
                         hint='e.g. activation = "tanh"')
    return activation_name(key)
