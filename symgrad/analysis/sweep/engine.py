"""Running a sweep on Dask distributed: an embedded ``LocalCluster`` or an existing cluster.

:func:`run_sweep` computes the cells of a :class:`~symgrad.analysis.sweep.grid.Grid` that
its folder does not hold yet (resumable: a cell's id is a hash of its parameters), submits
them to Dask in batches (``client.map`` with ``retries``, results taken with
``as_completed``), and writes every ``batch_size`` completed cells as one Parquet part
(:mod:`symgrad.analysis.sweep.store`).  A cell that raises on every attempt is recorded
with its error; a cell lost with its worker is rescheduled by Dask, and one Dask gives up
on (``KilledWorker``) stays missing for the next run.  Ctrl-C writes the cells already
completed, cancels the rest and re-raises.  No scheduler or pool of symgrad's own: the
default is ``LocalCluster(n_workers=cpu_count, threads_per_worker=1, processes=True)``,
and ``scheduler="tcp://HOST:PORT"`` connects to a running ``dask scheduler``.

>>> default_batch_size(1000, 2), default_batch_size(10, 8)
(50, 32)
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import math
import os
import platform
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from symgrad.analysis.sweep.cells import failed_rows, run_cell
from symgrad.analysis.sweep.grid import Grid
from symgrad.analysis.sweep.store import (
    done_ids,
    read_manifest,
    schema,
    write_manifest,
    write_part,
)
from symgrad.base.errors import InputError, SymgradError
from symgrad.base.optional import require
from symgrad.base.version import __version__
from symgrad.present.progress import task_progress

__all__ = ["CONNECT_TIMEOUT", "SweepRun", "default_batch_size", "run_sweep", "versions",
           "worker_version"]

#: how long to try to reach the scheduler of --scheduler
CONNECT_TIMEOUT = "10s"
_PACKAGES = ("dask", "distributed", "pyarrow", "numpy", "mpmath", "python-flint", "ml_dtypes")
#: errors of the cluster, not of the cell: the cell stays missing and is computed next run
_LOST = ("KilledWorker", "CancelledError", "CommClosedError", "FutureCancelledError")


@dataclass(frozen=True)
class SweepRun:
    """What one run did: cells in the grid, already recorded, computed, failed, missing."""

    folder: Path
    total: int
    already: int
    computed: int
    failed: int
    missing: int
    parts: int
    elapsed: float
    workers: int
    scheduler: str
    stopped: bool

    @property
    def complete(self) -> bool:
        """True when every cell of the grid is recorded in the folder."""
        return self.missing == 0


def default_batch_size(cells: int, workers: int) -> int:
    """Cells per part file: about 20 parts per sweep, at least 4 cells per worker."""
    return max(4 * workers, min(1000, math.ceil(cells / 20)))


def versions() -> dict[str, str | None]:
    """The versions of symgrad, Python and the libraries a sweep's numbers depend on."""
    out: dict[str, str | None] = {"symgrad": __version__, "python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


@contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[tuple[object, int, str]]:
    distributed = require("distributed", "sweep")
    if scheduler is None:
        n = workers or os.cpu_count() or 1
        with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                      dashboard_address=":0", silence_logs=logging.ERROR
                                      ) as cluster, distributed.Client(cluster) as client:
            yield client, n, f"embedded LocalCluster ({n} workers)"
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, asyncio.TimeoutError, ValueError) as exc:
        raise SymgradError(f"cannot connect to the Dask scheduler at {scheduler}: "
                           f"{' '.join(str(exc).split())[:160]}",
                           hint="start it with `dask scheduler` and give its tcp://HOST:PORT"
                           ) from None
    try:
        try:
            client.wait_for_workers(workers or 1, timeout=60)
        except (TimeoutError, asyncio.TimeoutError):  # distinct classes on Python 3.10
            raise SymgradError(f"the Dask scheduler at {scheduler} has fewer than "
                               f"{workers or 1} workers after 60 s",
                               hint="start workers with `dask worker " + scheduler + "`") from None
        _check_workers(client)
        yield client, len(client.scheduler_info()["workers"]), scheduler
    finally:
        client.close()


