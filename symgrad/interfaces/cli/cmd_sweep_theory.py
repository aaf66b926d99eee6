"""``symgrad sweep-theory``: a meanfield sweep's measured gradient ratios against chi_1.

    symgrad sweep-theory results/
    symgrad sweep-theory results/ --k 3 --plot theory.png --format json

For each (activation, sigma_w2, sigma_b2, width, depth) of a ``kind = "meanfield"`` sweep:
the measured per-layer ratio (mean over seeds), its standard error, the certified chi_1
and the verdict (within k se + 2 chi_1/width).  The work is :func:`symgrad.sweep_theory`
(:mod:`symgrad.interfaces.api.sweep_theory`); this module parses and writes.
"""

from __future__ import annotations

import argparse

from symgrad.base.errors import InputError
from symgrad.interfaces.api.sweep_theory import sweep_theory
from symgrad.interfaces.cli._common import add_output_arguments, emit

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("compare a kind = \"meanfield\" sweep's measured per-layer gradient-norm ratios with "
        "the certified chi_1 (agreement within k standard errors + the finite-width allowance)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", nargs="?", metavar="DIR", help="the --out folder of symgrad sweep")
    p.add_argument("--k", default="4", metavar="K",
                   help="standard errors allowed (default 4)")
    p.add_argument("--plot", metavar="FILE",
                   help="also draw the phase plane with the critical line (.png or .svg)")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    if args.folder is None:
        raise InputError("sweep-theory needs the sweep folder",
                         hint="e.g. symgrad sweep-theory results/")
    result = sweep_theory(args.folder, k=args.k, plot=args.plot)
    emit(args, result.render(args.format))
    return 0
