"""``symgrad formats``: one partial derivative in float64/float32/float16/bfloat16 beside
its certified true value; ``--small-gradient``: the text's f_c(x) = max(0, c x) example.

    symgrad formats --depth 1000 --weights 1
    symgrad formats --depth 40 --weights normal:0,1,seed=7 --formats float32,bfloat16 --format json
    symgrad formats --small-gradient            # the text's c and p (symgrad.core.text)
    symgrad formats --network net.toml --lr 0.1 --plot profile.png   # every entry, per layer

The work is :func:`symgrad.formats` (:mod:`symgrad.interfaces.api.formats`); this module
parses and writes.
"""

from __future__ import annotations

import argparse

from symgrad.base.errors import InputError
from symgrad.core.chain import validate_depth
from symgrad.core.text import C_TEXT, P_TEXT
from symgrad.interfaces.api.formats import ALL_FORMATS, formats
from symgrad.interfaces.cli._common import add_chain_arguments, add_output_arguments, emit

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("dF/dw_k computed in float64, float32, float16 and bfloat16 beside the certified true "
        "value (relative error, ulps, underflow status); --network FILE: every entry")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_chain_arguments(p, depth_required=False)
    p.add_argument("--weights", metavar="SPEC",
                   help="one number, a comma list of L numbers, normal:MEAN,STD,seed=N or "
                        "uniform:LO,HI,seed=N")
    p.add_argument("--biases", metavar="SPEC", help="bias SPEC (with --form general --bias)")
    p.add_argument("--x", metavar="VALUE", help="input x of the general form (default 1)")
    p.add_argument("--formats", default=ALL_FORMATS, metavar="LIST",
                   help="comma list of float64, float32, float16, bfloat16 (default all)")
    p.add_argument("--wrt", default="1", metavar="K", help="which dF/dw_k to compare (default 1)")
    p.add_argument("--digits", default="20", metavar="D",
                   help="certified digits of the true value (default 20)")
    p.add_argument("--small-gradient", action="store_true",
                   help="show the text's f_c(x) = max(0, c x) example instead of a chain")
    p.add_argument("--c", default=C_TEXT, help=f"c of --small-gradient (default {C_TEXT})")
    p.add_argument("--p", default=P_TEXT, help=f"p of --small-gradient (default {P_TEXT})")
    p.add_argument("--network", metavar="FILE",
                   help="a network file (TOML or JSON): every gradient entry in each format, "
                        "per-layer summaries, instead of the chain options")
    p.add_argument("--lr", metavar="ETA",
                   help="learning rate of the lost-update test w - lr*g == w, exact, > 0 "
                        "(with --network; default 0.1)")
    p.add_argument("--all", action="store_true",
                   help="list every entry in the text, not only the worst (with --network)")
    p.add_argument("--plot", metavar="FILE",
                   help="draw the per-layer profile to FILE (.png or .svg; with --network)")
    add_output_arguments(p, ("text", "json"))


def _network_run(args: argparse.Namespace, digits: int):
    chain_opts = [o for o, v in (("--depth", args.depth), ("--weights", args.weights),
                                 ("--biases", args.biases), ("--x", args.x)) if v is not None]
    chain_opts += ["--small-gradient"] if args.small_gradient else []
    chain_opts += ["--wrt"] if args.wrt != "1" else []
    if chain_opts:
        raise InputError(f"--network and {chain_opts[0]} were both given: the network file "
                         "holds the weights and data, and every entry is compared",
                         hint="drop the chain options")
    return formats(network=args.network, formats=args.formats,
                   lr="0.1" if args.lr is None else args.lr, digits=digits,
                   all_entries=args.all, plot=args.plot)


def run(args: argparse.Namespace) -> int:
    from symgrad.numeric.weights import parse_whole

    digits = parse_whole(args.digits, what="--digits", lo=1, hi=1000, example="--digits 20")
    if args.network is not None:
        emit(args, _network_run(args, digits).render(args.format),
             narrow="or fewer data points")
        return 0
    extra = [o for o, v in (("--lr", args.lr), ("--plot", args.plot)) if v is not None]
    if extra or args.all:
        raise InputError(f"{(extra or ['--all'])[0]} applies to --network only",
                         hint="add --network FILE, or use symgrad scan for a chain")
    depth = None if args.depth is None else validate_depth(args.depth)
    result = formats(depth, args.weights, activation=args.activation, form=args.form,
                     bias=args.bias, biases=args.biases, x=args.x, formats=args.formats,
                     wrt=args.wrt, digits=digits, small_gradient=args.small_gradient,
                     c=args.c, p=args.p)
    emit(args, result.render(args.format))
    return 0
