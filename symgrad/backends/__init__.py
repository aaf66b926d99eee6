"""Numeric backends: number tables for the shared recurrence, and autodiff frameworks.

* :mod:`symgrad.backends.mpmath_backend`: arbitrary precision (mpmath);
* :mod:`symgrad.backends.flint_backend`: certified ball arithmetic (python-flint);
* :mod:`symgrad.backends.numpy_backend`: IEEE formats float64 ... bfloat16;
* :mod:`symgrad.backends.jax_backend`, :mod:`symgrad.backends.torch_backend`:
  the frameworks' own forward pass and autodiff (optional extras).
"""

__all__: list[str] = []
