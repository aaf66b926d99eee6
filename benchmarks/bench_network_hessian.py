"""Issue 13's Hessian target: a 200-parameter network's Hessian with certified eigenvalues
in seconds.

Run:  python benchmarks/bench_network_hessian.py [--points 8] [--digits 20] [--repeat 3]

The network: 4-12-10-1 (tanh, tanh, sigmoid; biases: 201 parameters), squared loss,
normal(0, 1) weights (seed 3), ``--points`` data points with 3-decimal coordinates from a
seeded uniform law.  Measured in the same run (the median of ``--repeat`` runs each):

* *Hessian*: :func:`symgrad.numeric.network_hessian.network_hessian`, F, the gradient
  and all 201^2 Hessian entries decided to D digits (forward over reverse over balls);
* *classified*: :func:`symgrad.interfaces.api.network_hessian.network_hessian`, the same
  plus the certified eigenvalue enclosures (congruence, Gershgorin + Ostrowski above
  60 parameters) and the class of the point.

Target: the classified Hessian in seconds (<= 10 s on a 2-core machine).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from symgrad.interfaces.api.network_hessian import network_hessian as classified
from symgrad.numeric.network_file import network_from_dict
from symgrad.numeric.network_hessian import network_hessian


def _spec(points: int):
    rng = np.random.default_rng(0)
    x = [[f"{v:.3f}" for v in row] for row in rng.uniform(-1, 1, (points, 4))]
    y = [[f"{v:.3f}"] for v in rng.uniform(0, 1, points)]
    return network_from_dict({"layers": [4, 12, 10, 1],
                              "activation": ["tanh", "tanh", "sigmoid"], "loss": "squared",
                              "data": {"x": x, "y": y},
                              "weights": {"init": "normal:0,1,seed=3"}})


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=8)
    ap.add_argument("--digits", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    spec = _spec(args.points)
    hess = _median(lambda: network_hessian(spec, digits=args.digits), args.repeat)
    full = _median(lambda: classified(spec, digits=args.digits), args.repeat)
    print(f"network 4-12-10-1 ({spec.network.n_parameters} parameters), {args.points} points, "
          f"{args.digits} digits: certified Hessian {hess:.2f} s, with certified eigenvalues "
          f"and class {full:.2f} s (target <= 10 s: {'met' if full <= 10 else 'NOT met'})")


if __name__ == "__main__":
    main()
