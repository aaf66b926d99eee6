"""``symgrad meanfield``: mean-field signal propagation, certified (q*, chi_1, depth scales,
the critical line, the phase diagram).

    symgrad meanfield --activation tanh --sigma-w2 1.5 --sigma-b2 0.05 --digits 30
    symgrad meanfield --activation erf --critical --sigma-b2 0
    symgrad meanfield --activation tanh --critical --sigma-b2 0.05 --plot phase.svg

The work is :func:`symgrad.meanfield` (:mod:`symgrad.interfaces.api.meanfield`); this
module parses and writes.
"""

from __future__ import annotations

import argparse

from symgrad.interfaces.api.meanfield import meanfield
from symgrad.interfaces.cli._common import add_output_arguments, emit

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("mean-field theory of wide random networks: q*, chi_1, depth scales, the critical "
        "sigma_w^2 (chi_1 = 1), the phase diagram; every digit certified")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--activation", default="tanh", help="an activation of the registry")
    p.add_argument("--sigma-w2", default=None, metavar="A",
                   help="weight variance sigma_w^2 (W_ij ~ N(0, A/n)), exact decimal or p/q")
    p.add_argument("--sigma-b2", default="0", metavar="B", help="bias variance sigma_b^2")
    p.add_argument("--critical", action="store_true",
                   help="compute the critical sigma_w^2 (chi_1 = 1) at --sigma-b2 and its q*")
    p.add_argument("--digits", default="30", help="certified significant digits")
    p.add_argument("--q0", default="1", help="start of the variance iteration q_0")
    p.add_argument("--depth", default=None, metavar="L",
                   help="also the mean and variance of the spectrum of J J^T at depth L")
    p.add_argument("--plot", metavar="FILE",
                   help="draw the phase diagram with the critical line (.png or .svg)")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    result = meanfield(args.activation, args.sigma_w2, args.sigma_b2, critical=args.critical,
                       digits=args.digits, q0=args.q0, depth=args.depth, plot=args.plot)
    emit(args, result.render(args.format))
    return 0
