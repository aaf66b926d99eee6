"""Sweep cells of ``kind = "meanfield"``: finite random networks measured against chi_1.

A grid with ``kind = "meanfield"`` has the keys ``width``, ``depth``, ``sigma_w2``,
``sigma_b2`` (default 0), ``activation`` (default tanh), ``seed`` (default 0), ``burn``
(default depth // 4) and ``digits`` (of chi_1, default 10); each is a scalar or a list (an
axis).  :func:`meanfield_params` expands it (:func:`symgrad.analysis.sweep.grid.grid_from_dict`
adds the ids), :func:`run_meanfield_cell` computes one cell, one row:

* a seeded network (numpy float64; ``SeedSequence(seed)`` spawns one generator for the input,
  one per layer, one for the backward signal): x ~ N(0, 1)^n, h^1 = W^1 x + b^1,
  h^l = W^l phi(h^{l-1}) + b^l with W ~ N(0, sigma_w2/n), b ~ N(0, sigma_b2);
* the backward pass of a random unit signal u: delta^L = u * phi'(h^L),
  delta^l = phi'(h^l) * (W^{l+1})^T delta^{l+1} (each W^l drawn again from its generator,
  so memory stays one layer); the per-layer ratios r_l = |delta^l|^2 / |delta^{l+1}|^2
  for the layers l > burn (the forward pass has reached the q* regime), their mean
  ``ratio_mean`` and standard error ``ratio_se`` = std / sqrt(count) over those layers
  (consecutive ratios share a norm with opposite signs, so they are negatively
  correlated and this error is, if anything, too large), and ``q_measured``, the mean
  of h_i^2 over those layers;
* the certified chi_1 and q* of :func:`symgrad.analysis.meanfield.fixed_point_report`
  (computed once per worker for each activation, sigma_w2, sigma_b2, digits), and
  ``allowance`` = 2 chi_1 / width, the finite-width allowance of the mean-field test
  (``tests/test_meanfield.py``); ``agrees``: |ratio_mean - chi_1| <= 4 ratio_se +
  allowance (``None`` when chi_1 does not exist).

>>> p = meanfield_params({"kind": "meanfield", "width": [8, 16], "depth": 6,
...                       "sigma_w2": "1.5", "sigma_b2": 0.05})
>>> p[0], len(p[1]), p[1][1]["width"], p[1][1]["burn"]
(('width',), 2, 16, 1)
>>> row = run_meanfield_cell({"id": "c", "index": 0, **p[1][1]})[0]
>>> row["layers"], row["phase"], row["chi1_mid"][:6], row["error"]
(4, 'ordered', '9.3863', None)
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import time
from fractions import Fraction

import numpy as np

from symgrad.analysis.meanfield import fixed_point_report
from symgrad.analysis.sweep.axes import axis_values
from symgrad.base.errors import InputError
from symgrad.core.activation_names import activation_name
from symgrad.numeric.kernels import functions
from symgrad.numeric.namespaces import ARRAY
from symgrad.numeric.weights import parse_number, parse_whole

__all__ = ["K_SE", "MEANFIELD_COLUMNS", "MEANFIELD_KEYS", "meanfield_failed_rows",
           "meanfield_params", "run_meanfield_cell"]

#: the keys of a meanfield grid
MEANFIELD_KEYS = ("kind", "width", "depth", "sigma_w2", "sigma_b2", "activation", "seed", "burn",
                  "digits")
#: standard errors of the ``agrees`` column (sweep-theory takes its own)
K_SE = 4
#: the row of a meanfield cell: name -> type ("str", "int", "float", "bool")
MEANFIELD_COLUMNS = {
    "cell_id": "str", "cell_index": "int", "kind": "str", "width": "int", "depth": "int",
    "sigma_w2": "str", "sigma_b2": "str", "activation": "str", "seed": "int", "burn": "int",
    "digits": "int", "axes": "str", "layers": "int", "ratio_mean": "float",
    "ratio_se": "float", "q_measured": "float", "q_star_mid": "str", "q_star_f64": "float",
    "chi1_mid": "str", "chi1_rad": "str", "chi1_f64": "float", "phase": "str",
    "allowance": "float", "agrees": "bool", "seconds": "float", "error": "str",
    "attempts": "int",
}
_DEFAULTS = {"sigma_b2": "0", "activation": "tanh", "seed": "0", "digits": "10"}


def _one(choice: dict[str, str]) -> dict:
    depth = parse_whole(choice["depth"], what="depth", lo=3, hi=10_000, example="depth = 40")
    burn_text = choice.get("burn", str(depth // 4))
    burn = parse_whole(burn_text, what="burn", lo=0, hi=max(depth - 3, 0),
                       example=f"burn = {depth // 4} (at most depth - 3)")
    sw = parse_number(choice["sigma_w2"], what="sigma_w2")
    sb = parse_number(choice["sigma_b2"], what="sigma_b2")
    if sw <= 0 or sb < 0:
        raise InputError(f"need sigma_w2 > 0 and sigma_b2 >= 0, got {choice['sigma_w2']}, "
                         f"{choice['sigma_b2']}", hint="e.g. sigma_w2 = [0.8, 2.5]")
    return {
        "kind": "meanfield",
        "width": parse_whole(choice["width"], what="width", lo=2, hi=16_384,
                             example="width = [64, 256]"),
        "depth": depth, "sigma_w2": choice["sigma_w2"], "sigma_b2": choice["sigma_b2"],
        "activation": activation_name(choice["activation"]),
        "seed": parse_whole(choice["seed"], what="seed", lo=0, hi=2**63 - 1, example="seed = 0"),
        "burn": burn,
        "digits": parse_whole(choice["digits"], what="digits", lo=1, hi=100,
                              example="digits = 10"),
    }


def meanfield_params(raw: dict) -> tuple[tuple[str, ...], list[dict]]:
    """The axes and the cells' parameters (no ids) of a meanfield grid (one-line errors)."""
    unknown = [k for k in raw if k not in MEANFIELD_KEYS]
    if unknown:
        raise InputError(f"grid key '{unknown[0]}' is not a key of kind = \"meanfield\"",
                         hint=f"use: {', '.join(MEANFIELD_KEYS[1:])}")
    missing = [k for k in ("width", "depth", "sigma_w2") if k not in raw]
    if missing:
        raise InputError(f"a meanfield grid needs '{missing[0]}'",
                         hint="e.g. width = [64, 256], depth = 40, sigma_w2 = [0.8, 2.5]")
    values, axes = axis_values(raw, skip=("kind",), defaults=_DEFAULTS)
    names = tuple(values)
    cells = []
    for combo in itertools.product(*(values[k] for k in names)):
        choice = dict(zip(names, combo))
        try:
            params = _one(choice)
        except InputError as exc:
            where = ", ".join(f"{k}={choice[k]}" for k in axes)
            raise InputError(f"grid cell ({where}): {exc.message}", hint=exc.hint) from None
        cells.append({**params, "axes": {k: choice[k] for k in axes}})
    return tuple(axes), cells


