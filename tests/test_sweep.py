"""Sweeps on Dask: grid expansion, per-cell values, resumable Parquet output, fault tolerance.

Every engine test runs on a real ``distributed.LocalCluster`` (worker processes) or on a
real ``dask scheduler`` with two ``dask worker`` processes.  Expected values come from an
independent mpmath evaluation of the seed chain written here.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest

from tests._require import require_module
from tests.json_contract import assert_valid

GRID_1000 = """
depth = [2, 3, 4, 5, 6]
weights = ["normal:0,{scale},seed={seed}"]
scale = [0.25, 1, 4, 16, 64]
seed = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]
activation = ["sigmoid", "tanh"]
formats = ["float64", "float16"]
digits = 8
lr = 0.1
"""


@pytest.fixture(scope="module")
def dask_modules():
    require_module("distributed", install="pip install 'symgrad[sweep]'")
    require_module("pyarrow", install="pip install 'symgrad[sweep]'")


@pytest.fixture(scope="module")
def cluster(dask_modules):
    """One LocalCluster of 2 worker processes, shared by the fault tests (via --scheduler)."""
    import logging

    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as lc, \
            distributed.Client(lc) as client:
        yield lc, client


# --- independent reference --------------------------------------------------------------

def _mp_grad_w1(weights: list[Fraction], activation: str) -> mpmath.mpf:
    """dF/dw_1 of the seed chain o_1 = w_1, o_i = act(w_i o_{i-1}), by the chain rule in mpmath."""
    with mpmath.workdps(60):
        w = [mpmath.mpf(v.numerator) / v.denominator for v in weights]
        if activation == "sigmoid":
            def d(t):  # sigma'(t) = e^-|t| / (1 + e^-|t|)^2, no cancellation
                e = mpmath.exp(-abs(t))
                return e / (1 + e) ** 2

            def act(t):
                return 1 / (1 + mpmath.exp(-t))
        else:
            def d(t):  # tanh'(t) = sech(t)^2 (1 - tanh^2 cancels for large t)
                return mpmath.sech(t) ** 2

            act = mpmath.tanh
        o, g = w[0], mpmath.mpf(1)
        for wi in w[1:]:
            z = wi * o
            g *= d(z) * wi
            o = act(z)
        return +g


def _check_row_independently(row: dict) -> None:
    weights = [Fraction(t) for t in row["weights_exact"]]
    assert len(weights) == row["depth"]
    # the drawn weights are numpy's normal(0, scale) with the cell's seed, used exactly
    spec = json.loads(row["axes"])
    draw = np.random.default_rng(int(spec["seed"])).normal(0, float(spec["scale"]),
                                                           size=row["depth"])
    assert weights == [Fraction(float(v)) for v in draw]
    true = _mp_grad_w1(weights, row["activation"])
    with mpmath.workdps(60):
        mid = mpmath.mpf(row["true_mid"])
        assert abs(mid - true) <= abs(true) * mpmath.mpf(10) ** (1 - row["digits"])
    # events of the format, recomputed from the stored computed value
    dtype = {"float64": np.float64, "float16": np.float16}[row["format"]]
    v = dtype(row["computed_f64"])
    w1, eta = dtype(float(weights[0])), dtype(0.1)
    with np.errstate(all="ignore"):
        assert row["lost_update"] == bool(w1 - eta * v == w1)
    assert row["zero"] == (row["computed_f64"] == 0)
    assert row["subnormal"] == (0 < abs(row["computed_f64"]) < float(np.finfo(dtype).tiny))


# --- grid -------------------------------------------------------------------------------

def test_grid_expands_axes_and_placeholders():
    from symgrad.analysis.sweep.grid import grid_from_dict

    g = grid_from_dict({"depth": [2, 4], "weights": ["normal:0,{scale},seed={seed}"],
                        "scale": [0.5, 2], "seed": [0, 1, 2], "activation": ["tanh"],
                        "formats": "float32,bfloat16", "digits": 12, "lr": "1/8"})
    assert len(g.cells) == 2 * 2 * 3
    assert [c["weights"] for c in g.cells[:3]] == [f"normal:0,0.5,seed={s}" for s in range(3)]
    assert {c["formats"] == ["float32", "bfloat16"] for c in g.cells} == {True}
    assert len({c["id"] for c in g.cells}) == len(g.cells)
    # stable: the same grid gives the same ids; another setting gives others
    again = grid_from_dict(dict(g.raw))
    assert [c["id"] for c in again.cells] == [c["id"] for c in g.cells]
    other = grid_from_dict({**g.raw, "digits": 13})
    assert not {c["id"] for c in other.cells} & {c["id"] for c in g.cells}


@pytest.mark.parametrize("raw, words", [
    ({"depth": [2], "weights": "normal:0,{scale}"}, "placeholder {scale}"),
    ({"depth": [2], "weights": "1", "scale": [1, 2]}, "used by no {scale}"),
    ({"depth": [0], "weights": "1"}, "depth"),
    ({"depth": [2], "weights": "1", "formats": ["float8"]}, "float8"),
    ({"depth": [2], "weights": "1", "lr": "-1"}, "lr must be > 0"),
    ({"depth": [2], "weights": "1,2,3"}, "grid cell (depth=2)"),
    ({"weights": "1"}, "needs 'depth'"),
    ({"depth": [], "weights": "1"}, "empty list"),
])
def test_bad_grids_are_one_line_errors(raw, words):
    from symgrad.analysis.sweep.grid import grid_from_dict
    from symgrad.base.errors import InputError

    with pytest.raises(InputError) as exc:
        grid_from_dict(raw)
    assert words in str(exc.value) and "\n" not in str(exc.value)


def test_bad_grid_file_exits_2_without_creating_the_folder(tmp_path, capsys, dask_modules):
    from symgrad.interfaces.cli import main

    grid = tmp_path / "g.toml"
    grid.write_text('depth = [2]\nweights = ["normal:0,{scale}"]\n')
    out = tmp_path / "out"
    assert main(["sweep", str(grid), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "{scale}" in err and not out.exists()
    grid.write_text("depth = [2\n")
    assert main(["sweep", str(grid), "--out", str(out)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


# --- one cell ---------------------------------------------------------------------------

def test_cells_agree_with_an_independent_mpmath_evaluation():
    from symgrad.analysis.sweep.cells import run_cell
    from symgrad.analysis.sweep.grid import grid_from_dict

    g = grid_from_dict({"depth": [3, 40], "weights": ["normal:0,{scale},seed={seed}"],
                        "scale": [1, 8], "seed": [3], "activation": ["sigmoid", "tanh"],
                        "formats": ["float64", "float16"], "digits": 25})
    for cell in g.cells:
        rows = run_cell(cell)
        assert [r["format"] for r in rows] == ["float64", "float16"]
        for r in rows:
            assert r["error"] is None and r["true_digits"] == 25
            _check_row_independently(r)
    # deep tanh chains with large weights underflow in float16: the event is recorded
    deep = [r for c in g.cells if c["depth"] == 40 and c["axes"]["scale"] == "8"
            for r in run_cell(c) if r["format"] == "float16"]
    assert any(r["zero"] for r in deep)


# --- the engine -------------------------------------------------------------------------

def _raw_ids(folder: Path) -> Counter:
    """How often each cell id occurs over all part files (no deduplication)."""
    import pyarrow.parquet as pq

    counts: Counter = Counter()
    for part in sorted((folder / "parts").glob("part-*.parquet")):
        table = pq.read_table(part, columns=["cell_id", "format"])
        counts.update(f"{c}/{f}" for c, f in zip(table.column("cell_id").to_pylist(),
                                                 table.column("format").to_pylist()))
    return counts


def test_thousand_cells_interrupted_then_resumed_each_cell_once(tmp_path, dask_modules):
    import symgrad
    from symgrad.analysis.sweep.grid import load_grid

    grid = tmp_path / "grid.toml"
    grid.write_text(GRID_1000)
    ids = {c["id"] for c in load_grid(grid).cells}
    assert len(ids) == 1000
    out = tmp_path / "out"

    def ctrl_c(parts: int) -> None:  # Ctrl-C arrives after the second part is written
        if parts == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        symgrad.sweep(grid, out, workers=2, batch_size=100, on_batch=ctrl_c)
    first = _raw_ids(out)
    assert len(first) == 2 * 200 and set(first.values()) == {1}
    assert not list((out / "parts").glob(".*.tmp"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"][0]["computed"] == 200 and manifest["runs"][0]["missing"] == 800
    assert manifest["runs"][0]["interrupted"] is True

    result = symgrad.sweep(str(grid), str(out), workers=2)
    doc = assert_valid(result.to_json())
    assert (doc["already"], doc["computed"], doc["failed"], doc["missing"]) == (200, 800, 0, 0)
    counts = _raw_ids(out)
    assert len(counts) == 2000 and set(counts.values()) == {1}
    assert {k.split("/")[0] for k in counts} == ids

    # a third run finds nothing to do and starts no cluster
    again = symgrad.sweep(grid, out)
    assert (again.run.computed, again.run.missing, again.run.parts) == (0, 0, 0)

    table = symgrad.sweep_results(out)
    assert table.num_rows == 2000 and table.column("error").null_count == 2000
    rows = table.to_pylist()
    for r in rows[::97]:
        _check_row_independently(r)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cells"] == 1000 and len(manifest["runs"]) == 3
    assert manifest["versions"]["dask"] and manifest["elapsed_seconds"] > 0

    # the phase diagram of the same folder
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    from symgrad.interfaces.cli import main

    png = tmp_path / "phase.png"
    assert main(["sweep-plot", str(out), "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plotted = symgrad.sweep_plot(out, tmp_path / "phase.svg").to_json()
    assert assert_valid(plotted)["activations"] == ["sigmoid", "tanh"]
    # another grid into the same folder is refused
    from symgrad.base.errors import InputError

    with pytest.raises(InputError, match="another grid"):
        symgrad.sweep({"depth": [2], "weights": "1"}, out)


@pytest.mark.parametrize("how", ["ctrl-c", "crash"])
def test_interrupted_or_crashed_client_keeps_what_it_wrote(tmp_path, how, cluster):
    """Ctrl-C (SIGINT: writes the completed cells, exit 130) or SIGKILL of the client's
    whole process group (a crash); a rerun then records every cell exactly once."""
    import symgrad

    grid = tmp_path / "grid.toml"
    # cells slow enough (deeper chains, more digits) that the signal lands mid-run even on
    # a loaded machine: 3 parts of 10 cells are written, about 970 cells remain
    grid.write_text(GRID_1000.replace("digits = 8", "digits = 60")
                    .replace("depth = [2, 3, 4, 5, 6]", "depth = [100, 200, 300, 400, 500]"))
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "symgrad", "sweep", str(grid), "--out", str(out),
            "--workers", "2", "--batch-size", "10", "--quiet"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "parts").glob("part-*.parquet"))) < 3:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        if how == "ctrl-c":
            proc.send_signal(signal.SIGINT)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    counts = _raw_ids(out)
    assert 60 <= len(counts) < 2000 and set(counts.values()) == {1}
    if how == "ctrl-c":
        assert proc.returncode == 130 and err.strip().endswith("symgrad: interrupted"), err
        run = json.loads((out / "manifest.json").read_text())["runs"][0]
        assert run["interrupted"] and run["computed"] * 2 == len(counts)
        assert not list((out / "parts").glob(".*.tmp"))
    else:
        assert proc.returncode == -signal.SIGKILL
    lc, _ = cluster
    result = symgrad.sweep(grid, out, scheduler=lc.scheduler_address)
    assert result.run.already == len(counts) // 2 and result.run.complete
    counts = _raw_ids(out)
    assert len(counts) == 2000 and set(counts.values()) == {1}


def test_phase_data_counts_underflow_per_seed(tmp_path, dask_modules):
    from symgrad.analysis.sweep.phase import phase_data

    rows = [{"activation": "tanh", "depth": 5, "axis_scale": "2", "format": "float16",
             "true_log10": v, "zero": z, "lost_update": True, "error": None, "cell_id": str(i)}
            for i, (v, z) in enumerate([(-3.0, False), (-9.0, True), (-5.0, True)])]
    p = phase_data(rows)
    panel = p["panels"]["tanh"]
    assert panel["median"] == [[-5.0]] and panel["lo"] == [[-9.0]] and panel["hi"] == [[-3.0]]
    assert panel["zero"]["float16"] == [[2 / 3]] and panel["lost"]["float16"] == [[1.0]]


def _worker_pids(client) -> dict:
    return client.run(os.getpid)


def test_killed_worker_loses_and_duplicates_nothing(tmp_path, cluster):
    import symgrad

    lc, client = cluster
    grid = {"depth": [20, 40, 60], "weights": ["normal:0,{scale},seed={seed}"],
            "scale": [0.5, 2], "seed": list(range(40)), "formats": ["float32"], "digits": 30}
    before = _worker_pids(client)
    killed = []

    def kill_one(parts: int) -> None:
        if parts == 1:
            pid = sorted(before.values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    result = symgrad.sweep(grid, tmp_path / "out", scheduler=lc.scheduler_address,
                           batch_size=20, on_batch=kill_one, retries=0)
    assert killed
    print("first run:", result.summary(), result.run.parts, "parts")
    assert result.run.parts > 1  # the sweep went on after the kill
    out = tmp_path / "out"
    if result.run.missing:  # a cell Dask gave up on stays missing: a rerun completes it
        result = symgrad.sweep(grid, out, scheduler=lc.scheduler_address)
    counts = _raw_ids(out)
    assert len(counts) == 240 and set(counts.values()) == {1}
    errors = [e for e in symgrad.sweep_results(out).column("error").to_pylist() if e]
    assert not errors, errors
    client.wait_for_workers(2, timeout=30)
    assert killed[0] not in _worker_pids(client).values()


def flaky_cell(folder: str, cell: dict) -> list[dict]:
    """A cell function for the fault test: depth 2 fails once, depth 3 always."""
    from symgrad.analysis.sweep.cells import run_cell

    with open(Path(folder) / f"{cell['id']}.attempts", "a") as fh:
        fh.write("x")
    attempts = (Path(folder) / f"{cell['id']}.attempts").stat().st_size
    if cell["depth"] == 3 or (cell["depth"] == 2 and attempts == 1):
        raise RuntimeError(f"injected failure at attempt {attempts}")
    return run_cell(cell)


def test_failing_cell_is_retried_then_recorded(tmp_path, cluster):
    import symgrad

    lc, _ = cluster
    marks = tmp_path / "marks"
    marks.mkdir()
    grid = {"depth": [2, 3, 4], "weights": "normal:0,1,seed={seed}", "seed": [0, 1],
            "formats": ["float64", "bfloat16"], "digits": 10}
    result = symgrad.sweep(grid, tmp_path / "out", scheduler=lc.scheduler_address,
                           retries=2, cell_function=functools.partial(flaky_cell, str(marks)))
    assert (result.run.computed, result.run.failed, result.run.missing) == (4, 2, 0)
    rows = symgrad.sweep_results(tmp_path / "out").to_pylist()
    assert len(rows) == 12
    attempts = {p.stem: p.stat().st_size for p in marks.iterdir()}
    for r in rows:
        if r["depth"] == 3:
            assert r["error"] == "RuntimeError: injected failure at attempt 3"
            assert r["attempts"] == 3 and attempts[r["cell_id"]] == 3
            assert r["true_mid"] is None and r["computed"] is None
        else:
            assert r["error"] is None and r["true_mid"] is not None
            assert attempts[r["cell_id"]] == (2 if r["depth"] == 2 else 1)
    # recorded failures are not recomputed by a rerun
    again = symgrad.sweep(grid, tmp_path / "out", scheduler=lc.scheduler_address)
    assert (again.run.computed, again.run.failed, again.run.missing) == (0, 0, 0)


def _dask(*args: str, log: Path) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("dask")
    with log.open("w") as fh:  # the child keeps its own descriptor
        return subprocess.Popen([str(exe), *args], stdout=fh, stderr=subprocess.STDOUT,
                                cwd=log.parent, start_new_session=True)


def test_sweep_on_a_separately_started_dask_scheduler(tmp_path, capsys, dask_modules):
    from symgrad.interfaces.cli import main

    info = tmp_path / "scheduler.json"
    procs = [_dask("scheduler", "--scheduler-file", str(info), "--port", "0",
                   "--no-dashboard", "--host", "127.0.0.1", log=tmp_path / "scheduler.log")]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()
            assert procs[0].poll() is None, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        procs += [_dask("worker", address, "--nthreads", "1", "--no-dashboard",
                        "--host", "127.0.0.1", log=tmp_path / f"worker{i}.log")
                  for i in range(2)]
        grid = tmp_path / "grid.toml"
        grid.write_text('depth = [2, 5, 9]\nweights = ["normal:0,{scale},seed={seed}"]\n'
                        'scale = [1, 4]\nseed = [0, 1, 2, 3]\nactivation = ["sigmoid", "tanh"]\n'
                        'formats = ["float64", "float16"]\ndigits = 12\n')
        out = tmp_path / "out"
        argv = ["sweep", str(grid), "--out", str(out), "--scheduler", address, "--workers", "2",
                "--format", "json", "--quiet"]
        assert main(argv) == 0
        doc = assert_valid(capsys.readouterr().out)
        assert (doc["computed"], doc["missing"], doc["workers"]) == (48, 0, 2)
        assert doc["scheduler"] == address
        counts = _raw_ids(out)
        assert len(counts) == 96 and set(counts.values()) == {1}
        import symgrad

        for r in symgrad.sweep_results(out).to_pylist()[::11]:
            _check_row_independently(r)
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)


def test_unreachable_scheduler_is_a_one_line_error(tmp_path, capsys, dask_modules, monkeypatch):
    from symgrad.analysis.sweep import engine
    from symgrad.interfaces.cli import main

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", "2s")

    grid = tmp_path / "g.toml"
    grid.write_text('depth = [2]\nweights = "1"\n')
    argv = ["sweep", str(grid), "--out", str(tmp_path / "o"), "--scheduler",
            "tcp://127.0.0.1:9", "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot connect to the Dask scheduler" in err
