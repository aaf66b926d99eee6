"""Derivation and evaluation speed of the deep chain (issue: founding).

Run:  python benchmarks/bench_derive.py [--quick]

* derivation time against L for symgrad (closed form in Product notation, and
  the explicit product form of dF/dw_1) and for naive ``sympy.diff`` of the
  nested expression, each naive run in a subprocess with a timeout; with the
  default recursion limit naive diff fails at L = 128 (RecursionError), so it
  is also timed with the limit raised (in a thread with a 512 MiB stack);
* mpmath evaluation time per layer (F and all L partials) at 30, 100, 1000
  digits, as a ratio against a plain float64 Python loop measured in the same run.

Ratios are against baselines measured in the same run; absolute seconds vary
between machines.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from fractions import Fraction

NAIVE = r"""
import sys, threading, time
from symgrad.core.chain import Chain
import sympy
L, raise_limit = int(sys.argv[1]), sys.argv[2] == "1"
def work():
    c = Chain(L)
    F = c.nested_expression()
    t = time.perf_counter()
    g = sympy.diff(F, c.weights[0])
    print("%.6f" % (time.perf_counter() - t))
if raise_limit:
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    th = threading.Thread(target=work); th.start(); th.join()
else:
    try:
        work()
    except RecursionError:
        print("RecursionError")
"""


def naive(L: int, raise_limit: bool, timeout: float) -> str:
    try:
        p = subprocess.run(
            [sys.executable, "-c", NAIVE, str(L), "1" if raise_limit else "0"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"timeout>{timeout:.0f}s"
    out = p.stdout.strip().splitlines()
    if p.returncode != 0 or not out:
        return f"failed(rc={p.returncode})"
    return out[-1]


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()

    from symgrad.core.chain import Chain
    from symgrad.core.derive import derive_layerwise

    print("## derivation time (seconds)")
    print(f"{'L':>7} {'closed form':>12} {'product form':>13} {'naive diff':>16} "
          f"{'naive (limit raised)':>21} {'naive/product':>14} {'naive/closed':>13}")
    sizes = [4, 16, 32, 64, 128, 1000, 10_000, 100_000]
    if args.quick:
        sizes = [4, 16, 64, 128, 1000]
    for L in sizes:
        closed = best(lambda L=L: derive_layerwise(Chain(L)).closed_form(1))
        product = (
            best(lambda L=L: derive_layerwise(Chain(L)).partial(1), repeat=1)
            if L <= 100_000 else float("nan")
        )
        n1 = naive(L, False, args.timeout) if L <= 1000 else "not run"
        n2 = naive(L, True, args.timeout) if L <= 256 else "not run"
        try:
            nv = float(n2)
            r1, r2 = f"{nv / product:.0f}x", f"{nv / closed:.0f}x"
        except ValueError:
            r1 = r2 = "-"
        print(f"{L:>7} {closed:>12.5f} {product:>13.5f} {n1:>16} {n2:>21} {r1:>14} {r2:>13}")

    print()
    print("## evaluation time per layer (F and all L partials), mpmath vs float64 loop")
    from symgrad.numeric.mpmath_backend import evaluate

    L = 2000 if args.quick else 10_000
    ws = [Fraction(1)] * L

    def float_loop():
        import math

        o, outs = 1.0, []
        for _ in range(L - 1):
            e = math.exp(-abs(o))
            outs.append(e / (1 + e) ** 2)
            o = 1 / (1 + math.exp(-o))
        g = 1.0
        for d in reversed(outs):
            g *= d

    base = best(float_loop)
    print(f"float64 python loop: {base / L * 1e6:.2f} us/layer (baseline)")
    for dps in (30, 100, 1000):
        t = best(lambda dps=dps: evaluate(Chain(L), ws, dps=dps), repeat=1)
        print(f"mpmath {dps:>5} digits: {t / L * 1e6:8.2f} us/layer  ({t / base:6.1f}x baseline)")


if __name__ == "__main__":
    main()
