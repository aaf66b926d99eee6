"""The number types the activation kernels are instantiated for (mpmath-``ctx`` style).

A namespace supplies the few operations :mod:`symgrad.numeric.kernels` is written
against: constants (``one``, ``two``, ``zero``, ``pi()``, ``const(Fraction)``), the
elementary functions (``exp``, ``expm1``, ``log``, ``log1p``, ``sqrt``, ``tanh``,
``sech``, ``erf``, ``erfc``), ``abs``, ``sq``, ``max0``/``min0``, ``select(cond, a, b)``
(branches as thunks: scalars evaluate one, arrays both) and ``kink(t, left, right)``
(the value at a kink at 0: the frameworks' convention in floats, the Clarke interval
in balls).

* :data:`MPMATH` -- mpmath numbers at the caller's ``workdps``
  (:mod:`symgrad.numeric.namespace_mpmath`);
* :data:`ARB` -- python-flint ``arb`` balls at the caller's ``ctx.prec``
  (``interval = True``: the kernels choose radius-stable forms;
  :mod:`symgrad.numeric.namespace_arb`);
* :func:`dtype_namespace` -- numpy scalars of one dtype, every operation rounded in it;
* :data:`ARRAY` -- float64 numpy arrays (vectorised over many inputs; both in
  :mod:`symgrad.numeric.namespace_numpy`);
* :data:`MATH` -- Python floats (float64) through :mod:`math`
  (:mod:`symgrad.numeric.namespace_math`, with :class:`ScalarNamespace`).

Each number type lives in its own module and is imported on first use of its name here,
so ``from symgrad.numeric.namespaces import ARB`` loads python-flint but neither numpy nor
mpmath (the certified numeric commands start fast).

>>> from fractions import Fraction
>>> import numpy as np
>>> from symgrad.numeric.namespaces import MATH, dtype_namespace
>>> ns = dtype_namespace(np.float16)
>>> type(ns.exp(ns.one)).__name__, ns.const(Fraction(1, 100))
('float16', np.float16(0.01))
>>> MATH.kink(0.0, lambda: 0.0, lambda: 1.0)  # relu'(0) = 0 in floats
0.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from symgrad.numeric.namespace_math import MATH, ScalarNamespace

if TYPE_CHECKING:  # at run time these are imported by __getattr__, on first use
    from symgrad.numeric.namespace_arb import ARB
    from symgrad.numeric.namespace_mpmath import MPMATH
    from symgrad.numeric.namespace_numpy import ARRAY, dtype_namespace

__all__ = ["ARB", "ARRAY", "MATH", "MPMATH", "ScalarNamespace", "dtype_namespace"]


def _load(name: str):
    """The namespace ``name``, its library imported now (``AttributeError`` if unknown)."""
    if name == "ARB":
        from symgrad.numeric.namespace_arb import ARB as value
    elif name == "MPMATH":
        from symgrad.numeric.namespace_mpmath import MPMATH as value
    elif name == "ARRAY":
        from symgrad.numeric.namespace_numpy import ARRAY as value
    elif name == "dtype_namespace":
        from symgrad.numeric.namespace_numpy import dtype_namespace as value
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return value


def __getattr__(name: str):
    value = _load(name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
