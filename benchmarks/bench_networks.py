"""Issue 13's network target: a certified gradient costs at most 5 certified forward passes.

Run:  python benchmarks/bench_networks.py [--width 32] [--points 64] [--digits 30] [--repeat 3]

The network: 3 layers of width ``--width`` (tanh, tanh, identity; inputs of the same
width, one output), squared loss, Xavier weights (seed 1), ``--points`` data points with
3-decimal coordinates drawn from a seeded uniform law.  Measured in the same run:

* *forward*: :func:`symgrad.numeric.network_certified.certified_forward`, F alone decided
  to D digits (one forward pass per precision rung);
* *gradient*: :func:`symgrad.numeric.network_certified.certified_network`, F, every
  gradient entry and the per-layer norms decided to D digits.

Target: gradient / forward <= 5 (the median of ``--repeat`` runs of each).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from symgrad.numeric.network_certified import certified_forward, certified_network
from symgrad.numeric.network_file import network_from_dict


def _spec(width: int, points: int):
    rng = np.random.default_rng(0)
    x = [[f"{v:.3f}" for v in row] for row in rng.uniform(-1, 1, (points, width))]
    y = [[f"{v:.3f}"] for v in rng.uniform(-1, 1, points)]
    return network_from_dict({"layers": [width, width, width, 1],
                              "activation": ["tanh", "tanh", "identity"], "loss": "squared",
                              "data": {"x": x, "y": y}, "weights": {"init": "xavier:seed=1"}})


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--points", type=int, default=64)
    ap.add_argument("--digits", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    spec = _spec(args.width, args.points)
    fwd = _median(lambda: certified_forward(spec, digits=args.digits), args.repeat)
    grad = _median(lambda: certified_network(spec, digits=args.digits), args.repeat)
    ratio = grad / fwd
    print(f"network {args.width}-{args.width}-{args.width}-1 ({spec.network.n_parameters} "
          f"parameters), {args.points} points, {args.digits} digits: certified forward "
          f"{fwd:.3f} s, certified gradient {grad:.3f} s; ratio {ratio:.2f} (target <= 5: "
          f"{'met' if ratio <= 5 else 'NOT met'})")


if __name__ == "__main__":
    main()
