"""``symgrad formats``: one partial derivative in float64/float32/float16/bfloat16 beside
its certified true value; ``--small-gradient``: the text's f_c(x) = max(0, c x) example.

    symgrad formats --depth 1000 --weights 1
    symgrad formats --depth 40 --weights normal:0,1,seed=7 --formats float32,bfloat16 --format json
    symgrad formats --small-gradient            # the text's c and p (symgrad.core.text)
"""

from __future__ import annotations

import argparse
import sys

from symgrad.base.errors import SymgradError
from symgrad.base.output import dumps_json, write_atomic
from symgrad.core.text import C_TEXT, P_TEXT
from symgrad.interfaces.cli._common import (
    add_chain_arguments,
    chain_from_args,
    parse_wrt,
    point_from_args,
)

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("dF/dw_k computed in float64, float32, float16 and bfloat16 beside the certified true "
        "value (relative error, ulps, underflow status)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_chain_arguments(p, depth_required=False)
    p.add_argument("--weights", metavar="SPEC",
                   help="one number, a comma list of L numbers, normal:MEAN,STD,seed=N or "
                        "uniform:LO,HI,seed=N")
    p.add_argument("--biases", metavar="SPEC", help="bias SPEC (with --form general --bias)")
    p.add_argument("--x", metavar="VALUE", help="input x of the general form (default 1)")
    p.add_argument("--formats", default="float64,float32,float16,bfloat16", metavar="LIST",
                   help="comma list of float64, float32, float16, bfloat16 (default all)")
    p.add_argument("--wrt", default="1", metavar="K", help="which dF/dw_k to compare (default 1)")
    p.add_argument("--digits", default="20", metavar="D",
                   help="certified digits of the true value (default 20)")
    p.add_argument("--small-gradient", action="store_true",
                   help="show the text's f_c(x) = max(0, c x) example instead of a chain")
    p.add_argument("--c", default=C_TEXT, help=f"c of --small-gradient (default {C_TEXT})")
    p.add_argument("--p", default=P_TEXT, help=f"p of --small-gradient (default {P_TEXT})")
    p.add_argument("--format", default="text", choices=("text", "json"), help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def _digits(text: str) -> int:
    from symgrad.numeric.weights import parse_whole

    return parse_whole(text, what="--digits", lo=1, hi=1000, example="--digits 20")


def run(args: argparse.Namespace) -> int:
    from symgrad.numeric.formats import parse_formats

    names = parse_formats(args.formats)
    if args.small_gradient:
        from symgrad.analysis.precision import small_gradient_example

        result = small_gradient_example(args.c, args.p, formats=names)
    else:
        if args.depth is None or args.weights is None:
            raise SymgradError("formats needs --depth and --weights",
                               hint="e.g. --depth 1000 --weights 1, or use --small-gradient")
        from symgrad.analysis.precision import formats_table

        chain = chain_from_args(args)
        digits = _digits(args.digits)
        wrt = parse_wrt(args.wrt, chain.depth)
        if len(wrt) != 1:
            raise SymgradError("formats compares one partial derivative at a time",
                               hint="give one --wrt K")
        weights, biases, x = point_from_args(args, chain)
        result = formats_table(chain, weights, formats=names, wrt=wrt[0], digits=digits,
                               biases=biases, x=x)
    text = dumps_json(result.to_json()) if args.format == "json" else result.to_text()
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
