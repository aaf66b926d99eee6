"""The grid of a sweep: a TOML file of axes (lists) and fixed settings (scalars), expanded.

Known keys: ``depth``, ``weights``, ``biases``, ``x``, ``activation``, ``form``, ``lr``,
``digits`` (each a scalar or a list: a list is an axis) and ``formats`` (the formats every
cell is computed in, a list or a comma string; never an axis).  Any other key is a free
axis (``scale = [0.5, 1]``) or a free setting, used through ``{name}`` placeholders in the
string values: ``weights = ["normal:0,{scale},seed={seed}"]`` takes each value of
``scale`` and ``seed``.  A free key no placeholder uses is refused (it would repeat cells).

The cells are the product of the axes in the file's order (the last axis varies fastest);
each is a plain dict (it travels to Dask workers) with a stable id: the first 16 hex
digits of the SHA-256 of its parameters, so a rerun of the same grid finds its cells again.

>>> g = grid_from_dict({"depth": [2, 3], "weights": ["normal:0,{scale},seed={seed}"],
...                     "scale": [0.5, 1], "seed": [0], "formats": ["float16"], "digits": 10})
>>> len(g.cells), g.axes
(4, ('depth', 'weights', 'scale', 'seed'))
>>> g.cells[1]["weights"], g.cells[1]["depth"], g.cells[1]["axes"]["scale"]
('normal:0,1,seed=0', 2, '1')
>>> g.cells[1]["id"] == grid_from_dict(g.raw).cells[1]["id"]
True
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from symgrad.analysis.sweep.axes import axis_values
from symgrad.analysis.sweep.meanfield_cells import meanfield_params
from symgrad.analysis.sweep.network_cells import network_cells
from symgrad.base.errors import InputError, SymgradError
from symgrad.core.activation_names import activation_name
from symgrad.core.chain import FORMS, Chain, validate_depth
from symgrad.numeric.formats import parse_formats
from symgrad.numeric.reference import chain_point
from symgrad.numeric.weights import parse_number, parse_whole

__all__ = ["CHAIN_KEYS", "MAX_CELLS", "Grid", "cell_id", "grid_from_dict", "load_grid"]

#: keys that set a chain's parameters (scalars or axes)
CHAIN_KEYS = ("depth", "weights", "biases", "x", "activation", "form", "lr", "digits")
#: the largest grid a sweep expands
MAX_CELLS = 10_000_000
_DEFAULTS = {"activation": "sigmoid", "digits": 20, "lr": "0.1"}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Grid:
    """An expanded grid: ``raw`` (the TOML as a dict), ``axes``, ``formats`` and ``cells``."""

    raw: dict
    axes: tuple[str, ...]
    free: tuple[str, ...]
    formats: tuple[str, ...]
    cells: tuple[dict, ...]
    kind: str = "chain"

    @property
    def sha256(self) -> str:
        """The hash of the grid's canonical JSON (a sweep folder holds one grid)."""
        text = json.dumps(self.raw, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
        return tomllib
    import tomli  # pragma: no cover - Python 3.10
    return tomli


def load_grid(path: str | Path) -> Grid:
    """Read and expand a grid file (one-line :class:`InputError` for a bad one)."""
    p = Path(path)
    try:
        raw = _toml().loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"grid file {p} does not exist",
                         hint='give a TOML file, e.g. depth = [10, 30] and weights = "1"'
                         ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read grid file {p}: {exc}", hint="give a UTF-8 TOML file") \
            from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise InputError(f"grid file {p} is not valid TOML: {exc}",
                         hint="see the README section 'Sweeps on Dask'") from None
    return grid_from_dict(raw, base_dir=p.parent)


def _values(raw: dict) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    values, axes = axis_values(raw, skip=("formats",),
                               defaults={k: str(v) for k, v in _DEFAULTS.items()})
    if "depth" not in values or "weights" not in values:
        raise InputError("the grid needs 'depth' and 'weights'",
                         hint='e.g. depth = [10, 30] and weights = ["normal:0,{scale},seed=0"]')
    return values, tuple(axes)


def _substitute(key: str, text: str, choice: dict[str, str]) -> str:
    def one(m: re.Match) -> str:
        name = m.group(1)
        if name == key or name not in choice:
            raise InputError(f"placeholder {{{name}}} in '{key}' names no other grid key",
                             hint=f"add an axis, e.g. {name} = [1, 2]")
        return choice[name]

    return _PLACEHOLDER.sub(one, text)


