"""Verification: symgrad's results against JAX/PyTorch autodiff and against themselves.

* :mod:`symgrad.analysis.verify.tolerance` - formats, the tolerance model, verdicts;
* :mod:`symgrad.analysis.verify.autodiff` - framework gradients/Hessians vs certified values,
  measured flush-to-zero;
* :mod:`symgrad.analysis.verify.battery` - the whole battery behind ``symgrad verify``;
* :mod:`symgrad.analysis.verify.vectorized` - symgrad's float64 path over many weight vectors;
* :mod:`symgrad.analysis.verify.balls` - certified evaluation of SymPy expressions (for claims);
* :mod:`symgrad.analysis.verify.claim_examples` - the text's worked examples as claims.

(Submodules are imported explicitly; this package re-exports nothing, so that
``symgrad.analysis.verify.tolerance`` always names the module.)

>>> from symgrad.analysis.verify.tolerance import tolerance
>>> tolerance("float32", 3) == 4 * 4 * 2.0**-23
True
"""

__all__: list[str] = []