def worker_version() -> str:
    """symgrad's version as a worker sees it (the workers must run the client's symgrad)."""
    return __version__


def _check_workers(client) -> None:
    try:
        seen = client.run(worker_version)
    except Exception as exc:  # e.g. ModuleNotFoundError: symgrad is not installed there
        raise SymgradError(f"a Dask worker cannot run symgrad: {type(exc).__name__}: "
                           f"{' '.join(str(exc).split())[:160]}",
                           hint="install symgrad with the sweep extra in every worker's "
                                "environment") from None
    other = {addr: v for addr, v in seen.items() if v != __version__}
    if other:
        addr, v = next(iter(other.items()))
        raise SymgradError(f"the Dask worker {addr} runs symgrad {v}, this client "
                           f"{__version__}", hint="install the same symgrad on every node")


def _prepare(grid: Grid, folder: Path) -> dict:
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder} is a file", hint="give a folder for the Parquet parts")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {folder}: {exc.strerror}",
                         hint="choose a writable --out folder") from None
    manifest = read_manifest(folder)
    if manifest is not None and manifest.get("grid_sha256") != grid.sha256:
        raise InputError(f"{folder} holds the results of another grid",
                         hint="give a new --out folder for a changed grid")
    if manifest is None:
        manifest = {"schema": "symgrad.sweep-manifest/1", "grid": grid.raw,
                    "grid_sha256": grid.sha256, "axes": list(grid.axes),
                    "free": list(grid.free), "formats": list(grid.formats),
                    "cells": len(grid.cells), "runs": [], "elapsed_seconds": 0.0}
    manifest["versions"] = versions()
    write_manifest(folder, manifest)
    return manifest


class _Writer:
    """Buffers completed cells and writes them as one part per ``batch_size`` cells."""

    def __init__(self, folder: Path, grid: Grid, batch_size: int, on_batch) -> None:
        self.folder, self.batch_size, self.on_batch = folder, batch_size, on_batch
        self.schema = schema(tuple(dict.fromkeys((*grid.axes, *grid.free))), grid.kind)
        self.rows: list[dict] = []
        self.cells = self.parts = self.computed = self.failed = 0

    def add(self, rows: list[dict]) -> bool:
        """Buffer one cell's rows; True when a part was written."""
        self.rows.extend(rows)
        self.cells += 1
        if rows[0]["error"] is None:
            self.computed += 1
        else:
            self.failed += 1
        return self.cells >= self.batch_size and self.flush()

    def flush(self) -> bool:
        if not self.rows:
            return False
        write_part(self.folder, self.rows, self.schema)
        self.rows, self.cells = [], 0
        self.parts += 1
        if self.on_batch is not None:
            self.on_batch(self.parts)
        return True


def _outcome(future, cell: dict, attempts: int) -> list[dict] | None:
    """The rows of a finished future; None when the cluster lost the cell (not its fault)."""
    if future.status == "finished":
        return future.result()
    if future.status != "error":  # cancelled, lost with a worker, ...
        return None
    try:
        exc = future.exception(timeout=30)
    except Exception:  # the error itself could not be fetched: not the cell's error
        return None
    if type(exc).__name__ in _LOST:
        return None
    text = " ".join(f"{type(exc).__name__}: {exc}".split())[:2000]
    return failed_rows(cell, text, attempts)


def _collect(client, done: list, inflight: dict, attempts: int) -> list[list[dict] | None]:
    """The rows of each future in ``done`` (popped from ``inflight``), fetched together."""
    cells = [inflight.pop(f) for f in done]
    finished = [f for f in done if f.status == "finished"]
    try:
        results = dict(zip(finished, client.gather(finished))) if finished else {}
    except Exception:  # e.g. a worker died holding results: fetch them one by one
        results = {}
    return [results[f] if f in results else _outcome(f, c, attempts)
            for f, c in zip(done, cells)]


