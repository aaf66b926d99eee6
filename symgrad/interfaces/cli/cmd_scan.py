"""``symgrad scan``: for depths 1..N, where each format loses dF/dw_1 of the seed chain.

    symgrad scan --max-depth 600 --weights 1 --lr 0.1 --plot scan.svg
    symgrad scan --max-depth 3000 --weights normal:0,1,seed=7 --format json -o scan.json

Reports, per format, the first depth where the true gradient leaves the normal
range, where the computed one becomes subnormal and exactly zero, where the
update w_1 - lr*dF/dw_1 no longer changes w_1, and where the relative error
exceeds --threshold; the JSON adds one record per depth (the values the plot
draws).  N is capped at 100000.  The work is :func:`symgrad.scan`
(:mod:`symgrad.interfaces.api.scan`); this module parses and writes.
"""

from __future__ import annotations

import argparse

from symgrad.interfaces.cli._common import add_output_arguments, emit

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("scan depths 1..N: first underflow, subnormal, zero, lost-update and error depths "
        "per format (optionally --plot FILE.png|svg)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    from symgrad.analysis.precision import MAX_SCAN_DEPTH
    from symgrad.core.activation_names import ACTIVATION_NAMES  # SymPy-free registry names
    from symgrad.interfaces.api.formats import ALL_FORMATS

    p.add_argument("--max-depth", required=True, metavar="N",
                   help=f"scan depths 1..N (N <= {MAX_SCAN_DEPTH})")
    p.add_argument("--weights", required=True, metavar="SPEC",
                   help="weights of the depth-N chain (depth n uses the first n): one number, "
                        "a comma list, normal:MEAN,STD,seed=N or uniform:LO,HI,seed=N")
    p.add_argument("--activation", default="sigmoid", metavar="NAME",
                   help=f"one of {', '.join(ACTIVATION_NAMES)} (default sigmoid)")
    p.add_argument("--lr", default="0.1", metavar="ETA", help="learning rate > 0 (default 0.1)")
    p.add_argument("--threshold", default="0.01", metavar="T",
                   help="relative error threshold (default 0.01)")
    p.add_argument("--formats", default=ALL_FORMATS, metavar="LIST",
                   help="comma list of float64, float32, float16, bfloat16 (default all)")
    p.add_argument("--plot", metavar="FILE", help="also draw the scan to FILE (.png or .svg)")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    from symgrad.analysis.precision import MAX_SCAN_DEPTH
    from symgrad.core.chain import validate_depth
    from symgrad.interfaces.api.scan import scan

    n = validate_depth(args.max_depth, cap=MAX_SCAN_DEPTH, name="max-depth")
    result = scan(n, args.weights, activation=args.activation, lr=args.lr,
                  threshold=args.threshold, formats=args.formats, plot=args.plot)
    emit(args, result.render(args.format), narrow="or a smaller --max-depth")
    return 0