def cell_id(params: dict) -> str:
    """The stable id of a cell: 16 hex digits of the SHA-256 of its parameters.

    >>> cell_id({"depth": 2}) == cell_id({"depth": 2}), cell_id({"depth": 2})
    (True, '43cba8a4fbdeabfe')
    """
    text = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _check(cell: dict, seen: dict) -> None:
    """Validate a cell's chain and point once per distinct setting (one-line errors)."""
    key = (cell["depth"], cell["activation"], cell["form"], cell["weights"], cell["biases"],
           cell["x"])
    if key in seen:
        return
    chain = Chain(cell["depth"], activation=cell["activation"], form=cell["form"],
                  bias=cell["biases"] is not None)
    chain_point(chain, cell["weights"], cell["biases"], cell["x"])
    seen[key] = True


def _cell(choice: dict[str, str], axes: tuple[str, ...], free: tuple[str, ...],
          formats: tuple[str, ...]) -> dict:
    get = {k: _substitute(k, v, choice) for k, v in choice.items() if k in CHAIN_KEYS}
    biases = get.get("biases")
    form = get.get("form", "general" if biases is not None else "seed")
    if form not in FORMS:
        raise InputError(f"unknown chain form '{form}'", hint=f"choose one of: {', '.join(FORMS)}")
    lr = parse_number(get["lr"], what="lr")
    if lr <= 0:
        raise InputError(f"lr must be > 0, got '{get['lr']}'", hint="e.g. lr = 0.1")
    params = {
        "depth": validate_depth(get["depth"]),
        "activation": activation_name(get["activation"]),
        "form": form,
        "weights": get["weights"],
        "biases": biases,
        "x": get.get("x"),
        "lr": get["lr"],
        "digits": parse_whole(get["digits"], what="digits", lo=1, hi=1000, example="digits = 20"),
        "formats": list(formats),
        "axes": {k: choice[k] for k in (*axes, *free) if k not in CHAIN_KEYS or k in axes},
    }
    return {"id": cell_id(params), **params}


def grid_from_dict(raw: dict, base_dir: Path | None = None) -> Grid:
    """Expand a grid given as a dict (the parsed TOML); see the module docstring.

    A grid with a ``network`` key sweeps a network file (read from ``base_dir``, the grid
    file's folder): :mod:`symgrad.analysis.sweep.network_cells`.
    """
    if not isinstance(raw, dict):
        raise InputError("a grid is a TOML table (a dict)", hint="e.g. {'depth': [2], ...}")
    if "network" in raw or raw.get("kind") == "network":  # a network file (network_cells)
        full, axes, free, formats, params = network_cells(raw, base_dir, MAX_CELLS)
        cells = tuple({"index": i, "id": cell_id(p), **p} for i, p in enumerate(params))
        return Grid(raw=full, axes=axes, free=free, formats=formats, cells=cells,
                    kind="network")
    kind = raw.get("kind", "chain")
    if kind == "meanfield":  # finite wide networks against chi_1 (meanfield_cells)
        axes, params = meanfield_params(raw)
        cells = tuple({"index": i, "id": cell_id(p), **p} for i, p in enumerate(params))
        return Grid(raw=raw, axes=axes, free=(), formats=(), cells=cells, kind=kind)
    if kind != "chain":
        raise InputError(f"unknown grid kind {kind!r}",
                         hint='use kind = "chain", "meanfield" or "network"')
    raw = {k: v for k, v in raw.items() if k != "kind"}
    try:
        formats = parse_formats(raw.get("formats", "float64,float32,float16,bfloat16"))
    except SymgradError as exc:
        raise InputError(f"grid 'formats': {exc.message}", hint=exc.hint) from None
    values, axes = _values(raw)
    used = {m for k in CHAIN_KEYS for v in values.get(k, []) for m in _PLACEHOLDER.findall(v)}
    free = tuple(k for k in values if k not in CHAIN_KEYS)
    unused = [k for k in free if k not in used]
    if unused:
        raise InputError(f"grid key '{unused[0]}' is used by no {{{unused[0]}}} placeholder",
                         hint=f"use it, e.g. weights = [\"normal:0,{{{unused[0]}}},seed=0\"], "
                              "or remove it")
    size = 1
    for k in axes:
        size *= len(values[k])
    if size > MAX_CELLS:
        raise InputError(f"the grid has {size} cells, above the limit {MAX_CELLS}",
                         hint="split it into several sweeps")
    names = tuple(values)
    cells, seen = [], {}
    for combo in itertools.product(*(values[k] for k in names)):
        choice = dict(zip(names, combo))
        try:
            cell = _cell(choice, axes, free, formats)
            _check(cell, seen)
        except SymgradError as exc:
            where = ", ".join(f"{k}={choice[k]}" for k in axes)
            raise InputError(f"grid cell ({where}): {exc.message}", hint=exc.hint) from None
        cells.append({"index": len(cells), **cell})
    return Grid(raw=raw, axes=axes, free=free, formats=formats, cells=tuple(cells))
