"""Precision lab speed: certified (Arb) evaluation vs mpmath, cheap gradient, depth scan.

Run:  python benchmarks/bench_precision.py [--quick]

For the all-ones sigmoid seed chain at L = 10^3, 10^4, 10^5 (--quick: up to 10^4):

* certified evaluation of F and all L partial derivatives to 30 certified digits
  (``certified_values``, including its precision check), against mpmath at the
  same number of correct digits (one ``evaluate`` at 30 + guard digits, the
  working precision ``reference_values`` starts from, and the full confirmed
  ``reference_values``).  Ratio > 1: the certified path is faster.
* the cheap-gradient ratio: Arb forward + backward sweep (all L partials) over
  one Arb forward pass at the same precision (target <= 3).
* a depth scan to 3000 in all four formats (float64, float32, float16, bfloat16),
  as a ratio against a plain float64 Python loop of the same length.

Each figure is the best of 3 runs; ratios are against baselines measured in the
same run (absolute seconds vary between machines).
"""

from __future__ import annotations

import argparse
import math
import time
from fractions import Fraction
from functools import partial


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only L = 10^3 and 10^4")
    args = ap.parse_args()

    from symgrad.analysis.precision import scan_depths
    from symgrad.core.chain import Chain
    from symgrad.numeric import flint_backend as fb
    from symgrad.numeric import mpmath_backend as mb

    digits = 30
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    print(f"certified evaluation, F and all L partials, {digits} digits (best of 15/5/1 runs)")
    print(f"{'L':>7} {'bits':>5} {'arb s':>8} {'mpmath 1x s':>12} {'ratio':>6} "
          f"{'mpmath ref s':>13} {'ratio':>6} {'grad/fwd':>9} {'min digits':>10}")
    for L in sizes:
        chain, w = Chain(L), [Fraction(1)] * L
        repeat = {1_000: 15, 10_000: 5}.get(L, 1)
        cert = fb.certified_values(chain, w, digits=digits)
        t_cert = best(partial(fb.certified_values, chain, w, digits=digits), repeat)
        dps = digits + mb._guard(L)
        t_mp = best(partial(mb.evaluate, chain, w, dps=dps), repeat)
        t_ref = best(partial(mb.reference_values, chain, w, digits=digits), 1)
        prec = cert.prec
        t_fwd = best(partial(fb.forward, chain, w, prec=prec), repeat)
        t_grad = best(partial(fb.evaluate, chain, w, prec=prec), repeat)
        low = min(b.digits for _, b in cert.balls())
        print(f"{L:>7} {prec:>5} {t_cert:>8.3f} {t_mp:>12.3f} {t_mp / t_cert:>6.2f} "
              f"{t_ref:>13.3f} {t_ref / t_cert:>6.2f} {t_grad / t_fwd:>9.2f} {low:>10}")

    print("\ndigits kept at 100 bits (the issue: depth 10^5 keeps about 24 of 30)")
    for L in sizes:
        v = fb.evaluate(Chain(L), [Fraction(1)] * L, prec=100)
        d = fb.Ball(v.grad_w[0], digits, 100).digits
        print(f"  L = {L:>7}: dF/dw1 has {d} certified digits")

    print("\ndepth scan to 3000, all four formats (best of 3)")
    n = 3000
    w = [Fraction(1)] * n

    def float_loop():
        o, g = 1.0, 1.0
        for _ in range(n):
            s = 1 / (1 + math.exp(-o))
            g *= s * (1 - s)
            o = s

    t_base = best(float_loop)
    t_scan = best(lambda: scan_depths(w))
    print(f"  scan {t_scan:.3f} s; plain float64 loop {t_base * 1e3:.3f} ms; "
          f"ratio {t_scan / t_base:.0f}x")


if __name__ == "__main__":
    main()