@functools.lru_cache(maxsize=256)
def _theory(activation: str, sw: str, sb: str, digits: int) -> dict:
    """chi_1 and q* of the mean-field theory (cached per worker process)."""
    r = fixed_point_report(activation, parse_number(sw, what="sigma_w2"),
                           parse_number(sb, what="sigma_b2"), digits=digits)
    chi, q = r.chi1, r.q_star
    return {"chi1_mid": None if chi is None else chi.mid,
            "chi1_rad": None if chi is None else chi.rad,
            "chi1_f64": math.nan if chi is None else float(chi.mid),
            "q_star_mid": None if q is None else q.mid,
            "q_star_f64": math.nan if q is None else float(q.mid),
            "phase": r.phase}


def _measure(cell: dict) -> tuple[np.ndarray, float]:
    """The per-layer ratios after the burn-in and the mean q over those layers."""
    n, depth, burn = cell["width"], cell["depth"], cell["burn"]
    f, df = functions(cell["activation"], ARRAY)
    sw = float(Fraction(parse_number(cell["sigma_w2"], what="sigma_w2")))
    sb = float(Fraction(parse_number(cell["sigma_b2"], what="sigma_b2")))
    gens = np.random.SeedSequence(cell["seed"]).spawn(depth + 2)

    def layer(i: int) -> tuple[np.ndarray, np.ndarray]:  # W^i, b^i (i = 1..depth)
        g = np.random.default_rng(gens[i])
        return g.normal(0.0, math.sqrt(sw / n), (n, n)), g.normal(0.0, math.sqrt(sb), n)

    h = np.random.default_rng(gens[0]).standard_normal(n)
    hs = []
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(1, depth + 1):
            w, b = layer(i)
            h = w @ (h if i == 1 else f(h)) + b
            hs.append(h)
        u = np.random.default_rng(gens[depth + 1]).standard_normal(n)
        delta = u / np.linalg.norm(u) * df(hs[-1])
        ratios = []
        for i in range(depth - 1, burn, -1):  # delta^i from delta^{i+1}, i = depth-1 .. burn+1
            w, _ = layer(i + 1)
            old = float(delta @ delta)
            delta = df(hs[i - 1]) * (w.T @ delta)
            new = float(delta @ delta)
            ratios.append(new / old if old > 0 else math.nan)
            delta = delta / math.sqrt(new) if new > 0 and math.isfinite(new) else delta
        q = float(np.mean([np.mean(v * v) for v in hs[burn:]]))
    return np.array(ratios[::-1]), q


def _base(cell: dict) -> dict:
    return {"cell_id": cell["id"], "cell_index": cell["index"],
            **{k: cell[k] for k in MEANFIELD_KEYS},
            "axes": json.dumps(cell["axes"], sort_keys=True),
            **{f"axis_{k}": v for k, v in cell["axes"].items()}}


def run_meanfield_cell(cell: dict) -> list[dict]:
    """The one row of a meanfield cell (see the module docstring)."""
    start = time.perf_counter()
    theory = _theory(cell["activation"], cell["sigma_w2"], cell["sigma_b2"], cell["digits"])
    ratios, q = _measure(cell)
    mean = float(np.mean(ratios))
    se = float(np.std(ratios, ddof=1) / math.sqrt(len(ratios)))
    chi = theory["chi1_f64"]
    allowance = 2 * chi / cell["width"] if math.isfinite(chi) else math.nan
    agrees = (None if not (math.isfinite(chi) and math.isfinite(mean) and math.isfinite(se))
              else bool(abs(mean - chi) <= K_SE * se + allowance))
    return [{**_base(cell), "layers": len(ratios), "ratio_mean": mean, "ratio_se": se,
             "q_measured": q, **theory, "allowance": allowance, "agrees": agrees,
             "seconds": time.perf_counter() - start, "error": None, "attempts": 1}]


def meanfield_failed_rows(cell: dict, error: str, attempts: int) -> list[dict]:
    """The record of a meanfield cell that raised on every attempt."""
    return [dict.fromkeys(MEANFIELD_COLUMNS) | _base(cell) | {"error": error,
                                                               "attempts": attempts}]
