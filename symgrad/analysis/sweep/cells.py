"""One cell of a sweep: the certified dF/dw_1 and its computed value in each format.

:func:`run_cell` takes a cell dict of :mod:`symgrad.analysis.sweep.grid` and returns one
row (a dict of plain values) per format: the cell's parameters, its exact inputs as
strings (``p/q``), the certified value (:func:`symgrad.numeric.certified.certified_values`,
the cell's ``digits``) as decimal strings plus float64 columns for plotting, and the
format's computed value (:func:`symgrad.numeric.numpy_backend.evaluate`, every operation
rounded to the format) with its events:

* ``subnormal`` / ``zero``: the computed value is subnormal / exactly 0;
* ``lost_update``: the computed step ``w1 - lr*g == w1`` in the format;
* ``lost_update_true``: even the exact step, rounded once, gives back w1 (``None`` when the
  ball of the true value straddles a rounding boundary: undecided);
* ``rel_error``: |computed - true| / |true| to 3 digits
  (:func:`symgrad.analysis.precision.rel_error`).

:func:`failed_rows` is the record of a cell whose computation raised.

>>> rows = run_cell({"id": "c", "index": 0, "depth": 3, "activation": "sigmoid",
...                  "form": "seed", "weights": "1", "biases": None, "x": None, "lr": "0.1",
...                  "digits": 10, "formats": ["float16"], "axes": {}})
>>> r = rows[0]
>>> r["true_mid"], r["format"], r["status"], r["lost_update"], r["error"]
('4.312916016e-2', 'float16', 'normal', False, None)
"""

from __future__ import annotations

import json
import math
import time
from fractions import Fraction

import numpy as np

from symgrad.analysis.precision import rel_error, scalar_text
from symgrad.analysis.sweep.meanfield_cells import meanfield_failed_rows, run_meanfield_cell
from symgrad.analysis.sweep.network_cells import failed_network_rows, run_network_cell
from symgrad.core.chain import Chain
from symgrad.numeric.certified import Ball, certified_values
from symgrad.numeric.flint_backend import arb_to_fraction
from symgrad.numeric.formats import classify, round_to_format
from symgrad.numeric.numpy_backend import evaluate
from symgrad.numeric.reference import chain_point

__all__ = ["CELL_COLUMNS", "FORMAT_COLUMNS", "failed_rows", "log10_text", "run_cell"]

#: the cell's columns (the same in every format's row)
CELL_COLUMNS = ("cell_id", "cell_index", "depth", "activation", "form", "weights", "biases",
                "x", "lr", "digits", "axes", "weights_exact", "biases_exact", "x_exact",
                "true_mid", "true_rad", "true_digits", "true_f64", "true_log10", "true_prec",
                "seconds", "error", "attempts")
#: the columns of one format's computed value
FORMAT_COLUMNS = ("format", "computed", "computed_f64", "computed_log10", "status", "subnormal",
                  "zero", "lost_update", "lost_update_true", "rel_error", "rel_error_f64")


def _exact(v: Fraction) -> str:
    return str(v)


def log10_text(text: str) -> float:
    """log10|v| of a decimal string ``d.ddde±N`` (any exponent; -inf for 0, nan for nan).

    >>> log10_text("1e-5000"), round(log10_text("-2.5e+3"), 6), log10_text("0")
    (-5000.0, 3.39794, -inf)
    """
    t = text.strip().lstrip("+-")
    if t in ("nan", "inf"):
        return math.nan if t == "nan" else math.inf
    mant, _, exp = t.partition("e")
    m = float(mant)
    return -math.inf if m == 0 else math.log10(m) + int(exp or 0)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _lost_true(w1: Fraction, lr: Fraction, true: Ball, name: str) -> bool | None:
    """Whether the exact step w1 - lr*g rounds back to w1 in the format (None: undecided)."""
    target = round_to_format(w1, name)
    if true.exact_value is not None:
        ends = [true.exact_value]
    else:
        ball = true.arb
        if not ball.is_finite():
            return None
        ends = [arb_to_fraction(ball.lower()), arb_to_fraction(ball.upper())]
    # rounding is monotone: both ends of the step on one side of w1 decide it
    t = float(target)
    rounded = [float(round_to_format(w1 - lr * g, name)) for g in ends]
    if all(r == t for r in rounded):
        return True
    if all(r < t for r in rounded) or all(r > t for r in rounded):
        return False
    return None


