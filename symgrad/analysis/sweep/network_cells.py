"""Sweeps over network files: widths, depths, init draws and activations as grid axes.

A grid with ``network = "base.toml"`` (a network file, :mod:`symgrad.numeric.network_file`;
a relative path is read from the grid file's folder) sweeps that network.  Its keys, each a
scalar or a list (an axis): ``width`` (replaces every hidden width), ``depth`` (the number
of hidden layers, each of ``width`` or of the base's first hidden width), ``init`` (a draw
SPEC for every tensor, e.g. ``"normal:0,{scale},seed={seed}"`` or ``"he:seed={seed}"``;
without it the base file's ``[weights]`` stay), ``activation`` (every hidden layer; the
output layer keeps the base's), ``digits``, ``lr`` and ``formats`` (never an axis).  Any
other key is a free axis or setting used through ``{name}`` placeholders in ``init`` or
``activation``.  The base file is read once on the client: its data (also a CSV or
``.npz`` file) travels inside each cell as exact decimals, so workers need no files, and
the manifest's grid holds the whole resolved network.  Every distinct network is built
while the grid is expanded, so a bad key is a one-line error before any folder is made.

:func:`run_network_cell` computes the certified per-layer gradient norms ||dF/dW_l||
(:func:`~symgrad.numeric.network_certified.certified_network`, the cell's ``digits``) and
the gradient in each format (:func:`~symgrad.analysis.precision.network_formats.
network_formats_table`).  Rows: **one per cell x format x layer** (flat columns, no
lists: ``layer``, the certified ``true_norm_*``, the format's ``norm_*`` and the layer's
counts of ``zero``, ``subnormal``, ``inf``, ``nan`` and ``lost`` (lost-update) entries
over W_l and b_l).

>>> from symgrad.analysis.sweep.grid import grid_from_dict
>>> g = grid_from_dict({"network": {"layers": [1, 2, 1], "activation": "tanh", "loss": "none",
...     "data": {"x": [["0.5"]]}, "weights": {"init": "he:seed=0"}},
...     "width": [2, 3], "depth": [1, 2], "formats": ["float16"], "digits": 8})
>>> len(g.cells), g.axes, g.cells[3]["network"]["layers"]
(4, ('width', 'depth'), [1, 3, 3, 1])
>>> rows = run_network_cell(g.cells[0])
>>> [(r["layer"], r["format"], r["true_norm_digits"]) for r in rows]
[(1, 'float16', 8), (2, 'float16', 8)]
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from symgrad.analysis.precision.network_formats import network_formats_table
from symgrad.analysis.sweep.axes import axis_values
from symgrad.base.errors import InputError, SymgradError
from symgrad.numeric.formats import parse_formats
from symgrad.numeric.network_file import load_network, network_from_dict
from symgrad.numeric.weights import parse_number, parse_whole

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["NETWORK_CELL_COLUMNS", "NETWORK_FORMAT_COLUMNS", "NETWORK_KEYS",
           "failed_network_rows", "network_cells", "network_schema", "run_network_cell"]

#: the keys of a network grid (besides free placeholder keys)
NETWORK_KEYS = ("network", "width", "depth", "init", "activation", "digits", "lr")
#: the columns of one cell and layer (the same in every format's row)
NETWORK_CELL_COLUMNS = (
    "cell_id", "cell_index", "kind", "layers", "width", "depth", "activation", "init", "lr",
    "digits", "axes", "layer", "parameters", "true_norm_mid", "true_norm_rad",
    "true_norm_digits", "true_norm_f64", "true_norm_log10", "true_prec", "seconds", "error",
    "attempts")
#: the columns of one layer's gradient in one format
NETWORK_FORMAT_COLUMNS = ("format", "norm", "norm_log10", "norm_rel_error", "zero",
                          "subnormal", "inf", "nan", "lost", "worst_rel_error")
_KINDS = {
    "string": ("cell_id", "kind", "layers", "activation", "init", "lr", "axes", "true_norm_mid",
               "true_norm_rad", "error", "format", "norm", "norm_rel_error", "worst_rel_error"),
    "int": ("cell_index", "width", "depth", "digits", "layer", "parameters", "true_norm_digits",
            "true_prec", "attempts", "zero", "subnormal", "inf", "nan", "lost"),
    "float": ("true_norm_f64", "true_norm_log10", "seconds", "norm_log10"),
}
_DEFAULTS = {"digits": "20", "lr": "0.1"}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TEMPLATES = ("init", "activation")


def network_schema(axis_names: tuple[str, ...]):
    """The Parquet schema of a network sweep whose grid has these axis/free names."""
    from symgrad.base.optional import require

    pa = require("pyarrow")
    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64()}
    kinds = {n: types[k] for k, names in _KINDS.items() for n in names}
    fields = [pa.field(n, kinds[n]) for n in (*NETWORK_CELL_COLUMNS, *NETWORK_FORMAT_COLUMNS)]
    return pa.schema(fields + [pa.field(f"axis_{n}", pa.string()) for n in axis_names])


def _plain(value: object) -> object:
    """The parsed TOML with Decimals as their exact text (JSON-able, picklable)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _base(network: object, base_dir: Path | None) -> dict:
    """The base network as a self-contained dict (its data resolved to exact decimals)."""
    if isinstance(network, dict):
        raw, spec = _plain(network), network_from_dict(network, base_dir=base_dir)
    elif isinstance(network, str) and network.strip():
        path = Path(network) if base_dir is None else base_dir / network
        spec = load_network(path)  # one-line errors for a missing or bad file
        text = path.read_text(encoding="utf-8")
        raw = _plain(tomllib.loads(text, parse_float=Decimal) if path.suffix.lower() == ".toml"
                     else json.loads(text, parse_float=Decimal))
    else:
        raise InputError(f"expected a network file name, got {network!r}",
                         hint='e.g. network = "base.toml", relative to the grid file')
    if isinstance(raw.get("data"), str):
        x = [[str(v) for v in p[0]] for p in spec.data]
        y = [[str(v) for v in p[1]] for p in spec.data]
        raw["data"] = {"x": x} if spec.network.loss == "none" else {"x": x, "y": y}
    return raw


