"""Network files: a :class:`~symgrad.core.network.Network`, its exact weights and its data.

A TOML or JSON file with the same keys (the JSON Schema is ``symgrad.network/1``,
``symgrad/schemas/network-1.schema.json``)::

    layers = [2, 2, 1]               # n_0, n_1, ..., n_L
    activation = "sigmoid"           # or one name per layer: ["tanh", "identity"]
    bias = true                      # default true
    residual = false                 # default false
    loss = "squared"                 # "squared" | "cross-entropy" | "none"
    [data]                           # or: data = "points.csv" / "points.npz"
    x = [[0, 0], [0, 1], [1, 0], [1, 1]]
    y = [[0], [1], [1], [0]]
    [weights]                        # exact decimals (strings or numbers) ...
    W1 = [["0.5", "-1.2"], ["0.3", "0.8"]]   # n_1 x n_0: row i = the weights into unit i
    b1 = ["0.1", "-0.1"]
    W2 = "normal:0,1,seed=3"         # ... or a seeded draw for one tensor
    init = "he:seed=7"               # ... or for every tensor not given

Numbers are exact: a decimal written in the file (``0.1``, ``"0.1"``, ``"1/3"``) is that
rational exactly (TOML and JSON numbers are read as decimals, never as binary floats);
numbers from an ``.npz`` file or a seeded draw are their float64 values, taken exactly.
Draws: ``normal:MEAN,STD,seed=N`` and ``uniform:LO,HI,seed=N`` (numpy's PCG64, as the
chain's ``--weights``; ``init`` draws all tensors in order W1, b1, W2, ... from one
stream); ``xavier:seed=N`` (Glorot uniform, U[-a, a], a = sqrt(6/(n_in + n_out))),
``he:seed=N`` (normal, std sqrt(2/n_in)) and ``orthogonal:seed=N`` (Q of the QR of a
standard normal matrix, signs fixed by diag(R)), with zero biases.  A CSV data file has
one row per point, n_0 inputs then n_L targets (no targets for loss ``none``), and may
start with a header row; an ``.npz`` holds arrays ``x`` and ``y``.  Relative data paths
are read from the network file's folder.

Every problem is one :class:`~symgrad.base.errors.InputError` naming the key.

>>> spec = network_from_dict({"layers": [1, 1], "activation": "tanh", "loss": "none",
...     "data": {"x": [["0.5"]]}, "weights": {"W1": [["2"]], "b1": ["-1"]}})
>>> spec.weights["W1"], spec.data
(((Fraction(2, 1),),), (((Fraction(1, 2),), ()),))
"""

from __future__ import annotations

import csv
import json
import math
import sys
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from symgrad.base.errors import InputError
from symgrad.core.network import Network
from symgrad.numeric.inputs import exact_number
from symgrad.numeric.weights import parse_weights

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10: the same parser from PyPI
    import tomli as tomllib

__all__ = ["KEYS", "MAX_POINTS", "NetworkSpec", "load_network", "network_from_dict"]

#: the keys a network file may have
KEYS = ("layers", "activation", "bias", "residual", "loss", "data", "weights")
#: the most data points a file may hold
MAX_POINTS = 100_000
_INITS = ("xavier", "he", "orthogonal")


@dataclass(frozen=True)
class NetworkSpec:
    """A network with exact weights (nested tuples of Fractions) and data points."""

    network: Network
    weights: dict[str, tuple]
    data: tuple[tuple[tuple[Fraction, ...], tuple[Fraction, ...]], ...]
    source: str = "<dict>"


