"""The precision lab: the true gradient beside float64, float32, float16 and bfloat16.

* :func:`formats_table` -- one partial derivative in each format beside its
  certified value (relative error, error in ulps, status);
* :func:`scan_depths` -- for depths 1..N the first depth of underflow, lost
  updates (step below half an ulp) and large relative error, in O(N) per format;
* :func:`log10_gradient` / :func:`log10_prefix_gradient` -- stable float64
  log-space values of log10|dF/dw_k|;
* :func:`small_gradient_example` -- the text's f_c(x) = max(0, c x) example;
* :func:`scalar_text`, :func:`fraction_text` -- the decimal strings used in all output
  (from :mod:`symgrad.present.numbers`);
* :func:`rel_error`, :func:`ulp_error` -- a format scalar's error against a certified ball.

Result objects have ``to_json()`` (a stable schema of strings), ``to_text()``
and ``_repr_html_()``.

>>> from fractions import Fraction
>>> scan_depths([Fraction(1)] * 40, formats="float64").formats[0].first["lost_update"]
25
"""

from symgrad.analysis.precision._common import rel_error, ulp_error
from symgrad.analysis.precision.formats import FormatRow, FormatsTable, formats_table
from symgrad.analysis.precision.logspace import log10_gradient, log10_prefix_gradient
from symgrad.analysis.precision.scan import (
    EVENTS,
    MAX_SCAN_DEPTH,
    DepthScan,
    FormatScan,
    scan_depths,
)
from symgrad.analysis.precision.small_gradient import (
    SmallGradient,
    SmallGradientRow,
    small_gradient_example,
)
from symgrad.present.numbers import fraction_text, scalar_text

__all__ = [
    "EVENTS",
    "MAX_SCAN_DEPTH",
    "DepthScan",
    "FormatRow",
    "FormatScan",
    "FormatsTable",
    "SmallGradient",
    "SmallGradientRow",
    "formats_table",
    "fraction_text",
    "log10_gradient",
    "log10_prefix_gradient",
    "rel_error",
    "scalar_text",
    "scan_depths",
    "small_gradient_example",
    "ulp_error",
]
