"""``symgrad scan``: for depths 1..N, where each format loses dF/dw_1 of the seed chain.

    symgrad scan --max-depth 600 --weights 1 --lr 0.1 --plot scan.svg
    symgrad scan --max-depth 3000 --weights normal:0,1,seed=7 --format json

Reports, per format, the first depth where the true gradient leaves the normal
range, where the computed one becomes subnormal and exactly zero, where the
update w_1 - lr*dF/dw_1 no longer changes w_1, and where the relative error
exceeds --threshold.  N is capped at 100000.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from symgrad.base.errors import SymgradError
from symgrad.base.optional import require
from symgrad.base.output import dumps_json, write_atomic

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("scan depths 1..N: first underflow, subnormal, zero, lost-update and error depths "
        "per format (optionally --plot FILE.png|svg)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    from symgrad.analysis.precision import MAX_SCAN_DEPTH
    from symgrad.core.activation_names import ACTIVATION_NAMES  # SymPy-free registry names

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
    p.add_argument("--formats", default="float64,float32,float16,bfloat16", metavar="LIST",
                   help="comma list of float64, float32, float16, bfloat16 (default all)")
    p.add_argument("--plot", metavar="FILE", help="also draw the scan to FILE (.png or .svg)")
    p.add_argument("--format", default="text", choices=("text", "json"), help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def _check_plot_path(path: str) -> None:
    from symgrad.present.plotting import plot_format

    plot_format(path)
    folder = Path(path).parent
    if not folder.is_dir():
        raise SymgradError(f"cannot write {path}: folder {folder} does not exist",
                           hint="create it first or choose another --plot path")
    if not os.access(folder, os.W_OK):
        raise SymgradError(f"cannot write {path}: folder {folder} is not writable",
                           hint="choose another --plot path")


def run(args: argparse.Namespace) -> int:
    from symgrad.analysis.precision import MAX_SCAN_DEPTH, scan_depths
    from symgrad.core.activation_names import activation_name  # SymPy-free
    from symgrad.core.chain import validate_depth
    from symgrad.numeric.formats import parse_formats
    from symgrad.numeric.weights import parse_number, parse_weights

    n = validate_depth(args.max_depth, cap=MAX_SCAN_DEPTH, name="max-depth")
    activation = activation_name(args.activation)
    lr = parse_number(args.lr, what="--lr")
    if lr <= 0:
        raise SymgradError(f"--lr must be > 0, got {args.lr}", hint="e.g. --lr 0.1")
    threshold = parse_number(args.threshold, what="--threshold")
    if threshold <= 0:
        raise SymgradError(f"--threshold must be > 0, got {args.threshold}",
                           hint="e.g. --threshold 0.01")
    names = parse_formats(args.formats)
    if args.plot:
        _check_plot_path(args.plot)
        require("matplotlib", "plot")  # fail early (MissingExtraError) before the scan
    weights = parse_weights(args.weights, n)
    scan = scan_depths(weights, lr=lr, formats=names, threshold=threshold,
                       activation=activation)
    if args.plot:
        from symgrad.present.plotting import plot_scan

        plot_scan(scan, args.plot)
    if args.format == "json":
        doc = scan.to_json()
        doc["weights"] = args.weights
        doc["plot"] = args.plot
        text = dumps_json(doc)
    else:
        text = scan.to_text() + (f"plot written to {args.plot}\n" if args.plot else "")
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
