"""``symgrad reference``: F and the gradient to D correct digits.

Every value is decided by python-flint ball arithmetic (exact rationals while
the values are rational): the printed D-digit decimal is the exact value
correctly rounded, the precision raised until a ball proves it.  The default
prints the digits; ``--certified`` also prints the enclosure ``± radius``
(rounded up) of the printed number.  The work is :func:`symgrad.reference`
(:mod:`symgrad.interfaces.api.reference`); this module parses and writes.
"""

from __future__ import annotations

import argparse

from symgrad.base.errors import InputError
from symgrad.core.chain import validate_depth
from symgrad.interfaces.api.reference import reference
from symgrad.interfaces.cli._common import add_chain_arguments, add_output_arguments, emit
from symgrad.numeric.flint_backend import MAX_DIGITS

__all__ = ["HELP", "add_arguments", "run"]

HELP = "F and dF/dw_k at given weights to D correct digits (certified by ball arithmetic)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from symgrad.interfaces.cli._common import add_point_arguments

    add_chain_arguments(p, depth_required=False)
    add_point_arguments(p, weights_required=False)
    p.add_argument("--network", metavar="FILE",
                   help="a network file (TOML or JSON: layers, activation, loss, data, "
                        "weights) instead of the chain options")
    p.add_argument("--digits", default="30", help=f"correct significant digits, 1..{MAX_DIGITS}")
    p.add_argument("--wrt", default="all", help="1, k, a comma list, or all (default all)")
    p.add_argument(
        "--certified",
        action="store_true",
        help="also print the certified enclosure: value ± radius (radius rounded up)",
    )
    add_output_arguments(p, ("text", "json", "csv"))


def parse_digits(text: str) -> int:
    """``--digits`` text as an int in 1..MAX_DIGITS (ASCII digits only)."""
    s = str(text).strip()
    if not (s.isascii() and s.isdigit()) or len(s) > 9:  # '\u00b2'.isdigit() is True
        raise InputError(f"--digits must be a whole number, got '{text}'", hint="e.g. --digits 30")
    d = int(s)
    if not 1 <= d <= MAX_DIGITS:
        raise InputError(f"--digits {d} is outside 1..{MAX_DIGITS}",
                         hint=f"pass 1 to {MAX_DIGITS} digits")
    return d


def _network_run(args: argparse.Namespace):
    chain_opts = [o for o, v in (("--depth", args.depth), ("--weights", args.weights),
                                 ("--biases", args.biases), ("--x", args.x)) if v is not None]
    if args.wrt != "all":
        chain_opts.append("--wrt")
    if chain_opts:
        raise InputError(f"--network and {chain_opts[0]} were both given: the network file "
                         "holds the weights and data", hint="drop the chain options")
    return reference(network=args.network, digits=parse_digits(args.digits),
                     certified=args.certified)


def run(args: argparse.Namespace) -> int:
    if args.network is not None:
        emit(args, _network_run(args).render(args.format), narrow="or fewer data points")
        return 0
    if args.depth is None or args.weights is None:
        missing = "--depth" if args.depth is None else "--weights"
        raise InputError(f"the following arguments are required: {missing} (for a chain; "
                         "a network needs only --network FILE)",
                         hint="e.g. symgrad reference --depth 3 --weights 1")
    result = reference(
        validate_depth(args.depth), args.weights, digits=parse_digits(args.digits),
        wrt=args.wrt, certified=args.certified, biases=args.biases, x=args.x,
        activation=args.activation, form=args.form, bias=args.bias,
    )
    narrow = "or fewer partials with --wrt"
    if args.format == "json":
        narrow += " (the JSON also records every weight)"
    emit(args, result.render(args.format), narrow=narrow)
    return 0