def _fill(key: str, text: str, choice: dict[str, str]) -> str:
    def one(m: re.Match) -> str:
        if m.group(1) == key or m.group(1) not in choice:
            raise InputError(f"placeholder {{{m.group(1)}}} in '{key}' names no other grid key",
                             hint=f"add an axis, e.g. {m.group(1)} = [1, 2]")
        return choice[m.group(1)]

    return _PLACEHOLDER.sub(one, text)


def _layers(base: dict, get: dict) -> list[int]:
    layers = base.get("layers")
    if not isinstance(layers, list) or len(layers) < 2:
        return layers  # network_from_dict names the problem
    hidden = layers[1:-1]
    width = parse_whole(get["width"], what="width", lo=1, hi=100_000, example="width = [8, 16]") \
        if "width" in get else (hidden[0] if hidden else None)
    depth = parse_whole(get["depth"], what="depth", lo=0, hi=10_000, example="depth = [2, 4]") \
        if "depth" in get else len(hidden)
    if width is None and depth:
        raise InputError("the base network has no hidden layer, so 'depth' needs a 'width'",
                         hint="add width = [8] to the grid")
    return [layers[0], *([width] * depth), layers[-1]]


def _activation(base: dict, get: dict, n_layers: int) -> object:
    acts = base.get("activation", "sigmoid")
    if isinstance(acts, str) and "activation" not in get:
        return acts
    out = acts[-1] if isinstance(acts, list) and acts else acts
    if "activation" in get:
        hidden = get["activation"]
        return hidden if isinstance(acts, str) else [hidden] * (n_layers - 1) + [out]
    if len(set(acts[:-1])) > 1 and len(acts) != n_layers:
        raise InputError("the base network has different hidden activations, so its depth "
                         "cannot change", hint='add activation = "tanh" to the grid')
    hidden = acts[0] if len(acts) > 1 else out
    return [hidden] * (n_layers - 1) + [out]


def _cell(base: dict, choice: dict, axes: tuple, free: tuple, formats: tuple) -> dict:
    get = {k: _fill(k, v, choice) if k in _TEMPLATES else v for k, v in choice.items()
           if k in NETWORK_KEYS}
    layers = _layers(base, get)
    net = {**base, "layers": layers,
           "activation": _activation(base, get, len(layers) - 1 if layers else 0)}
    if "init" in get:
        net["weights"] = {"init": get["init"]}
    lr = parse_number(get["lr"], what="lr")
    if lr <= 0:
        raise InputError(f"lr must be > 0, got '{get['lr']}'", hint="e.g. lr = 0.1")
    params = {
        "kind": "network", "network": net, "lr": get["lr"],
        "digits": parse_whole(get["digits"], what="digits", lo=1, hi=1000, example="digits = 20"),
        "formats": list(formats),
        "axes": {k: choice[k] for k in (*axes, *free) if k not in NETWORK_KEYS or k in axes},
    }
    return params