def _describe(w: _Writer, remaining: int, start: float) -> str:
    done = w.computed + w.failed
    rate = done / max(time.monotonic() - start, 1e-9)
    left = f"~{remaining / rate:.0f} s left" if done else "time left unknown"
    return f"sweep: {w.computed} done, {w.failed} failed, {remaining} remaining, {left}"


def _loop(client, todo: list[dict], w: _Writer, fn, retries: int, stop_after, quiet) -> None:
    """Submit ``todo`` in batches and record the results in ``w``."""
    distributed = require("distributed", "sweep")
    batches = (todo[i:i + w.batch_size] for i in range(0, len(todo), w.batch_size))
    inflight: dict = {}
    ac = distributed.as_completed(loop=client.loop)  # this client's loop, not the default
    token = uuid.uuid4().hex[:8]  # keys of this run only: no state shared with earlier clients

    def submit() -> None:
        batch = next(batches, None)
        if batch is not None:
            keys = [f"symgrad-sweep-{c['id']}-{token}" for c in batch]
            for f, c in zip(client.map(fn, batch, key=keys, retries=retries, pure=False), batch):
                inflight[f] = c
                ac.add(f)

    submit()
    submit()
    start, recorded = time.monotonic(), 0
    with task_progress("sweep", total=len(todo), quiet=quiet) as bar:
        try:
            for done in ac.batches():  # every future finished so far, results in one gather
                for rows in _collect(client, done, inflight, retries + 1):
                    if rows is None:
                        continue
                    recorded += 1
                    wrote = w.add(rows)
                    bar.advance(description=_describe(w, len(todo) - recorded, start))
                    if wrote and stop_after is not None and w.parts >= stop_after:
                        return
                if len(inflight) < w.batch_size:
                    submit()
        finally:
            w.flush()
            if inflight:
                with suppress(Exception):
                    client.cancel(list(inflight))


def run_sweep(grid: Grid, folder: str | Path, *, scheduler: str | None = None,
              workers: int | None = None, retries: int = 2, batch_size: int | None = None,
              stop_after: int | None = None, on_batch: Callable[[int], None] | None = None,
              cell_function: Callable[[dict], list[dict]] = run_cell,
              quiet: bool = True) -> SweepRun:
    """Compute the cells missing from ``folder`` (see the module docstring).

    ``stop_after``: stop once this many parts are written this run (the rest stays for a
    rerun); ``on_batch(parts)`` is called after each part; ``cell_function`` (importable
    by the workers) replaces :func:`~symgrad.analysis.sweep.cells.run_cell`.
    """
    folder = Path(folder)
    manifest = _prepare(grid, folder)
    done = done_ids(folder)
    todo = [c for c in grid.cells if c["id"] not in done]
    start = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    n, label, finished = 0, scheduler or "embedded LocalCluster", False
    w = _Writer(folder, grid, 1, on_batch)
    try:
        if todo:
            with _client(scheduler, workers) as (client, n, label):
                w.batch_size = batch_size or default_batch_size(len(todo), n)
                _loop(client, todo, w, cell_function, retries, stop_after, quiet)
        finished = True
    finally:
        elapsed = time.monotonic() - start
        missing = len(todo) - w.computed - w.failed  # every recorded cell is written by now
        manifest["runs"].append({"started": started, "elapsed_seconds": round(elapsed, 3),
                                 "scheduler": label, "workers": n, "computed": w.computed,
                                 "failed": w.failed, "parts": w.parts, "missing": missing,
                                 "interrupted": not finished})
        manifest["elapsed_seconds"] = round(manifest["elapsed_seconds"] + elapsed, 3)
        write_manifest(folder, manifest)
    return SweepRun(folder, len(grid.cells), len(done), w.computed, w.failed, missing, w.parts,
                    elapsed, n, label, stop_after is not None and missing > 0)
