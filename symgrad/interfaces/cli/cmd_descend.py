"""``symgrad descend``: gradient descent on the chain, the certified true iteration beside
float64, float32, float16, bfloat16 and mixed precision, step by step.

    symgrad descend --depth 30 --weights 1 --eta 0.1 --steps 1000
    symgrad descend --depth 2 --weights 1e-3 --eta 1 --rule armijo --formats float16
    symgrad descend --depth 30 --weights 1 --formats mixed-float16 --loss-scale dynamic \\
        --plot descent.png -o descent.json --format json
    symgrad descend --network docs/examples/xor.toml --eta 0.5 --steps 300 --rule armijo
    symgrad descend --depths 2,5,10,20 --weights 1/2 --eta 1/2 --steps 500 --target-fraction 0.1

The work is :func:`symgrad.descend` (:mod:`symgrad.interfaces.api.descend`); this module
parses and writes.  A Ctrl-C writes the steps computed so far (atomically with ``-o``)
and exits with status 130.
"""

from __future__ import annotations

import argparse

from symgrad.interfaces.api.descend import MAX_STEPS, descend
from symgrad.interfaces.cli._common import (
    add_chain_arguments,
    add_output_arguments,
    add_point_arguments,
    emit,
)

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("gradient descent: the certified true iteration beside each float format (lost "
        "updates, stalls, slow updates, what each run stopped at)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_chain_arguments(p, depth_required=False)
    add_point_arguments(p, weights_required=False)
    p.add_argument("--eta", "--lr", dest="eta", default="0.1", metavar="ETA",
                   help="step size eta > 0, exact (default 0.1; --lr is the same option, "
                        "as in scan and formats); Armijo starts from it")
    p.add_argument("--steps", default="100", metavar="N",
                   help=f"number of steps, 1..{MAX_STEPS:,} (steps x depth <= 2,000,000)")
    p.add_argument("--rule", default="fixed", choices=("fixed", "armijo"),
                   help="fixed step eta, or Armijo backtracking (c = 1e-4, halving from eta)")
    p.add_argument("--formats", default="float64,float32,float16,bfloat16", metavar="LIST",
                   help="float runs: float64, float32, float16, bfloat16, mixed-float16, "
                        "mixed-bfloat16, or none (default the four formats)")
    p.add_argument("--loss-scale", default="none", metavar="MODE",
                   help="mixed runs: none, static, static:S (S a power of two) or dynamic "
                        "(GradScaler: 2^16, halve and skip on inf/nan, double after 2000 steps)")
    p.add_argument("--digits", default="10", metavar="D",
                   help="certified digits of the true run's reports (default 10)")
    p.add_argument("--report-steps", metavar="LIST",
                   help="steps to report, e.g. 0,10,100 (default 0, 1, 10, 100, ... and last)")
    p.add_argument("--target-fraction", default="1/2", metavar="F",
                   help="slow updates: the first step with F <= F(p_0) - F |F(p_0)| "
                        "(default 1/2)")
    p.add_argument("--depths", metavar="LIST",
                   help="slow updates against depth (chain only): the same run at each depth, "
                        "e.g. 2,5,10,20; the steps until F falls by --target-fraction per "
                        "depth and format, or the step a format stalled at (--depth defaults "
                        "to the largest)")
    p.add_argument("--no-classify", action="store_true",
                   help="skip the Hessian classification of each run's final iterate")
    p.add_argument("--plot", metavar="FILE",
                   help="draw F, ||grad F|| and the lost-update maps to FILE (.png or .svg)")
    p.add_argument("--network", metavar="FILE",
                   help="a network file (TOML or JSON): descend in all its parameters "
                        "instead of the chain options")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    from symgrad.core.chain import validate_depth

    depth = None if args.depth is None else validate_depth(args.depth)
    result = descend(depth, args.weights, eta=args.eta, steps=args.steps, rule=args.rule,
                     formats=args.formats, loss_scale=args.loss_scale, digits=args.digits,
                     report_steps=args.report_steps, target_fraction=args.target_fraction,
                     activation=args.activation, form=args.form, bias=args.bias,
                     biases=args.biases, x=args.x, classify=not args.no_classify,
                     plot=args.plot, quiet=args.quiet, network=args.network,
                     depths=args.depths)
    emit(args, result.render(args.format), narrow="or fewer --steps")
    if result.interrupted:
        raise KeyboardInterrupt
    return 0