def network_cells(raw: dict, base_dir: Path | None, max_cells: int):
    """Expand a network grid (see the module docstring): ``(raw, axes, free, formats,
    cells)``, the cells' parameters without their id and index (added by
    :func:`~symgrad.analysis.sweep.grid.grid_from_dict`); one-line errors for bad keys."""
    try:
        formats = parse_formats(raw.get("formats", "float64,float32,float16,bfloat16"))
    except SymgradError as exc:
        raise InputError(f"grid 'formats': {exc.message}", hint=exc.hint) from None
    try:
        base = _base(raw.get("network"), base_dir)
    except SymgradError as exc:
        raise InputError(f"grid 'network': {exc.message}", hint=exc.hint) from None
    values, axes = axis_values(raw, skip=("network", "formats", "kind"), defaults=_DEFAULTS)
    used = {m for k in _TEMPLATES for v in values.get(k, []) for m in _PLACEHOLDER.findall(v)}
    free = tuple(k for k in values if k not in NETWORK_KEYS)
    unused = [k for k in free if k not in used]
    if unused:
        raise InputError(f"grid key '{unused[0]}' is no network key and used by no "
                         f"{{{unused[0]}}} placeholder",
                         hint="the keys are: " + ", ".join(NETWORK_KEYS) + ", formats")
    if math.prod(len(values[k]) for k in axes) > max_cells:
        raise InputError(f"the grid has more than {max_cells} cells",
                         hint="split it into several sweeps")
    names, cells, seen = tuple(values), [], set()
    for combo in itertools.product(*(values[k] for k in names)):
        choice = dict(zip(names, combo))
        try:
            cell = _cell(base, choice, axes, free, formats)
            key = json.dumps(cell["network"], sort_keys=True)
            if key not in seen:
                network_from_dict(cell["network"], base_dir=base_dir)
                seen.add(key)
        except SymgradError as exc:
            where = ", ".join(f"{k}={choice[k]}" for k in axes)
            raise InputError(f"grid cell ({where}): {exc.message}" if where else
                             f"grid: {exc.message}", hint=exc.hint) from None
        cells.append(cell)
    return {**raw, "network": base}, axes, free, formats, cells


def _cell_columns(cell: dict) -> dict:
    net = cell["network"]
    layers = net["layers"]
    acts = net.get("activation", "sigmoid")
    hidden = layers[1:-1]
    return {
        "cell_id": cell["id"], "cell_index": cell["index"], "kind": "network",
        "layers": ",".join(str(n) for n in layers),
        "width": hidden[0] if hidden and len(set(hidden)) == 1 else None,
        "depth": len(hidden),
        "activation": acts if isinstance(acts, str) else ",".join(acts),
        "init": net.get("weights", {}).get("init"), "lr": cell["lr"], "digits": cell["digits"],
        "axes": json.dumps(cell["axes"], sort_keys=True),
        **{f"axis_{k}": v for k, v in cell["axes"].items()},
    }


def run_network_cell(cell: dict) -> list[dict]:
    """The rows of one network cell: one per format and layer (see the module docstring)."""
    start = time.perf_counter()
    spec = network_from_dict(cell["network"])
    table = network_formats_table(spec, formats=cell["formats"],
                                  lr=Fraction(parse_number(cell["lr"], what="lr")),
                                  digits=cell["digits"])
    base = _cell_columns(cell)
    seconds = time.perf_counter() - start
    rows = []
    for name in cell["formats"]:
        for p in table.layers:
            t, f = p.true_norm, p.format(name)
            rows.append({
                **base, "layer": p.layer, "parameters": p.parameters,
                "true_norm_mid": t.mid, "true_norm_rad": t.rad, "true_norm_digits": t.digits,
                "true_norm_f64": float(t.mid) if t.mid not in ("nan", "inf") else math.nan,
                "true_norm_log10": p.log10_true_norm, "true_prec": table.certified.prec,
                "seconds": seconds, "error": None, "attempts": 1,
                "format": name, "norm": f.norm, "norm_log10": f.log10_norm,
                "norm_rel_error": f.norm_relative_error, "zero": f.zero,
                "subnormal": f.subnormal, "inf": f.inf, "nan": f.nan, "lost": f.lost,
                "worst_rel_error": f.worst_relative_error,
            })
    return rows


def failed_network_rows(cell: dict, error: str, attempts: int) -> list[dict]:
    """The record of a network cell that raised on every attempt (one row per format and
    layer, the values empty)."""
    base = dict.fromkeys(NETWORK_CELL_COLUMNS) | _cell_columns(cell)
    base |= {"error": error, "attempts": attempts}
    n = len(cell["network"]["layers"]) - 1
    return [{**base, **dict.fromkeys(NETWORK_FORMAT_COLUMNS), "layer": layer, "format": name}
            for name in cell["formats"] for layer in range(1, n + 1)]