def _format_row(chain: Chain, point, name: str, lr: Fraction, true: Ball, prec: int) -> dict:
    w, b, xv = point
    v = evaluate(chain, w, name, biases=b, x=xv).grad_w[0]
    with np.errstate(all="ignore"):
        w1, eta = round_to_format(w[0], name), round_to_format(lr, name)
        lost = bool(math.isfinite(float(w1)) and (w1 - eta * v) == w1)
    x = float(v)
    rel = rel_error(v, true.arb, prec)
    return {
        "format": name,
        "computed": scalar_text(v, name),
        "computed_f64": x,
        "computed_log10": -math.inf if x == 0 else (math.log10(abs(x)) if math.isfinite(x)
                                                     else math.nan),
        "status": classify(v, name),
        "subnormal": classify(v, name) == "subnormal",
        "zero": x == 0,
        "lost_update": lost,
        "lost_update_true": _lost_true(w[0], lr, true, name),
        "rel_error": rel,
        "rel_error_f64": _float(rel),
    }


def _cell_columns(cell: dict) -> dict:
    return {
        "cell_id": cell["id"],
        "cell_index": cell["index"],
        "depth": cell["depth"],
        "activation": cell["activation"],
        "form": cell["form"],
        "weights": cell["weights"],
        "biases": cell["biases"],
        "x": cell["x"],
        "lr": cell["lr"],
        "digits": cell["digits"],
        "axes": json.dumps(cell["axes"], sort_keys=True),
        **{f"axis_{k}": v for k, v in cell["axes"].items()},
    }


def run_cell(cell: dict) -> list[dict]:
    """The rows of one cell, one per format (see the module docstring); a cell of kind
    ``meanfield`` is :func:`~symgrad.analysis.sweep.meanfield_cells.run_meanfield_cell`'s."""
    if cell.get("kind") == "meanfield":
        return run_meanfield_cell(cell)
    if cell.get("kind") == "network":  # a network file's cell (network_cells)
        return run_network_cell(cell)
    from symgrad.numeric.weights import parse_number

    start = time.perf_counter()
    chain = Chain(cell["depth"], activation=cell["activation"], form=cell["form"],
                  bias=cell["biases"] is not None)
    point = chain_point(chain, cell["weights"], cell["biases"], cell["x"])
    lr = parse_number(cell["lr"], what="lr")
    cert = certified_values(chain, point[0], digits=cell["digits"], biases=point[1], x=point[2])
    true = cert.grad_w[0]
    rows = [_format_row(chain, point, name, lr, true, cert.prec) for name in cell["formats"]]
    base = {
        **_cell_columns(cell),
        "weights_exact": [_exact(v) for v in point[0]],
        "biases_exact": None if point[1] is None else [_exact(v) for v in point[1]],
        "x_exact": None if point[2] is None else _exact(point[2]),
        "true_mid": true.mid,
        "true_rad": true.rad,
        "true_digits": true.digits,
        "true_f64": _float(true.mid),
        "true_log10": log10_text(true.mid),
        "true_prec": cert.prec,
        "seconds": time.perf_counter() - start,
        "error": None,
        "attempts": 1,
    }
    return [{**base, **r} for r in rows]


def failed_rows(cell: dict, error: str, attempts: int) -> list[dict]:
    """The record of a cell that raised on every attempt: its parameters and the error.

    >>> r = failed_rows({"id": "c", "index": 0, "depth": 2, "activation": "tanh",
    ...     "form": "seed", "weights": "1", "biases": None, "x": None, "lr": "0.1",
    ...     "digits": 5, "formats": ["float32"], "axes": {}}, "ValueError: boom", 3)
    >>> r[0]["error"], r[0]["attempts"], r[0]["format"], r[0]["true_mid"]
    ('ValueError: boom', 3, 'float32', None)
    """
    if cell.get("kind") == "meanfield":
        return meanfield_failed_rows(cell, error, attempts)
    if cell.get("kind") == "network":
        return failed_network_rows(cell, error, attempts)
    base = dict.fromkeys(CELL_COLUMNS) | _cell_columns(cell)
    base |= {"error": error, "attempts": attempts}
    return [{**base, **dict.fromkeys(FORMAT_COLUMNS), "format": name} for name in cell["formats"]]
