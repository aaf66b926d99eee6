"""``symgrad.scan``: for depths 1..N, where each float format loses dF/dw_1 of the seed chain.

The Python side of ``symgrad scan`` (:func:`symgrad.analysis.precision.scan_depths`):
per format, the first depth where the true gradient leaves the normal range, where the
computed one becomes subnormal and exactly zero, where the update w_1 - lr dF/dw_1 no
longer changes w_1, and where the relative error exceeds ``threshold``.  Its JSON holds one
record per depth with the values the plot draws (log10 of |dF/dw_1|: true, float64 log
space, and computed in each format).  ``lr`` and ``threshold`` are exact numbers (the
default strings are the decimals 0.1 and 0.01; a float is its binary value).

>>> s = scan(30, 1, formats="float16")
>>> s.first_depth("float16", "zero")
13
>>> s.to_json()["depths"][0]["log10_abs_computed"]
{'float16': '0.0'}
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from symgrad.analysis.precision import EVENTS, MAX_SCAN_DEPTH, DepthScan, scan_depths
from symgrad.base.errors import InputError
from symgrad.base.optional import require
from symgrad.core.activation_names import activation_name
from symgrad.interfaces.api._values import (
    check_plot_path,
    exact_decimal,
    input_errors,
    plain_number,
    whole_number,
)
from symgrad.interfaces.api.formats import ALL_FORMATS
from symgrad.interfaces.api.result import Result
from symgrad.numeric.formats import format_info, parse_formats
from symgrad.numeric.inputs import exact_number, exact_weights
from symgrad.present.numbers import scalar_text
from symgrad.present.tables import text_table

__all__ = ["ScanResult", "float_text", "scan"]


def float_text(value: float) -> str:
    """A plotted float as JSON text: its shortest round-trip decimal, or inf, -inf, nan."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(float(value))


@dataclass(frozen=True, repr=False)
class ScanResult(Result):
    """The scan (``scan`` holds every number), its weights and the plot file, if any."""

    SCHEMA = "symgrad.scan/2"
    FORMATS = ("text", "json")

    scan: DepthScan
    weights: tuple[Fraction, ...]
    weights_spec: str | None = None
    plot: str | None = None

    def first_depth(self, fmt: str, event: str) -> int | None:
        """The first depth of ``event`` (one of :data:`EVENTS`) in format ``fmt``, or None."""
        if event not in EVENTS:
            raise InputError(f"unknown event '{event}'", hint=f"choose one of: {', '.join(EVENTS)}")
        return self.scan.format(fmt).first[event]

    def depth_records(self) -> list[dict]:
        """One record per depth n: w_n and log10|dF/dw_1| true, in log space, per format."""
        s = self.scan
        out = []
        for i in range(s.max_depth):
            out.append({
                "depth": i + 1,
                "weight": exact_decimal(self.weights[i]),
                "log10_abs_true": float_text(s.true_log10[i]),
                "log10_abs_logspace": float_text(s.logspace_log10[i]),
                "log10_abs_computed": {f.format: float_text(f.log10[i]) for f in s.formats},
            })
        return out

    def json_body(self) -> dict:
        s = self.scan
        formats = []
        for f in s.formats:
            info = format_info(f.format)
            formats.append({
                "format": f.format,
                "smallest_normal": scalar_text(info.tiny, f.format),
                "smallest_subnormal": scalar_text(info.smallest_subnormal, f.format),
                "first_depth": dict(f.first),
            })
        return {
            "max_depth": s.max_depth,
            "activation": s.activation,
            "lr": exact_decimal(s.lr),
            "threshold": exact_decimal(s.threshold),
            "weights": {"spec": self.weights_spec},
            "quantity": {"name": "dF/dw1", "sympy": "Derivative(F, w1)",
                         "latex": r"\frac{\partial F}{\partial w_{1}}"},
            "formats": formats,
            "logspace": {"max_abs_error_log10": s.logspace_max_error},
            "plot": self.plot,
            "depths": self.depth_records(),
        }

    def to_text(self) -> str:
        s = self.scan
        header = ["event", *[f.format for f in s.formats]]
        rows = [[ev] + ["-" if f.first[ev] is None else str(f.first[ev]) for f in s.formats]
                for ev in EVENTS]
        text = (
            f"first depth (1..{s.max_depth}) of each event, dF/dw1 of the seed chain "
            f"({s.activation}), learning rate {plain_number(s.lr)}, "
            f"relative error threshold {plain_number(s.threshold)}; '-' = not reached\n\n"
            + text_table(header, rows)
            + f"\n\nlog-space float64 log10|dF/dw1|: max abs error {s.logspace_max_error} "
            f"over all depths\n"
        )
        return text + (f"plot written to {self.plot}\n" if self.plot else "")

    def summary(self) -> str:
        zero = ", ".join(f"{f.format} {f.first['zero'] or '-'}" for f in self.scan.formats)
        return f"scan of depths 1..{self.scan.max_depth}; dF/dw1 first exactly 0 at: {zero}"


def _positive(value: object, what: str, example: str) -> Fraction:
    v = exact_number(value, what=what)
    if v <= 0:
        raise InputError(f"{what} must be > 0, got {value}", hint=f"e.g. {what} {example}")
    return v


def scan(max_depth: int, weights: object, *, activation: str = "sigmoid", lr: object = "0.1",
         threshold: object = "0.01", formats: str = ALL_FORMATS, plot: str | None = None
         ) -> ScanResult:
    """Scan depths 1..``max_depth`` (at most 100000) of the seed chain in each format.

    ``weights`` are those of the depth-``max_depth`` chain (depth n uses the first n): one
    number, a sequence or array, or a SPEC string.  ``plot`` (a .png or .svg path) also
    draws the scan there (needs matplotlib, the ``plot`` extra).

    >>> scan(40, "1", formats="bfloat16").first_depth("bfloat16", "lost_update")
    4
    """
    with input_errors():
        n = whole_number(max_depth, what="--max-depth", lo=1, hi=MAX_SCAN_DEPTH,
                         example="--max-depth 600")
        act = activation_name(activation)
        lr_v = _positive(lr, "--lr", "0.1")
        thr = _positive(threshold, "--threshold", "0.01")
        names = parse_formats(formats)
        if plot is not None:
            check_plot_path(str(plot))
            require("matplotlib", "plot")  # fail early (MissingExtraError) before the scan
        w = exact_weights(weights, n)
        result = scan_depths(w, lr=lr_v, formats=names, threshold=thr, activation=act)
        if plot is not None:
            from symgrad.present.plotting import plot_scan

            plot_scan(result, str(plot))
        return ScanResult(result, w, weights if isinstance(weights, str) else None,
                          None if plot is None else str(plot))
