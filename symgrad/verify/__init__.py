"""Verification: symgrad's results against JAX/PyTorch autodiff and against themselves.

* :mod:`symgrad.verify.tolerance` - formats, the tolerance model, verdicts;
* :mod:`symgrad.verify.autodiff` - framework gradients/Hessians vs certified values,
  measured flush-to-zero;
* :mod:`symgrad.verify.battery` - the whole battery behind ``symgrad verify``;
* :mod:`symgrad.verify.vectorized` - symgrad's float64 path over many weight vectors;
* :mod:`symgrad.verify.balls` - certified evaluation of SymPy expressions (for claims);
* :mod:`symgrad.verify.claim_examples` - the text's worked examples as claims.

(Submodules are imported explicitly; this package re-exports nothing, so that
``symgrad.verify.tolerance`` always names the module.)

>>> from symgrad.verify.tolerance import tolerance
>>> tolerance("float32", 3) == 4 * 4 * 2.0**-23
True
"""

__all__: list[str] = []
