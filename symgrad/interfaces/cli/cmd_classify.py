"""``symgrad classify EXPR``: stationary points of an expression and their classes."""

from __future__ import annotations

import argparse
from fractions import Fraction

from symgrad.analysis.stationary.budget import EXACT_TIME_BUDGET
from symgrad.base.errors import SymgradError
from symgrad.numeric.weights import parse_number, parse_whole

HELP = "find and classify the stationary points of an expression (exact or certified)"

__all__ = ["HELP", "add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expr", metavar="EXPR", help="expression, e.g. 'x**4 + y**4 - x*y'")
    parser.add_argument("--vars", default=None, help="variables in order, e.g. x,y")
    parser.add_argument("--box", default=None,
                        help="search box: lo,hi for every variable or x=lo:hi,y=lo:hi "
                        "(write --box=-2,2 when lo is negative)")
    parser.add_argument("--digits", default="20", help="significant digits, 1..1000 (default 20)")
    parser.add_argument("--method", choices=("auto", "exact", "numeric"), default="auto",
                        help="solution path (default auto: exact when within budget)")
    parser.add_argument("--starts", default="64",
                        help="seeded Newton starts for the numeric path (default 64)")
    parser.add_argument("--time-budget", default=f"{EXACT_TIME_BUDGET:g}", metavar="SECONDS",
                        help="seconds the exact solver may take before the numeric path is "
                        f"used (default {EXACT_TIME_BUDGET:g})")
    parser.add_argument("--format", choices=("text", "json", "latex"), default="text")


def run(args) -> int:
    from symgrad.analysis.stationary.analyse import analyse
    from symgrad.analysis.stationary.render import render

    # ASCII digits only (int() and float() would also read '\u0663' as 3)
    digits = parse_whole(args.digits, what="--digits", lo=1, hi=1000, example="--digits 20")
    starts = parse_whole(args.starts, what="--starts", lo=1, hi=10_000, example="--starts 64")
    budget = parse_number(args.time_budget, what="--time-budget")
    if not Fraction(1, 1000) <= budget <= 3600:
        raise SymgradError(f"--time-budget must be in 0.001..3600 seconds, got {args.time_budget}",
                           hint="e.g. --time-budget 20")
    result = analyse(args.expr, args.vars, box=args.box, digits=digits,
                     method=args.method, starts=starts, time_budget=float(budget))
    print(render(result, args.format), end="")
    return 0
