"""Benchmark: sweep throughput (cells per second) with 1 and 2 Dask workers in the same run.

The same grid (seed chains, certified dF/dw_1 to --digits digits and its value in float64,
float32, float16 and bfloat16) is swept into a fresh folder on an embedded LocalCluster of
1 worker and of 2 workers; the figure is the speed-up 2 workers / 1 worker (ideal 2.0 on a
2-core machine).  The rate is the steady one, between the first and the last Parquet part
written (cluster start-up and the last stragglers excluded); runs are interleaved
(1, 2, 1, 2 workers) and the best of each kept, since the machine's load moves.  All
folders are read back and compared: the same cells, the same values.

Run:  python benchmarks/bench_sweep.py [--depth 60] [--seeds 100] [--digits 30] [--repeat 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from symgrad import sweep, sweep_results


def grid(depth: int, seeds: int, digits: int) -> dict:
    return {"depth": [depth // 2, depth], "weights": ["normal:0,{scale},seed={seed}"],
            "scale": [0.5, 1, 2, 4], "seed": list(range(seeds)),
            "activation": ["sigmoid", "tanh"], "digits": digits}


def steady_rate(g: dict, out: Path, workers: int, batch: int) -> tuple[float, float, int]:
    """(cells/s between the first and the last part written, wall seconds, cells)."""
    stamps: list[float] = []
    t = time.perf_counter()
    result = sweep(g, out, workers=workers, retries=0, batch_size=batch,
                   on_batch=lambda parts: stamps.append(time.perf_counter()))
    wall = time.perf_counter() - t
    assert result.run.complete and result.run.failed == 0, result
    steady = (len(stamps) - 1) * batch / max(stamps[-1] - stamps[0], 1e-9)
    return steady, wall, result.run.computed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth", type=int, default=60)
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--digits", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    g = grid(args.depth, args.seeds, args.digits)
    cells = 2 * 4 * args.seeds * 2
    batch = max(8, cells // 40)
    rates: dict[int, float] = {1: 0.0, 2: 0.0}
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.repeat):  # interleaved: 1, 2, 1, 2 (the load of the machine moves)
            for workers in (1, 2):
                out = Path(tmp) / f"w{workers}-{rep}"
                rate, wall, n = steady_rate(g, out, workers, batch)
                rates[workers] = max(rates[workers], rate)
                print(f"{workers} worker(s), run {rep + 1}: {n} cells in {wall:.2f} s wall, "
                      f"steady {rate:.1f} cells/s")
                t = sweep_results(out)
                rows[workers] = sorted(zip(t.column("cell_id").to_pylist(),
                                           t.column("format").to_pylist(),
                                           t.column("true_mid").to_pylist(),
                                           t.column("computed").to_pylist()))
        assert rows[1] == rows[2], "the runs disagree"
    print(f"best steady rate: 1 worker {rates[1]:.1f} cells/s, 2 workers {rates[2]:.1f} "
          f"cells/s; speed-up {rates[2] / rates[1]:.2f}x (ideal 2.00x); all runs recorded the "
          f"same {len(rows[1])} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
