"""``symgrad hessian``: the deep chain's Hessian in all L weights at a weight point.

Certified (Arb balls, every entry to --digits correct digits), by forward
over reverse mode on the shared recurrence; seed or general form (input x,
biases held fixed); depth up to :data:`symgrad.analysis.stationary.landscape.MAX_HESSIAN_DEPTH`.
The work is :func:`symgrad.hessian` (:mod:`symgrad.interfaces.api.hessian`); this module
parses and writes.

    symgrad hessian --depth 2 --weights 0 --digits 8
    symgrad hessian --depth 200 --weights normal:0,1,seed=7 --format json
    symgrad hessian --depth 3 --form general --bias --biases 0.5 --x 2 --weights 1
    symgrad hessian --network net.toml --digits 15
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
    add_chain_arguments(parser, depth_required=False)
    add_point_arguments(parser, weights_required=False)
    parser.add_argument("--network", metavar="FILE",
                        help="a network file (TOML or JSON: layers, activation, loss, data, "
                             "weights): the Hessian in all its parameters instead of a chain's")
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


def _network_run(args: argparse.Namespace) -> int:
    given = [o for o, v in (("--depth", args.depth), ("--weights", args.weights),
                            ("--biases", args.biases), ("--x", args.x),
                            ("--small-gradient", args.small_gradient)) if v is not None]
    if given or args.fragment or args.format == "latex":
        what = given[0] if given else ("--fragment" if args.fragment else "--format latex")
        raise InputError(f"--network and {what} were both given: the network file holds "
                         "the weights and data (text or json output)",
                         hint=f"drop {what}")
    result = hessian(network=args.network, digits=args.digits,
                     eigenvalues=not args.no_eigenvalues)
    emit(args, result.render(args.format))
    return 0


def run(args: argparse.Namespace) -> int:
    if args.network is not None:
        return _network_run(args)
    if args.depth is None or args.weights is None:
        missing = "--depth" if args.depth is None else "--weights"
        raise InputError(f"the following arguments are required: {missing} (for a chain; "
                         "a network needs only --network FILE)",
                         hint="e.g. symgrad hessian --depth 3 --weights 1")
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
