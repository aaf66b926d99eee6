"""``symgrad.formats(network=...)``: a network's whole gradient in float64, float32, float16
and bfloat16 beside the certified truth (``symgrad formats --network FILE``).

Every entry dF/dW_l[i][j] and dF/db_l[i] is computed in each format's own arithmetic
(:mod:`symgrad.analysis.precision.network_formats`) and set beside its certified value:
relative error, status (normal, subnormal, zero, inf, nan) and whether the SGD update
``w - lr*g`` computed in the format gives back ``w`` (lost).  Per layer: counts of zero,
subnormal and lost entries, ||dF/dW_l|| of the format's gradient beside the true norm,
and the worst relative error.  ``plot`` draws the per-layer profile
(:mod:`symgrad.present.network_plots`, the ``plot`` extra); text and JSON need no
matplotlib.

>>> r = network_formats({"layers": [1, 1], "activation": "sigmoid", "loss": "none",
...     "bias": False, "data": {"x": [["20"]]}, "weights": {"W1": [["1"]]}},
...     formats="float64,float16")
>>> [(f["status"], f["lost_update"]) for f in r.to_json()["entries"][0]["formats"].values()]
[('normal', False), ('zero', True)]
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from symgrad.analysis.precision.network_formats import (
    LayerProfile,
    NetworkFormats,
    ParameterEntry,
    network_formats_table,
)
from symgrad.base.errors import InputError
from symgrad.base.optional import require
from symgrad.interfaces.api._values import (
    check_plot_path,
    exact_decimal,
    input_errors,
    plain_number,
    whole_number,
)
from symgrad.interfaces.api.network_reference import describe, load_spec, network_json
from symgrad.interfaces.api.result import Result
from symgrad.numeric.certified import Ball
from symgrad.numeric.formats import format_info, parse_formats
from symgrad.numeric.inputs import exact_number
from symgrad.present.numbers import scalar_text
from symgrad.present.tables import text_table

__all__ = ["METHOD", "WORST", "NetworkFormatsResult", "network_formats"]

METHOD = ("each format: every operation rounded to the format (numpy scalars); "
          "true values: python-flint ball arithmetic, correctly rounded")
#: entries listed per format under "worst entries" in the text (all with ``all_entries``)
WORST = 3


def _record(b: Ball) -> dict:
    row: dict = {"value": b.mid, "ball": {"mid": b.mid, "rad": b.rad},
                 "certified_digits": b.digits}
    if not b.decided:
        row["depends_on_kink"] = True
    return row


def _shown(b: Ball) -> str:
    """A true value for the text: its digits, or its enclosure marked * at a kink."""
    return b.mid if b.decided else f"[{b.mid} ± {b.rad}]*"


def _count(n: int, of: int) -> str:
    return f"{n}/{of}"


@dataclass(frozen=True, repr=False)
class NetworkFormatsResult(Result):
    """A network's gradient in each format beside the certified truth (``table`` holds
    every number); ``all_entries`` makes the text list every entry; ``plot`` is the file
    the profile was drawn to, if any."""

    SCHEMA = "symgrad.network-formats/1"
    FORMATS = ("text", "json")

    table: NetworkFormats
    all_entries: bool = False
    plot: str | None = None

    def _entry_json(self, e: ParameterEntry) -> dict:
        return {"name": e.tensor, "index": list(e.index), "parameter": e.label,
                "layer": e.layer, "weight": exact_decimal(e.weight), "true": _record(e.true),
                "formats": {f.format: {"value": f.text, "status": f.status,
                                       "relative_error": f.relative_error,
                                       "lost_update": f.lost_update} for f in e.formats}}

    def _layer_json(self, p: LayerProfile) -> dict:
        return {"layer": p.layer, "parameters": p.parameters, "true_norm": _record(p.true_norm),
                "log10_true_norm": p.log10_true_norm_text,
                "formats": {f.format: {
                    "norm": f.norm, "log10_norm": f.log10_norm_text,
                    "norm_relative_error": f.norm_relative_error, "zero": f.zero,
                    "subnormal": f.subnormal, "inf": f.inf, "nan": f.nan, "lost": f.lost,
                    "worst_relative_error": f.worst_relative_error,
                    "worst_entry": f.worst_entry} for f in p.formats}}

    def json_body(self) -> dict:
        t = self.table
        limits = [{"format": n, "smallest_normal": scalar_text(format_info(n).tiny, n),
                   "smallest_subnormal": scalar_text(format_info(n).smallest_subnormal, n),
                   "eps": scalar_text(format_info(n).eps, n)} for n in t.names]
        return {
            "network": network_json(t.spec), "digits": t.digits, "lr": exact_decimal(t.lr),
            "method": METHOD, "working_precision_bits": int(t.certified.prec),
            "formats": limits, "layers": [self._layer_json(p) for p in t.layers],
            "entries": [self._entry_json(e) for e in t.entries],
            "kinks": [{"layer": layer, "unit": unit, "point": point}
                      for layer, unit, point in t.certified.kinks],
            "plot": self.plot,
        }

    def _layer_rows(self) -> list[list[str]]:
        rows = []
        for p in self.table.layers:
            rows.append([str(p.layer), "true", _shown(p.true_norm), "", "", "", "", ""])
            for f in p.formats:
                worst = ("-" if f.worst_relative_error is None
                         else f"{f.worst_relative_error} ({f.worst_entry})")
                rows.append(["", f.format, f.norm, f.norm_relative_error or "-",
                             _count(f.zero, p.parameters), _count(f.subnormal, p.parameters),
                             _count(f.lost, p.parameters), worst])
        return rows

    def _entry_rows(self, entries: list[ParameterEntry], name: str | None) -> list[list[str]]:
        rows = []
        for e in entries:
            for f in e.formats:
                if name is not None and f.format != name:
                    continue
                rows.append([e.label, f.format, _shown(e.true), f.text, f.relative_error or "-",
                             f.status, "lost" if f.lost_update else "-"])
        return rows

    def to_text(self) -> str:
        t = self.table
        lines = [f"{describe(t.spec)}; learning rate {plain_number(t.lr)}",
                 f"true values: {t.digits} correct digits (python-flint balls); each format: "
                 "every operation rounded to the format", "",
                 "per layer: ||dF/dW_l|| of each format's gradient beside the true norm; "
                 "counts over W_l and b_l", ""]
        lines.append(text_table(["layer", "format", "||dF/dW_l||", "rel. error", "zero",
                                 "subnormal", "lost update", "worst rel. error (entry)"],
                                self._layer_rows()))
        header = ["entry", "format", "true", "computed", "rel. error", "status", "update"]
        if self.all_entries:
            lines += ["", "every entry:", ""]
            lines.append(text_table(header, self._entry_rows(list(t.entries), None)))
        else:
            rows = []
            for name in t.names:
                rows += self._entry_rows(t.worst(name, WORST), name)
            lines += ["", "worst entries per format (largest relative error; every entry "
                          "with --all):", "", text_table(header, rows)]
        if t.certified.kinks:
            lines.append("* depends on a derivative at a kink: the certified enclosure, not "
                         "digits; no relative error")
        for layer, unit, point in t.certified.kinks:
            act = t.spec.network.activations[layer - 1]
            lines.append(f"kink: layer {layer} unit {unit} at data point {point} has "
                         f"pre-activation exactly 0, where {act}' is the Clarke interval")
        if self.plot:
            lines.append(f"plot written to {self.plot}")
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        t = self.table
        parts = [f"{n}: {sum(p.format(n).zero for p in t.layers)} zero, "
                 f"{sum(p.format(n).lost for p in t.layers)} lost" for n in t.names]
        return f"{describe(t.spec)}: {len(t.entries)} entries; " + "; ".join(parts)

    def profile_data(self) -> dict:
        """The plot's data (:func:`symgrad.present.network_plots.profile_data`)."""
        from symgrad.present.network_plots import profile_data

        t = self.table
        per = {n: ([p.format(n).log10_norm for p in t.layers],
                   [p.format(n).zero for p in t.layers],
                   [p.format(n).lost for p in t.layers]) for n in t.names}
        title = f"Per-layer gradient profile, true vs. formats: {describe(t.spec)}"
        return profile_data([p.layer for p in t.layers], [p.log10_true_norm for p in t.layers],
                            per, title=title, lr=plain_number(t.lr))