def load_network(path: str | Path) -> NetworkSpec:
    """Read a ``.toml`` or ``.json`` network file."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"network file {str(path)!r} not found", hint="check the path")
    suffix = p.suffix.lower()
    try:
        text = p.read_text(encoding="utf-8")
        if suffix == ".toml":
            raw = tomllib.loads(text, parse_float=Decimal)
        elif suffix == ".json":
            raw = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
        else:
            raise InputError(f"network file {p.name!r} is neither .toml nor .json",
                             hint="name it net.toml or net.json")
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p.name} is not valid {suffix[1:].upper()}: {exc}",
                         hint="fix the syntax at the place named") from None
    return network_from_dict(raw, base_dir=p.parent, source=str(p))


def _no_constant(name: str):
    raise InputError(f"non-finite number {name} in the network file", hint="use finite numbers")


def network_from_dict(raw: object, *, base_dir: Path | None = None,
                      source: str = "<dict>") -> NetworkSpec:
    """A :class:`NetworkSpec` from the parsed file (a dict with the keys of :data:`KEYS`)."""
    if not isinstance(raw, dict):
        raise InputError("a network file must be a table of keys", hint="see symgrad.network/1")
    if raw.get("schema", "symgrad.network/1") != "symgrad.network/1":
        raise InputError(f"schema {raw['schema']!r} is not symgrad.network/1",
                         hint="remove the key, or write schema = \"symgrad.network/1\"")
    unknown = sorted(set(raw) - set(KEYS) - {"schema"})
    if unknown:
        raise InputError(f"unknown key {unknown[0]!r} in the network file",
                         hint="the keys are: " + ", ".join(KEYS))
    if "layers" not in raw:
        raise InputError("the network file has no 'layers'", hint="layers = [2, 2, 1]")
    net = Network(tuple(raw["layers"]) if isinstance(raw["layers"], list) else raw["layers"],
                  raw.get("activation", "sigmoid"), raw.get("bias", True),
                  raw.get("residual", False), raw.get("loss", "squared"))
    data = _data(net, raw.get("data"), base_dir)
    weights = _weights(net, raw.get("weights"))
    return NetworkSpec(net, weights, data, source)


def _number(value: object, where: str) -> Fraction:
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{where} is not finite ({value})", hint="use finite numbers")
    return exact_number(value, what=where)


def _matrix(value: object, shape: tuple[int, ...], where: str) -> tuple:
    if len(shape) == 1:
        if not isinstance(value, list) or len(value) != shape[0]:
            raise InputError(f"{where} must be a list of {shape[0]} numbers, got "
                             f"{_shape_text(value)}", hint=f"give {shape[0]} numbers")
        return tuple(_number(v, f"{where}[{i}]") for i, v in enumerate(value))
    rows, cols = shape
    if (not isinstance(value, list) or len(value) != rows
            or not all(isinstance(r, list) and len(r) == cols for r in value)):
        raise InputError(f"{where} must be {rows} x {cols}, got {_shape_text(value)}",
                         hint=f"{rows} rows of {cols} numbers (row i = the weights into unit i)")
    return tuple(tuple(_number(v, f"{where}[{i}][{j}]") for j, v in enumerate(r))
                 for i, r in enumerate(value))


def _shape_text(value: object) -> str:
    if isinstance(value, list):
        if value and all(isinstance(r, list) for r in value):
            widths = sorted({len(r) for r in value})
            return f"{len(value)} x {widths[0] if len(widths) == 1 else widths}"
        return f"a list of {len(value)}"
    return type(value).__name__


def _reshape(flat, shape):
    if len(shape) == 1:
        return tuple(flat)
    return tuple(tuple(flat[i * shape[1]:(i + 1) * shape[1]]) for i in range(shape[0]))


def _draw_init(spec: str, net: Network) -> dict[str, tuple]:
    kind, _, body = spec.partition(":")
    kind = kind.strip().lower()
    if kind in _INITS:
        return _named_init(kind, body, net)
    flat = parse_weights(spec, net.n_parameters, option="weights.init")
    out, k = {}, 0
    for name, shape in net.parameters():
        size = shape[0] * (shape[1] if len(shape) == 2 else 1)
        out[name] = _reshape(flat[k:k + size], shape)
        k += size
    return out


def _seed(body: str, where: str) -> int:
    key, sep, val = body.strip().partition("=")
    if key.strip() != "seed" or not sep or not val.strip().isdigit():
        raise InputError(f"{where}: expected seed=N after the initialiser's name, got "
                         f"{body!r}", hint="e.g. init = \"xavier:seed=7\"")
    return int(val)


def _named_init(kind: str, body: str, net: Network) -> dict[str, tuple]:
    import numpy as np

    rng = np.random.default_rng(_seed(body, "weights.init"))
    out = {}
    for name, shape in net.parameters():
        if len(shape) == 1:
            out[name] = (Fraction(0),) * shape[0]
            continue
        n_out, n_in = shape
        if kind == "xavier":
            a = math.sqrt(6 / (n_in + n_out))
            m = rng.uniform(-a, a, size=shape)
        elif kind == "he":
            m = rng.normal(0.0, math.sqrt(2 / n_in), size=shape)
        else:
            g = rng.standard_normal(size=(max(shape), min(shape)))
            q, r = np.linalg.qr(g)
            q = q * np.sign(np.diag(r))
            m = q if q.shape == shape else q.T
        out[name] = tuple(tuple(Fraction(float(v)) for v in row) for row in m)
    return out


def _weights(net: Network, raw: object) -> dict[str, tuple]:
    if raw is None:
        raise InputError("the network file has no [weights]",
                         hint='give each tensor, or init = "normal:0,1,seed=7"')
    if not isinstance(raw, dict):
        raise InputError("weights must be a table", hint='[weights] with W1 = ..., or init')
    names = dict(net.parameters())
    unknown = sorted(set(raw) - set(names) - {"init"})
    if unknown:
        raise InputError(f"weights.{unknown[0]} is not a parameter of this network",
                         hint="its tensors are: " + ", ".join(names))
    init = raw.get("init")
    drawn = _draw_init(str(init), net) if isinstance(init, str) else None
    if init is not None and drawn is None:
        raise InputError("weights.init must be a text SPEC", hint='init = "he:seed=7"')
    out = {}
    for name, shape in names.items():
        value = raw.get(name)
        if value is None:
            if drawn is None:
                raise InputError(f"weights.{name} is missing", hint="give it, or an init SPEC")
            out[name] = drawn[name]
        elif isinstance(value, str):
            size = shape[0] * (shape[1] if len(shape) == 2 else 1)
            flat = parse_weights(value, size, option=f"weights.{name}")
            out[name] = _reshape(flat, shape)
        else:
            out[name] = _matrix(value, shape, f"weights.{name}")
    return out


def _data(net: Network, raw: object, base_dir: Path | None):
    n_in, n_out = net.widths[0], net.widths[-1]
    if raw is None:
        raise InputError("the network file has no data", hint="[data] with x = [[...], ...]")
    if isinstance(raw, str):
        x, y = _data_file(raw, base_dir, n_in, n_out if net.loss != "none" else 0)
    elif isinstance(raw, dict):
        extra = sorted(set(raw) - {"x", "y"})
        if extra:
            raise InputError(f"unknown key data.{extra[0]}", hint="data has x and y")
        if "x" not in raw:
            raise InputError("data.x is missing", hint="x = [[0, 1], ...]")
        rows = raw["x"] if isinstance(raw["x"], list) else None
        if rows is None or not rows:
            raise InputError("data.x must be a non-empty list of points", hint="x = [[0, 1]]")
        x = _matrix(rows, (len(rows), n_in), "data.x")
        y = _targets(net, raw.get("y"), len(rows))
    else:
        raise InputError("data must be a table (x, y) or a file name",
                         hint='data = "points.csv"')
    if len(x) > MAX_POINTS:
        raise InputError(f"{len(x)} data points is above the limit of {MAX_POINTS}",
                         hint="use fewer points")
    return tuple(zip(x, y, strict=True))


def _targets(net: Network, raw: object, n: int) -> tuple:
    if net.loss == "none":
        if raw is not None:
            raise InputError("loss 'none' takes no targets, but data.y is given",
                             hint="remove data.y, or choose loss = 'squared'")
        return ((),) * n
    if raw is None:
        raise InputError(f"data.y is missing (loss {net.loss!r} needs targets)",
                         hint="y = [[0], [1], ...]")
    return _matrix(raw, (n, net.widths[-1]), "data.y")


def _data_file(name: str, base_dir: Path | None, n_in: int, n_out: int):
    path = Path(name) if base_dir is None else base_dir / name
    if not path.is_file():
        raise InputError(f"data file {name!r} not found", hint="paths are relative to the "
                         "network file")
    if path.suffix.lower() == ".npz":
        return _npz(path, n_in, n_out)
    if path.suffix.lower() != ".csv":
        raise InputError(f"data file {name!r} is neither .csv nor .npz",
                         hint="save the points as CSV or NPZ")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
    if rows and not _numeric_row(rows[0]):
        rows = rows[1:]  # a header
    if not rows:
        raise InputError(f"data file {name!r} has no points", hint="one row per point")
    width = n_in + n_out
    for k, r in enumerate(rows, 1):
        if len(r) != width:
            raise InputError(f"{name} row {k} has {len(r)} columns, expected {width} "
                             f"({n_in} inputs + {n_out} targets)", hint="fix that row")
    vals = [tuple(_number(c.strip(), f"{name} row {k} column {j + 1}") for j, c in enumerate(r))
            for k, r in enumerate(rows, 1)]
    return tuple(v[:n_in] for v in vals), tuple(v[n_in:] for v in vals)


def _numeric_row(row: list[str]) -> bool:
    try:
        for c in row:
            Fraction(c.strip())
    except ValueError:
        return False
    return True


def _npz(path: Path, n_in: int, n_out: int):
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: np.asarray(f[k], dtype=np.float64) for k in f.files}
    except (OSError, ValueError) as exc:
        raise InputError(f"{path.name} is not a readable .npz: {exc}",
                         hint="save with numpy.savez(path, x=..., y=...)") from None
    if "x" not in arrays:
        raise InputError(f"{path.name} has no array 'x'", hint="numpy.savez(path, x=..., y=...)")
    x = arrays["x"].reshape(len(arrays["x"]), -1) if arrays["x"].ndim == 1 else arrays["x"]
    if x.ndim != 2 or x.shape[1] != n_in:
        raise InputError(f"{path.name}: x has shape {arrays['x'].shape}, expected (N, {n_in})",
                         hint="one row of n_0 inputs per point")
    y = arrays.get("y", np.zeros((len(x), 0)))
    y = y.reshape(len(y), -1) if y.ndim == 1 else y
    if y.shape != (len(x), n_out):
        raise InputError(f"{path.name}: y has shape {y.shape}, expected ({len(x)}, {n_out})",
                         hint="one row of n_L targets per point")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise InputError(f"{path.name} holds a non-finite number", hint="use finite numbers")
    conv = tuple(tuple(Fraction(float(v)) for v in row) for row in x)
    return conv, tuple(tuple(Fraction(float(v)) for v in row) for row in y)

