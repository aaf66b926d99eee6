"""A sweep's folder: Parquet part files (pyarrow) in ``parts/`` and ``manifest.json``.

Each completed batch of cells is one part file ``parts/part-<ns>-<random>.parquet``, written
to a temporary name (``.part-...tmp``, which Parquet readers skip) in the same folder and
renamed with :func:`os.replace` (atomic), so a part is either whole or absent, whatever
stops the sweep.  A cell's rows (one per format) are always in one part.  Reading keeps,
for each cell id, the rows of the first part that holds it (a cell written twice, e.g. by
two clients, counts once).  ``parts/`` alone is a
plain Parquet dataset (``pandas.read_parquet("DIR/parts")``).

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> from symgrad.analysis.sweep.cells import failed_rows
>>> cell = {"id": "c1", "index": 0, "depth": 2, "activation": "tanh", "form": "seed",
...         "weights": "1", "biases": None, "x": None, "lr": "0.1", "digits": 5,
...         "formats": ["float32"], "axes": {}}
>>> _ = write_part(folder, failed_rows(cell, "boom", 1), schema(()))
>>> _ = write_part(folder, failed_rows(cell, "again", 1), schema(()))
>>> done_ids(folder), read_results(folder).column("error").to_pylist()
({'c1'}, ['boom'])
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from symgrad.analysis.sweep.meanfield_cells import MEANFIELD_COLUMNS
from symgrad.analysis.sweep.network_cells import network_schema
from symgrad.base.errors import InputError, SymgradError
from symgrad.base.optional import require
from symgrad.base.output import write_atomic

__all__ = ["MANIFEST", "PARTS", "done_ids", "part_files", "read_manifest", "read_results", "schema",
           "write_manifest", "write_part"]

MANIFEST = "manifest.json"
#: the sub-folder of the part files
PARTS = "parts"

_STRING = ("cell_id", "activation", "form", "weights", "biases", "x", "lr", "axes", "x_exact",
           "true_mid", "true_rad", "error", "format", "computed", "status", "rel_error")
_INT = ("cell_index", "depth", "digits", "true_digits", "true_prec", "attempts")
_FLOAT = ("true_f64", "true_log10", "seconds", "computed_f64", "computed_log10", "rel_error_f64")
_BOOL = ("subnormal", "zero", "lost_update", "lost_update_true")
_LIST = ("weights_exact", "biases_exact")


def schema(axis_names: tuple[str, ...], kind: str = "chain"):
    """The Parquet schema of a sweep whose grid has these axis (and free setting) names."""
    from symgrad.analysis.sweep.cells import CELL_COLUMNS, FORMAT_COLUMNS

    pa = require("pyarrow")
    if kind == "network":
        return network_schema(axis_names)
    if kind == "meanfield":
        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
                 "bool": pa.bool_()}
        return pa.schema([pa.field(n, types[t]) for n, t in MEANFIELD_COLUMNS.items()]
                         + [pa.field(f"axis_{n}", pa.string()) for n in axis_names])
    kinds = {**dict.fromkeys(_STRING, pa.string()), **dict.fromkeys(_INT, pa.int64()),
             **dict.fromkeys(_FLOAT, pa.float64()), **dict.fromkeys(_BOOL, pa.bool_()),
             **dict.fromkeys(_LIST, pa.list_(pa.string()))}
    fields = [pa.field(n, kinds[n]) for n in (*CELL_COLUMNS, *FORMAT_COLUMNS)]
    fields += [pa.field(f"axis_{n}", pa.string()) for n in axis_names]
    return pa.schema(fields)


def part_files(folder: str | Path) -> list[Path]:
    """The finished part files, in the order they were written (temporary files excluded)."""
    return sorted((Path(folder) / PARTS).glob("part-*.parquet"))


def write_part(folder: str | Path, rows: list[dict], table_schema) -> Path:
    """Write ``rows`` as one new part file, atomically; returns its path."""
    pa = require("pyarrow")
    pq = require("pyarrow.parquet")
    name = f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.parquet"
    parts = Path(folder) / PARTS
    target, tmp = parts / name, parts / f".{name}.tmp"
    table = pa.Table.from_pylist(rows, schema=table_schema)
    try:
        parts.mkdir(exist_ok=True)
        pq.write_table(table, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SymgradError(f"cannot write {target}: {exc.strerror or exc}",
                           hint="the --out folder must be writable by the client") from None
    return target


def _read(path: Path, columns=None):
    pq = require("pyarrow.parquet")
    try:
        return pq.read_table(path, columns=columns)
    except (OSError, ValueError) as exc:
        raise SymgradError(f"cannot read the part file {path}: {exc}",
                           hint="remove the damaged file; its cells are computed again") from None


def done_ids(folder: str | Path) -> set[str]:
    """The ids of the cells already recorded (computed or failed) in ``folder``."""
    ids: set[str] = set()
    for path in part_files(folder):
        ids.update(_read(path, ["cell_id"]).column("cell_id").to_pylist())
    return ids


def read_results(folder: str | Path):
    """Every recorded row of ``folder`` as one pyarrow Table, each cell once."""
    pa = require("pyarrow")
    pc = require("pyarrow.compute")
    if not Path(folder).is_dir():
        raise InputError(f"sweep folder {folder} does not exist",
                         hint="give the --out folder of a symgrad sweep")
    seen: set[str] = set()
    tables = []
    for path in part_files(folder):
        table = _read(path)
        ids = table.column("cell_id")
        if seen:
            table = table.filter(pc.invert(pc.is_in(ids, value_set=pa.array(sorted(seen)))))
        seen.update(table.column("cell_id").to_pylist())
        tables.append(table)
    if not tables:
        raise InputError(f"sweep folder {folder} holds no results",
                         hint="run symgrad sweep GRID.toml --out DIR first")
    return pa.concat_tables(tables, promote_options="default")


def read_manifest(folder: str | Path) -> dict | None:
    """The manifest of ``folder``, or ``None`` when there is none yet."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}",
                         hint="the folder is not a symgrad sweep; choose another --out") from None


def write_manifest(folder: str | Path, manifest: dict) -> Path:
    """Write ``manifest.json`` atomically."""
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    return write_atomic(Path(folder) / MANIFEST, text)
