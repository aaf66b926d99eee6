"""The deep chain of the text: L layers of one neuron each.

Seed form (the text's model)::

    o_1 = w_1,   o_i = sigma(w_i * o_{i-1})  (i >= 2),   F = o_L

General form (input ``x``, optional biases)::

    o_0 = x,     o_i = sigma(w_i * o_{i-1} + b_i)  (i >= 1),   F = o_L

Both are described by :class:`Chain`, which knows its symbols and the map of
each layer.  The seed form is the general one with input 1, no biases, and the
identity as the activation of layer 1, so every algorithm in symgrad handles
both through :meth:`Chain.layer`.

This module is part of the symbolic core, yet imports SymPy only when a symbol or an
expression is first asked for: the numeric path (``symgrad reference``, ``formats``,
``scan``) reads only the depth, the activation's name, the form and the bias flag.

>>> c = Chain(3)
>>> c.nested_expression()
sigmoid(w3*sigmoid(w1*w2))
>>> Chain(2, form="general", bias=True).nested_expression()
sigmoid(b2 + w2*sigmoid(b1 + w1*x))

The depth is an ``int`` and ``bias`` a ``bool``; text is converted first (the command
line does it with :func:`validate_depth`), never guessed:

>>> try:
...     Chain("3")
... except InputError as exc:
...     print(exc)
depth must be an int, got '3' (a str) (convert text first, e.g. Chain(validate_depth('3')))
>>> Chain(validate_depth("3")).depth
3
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from symgrad.base.errors import InputError, LimitError
from symgrad.core.activation_names import activation_name

if TYPE_CHECKING:  # pragma: no cover - annotations only
    import sympy

    from symgrad.core.activations import Activation

__all__ = ["FORMS", "MAX_DEPTH", "Chain", "Layer", "validate_depth"]

#: Largest depth symgrad accepts (documented in the README).
MAX_DEPTH = 1_000_000
FORMS = ("seed", "general")


def validate_depth(depth: object, *, cap: int = MAX_DEPTH, name: str = "depth") -> int:
    """Return ``depth`` as an int in [1, cap] or raise a one-line :class:`SymgradError`.

    >>> validate_depth("12")
    12
    """
    if isinstance(depth, bool):
        raise InputError(f"{name} must be a whole number, got {depth!r}")
    if isinstance(depth, int):
        value = depth
    else:
        text = str(depth).strip()
        # ASCII digits only: str.isdigit() also accepts '\u00b2', which int() then rejects
        if not re.fullmatch(r"[+-]?[0-9]{1,12}", text, re.ASCII):
            raise InputError(
                f"{name} must be a whole number (ASCII digits 0-9), got {depth!r}",
                hint=f"e.g. --{name} 10",
            )
        value = int(text)
    if value < 1:
        raise InputError(f"{name} must be >= 1, got {value}", hint=f"pass --{name} 1 or more")
    if value > cap:
        raise LimitError(
            f"{name} {value} is above the cap of {cap}", hint=f"pass --{name} {cap} or less"
        )
    return value


def _int_depth(depth: object) -> int:
    """``depth`` when it is an integer (int or numpy integer, not bool), else InputError."""
    if isinstance(depth, numbers.Integral) and not isinstance(depth, bool):
        return int(depth)
    text = repr(depth) if len(repr(depth)) <= 40 else repr(depth)[:37] + "..."
    fix = (f"convert text first, e.g. Chain(validate_depth({depth!r}))"
           if isinstance(depth, str) else "pass a whole number, e.g. Chain(3)")
    raise InputError(f"depth must be an int, got {text} (a {type(depth).__name__})", hint=fix)


@dataclass(frozen=True)
class Layer:
    """Layer ``index``: ``output = act(pre)`` with ``pre = weight*prev + bias``.

    ``prev`` is the symbol of the previous layer's output (``o_{i-1}``, or the
    input).  ``act`` is ``None`` for the seed form's identity layer 1.
    """

    index: int
    weight: sympy.Symbol
    bias: sympy.Symbol | None
    prev: sympy.Expr
    output: sympy.Symbol
    activation: Activation | None

    @property
    def pre(self) -> sympy.Expr:
        """The pre-activation z_i = w_i*o_{i-1} (+ b_i)."""
        z = self.weight * self.prev
        return z if self.bias is None else z + self.bias

    @property
    def expression(self) -> sympy.Expr:
        """o_i as a function of the layer's own inputs."""
        return self.pre if self.activation is None else self.activation(self.pre)


