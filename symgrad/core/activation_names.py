"""The names of symgrad's activations, without SymPy: what the numeric commands validate.

:mod:`symgrad.core.activations` holds the SymPy classes; this table lets a :class:`Chain`
check its activation's name, and the CLI list the choices, without importing SymPy
(``symgrad reference`` and ``formats`` never need it).  ``tests/test_chain_light.py``
checks that it names exactly the activations of :data:`symgrad.core.activations.ACTIVATIONS`.

>>> activation_name(" Tanh ")
'tanh'
>>> ACTIVATION_NAMES[:3], LEAKY_SLOPE
(('sigmoid', 'tanh', 'softplus'), Fraction(1, 100))
"""

from __future__ import annotations

from fractions import Fraction

from symgrad.base.errors import InputError

__all__ = ["ACTIVATION_NAMES", "LEAKY_SLOPE", "activation_name"]

#: every activation symgrad knows, in the order of :data:`symgrad.core.activations.ACTIVATIONS`
ACTIVATION_NAMES = ("sigmoid", "tanh", "softplus", "identity", "relu", "leaky_relu", "elu",
                    "gelu", "silu", "erf")
#: the slope a of leaky_relu(t) = a t for t <= 0, exact (the SymPy classes and the numeric
#: kernels both read it from here)
LEAKY_SLOPE = Fraction(1, 100)


def activation_name(name: str) -> str:
    """The canonical name of an activation, with an error that lists the known ones.

    >>> activation_name("relu6")
    Traceback (most recent call last):
    ...
    symgrad.base.errors.InputError: unknown activation 'relu6' (choose one of: elu, erf, \
gelu, identity, leaky_relu, relu, sigmoid, silu, softplus, tanh)
    """
    key = str(name).strip().lower()
    if key not in ACTIVATION_NAMES:
        known = ", ".join(sorted(ACTIVATION_NAMES))
        raise InputError(f"unknown activation '{name}'", hint=f"choose one of: {known}")
    return key
