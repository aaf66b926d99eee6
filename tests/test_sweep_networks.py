"""Sweeps over network files: widths, depths and seeded init draws as grid axes.

The engine runs on a real ``distributed.LocalCluster`` of 2 worker processes.  Expected
per-layer gradient norms come from ``tests.references.network_objective`` (the network
written out from its definitions in mpmath) differentiated entry by entry with
``mpmath.diff`` at 50 digits, the Frobenius norm taken by hand; the weights are drawn here
with numpy's documented stream (W1, b1, W2, ... from one ``default_rng(seed).normal``).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from tests._require import require_module
from tests.references import correctly_rounded, network_objective

BASE = """\
layers = [2, 3, 1]
activation = "tanh"
loss = "squared"
data = "points.csv"
[weights]
init = "normal:0,1,seed=9"
"""
POINTS = "x1,x2,y\n0.5,-1,1\n1.25,0.25,0\n"
GRID = """\
network = "nets/base.toml"
width = [1, 2]
depth = [1, 2]
init = ["normal:0,0.75,seed={seed}"]
seed = [0, 1]
formats = ["float32", "float16"]
digits = 15
"""
X = [[Fraction(1, 2), Fraction(-1)], [Fraction(5, 4), Fraction(1, 4)]]
Y = [[Fraction(1)], [Fraction(0)]]


@pytest.fixture(scope="module")
def cluster():
    require_module("distributed", install="pip install 'symgrad[sweep]'")
    require_module("pyarrow", install="pip install 'symgrad[sweep]'")
    import logging

    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as lc:
        yield lc.scheduler_address


def _grid_file(tmp_path, grid=GRID, base=BASE):
    (tmp_path / "nets").mkdir(exist_ok=True)
    (tmp_path / "nets" / "base.toml").write_text(base)
    (tmp_path / "nets" / "points.csv").write_text(POINTS)
    path = tmp_path / "grid.toml"
    path.write_text(grid)
    return path


def _reference_norms(width: int, depth: int, seed: int, dps: int = 50) -> list:
    """||dF/dW_l|| for l = 1..depth+1 by mpmath.diff of the written-out objective."""
    layers = [2, *([width] * depth), 1]
    shapes = []
    for n_in, n_out in itertools.pairwise(layers):
        shapes += [(f"W{len(shapes) // 2 + 1}", (n_out, n_in)),
                   (f"b{len(shapes) // 2 + 1}", (n_out,))]
    flat = iter(np.random.default_rng(seed).normal(0.0, 0.75, size=sum(
        int(np.prod(s)) for _, s in shapes)))
    with mpmath.workdps(dps):
        params = {}
        for name, shape in shapes:
            if len(shape) == 2:
                params[name] = [[mpmath.mpf(float(next(flat))) for _ in range(shape[1])]
                                for _ in range(shape[0])]
            else:
                params[name] = [mpmath.mpf(float(next(flat))) for _ in range(shape[0])]
        data = [([mpmath.mpf(v.numerator) / v.denominator for v in x],
                 [mpmath.mpf(v.numerator) / v.denominator for v in y]) for x, y in zip(X, Y)]
        acts = ["tanh"] * (len(layers) - 1)
        norms = []
        for layer in range(1, len(layers)):
            W = params[f"W{layer}"]
            total = mpmath.mpf(0)
            for i in range(len(W)):
                for j in range(len(W[0])):
                    def f(t, i=i, j=j, layer=layer):
                        p = {k: [list(r) if isinstance(r, list) else r for r in v]
                             for k, v in params.items()}
                        p[f"W{layer}"][i][j] = t
                        return network_objective(layers, acts, p, data, "squared")

                    total += mpmath.diff(f, W[i][j]) ** 2
            norms.append(mpmath.sqrt(total))
        return norms


def test_network_grid_expands_axes_and_resolves_the_base_file(tmp_path):
    from symgrad.analysis.sweep.grid import load_grid

    g = load_grid(_grid_file(tmp_path))
    assert g.kind == "network" and len(g.cells) == 8
    assert g.axes == ("width", "depth", "init", "seed")
    last = g.cells[-1]
    assert last["network"]["layers"] == [2, 2, 2, 1]
    assert last["network"]["weights"] == {"init": "normal:0,0.75,seed=1"}
    # the CSV data travels inside the cell as exact decimals (workers need no files)
    assert last["network"]["data"] == {"x": [["1/2", "-1"], ["5/4", "1/4"]],
                                       "y": [["1"], ["0"]]}
    assert len({c["id"] for c in g.cells}) == 8
    assert load_grid(tmp_path / "grid.toml").cells[3]["id"] == g.cells[3]["id"]


def test_certified_layer_norms_match_mpmath_and_resume_recomputes_nothing(tmp_path, cluster):
    import symgrad
    from symgrad.analysis.sweep.store import part_files

    grid, out = _grid_file(tmp_path), tmp_path / "out"
    first = symgrad.sweep(str(grid), str(out), scheduler=cluster, workers=2, batch_size=3,
                          stop_after=1)
    assert first.run.computed == 3 and first.run.missing == 5
    second = symgrad.sweep(str(grid), str(out), scheduler=cluster, workers=2)
    assert (second.run.already, second.run.computed, second.run.missing) == (3, 5, 0)
    rows = symgrad.sweep_results(out).to_pylist()
    # one row per cell x format x layer, every cell once
    assert len(rows) == sum(2 * (d + 1) for d in (1, 2) for _ in range(4))
    assert {r["error"] for r in rows} == {None}
    for width, depth, seed in ((2, 2, 1), (1, 1, 0)):
        mine = [r for r in rows if (r["width"], r["depth"], r["axis_seed"]) == (width, depth,
                                                                               str(seed))]
        want = _reference_norms(width, depth, seed)
        for fmt in ("float32", "float16"):
            got = sorted((r for r in mine if r["format"] == fmt), key=lambda r: r["layer"])
            assert [r["layer"] for r in got] == list(range(1, depth + 2))
            for r, w in zip(got, want):
                assert r["true_norm_digits"] == 15
                assert r["true_norm_mid"] == correctly_rounded(w, 15), (r, w)
                assert r["zero"] == r["subnormal"] == r["lost"] == 0
                if fmt == "float32":  # the float32 gradient's norm is close to the truth
                    assert abs(float(r["norm"]) / float(w) - 1) < 1e-5
    parts = part_files(out)
    third = symgrad.sweep(str(grid), str(out), scheduler=cluster, workers=2)
    assert (third.run.already, third.run.computed, third.run.parts) == (8, 0, 0)
    assert part_files(out) == parts


def test_float16_events_counted_per_layer(tmp_path, cluster):
    """A saturated sigmoid: dF/dW1 = 30 sigma'(30) ~ 2.8e-12 is below half the smallest
    float16 subnormal (2^-25), so float16 gives 0 and loses the update; float64 does not."""
    import symgrad

    with mpmath.workdps(30):
        true = 30 * mpmath.exp(-30) / (1 + mpmath.exp(-30)) ** 2
        assert true < mpmath.mpf(2) ** -25
    net = {"layers": [1, 1], "loss": "none", "bias": False, "data": {"x": [["30"]]},
           "weights": {"W1": [["1"]]}}
    grid = {"network": net, "activation": ["sigmoid"], "formats": ["float64", "float16"],
            "digits": 10}
    symgrad.sweep(grid, tmp_path / "out", scheduler=cluster, workers=2)
    rows = {r["format"]: r for r in symgrad.sweep_results(tmp_path / "out").to_pylist()}
    assert rows["float64"]["true_norm_mid"] == correctly_rounded(true, 10)
    assert (rows["float16"]["zero"], rows["float16"]["lost"]) == (1, 1)
    assert rows["float16"]["norm"] == "0" and rows["float16"]["norm_log10"] == float("-inf")
    assert (rows["float64"]["zero"], rows["float64"]["lost"]) == (0, 0)


@pytest.mark.parametrize("edit, words", [
    (("grid", "width = [1, 2]", "widht = [1, 2]"), "'widht'"),
    (("base", 'loss = "squared"', 'loss = "squared"\nlayerz = 3'), "'layerz'"),
    (("grid", "nets/base.toml", "nets/none.toml"), "not found"),
    (("grid", "width = [1, 2]", "width = [0]"), "width"),
    (("base", 'init = "normal:0,1,seed=9"', "W1 = [[1, 2]]"), "W1"),
])
def test_bad_network_key_is_one_line_error_before_any_folder(tmp_path, capsys, edit, words):
    require_module("distributed", install="pip install 'symgrad[sweep]'")
    from symgrad.interfaces.cli import main

    which, old, new = edit
    grid = GRID.replace(old, new) if which == "grid" else GRID
    base = BASE.replace(old, new) if which == "base" else BASE
    path, out = _grid_file(tmp_path, grid, base), tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err, err
    assert not out.exists()


def test_failed_network_cell_is_recorded_per_format_and_layer(tmp_path):
    require_module("pyarrow", install="pip install 'symgrad[sweep]'")
    from symgrad.analysis.sweep.cells import failed_rows
    from symgrad.analysis.sweep.grid import load_grid
    from symgrad.analysis.sweep.store import read_results, schema, write_part

    g = load_grid(_grid_file(tmp_path))
    rows = failed_rows(g.cells[-1], "ValueError: boom", 3)
    assert [(r["format"], r["layer"]) for r in rows] == [
        ("float32", 1), ("float32", 2), ("float32", 3),
        ("float16", 1), ("float16", 2), ("float16", 3)]
    write_part(tmp_path, rows, schema(g.axes, g.kind))
    back = read_results(tmp_path).to_pylist()
    assert {(r["error"], r["attempts"], r["true_norm_mid"]) for r in back} == {
        ("ValueError: boom", 3, None)}
