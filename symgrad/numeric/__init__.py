"""Layer 2, numeric evaluation: the chain recurrence, weights, number backends, certified values.

It may import base and core; it never imports presentation, analysis or interfaces.

* :mod:`symgrad.numeric.mpmath_backend`: arbitrary precision (mpmath);
* :mod:`symgrad.numeric.flint_backend`: certified ball arithmetic (python-flint);
* :mod:`symgrad.numeric.formats`: the binary formats float64 ... bfloat16 (limits, rounding);
* :mod:`symgrad.numeric.numpy_backend`: the chain computed in each of those formats;
* :mod:`symgrad.numeric.jax_backend`, :mod:`symgrad.numeric.torch_backend`:
  the frameworks' own forward pass and autodiff (optional extras);
* :mod:`symgrad.numeric.certified`, :mod:`symgrad.numeric.decimal_text`: correctly
  rounded digits decided by balls;
* :mod:`symgrad.numeric.recurrence`, :mod:`symgrad.numeric.weights`: the chain's
  forward/backward pass for any number type, and the ``--weights`` SPEC.
"""

__all__: list[str] = []
