"""``symgrad classify EXPR``: stationary points of an expression and their classes."""

from __future__ import annotations

import argparse

from ..errors import SymgradError
from ..stationary.budget import EXACT_TIME_BUDGET

HELP = "find and classify the stationary points of an expression (exact or certified)"

__all__ = ["HELP", "add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expr", metavar="EXPR", help="expression, e.g. 'x**4 + y**4 - x*y'")
    parser.add_argument("--vars", default=None, help="variables in order, e.g. x,y")
    parser.add_argument("--box", default=None,
                        help="search box: lo,hi for every variable or x=lo:hi,y=lo:hi "
                        "(write --box=-2,2 when lo is negative)")
    parser.add_argument("--digits", type=int, default=20, help="significant digits (default 20)")
    parser.add_argument("--method", choices=("auto", "exact", "numeric"), default="auto",
                        help="solution path (default auto: exact when within budget)")
    parser.add_argument("--starts", type=int, default=64,
                        help="seeded Newton starts for the numeric path (default 64)")
    parser.add_argument("--time-budget", type=float, default=EXACT_TIME_BUDGET, metavar="SECONDS",
                        help="seconds the exact solver may take before the numeric path is "
                        f"used (default {EXACT_TIME_BUDGET:g})")
    parser.add_argument("--format", choices=("text", "json", "latex"), default="text")


def run(args) -> int:
    from ..stationary.analyse import analyse
    from ..stationary.report import render

    if not 1 <= args.starts <= 10_000:
        raise SymgradError(f"--starts must be in 1..10000, got {args.starts}")
    if not 0 < args.time_budget <= 3600:
        raise SymgradError(f"--time-budget must be in (0, 3600] seconds, got {args.time_budget}")
    result = analyse(args.expr, args.vars, box=args.box, digits=args.digits,
                     method=args.method, starts=args.starts, time_budget=args.time_budget)
    print(render(result, args.format), end="")
    return 0
