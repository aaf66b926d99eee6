"""Chain Hessian: forward-over-reverse (O(L^2), symgrad) against dense forward
propagation of the full L x L Hessian through every layer (O(L^3), the baseline),
both in python-flint ball arithmetic at the same precision, in the same run.

Run:  python benchmarks/bench_hessian.py
"""

from __future__ import annotations

import time

from flint import arb_mat, ctx

from symgrad.analysis.stationary import landscape
from symgrad.core.chain import Chain
from symgrad.numeric.dual import activation_derivatives
from symgrad.numeric.hessian import chain_forward, fraction_ball
from symgrad.numeric.weights import parse_weights


def dense_forward_hessian(chain: Chain, weights):
    """Baseline: g_i = do_i/dw and H_i = d2o_i/dw2 carried forward as dense matrices."""
    n = chain.depth
    o = weights[0]
    g = arb_mat(n, 1)
    g[0, 0] = 1
    h = arb_mat(n, n)
    for i in range(1, n):
        w = weights[i]
        gz = g * w
        gz[i, 0] = gz[i, 0] + o
        s, d1, d2 = activation_derivatives(chain.activation, w * o)
        ei = arb_mat(n, 1)
        ei[i, 0] = 1
        outer = ei * g.transpose()
        h = gz * gz.transpose() * d2 + (h * w + outer + outer.transpose()) * d1
        g = gz * d1
        o = s
    return h


def timed(fn, *args, **kwargs) -> float:
    t = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t


def main() -> None:
    spec = "normal:0,1,seed=7"
    print("## Hessian only, same precision (s)")
    print(f"{'L':>6} {'dense O(L^3)':>13} {'symgrad O(L^2)':>15} {'speed-up':>9}")
    for n in (50, 100, 200, 300):
        w = parse_weights(spec, n)
        bits = 20 * 4 + 64 + 2 * n
        with ctx.workprec(bits):
            wb = [fraction_ball(v) for v in w]
            base = timed(dense_forward_hessian, Chain(n), wb)
            new = timed(chain_forward, Chain(n), wb)
        print(f"{n:>6} {base:>13.3f} {new:>15.3f} {base / new:>8.0f}x")
    print()
    print("## symgrad hessian end to end, 20 certified digits (s)")
    for n in (50, 200, 1000):
        for act in ("sigmoid", "tanh"):
            w = parse_weights(spec, n)
            ch = Chain(n, activation=act)
            full = timed(landscape.chain_hessian, ch, w, digits=20)
            noeig = timed(landscape.chain_hessian, ch, w, digits=20, eigenvalues=False)
            print(f"L={n:>5} {act:<8} with eigenvalue enclosures {full:7.2f}, "
                  f"without {noeig:6.2f}")


if __name__ == "__main__":
    main()
