"""Descent speed: the certified true iteration against uncertified mpmath, and the float runs.

Run:  python benchmarks/bench_descend.py [--quick]

* 1,000 certified steps (fixed eta = 0.1, all-ones sigmoid seed chain of depth 30, 10
  certified digits at steps 0 and 1,000) with :func:`symgrad.analysis.descent.true_descent`,
  every rung of its precision ladder included, against the same 1,000 steps in mpmath at
  the precision the certified run ended at (the shared recurrence over mpmath numbers, no
  balls, no checks).  Target: ratio <= 10.
* float64, float32, float16 and bfloat16 together, 1,000 steps of the depth-100 chain
  (:func:`symgrad.analysis.descent.float_descent`).  Target: <= 1 s (an orientation
  number: absolute seconds depend on the machine).

Each figure is the best of 3 runs (--quick: 1 run, 200 steps).  Nothing here is a timed
unit test.
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def mpmath_steps(chain, weights, eta, steps, prec):
    import mpmath

    from symgrad.numeric.mpmath_backend import MpmathOps
    from symgrad.numeric.recurrence import evaluate_chain

    class Ops(MpmathOps):
        def convert(self, value):
            return value if isinstance(value, mpmath.mpf) else super().convert(value)

    with mpmath.workprec(prec):
        ops = Ops()
        p = [ops.convert(w) for w in weights]
        e = ops.convert(eta)
        for _ in range(steps):
            g = evaluate_chain(chain, p, ops).grad_w
            p = [a - e * b for a, b in zip(p, g)]
        return evaluate_chain(chain, p, ops).value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 steps, one run each")
    args = ap.parse_args()
    from symgrad.analysis.descent import FLOAT_RUNS, ChainObjective, float_descent, true_descent
    from symgrad.core.chain import Chain

    steps, repeat = (200, 1) if args.quick else (1000, 3)
    eta = Fraction(1, 10)
    chain = Chain(30)
    w = [Fraction(1)] * 30
    obj = ChainObjective(chain, w)
    t_cert, run = best(lambda: true_descent(obj, eta=eta, steps=steps, digits=10,
                                            report_steps=(0, steps)), repeat)
    t_mp, _ = best(lambda: mpmath_steps(chain, w, eta, steps, run.prec), repeat)
    print(f"certified descent, depth 30, {steps} steps: {t_cert:.3f} s "
          f"(reached {run.reached}, {run.prec} bits)")
    print(f"mpmath, same steps at {run.prec} bits, uncertified: {t_mp:.3f} s")
    print(f"ratio certified / mpmath: {t_cert / t_mp:.2f} (target <= 10)")

    deep = Chain(100)
    wd = [Fraction(1)] * 100

    def four():
        deep_obj = ChainObjective(deep, wd)
        return [float_descent(deep_obj, name, eta=eta, steps=steps) for name in FLOAT_RUNS[:4]]

    t_float, runs = best(four, repeat)
    ran = ", ".join(f"{r.name} {r.steps_run}" for r in runs)
    print(f"four float runs, depth 100, {steps} steps: {t_float:.3f} s (target <= 1 s; "
          f"steps run: {ran})")


if __name__ == "__main__":
    main()
