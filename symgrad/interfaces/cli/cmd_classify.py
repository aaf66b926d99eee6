"""``symgrad classify EXPR``: stationary points of an expression and their classes.

The work is :func:`symgrad.classify` (:mod:`symgrad.interfaces.api.classify`); this
module parses and writes.
"""

from __future__ import annotations

import argparse

from symgrad.analysis.stationary.budget import EXACT_TIME_BUDGET
from symgrad.interfaces.api.classify import classify
from symgrad.interfaces.cli._common import add_output_arguments, emit

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
    add_output_arguments(parser, ("text", "json", "latex"))


def run(args: argparse.Namespace) -> int:
    # the text of --digits/--starts/--time-budget is read by the API's checks (ASCII digits
    # only: int() and float() would also read '\u0663' as 3)
    result = classify(args.expr, variables=args.vars, box=args.box, digits=args.digits,
                      method=args.method, starts=args.starts, time_budget=args.time_budget)
    emit(args, result.render(args.format))
    return 0
