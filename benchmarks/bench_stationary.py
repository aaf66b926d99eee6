"""Time to find and certify all stationary points: a 2-variable quartic with nine of them
and a 6-variable quadratic, on the exact path and on the numeric path.

Run:  python benchmarks/bench_stationary.py
"""

from __future__ import annotations

import time

from symgrad.analysis.stationary import analyse

CASES = [
    ("quartic, 9 points", "(x**2 - 1)**2 + (y**2 - 1)**2", "-2,2", 9),
    ("Himmelblau, 9 points", "(x**2 + y - 11)**2 + (x + y**2 - 7)**2", "-5,5", 9),
    ("6-variable quadratic", "+".join(f"x{i}**2" for i in range(6))
     + " - x0*x1 + x2*x3 - 3*x4*x5", "-3,3", 1),
]


def _time(expr, **kw):
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        res = analyse(expr, digits=20, **kw)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, res


def main() -> None:
    print(f"{'case':24} {'path':8} {'points':>6} {'certified':>9} {'seconds':>9}")
    for name, expr, box, want in CASES:
        times = {}
        for method in ("exact", "numeric"):
            dt, res = _time(expr, method=method, box=box)
            n_cert = sum(p.certified for p in res.points)
            times[method] = dt
            print(f"{name:24} {method:8} {len(res.points):>6} {n_cert:>9} {dt:>9.3f}"
                  + ("" if len(res.points) == want else f"  (expected {want})"))
        print(f"{'':24} ratio numeric/exact = {times['numeric'] / times['exact']:.2f}")


if __name__ == "__main__":
    main()
