"""``sympy.lambdify`` for symgrad's expressions: NumPy, JAX, PyTorch, mpmath and ``math``.

symgrad's activations (:mod:`symgrad.core.activation_classes`) print themselves for
SymPy's code printers, so ``sympy.lambdify(w, expr, "numpy")`` (``"jax"``, ``"torch"``,
``"mpmath"``, ``"math"``) works on a derived gradient as it is, with numerically stable
code (no overflow for any finite argument).  What the printer hooks cannot reach are
SymPy's *own* functions in a derived expression, whose default translations need help on
some backends:

* ``numpy``: plain lambdify works on scalars; SymPy prints ``erf``/``erfc`` (gelu, erf) as
  ``math.erf``, so arrays need :func:`lambdify_modules`, which adds an array
  ``erf``/``erfc`` (SciPy's when installed, else ``math``'s, vectorised);
* ``mpmath`` and ``math``: plain lambdify works (nothing to add);
* ``jax``: plain lambdify works except ``erf``/``erfc`` (``math.erf`` cannot be traced);
  :func:`lambdify_modules` adds ``jax.scipy.special.erf``/``erfc``, so ``jax.jit`` works;
* ``torch``: plain lambdify works except ``Heaviside`` (relu family: ``torch.heaviside``
  wants a tensor second argument) and constants such as ``sqrt(2)``, ``pi**(3/2)`` (gelu,
  erf: ``torch.sqrt(2)`` wants a tensor); :func:`lambdify_modules` adds a ``heaviside``
  taking a number and ``sqrt``, ``exp``, ``log``, ``erf``, ``erfc``, ``pow`` that accept
  numbers.

:func:`lambdify` is ``sympy.lambdify(args, expr, lambdify_modules(backend))``; with
``numpy`` it also evaluates under ``numpy.errstate(over="ignore")``: SymPy's ``Piecewise``
(elu's derivative) computes every branch, and an overflow in a branch that is not taken is
not an error.

>>> import sympy
>>> from symgrad.core.chain import Chain
>>> from symgrad.core.derive import derive_layerwise
>>> d = derive_layerwise(Chain(2, activation="gelu"))
>>> w = Chain(2).weights
>>> f = lambdify(w, d.expanded(d.partial(1)), "numpy")
>>> round(float(f(1.0, 1.0)), 12)  # gelu'(1) = Phi(1) + phi(1)
1.083315470588
"""

from __future__ import annotations

import functools
import math

import sympy

from symgrad.base.errors import InputError
from symgrad.base.optional import require

__all__ = ["BACKENDS", "lambdify", "lambdify_modules"]

#: the backends :func:`lambdify_modules` and :func:`lambdify` know
BACKENDS = ("numpy", "jax", "torch", "mpmath", "math")


def _numpy_special() -> dict:
    import numpy as np

    try:
        import scipy.special as sc
    except ImportError:  # math's, one element at a time
        return {"erf": np.vectorize(math.erf, otypes=[float]),
                "erfc": np.vectorize(math.erfc, otypes=[float])}
    return {"erf": sc.erf, "erfc": sc.erfc}


def _torch_special() -> dict:
    torch = require("torch")

    def heaviside(x, value):
        x = torch.as_tensor(x)
        return torch.heaviside(x, torch.as_tensor(value, dtype=x.dtype))

    def scalar_safe(name: str, exact):  # torch.sqrt(2) fails: SymPy prints constants so
        op = getattr(torch, name)
        return lambda *a: op(*a) if any(isinstance(x, torch.Tensor) for x in a) else exact(*a)

    return {"heaviside": heaviside, "pow": scalar_safe("pow", lambda x, y: x**y),
            **{n: scalar_safe(n, getattr(math, n)) for n in ("sqrt", "exp", "log", "erf",
                                                              "erfc")}}


def _jax_special() -> dict:
    special = require("jax.scipy.special", "jax")
    return {"erf": special.erf, "erfc": special.erfc}


def lambdify_modules(backend: str = "numpy") -> list:
    """The ``modules`` argument of ``sympy.lambdify`` for ``backend`` (see the list above).

    >>> lambdify_modules("mpmath")
    ['mpmath']
    >>> sorted(lambdify_modules("numpy")[0])
    ['erf', 'erfc']
    """
    extra = {"numpy": _numpy_special, "jax": _jax_special, "torch": _torch_special}
    if backend not in BACKENDS:
        raise InputError(f"unknown lambdify backend '{backend}'",
                         hint=f"choose one of: {', '.join(BACKENDS)}")
    if backend in extra:
        return [extra[backend](), backend]
    return [backend]


def lambdify(args, expr, backend: str = "numpy", **kwargs):
    """``sympy.lambdify(args, expr, lambdify_modules(backend), **kwargs)`` (NumPy: overflow in a
    branch not taken stays quiet).

    >>> t = sympy.Symbol("t")
    >>> from symgrad.core.activations import sigmoid
    >>> float(lambdify([t], sigmoid(t), "numpy")(-700.0)) > 0  # e^-700: no overflow, no 0/0
    True
    """
    f = sympy.lambdify(args, expr, lambdify_modules(backend), **kwargs)
    if backend != "numpy":
        return f
    import numpy as np

    @functools.wraps(f)
    def quiet(*a, **kw):
        with np.errstate(over="ignore"):
            return f(*a, **kw)

    return quiet
