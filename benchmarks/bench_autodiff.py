"""Benchmark: gradient of all weights at depth 1000 for 1000 seeded weight vectors.

Compares symgrad's float64 path (the shared recurrence with numpy arrays as
numbers, :func:`symgrad.analysis.verify.vectorized.gradient_float64`) with JAX
(``jit(vmap(grad))``; first call = trace + compile, then steady state) and
PyTorch (one batched forward loop, one backward), then times ``symgrad verify``
end to end.  Figures are printed as ratios against the symgrad baseline
measured in the same run; the paths are also checked to agree.

Run:  python benchmarks/bench_autodiff.py [--depth 1000] [--vectors 1000] [--no-verify]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np

from symgrad.analysis.verify.vectorized import gradient_float64
from symgrad.base.errors import MissingExtraError
from symgrad.core.chain import Chain


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def agreement(a: np.ndarray, b: np.ndarray) -> str:
    tiny = np.finfo(np.float64).tiny
    both = (np.abs(a) >= tiny) & (np.abs(b) >= tiny)
    rel = np.abs(a[both] - b[both]) / np.abs(b[both])
    zero_mismatch = int(np.sum((a == 0) != (b == 0)))
    return (f"max rel diff {rel.max():.1e} over {both.sum()} normal entries, "
            f"{zero_mismatch} zero/nonzero mismatches")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth", type=int, default=1000)
    ap.add_argument("--vectors", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-verify", action="store_true")
    a = ap.parse_args()
    chain = Chain(a.depth)
    w = np.random.default_rng(0).normal(size=(a.vectors, a.depth))
    print(f"gradient of all {a.depth} weights for {a.vectors} weight vectors "
          f"(normal(0,1), seed 0), float64, sigmoid chain")
    base, ref = best_of(lambda: gradient_float64(chain, w), a.repeat)
    print(f"  symgrad float64 recurrence (numpy arrays): {base:8.3f} s   1.00x (baseline)")
    try:
        from symgrad.numeric import jax_backend as jb

        t0 = time.perf_counter()
        first = jb.gradient_batch(chain, w)
        cold = time.perf_counter() - t0
        warm, out = best_of(lambda: jb.gradient_batch(chain, w), a.repeat)
        print(f"  JAX jit(vmap(grad)), first call:          {cold:8.3f} s  {cold / base:5.2f}x")
        print(f"  JAX jit(vmap(grad)), compiled:            {warm:8.3f} s  {warm / base:5.2f}x")
        print(f"    JAX vs symgrad: {agreement(np.asarray(out), ref)}")
        del first
    except MissingExtraError as exc:  # a missing extra is reported, not fatal
        print(f"  JAX: skipped ({exc})")
    try:
        from symgrad.numeric import torch_backend as tb

        t_torch, out = best_of(lambda: tb.gradient_batch(chain, w), a.repeat)
        print(f"  PyTorch batched loop + autograd:          {t_torch:8.3f} s  "
              f"{t_torch / base:5.2f}x")
        print(f"    PyTorch vs symgrad: {agreement(out, ref)}")
    except MissingExtraError as exc:
        print(f"  PyTorch: skipped ({exc})")
    if not a.no_verify:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "symgrad", "verify", "--format", "json"],
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        print(f"symgrad verify (default battery) end to end: {wall:.1f} s, exit {proc.returncode}"
              f" ({wall / base:.0f}x the baseline above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
