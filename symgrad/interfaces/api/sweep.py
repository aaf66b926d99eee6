"""``symgrad.sweep``: a grid of chains on Dask distributed, results in a Parquet folder.

The Python side of ``symgrad sweep`` and ``symgrad sweep-plot``.  :func:`sweep` expands a
grid (a TOML file or a dict, :mod:`symgrad.analysis.sweep.grid`), computes every cell the
folder ``out`` does not hold yet (the certified dF/dw_1 and its value in each format,
:mod:`symgrad.analysis.sweep.cells`) on an embedded ``LocalCluster`` or on the cluster of
``scheduler``, and writes Parquet parts and ``manifest.json``
(:mod:`symgrad.analysis.sweep.engine`).  :func:`sweep_results` reads the folder back (one
row per cell and format, each cell once); :func:`sweep_plot` draws the phase diagram.

>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> grid = {"depth": [2, 3], "weights": "1", "digits": 8, "formats": ["float16"]}
>>> r = sweep(grid, out, workers=1)  # doctest: +SKIP
>>> r.to_json()["computed"]  # doctest: +SKIP
2
>>> SweepResult(SweepRun(Path(out), 2, 0, 2, 0, 0, 1, 1.5, 1, "x", False)).summary()
'2 cells computed, 0 failed, 0 missing (2 in the grid)'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from symgrad.analysis.sweep.engine import SweepRun, run_sweep
from symgrad.analysis.sweep.grid import Grid, grid_from_dict, load_grid
from symgrad.analysis.sweep.phase import phase_data
from symgrad.analysis.sweep.store import read_results
from symgrad.analysis.sweep.theory import is_meanfield, meanfield_phase_data
from symgrad.base.errors import InputError
from symgrad.interfaces.api._values import input_errors, whole_number
from symgrad.interfaces.api.result import Result

__all__ = ["SweepPlotResult", "SweepResult", "sweep", "sweep_plot", "sweep_results"]


@dataclass(frozen=True, repr=False)
class SweepResult(Result):
    """What a sweep run did (the numbers are in the Parquet folder: :func:`sweep_results`)."""

    SCHEMA = "symgrad.sweep/1"
    FORMATS = ("text", "json")

    run: SweepRun

    def json_body(self) -> dict:
        r = self.run
        return {"folder": str(r.folder), "cells": r.total, "already": r.already,
                "computed": r.computed, "failed": r.failed, "missing": r.missing,
                "parts": r.parts, "workers": r.workers, "scheduler": r.scheduler,
                "complete": r.complete, "elapsed_seconds": f"{r.elapsed:.3f}"}

    def summary(self) -> str:
        r = self.run
        return (f"{r.computed} cells computed, {r.failed} failed, {r.missing} missing "
                f"({r.total} in the grid)")

    def to_text(self) -> str:
        r = self.run
        lines = [f"sweep of {r.total} cells into {r.folder} on {r.scheduler}",
                 f"already recorded: {r.already}",
                 f"computed now:     {r.computed} ({r.failed} failed, recorded with their "
                 "error)" if r.failed else f"computed now:     {r.computed}",
                 f"parts written:    {r.parts}",
                 f"elapsed:          {r.elapsed:.1f} s"]
        if r.missing:
            lines.append(f"missing:          {r.missing} (run the same command again to "
                         "compute them)")
        else:
            lines.append("complete: every cell of the grid is recorded")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True, repr=False)
class SweepPlotResult(Result):
    """The phase diagram written by :func:`sweep_plot`."""

    SCHEMA = "symgrad.sweep-plot/1"
    FORMATS = ("text",)

    path: Path
    data: dict

    def json_body(self) -> dict:
        return {"path": str(self.path), "activations": list(self.data["panels"])}

    def summary(self) -> str:
        return f"phase diagram of {', '.join(self.data['panels'])} in {self.path}"

    def to_text(self) -> str:
        failed = self.data["failed_cells"]
        note = f" ({failed} failed cells left out)" if failed else ""
        return f"wrote {self.path}: {self.summary()}{note}\n"


def _grid(grid: object) -> Grid:
    if isinstance(grid, Grid):
        return grid
    if isinstance(grid, dict):
        return grid_from_dict(grid)
    if isinstance(grid, (str, Path)):
        return load_grid(grid)
    raise InputError(f"grid must be a TOML file name or a dict, got {type(grid).__name__}",
                     hint="e.g. sweep('grid.toml', 'results/')")


def _optional_whole(value: object, what: str, lo: int, hi: int) -> int | None:
    if value is None:
        return None
    return whole_number(value, what=what, lo=lo, hi=hi, example=f"{what} {lo}")


def sweep(grid: object, out: object, *, scheduler: str | None = None,
          workers: object = None, retries: object = 2, batch_size: object = None,
          stop_after: object = None, on_batch: Callable[[int], None] | None = None,
          cell_function: Callable[[dict], list[dict]] | None = None,
          quiet: bool = True) -> SweepResult:
    """Run the sweep of ``grid`` into the folder ``out`` (see the module docstring).

    ``scheduler``: ``tcp://HOST:PORT`` of a running Dask scheduler (default: an embedded
    ``LocalCluster`` of ``workers`` processes, one thread each; with a scheduler,
    ``workers`` is how many workers to wait for).  ``retries``: attempts after the first
    before a failing cell is recorded with its error.  ``batch_size``: cells per Parquet
    part.  ``stop_after``: stop after writing that many parts (resume later).
    ``on_batch(parts)`` runs after each part; ``cell_function`` replaces the per-cell
    computation (it must be importable by the workers).  ``quiet=False`` shows a progress
    bar on a terminal.
    """
    with input_errors():
        g = _grid(grid)
        if out is None or not str(out).strip():
            raise InputError("sweep needs an output folder", hint="pass --out DIR")
        if scheduler is not None and not str(scheduler).strip():
            raise InputError("--scheduler is empty", hint="give tcp://HOST:PORT")
        kwargs = {
            "workers": _optional_whole(workers, "--workers", 1, 4096),
            "retries": _optional_whole(retries, "--retries", 0, 100),
            "batch_size": _optional_whole(batch_size, "--batch-size", 1, 1_000_000),
            "stop_after": _optional_whole(stop_after, "--stop-after", 1, 1_000_000),
        }
    extra = {} if cell_function is None else {"cell_function": cell_function}
    run = run_sweep(g, Path(str(out)), scheduler=scheduler, on_batch=on_batch, quiet=quiet,
                    **kwargs, **extra)
    return SweepResult(run)


def sweep_results(out: object):
    """The rows of the sweep folder ``out`` as a pyarrow Table (each cell once)."""
    return read_results(Path(str(out)))


def sweep_plot(out: object, plot: object, *, y: str = "scale") -> SweepPlotResult:
    """Draw the phase diagram of the sweep folder ``out`` to ``plot`` (.png or .svg).

    ``y``: the grid axis on the vertical axis (default ``scale``; the horizontal one is the
    depth).
    """
    from symgrad.present.plotting import plot_format
    from symgrad.present.sweep_plots import plot_sweep

    with input_errors():
        if plot is None or not str(plot).strip():
            raise InputError("sweep-plot needs a picture file", hint="pass --out FILE.png")
        plot_format(plot)
        table = sweep_results(out)
        # kind = "meanfield": measured ratios over (sigma_w2, sigma_b2) and the critical line
        data = meanfield_phase_data(table) if is_meanfield(table) else phase_data(table, y=y)
        path = plot_sweep(data, str(plot))
    return SweepPlotResult(Path(path), data)
