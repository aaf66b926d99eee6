"""``symgrad sweep``: a grid of chains on Dask distributed, results as a Parquet folder.

    symgrad sweep grid.toml --out results/                      # embedded LocalCluster
    symgrad sweep grid.toml --out results/ --workers 2 --retries 1
    symgrad sweep grid.toml --out /shared/results --scheduler tcp://10.0.0.1:8786

Rerunning the same command computes only the cells ``results/`` does not hold yet.  The
work is :func:`symgrad.sweep` (:mod:`symgrad.interfaces.api.sweep`); this module parses and
writes.
"""

from __future__ import annotations

import argparse

from symgrad.base.errors import InputError
from symgrad.interfaces.api.sweep import sweep
from symgrad.interfaces.cli._common import add_output_arguments, emit
from symgrad.numeric.weights import parse_whole

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("run a grid of chains (depth x weights x activation x ...) on Dask: certified "
        "dF/dw_1 and each format's value and events, written as Parquet to --out DIR")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("grid", nargs="?", metavar="GRID.toml",
                   help="the grid: axes are lists, settings scalars, {name} placeholders "
                        "(README: Sweeps on Dask)")
    p.add_argument("--out", metavar="DIR", help="folder of the Parquet parts and manifest.json "
                                                "(created; a rerun resumes it)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="a running Dask scheduler (default: an embedded LocalCluster)")
    p.add_argument("--workers", metavar="N",
                   help="worker processes of the embedded cluster (default: the CPU count); "
                        "with --scheduler: wait for N workers")
    p.add_argument("--retries", default="2", metavar="K",
                   help="retries of a failing cell before it is recorded with its error "
                        "(default 2)")
    p.add_argument("--batch-size", metavar="N", help="cells per Parquet part (default: ~1/20 "
                                                     "of the cells)")
    p.add_argument("--stop-after", metavar="N",
                   help="stop after writing N parts (a time-boxed run; rerun to resume)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_output_arguments(p, ("text", "json"))


def _whole(text: str | None, option: str, lo: int, hi: int) -> int | None:
    if text is None:
        return None
    return parse_whole(text, what=option, lo=lo, hi=hi, example=f"{option} {lo}")


def run(args: argparse.Namespace) -> int:
    if args.grid is None:
        raise InputError("sweep needs a grid file", hint="e.g. symgrad sweep grid.toml --out DIR")
    if args.out is None:
        raise InputError("sweep needs --out DIR", hint="e.g. symgrad sweep grid.toml --out results")
    result = sweep(args.grid, args.out, scheduler=args.scheduler,
                   workers=_whole(args.workers, "--workers", 1, 4096),
                   retries=_whole(args.retries, "--retries", 0, 100),
                   batch_size=_whole(args.batch_size, "--batch-size", 1, 1_000_000),
                   stop_after=_whole(args.stop_after, "--stop-after", 1, 1_000_000),
                   quiet=args.quiet)
    emit(args, result.render(args.format))
    return 0