@dataclass(frozen=True)
class Chain:
    """A depth-``depth`` chain with activation ``activation``.

    >>> Chain(4).weights[-1]
    w4
    >>> Chain(2, activation="tanh").nested_expression()
    tanh(w1*w2)
    """

    depth: int
    activation: str = "sigmoid"
    form: str = "seed"
    bias: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth", validate_depth(_int_depth(self.depth)))
        if not isinstance(self.activation, str):
            raise InputError(f"activation must be a name (a str), got {self.activation!r}",
                             hint="e.g. activation='tanh'")
        object.__setattr__(self, "activation", activation_name(self.activation))
        if not isinstance(self.bias, bool):
            raise InputError(f"bias must be True or False, got {self.bias!r}",
                             hint="pass bias=True for a chain with biases")
        if not isinstance(self.form, str) or self.form not in FORMS:
            raise InputError(
                f"unknown chain form '{self.form}'", hint=f"choose one of: {', '.join(FORMS)}"
            )
        if self.bias and self.form != "general":
            raise InputError(
                "biases need the general form", hint="pass --form general together with --bias"
            )

    # -- symbols -------------------------------------------------------------
    @property
    def act(self) -> Activation:
        """The activation's SymPy function (imports SymPy)."""
        from symgrad.core.activations import get_activation

        return get_activation(self.activation)

    def _symbols(self, letter: str) -> tuple[sympy.Symbol, ...]:
        import sympy

        return tuple(sympy.Symbol(f"{letter}{i}") for i in range(1, self.depth + 1))

    @cached_property
    def weights(self) -> tuple[sympy.Symbol, ...]:
        return self._symbols("w")

    @cached_property
    def biases(self) -> tuple[sympy.Symbol, ...]:
        if not self.bias:
            return ()
        return self._symbols("b")

    @cached_property
    def outputs(self) -> tuple[sympy.Symbol, ...]:
        """Named intermediate quantities o_1..o_L (index 0 is o_1)."""
        return self._symbols("o")

    @property
    def input(self) -> sympy.Expr:
        """o_0: the symbol ``x`` in the general form, 1 in the seed form."""
        import sympy

        return sympy.Symbol("x") if self.form == "general" else sympy.S.One

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Every differentiable parameter: weights, then biases."""
        return self.weights + self.biases

    def layer(self, i: int) -> Layer:
        """Layer ``i`` (1-based)."""
        if not 1 <= i <= self.depth:
            raise InputError(f"layer index {i} is outside 1..{self.depth}")
        prev = self.input if i == 1 else self.outputs[i - 2]
        act = None if (self.form == "seed" and i == 1) else self.act
        bias = self.biases[i - 1] if self.bias else None
        return Layer(i, self.weights[i - 1], bias, prev, self.outputs[i - 1], act)

    def layers(self):
        """Iterate over the layers 1..L."""
        for i in range(1, self.depth + 1):
            yield self.layer(i)

    # -- expressions -----------------------------------------------------------
    def output_values(self) -> list[sympy.Expr]:
        """o_1..o_L as explicit functions of the parameters (built iteratively)."""
        values: list[sympy.Expr] = []
        prev = self.input
        for lay in self.layers():
            expr = lay.expression.xreplace({lay.prev: prev}) if lay.prev.is_Symbol else (
                lay.expression
            )
            values.append(expr)
            prev = expr
        return values

    def nested_expression(self) -> sympy.Expr:
        """F = o_L written out as one nested expression (for small depths)."""
        return self.output_values()[-1]

    def describe(self) -> str:
        """A one-line description, e.g. ``seed chain, depth 3, sigmoid``."""
        extra = ", with biases" if self.bias else ""
        return f"{self.form} chain, depth {self.depth}, {self.activation}{extra}"
