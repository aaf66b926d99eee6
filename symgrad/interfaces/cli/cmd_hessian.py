"""``symgrad hessian``: the deep chain's Hessian in all L weights at a weight point.

Certified (Arb balls, every entry to --digits correct digits), by forward
over reverse mode on the shared recurrence; seed or general form (input x,
biases held fixed); depth up to :data:`symgrad.analysis.stationary.landscape.MAX_HESSIAN_DEPTH`.
The work is :func:`symgrad.hessian` (:mod:`symgrad.interfaces.api.hessian`); this module
parses and writes.

    symgrad hessian --depth 2 --weights 0 --digits 8
    symgrad hessian --depth 200 --weights normal:0,1,seed=7 --format json
    symgrad hessian --depth 3 --form general --bias --biases 0.5 --x 2 --weights 1
"""

from __future__ import annotations

import argparse

from symgrad.base.errors import InputError
from symgrad.core.chain import validate_depth
from symgrad.interfaces.api.hessian import hessian
from symgrad.interfaces.cli._common import (
    add_chain_arguments,
    add_output_arguments,
    add_point_arguments,
    emit,
)

HELP = "Hessian of the deep chain at a weight point, certified eigenvalues and its class"

__all__ = ["HELP", "add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_chain_arguments(parser)
    add_point_arguments(parser)
    parser.add_argument("--digits", default="20", help="correct digits, 1..1000 (default 20)")
    parser.add_argument("--no-eigenvalues", action="store_true",
                        help="skip the O(L^3) eigenvalue enclosures (a stationary point is "
                        "then left undecided)")
    parser.add_argument("--small-gradient", default=None, metavar="C",
                        help="also check boxes s*(1,..,1) ± 1/10 for ||grad F|| < C "
                        "(seed form)")
    add_output_arguments(parser, ("text", "json", "latex"))
    parser.add_argument("--fragment", action="store_true",
                        help="with --format latex: no preamble, a body to \\input into a paper "
                             "(needs amsmath)")


def run(args: argparse.Namespace) -> int:
    result = hessian(validate_depth(args.depth), args.weights, digits=args.digits,
                     small_gradient=args.small_gradient, eigenvalues=not args.no_eigenvalues,
                     activation=args.activation, form=args.form, bias=args.bias,
                     biases=args.biases, x=args.x)
    if args.fragment and args.format != "latex":
        raise InputError("--fragment applies to --format latex only",
                         hint="add --format latex or leave out --fragment")
    if args.format == "latex":
        text = result.to_latex(fragment=args.fragment)  # the LaTeX document or its body
    else:
        text = result.render(args.format)
    emit(args, text)
    return 0
