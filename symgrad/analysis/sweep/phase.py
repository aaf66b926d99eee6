"""Phase-diagram data of a sweep: log10|dF/dw_1| over depth x an axis, per activation.

:func:`phase_data` reduces a sweep's rows (:func:`symgrad.analysis.sweep.store.read_results`)
to, for each activation and each (depth, y) pair: the median over the other axes (the
seeds) of the certified log10|dF/dw_1|, its smallest and largest value (the spread), and
for each format the fraction of those cells whose computed value is 0 (underflow) and
whose update w1 - lr*g == w1 is lost.  Failed cells are left out (and counted).

>>> rows = [{"activation": "tanh", "depth": d, "axis_scale": "1", "format": "float16",
...          "true_log10": -d / 1, "zero": d > 2, "lost_update": d > 1, "error": None}
...         for d in (1, 2, 3)]
>>> p = phase_data(rows, y="scale")
>>> p["xs"], p["ys"], p["panels"]["tanh"]["median"], p["panels"]["tanh"]["zero"]["float16"]
([1, 2, 3], [1.0], [[-1.0, -2.0, -3.0]], [[0.0, 0.0, 1.0]])
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

from symgrad.base.errors import InputError

__all__ = ["phase_data", "rows_of"]


def rows_of(table) -> list[dict]:
    """A pyarrow Table (or a list of dicts) as a list of dicts."""
    return table if isinstance(table, list) else table.to_pylist()


def _y_value(text: str | None) -> float | str:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-" if text is None else text


def _grid(xs, ys, cells: dict, fn) -> list[list[float]]:
    return [[fn(cells[(x, y)]) if (x, y) in cells else math.nan for x in xs] for y in ys]


def _stats(values: list[float]) -> tuple[float, float, float]:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan, math.nan, math.nan
    return statistics.median(finite), min(finite), max(finite)


def phase_data(table, *, y: str = "scale", x: str = "depth") -> dict:
    """The phase-diagram data (see the module docstring); ``y`` names a grid axis."""
    rows = rows_of(table)
    if rows and rows[0].get("kind") == "network":
        raise InputError("sweep-plot draws chain sweeps; this folder holds a network sweep",
                         hint="read its per-layer norms with symgrad.sweep_results(DIR)")
    ycol = y if y in ("depth", "activation", "digits", "lr") else f"axis_{y}"
    if rows and ycol not in rows[0] and y != "scale":
        axes = sorted(k[5:] for k in rows[0] if k.startswith("axis_"))
        raise InputError(f"the sweep has no axis '{y}'",
                         hint=f"choose one of: {', '.join(axes) or 'depth'}")
    good = [r for r in rows if r.get("error") is None]
    failed = len({r.get("cell_id") for r in rows if r.get("error") is not None})
    formats = list(dict.fromkeys(r["format"] for r in good))
    xs = sorted({r[x] for r in good})
    ys = sorted({_y_value(r.get(ycol)) for r in good}, key=lambda v: (isinstance(v, str), v))
    panels = {}
    for act in sorted({r["activation"] for r in good}):
        true: dict = defaultdict(list)
        events: dict = defaultdict(lambda: defaultdict(list))
        for r in good:
            if r["activation"] != act:
                continue
            key = (r[x], _y_value(r.get(ycol)))
            if r["format"] == formats[0]:
                true[key].append(math.nan if r["true_log10"] is None else r["true_log10"])
            events[r["format"]][key].append((bool(r["zero"]), bool(r["lost_update"])))
        stats = {k: _stats(v) for k, v in true.items()}
        panels[act] = {
            "median": _grid(xs, ys, stats, lambda s: s[0]),
            "lo": _grid(xs, ys, stats, lambda s: s[1]),
            "hi": _grid(xs, ys, stats, lambda s: s[2]),
            "zero": {f: _grid(xs, ys, events[f], lambda e: sum(z for z, _ in e) / len(e))
                     for f in formats},
            "lost": {f: _grid(xs, ys, events[f], lambda e: sum(lo for _, lo in e) / len(e))
                     for f in formats},
        }
    return {"x": x, "y": y, "xs": xs, "ys": ys, "formats": formats, "panels": panels,
            "failed_cells": failed}
