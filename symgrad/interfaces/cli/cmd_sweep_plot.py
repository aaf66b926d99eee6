"""``symgrad sweep-plot``: the phase diagram of a sweep's Parquet folder.

    symgrad sweep-plot results/ --out phase.png
    symgrad sweep-plot results/ --out phase.svg --y scale

log10|dF/dw_1| over depth x scale per activation (median over seeds, and the spread), with
each format's underflow and lost-update boundary.  The work is :func:`symgrad.sweep_plot`
(:mod:`symgrad.interfaces.api.sweep`); this module parses and writes.
"""

from __future__ import annotations

import argparse
import sys

from symgrad.base.errors import InputError
from symgrad.interfaces.api.sweep import sweep_plot

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("draw a sweep's phase diagram: log10|dF/dw_1| over depth x scale per activation, "
        "each format's underflow and lost-update boundary")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", nargs="?", metavar="DIR", help="the --out folder of symgrad sweep")
    p.add_argument("--out", metavar="FILE", help="the picture (.png or .svg), written atomically")
    p.add_argument("--y", default="scale", metavar="AXIS",
                   help="grid axis on the vertical axis (default scale)")


def run(args: argparse.Namespace) -> int:
    if args.folder is None:
        raise InputError("sweep-plot needs the sweep folder",
                         hint="e.g. symgrad sweep-plot results/ --out phase.png")
    if args.out is None:
        raise InputError("sweep-plot needs --out FILE", hint="e.g. --out phase.png")
    result = sweep_plot(args.folder, args.out, y=args.y)
    sys.stdout.write(result.render("text"))
    return 0
