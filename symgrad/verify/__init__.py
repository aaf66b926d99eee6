"""Verification: symgrad's results against JAX/PyTorch autodiff and against themselves.

* :mod:`symgrad.verify.tolerance` - formats, the tolerance model, verdicts;
* :mod:`symgrad.verify.autodiff` - framework gradients/Hessians vs certified values,
  measured flush-to-zero;
* :mod:`symgrad.verify.battery` - the whole battery behind ``symgrad verify``;
* :mod:`symgrad.verify.vectorized` - symgrad's float64 path over many weight vectors.

>>> from symgrad.verify import tolerance
>>> tolerance("float32", 3) == 4 * 4 * 2.0**-23
True
"""

from .tolerance import FORMATS, Comparison, compare_value, format_info, tolerance

__all__ = ["FORMATS", "Comparison", "compare_value", "format_info", "tolerance"]