def network_formats(network: object, *, formats: object = None, lr: object = "0.1",
                    digits: int = 20, all_entries: bool = False,
                    plot: str | os.PathLike[str] | None = None) -> NetworkFormatsResult:
    """Every gradient entry of ``network`` (a file, a dict of its keys or a spec) in each
    of ``formats`` (a comma list or sequence; default all four) beside its certified value
    (``digits`` digits), with ``lr`` (an exact number > 0) for the lost-update test.

    >>> r = network_formats({"layers": [1, 1], "activation": "identity", "loss": "none",
    ...     "bias": False, "data": {"x": [["3"]]}, "weights": {"W1": [["1"]]}})
    >>> r.table.entries[0].true.mid
    '3.0000000000000000000e+0'
    """
    with input_errors():
        spec = load_spec(network)
        names = parse_formats(formats)
        d = whole_number(digits, what="--digits", lo=1, hi=1000, example="--digits 20")
        lr_v = exact_number(lr, what="--lr")
        if lr_v <= 0:
            raise InputError(f"--lr must be > 0, got {lr}", hint="e.g. --lr 0.1")
        if not isinstance(all_entries, bool):
            raise InputError(f"all_entries must be True or False, got {all_entries!r}")
        if plot is not None:
            check_plot_path(str(plot))
            require("matplotlib", "plot")  # fail early, before the work
        table = network_formats_table(spec, formats=names, lr=lr_v, digits=d)
        result = NetworkFormatsResult(table, all_entries, None if plot is None else str(plot))
        if plot is not None:
            from symgrad.present.network_plots import plot_network_profile

            plot_network_profile(result.profile_data(), str(plot))
    return result
