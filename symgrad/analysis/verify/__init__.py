"""Verification: symgrad's results against JAX/PyTorch autodiff and against themselves.

* :mod:`symgrad.analysis.verify.tolerance` - formats, the tolerance model, verdicts;
* :mod:`symgrad.analysis.verify.backends` - the autodiff frameworks: names, loading,
  measured behaviour;
* :mod:`symgrad.analysis.verify.autodiff` - framework gradients/Hessians vs certified values,
  measured flush-to-zero;
* :mod:`symgrad.analysis.verify.hessian_check` - framework Hessians against a certified
  reference, entry by entry;
* :mod:`symgrad.analysis.verify.emulation`, :mod:`~symgrad.analysis.verify.emulation_sets`,
  :mod:`~symgrad.analysis.verify.emulation_check` - symgrad's float16/bfloat16 emulation of a
  framework's gradient (set-valued operations) and the check of the framework against it;
* :mod:`symgrad.analysis.verify.battery` - the whole battery behind ``symgrad verify``;
* :mod:`symgrad.analysis.verify.chain_checks` - the checks of one chain at its weights
  (routes, stated form, induction, bounds, reference, autodiff), the report's
  verification table;
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
