"""``symgrad theory``: the variance argument, the gradient bound and residual layers.

The work is :func:`symgrad.theory` (:mod:`symgrad.interfaces.api.theory`); this module
parses and writes.
"""

from __future__ import annotations

import argparse

from symgrad.interfaces.api.theory import theory
from symgrad.interfaces.cli._common import add_output_arguments, emit

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("the literature's theory: Glorot's variance argument (derived, measured), the "
        "gradient bound sup|act'| * ||W|| per layer, residual layers")


def _whole(text: str, option: str) -> int:
    from symgrad.base.errors import InputError

    s = str(text).strip()
    if not (s.isascii() and s.isdigit()) or len(s) > 19:
        raise InputError(f"{option} must be a whole number, got '{text}'",
                         hint=f"e.g. {option} 10")
    return int(s)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--network", metavar="FILE",
                   help="also check every layer's certified ||dF/dW_l|| against its bound")
    p.add_argument("--width", default="256", help="units per layer of the measured networks")
    p.add_argument("--depth", default="6", help="layers of the measured networks")
    p.add_argument("--trials", default="200", help="seeded random networks measured")
    p.add_argument("--seed", default="0", help="seed of the draws (numpy PCG64)")
    p.add_argument("--digits", default="10", help="certified digits of the norms")
    add_output_arguments(p, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    result = theory(args.network, width=_whole(args.width, "--width"),
                    depth=_whole(args.depth, "--depth"), trials=_whole(args.trials, "--trials"),
                    seed=_whole(args.seed, "--seed"), digits=_whole(args.digits, "--digits"))
    emit(args, result.render(args.format))
    return 0
