"""Time of the default `symgrad report` (issue 7: it must finish in under a minute).

Run:  python benchmarks/bench_report.py [--repeat N]

* end to end: `symgrad report --quiet` into a fresh temporary folder, as a user
  runs it (interpreter start, imports, every section, pdflatex, writing), the
  median of N runs;
* baseline, measured in the same run: `symgrad --version` (interpreter start and
  the CLI's own imports), so the ratio says how much of the time is the report;
* in-process: seconds per report step (one run, after a warm-up import), to
  show where the time goes.

Absolute seconds vary between machines; the ratio to the baseline less so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(cmd: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="end-to-end runs (median)")
    args = ap.parse_args()
    cli = [sys.executable, "-m", "symgrad"]
    baseline = statistics.median(_timed([*cli, "--version"]) for _ in range(args.repeat))
    runs = []
    with tempfile.TemporaryDirectory(prefix="symgrad-bench-") as tmp:
        for i in range(args.repeat):
            out = Path(tmp) / f"r{i}"
            runs.append(_timed([*cli, "report", "--out", str(out), "--quiet"]))
        files = sorted(p.name for p in (Path(tmp) / "r0").iterdir())
    report = statistics.median(runs)
    print(f"default report, end to end (median of {args.repeat}): {report:.2f} s "
          f"(runs: {', '.join(f'{r:.2f}' for r in runs)})")
    print(f"baseline `symgrad --version`: {baseline:.2f} s; report / baseline = "
          f"{report / baseline:.1f}x")
    print(f"limit 60 s: {'met' if report < 60 else 'NOT met'} "
          f"({report / 60:.0%} of the budget); files: {', '.join(files)}")

    from symgrad.interfaces.report.build import build_report

    start = time.perf_counter()
    rep = build_report()
    total = time.perf_counter() - start
    print(f"in-process build (no writing): {total:.2f} s")
    for step, sec in rep.timings.items():
        print(f"  {step:<15} {sec:6.2f} s  ({sec / total:5.1%})")


if __name__ == "__main__":
    main()
