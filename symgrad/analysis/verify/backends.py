"""The autodiff frameworks symgrad checks: their names, loading, and measured behaviour.

A backend is a module of :mod:`symgrad.numeric` (``jax_backend``, ``torch_backend``) with
``available()``, ``gradient``, ``hessian`` and ``flushes_subnormals``; its framework is an
optional extra, imported only when the backend is loaded (:mod:`symgrad.base.optional`).

>>> parse_backends("torch, jax")
('torch', 'jax')
>>> install_command("jax")
"pip install 'symgrad[jax]'"
"""

from __future__ import annotations

import importlib
from fractions import Fraction
from functools import cache
from types import ModuleType

import mpmath

from symgrad.base.errors import InputError, MissingExtraError
from symgrad.numeric.mpmath_backend import ACTIVATION_TABLE

__all__ = [
    "BACKENDS",
    "MpOps",
    "backend_available",
    "backend_flushes",
    "install_command",
    "load_backend",
    "parse_backends",
]

#: backend name -> module
BACKENDS = {"jax": "symgrad.numeric.jax_backend", "torch": "symgrad.numeric.torch_backend"}


def install_command(name: str) -> str:
    """The pip command that installs a backend's extra."""
    return f"pip install 'symgrad[{name}]'"


def parse_backends(text: str) -> tuple[str, ...]:
    """Parse ``"jax,torch"``; unknown names raise a one-line error.

    >>> parse_backends("torch, jax")
    ('torch', 'jax')
    """
    names = tuple(dict.fromkeys(p.strip().lower() for p in str(text).split(",") if p.strip()))
    if not names:
        raise InputError("empty backend list", hint="choose from: jax, torch")
    for n in names:
        if n not in BACKENDS:
            raise InputError(f"unknown backend '{n}'", hint="choose from: jax, torch")
    return names


def load_backend(name: str) -> ModuleType:
    """The backend module; raises MissingExtraError when its framework is absent."""
    mod = importlib.import_module(BACKENDS[parse_backends(name)[0]])
    if not mod.available():
        raise MissingExtraError(name, name)
    return mod


def backend_available(name: str) -> bool:
    """True when the backend's framework can be imported."""
    try:
        load_backend(name)
    except MissingExtraError:
        return False
    return True


@cache
def backend_flushes(backend: str, fmt: str) -> bool:
    """Whether ``backend`` flushes subnormal results to zero in ``fmt`` (measured once)."""
    return bool(load_backend(backend).flushes_subnormals(fmt)["flushes"])


class MpOps:
    """mpmath arithmetic that accepts mpf weights (finite differences of the recurrence).

    >>> from symgrad.core.chain import Chain
    >>> from symgrad.numeric.recurrence import forward_output
    >>> with mpmath.workdps(20):
    ...     print(forward_output(Chain(2), [mpmath.mpf(0), mpmath.mpf(1)], MpOps()))
    0.5
    """

    def convert(self, value):
        if isinstance(value, mpmath.mpf):
            return value
        v = Fraction(value)
        return mpmath.mpf(v.numerator) / v.denominator

    def activation(self, name: str):
        return ACTIVATION_TABLE[name]
