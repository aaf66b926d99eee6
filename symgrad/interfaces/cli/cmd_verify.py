"""``symgrad verify``: the whole verification battery as one table.

Verdicts (:mod:`symgrad.base.verdicts`): PASS, FAIL, UNDECIDED, SKIPPED, and, counted
apart, NOT CHECKABLE (no significant digit to check at this depth/format, or
nothing compared; with the reason) and MEASURED (a measurement, not a check).
Exit status 0 only when no check failed, was undecided or skipped and at least
one passed (NOT CHECKABLE and MEASURED rows neither pass nor fail the run; the
summary counts them apart and then does not say "all checks passed"); 1
otherwise (a default backend that is not installed is reported SKIPPED with its
install command, never as passed); 2 for bad input, including a backend
requested with ``--backends`` that is not installed.

The work is :func:`symgrad.verify` (:mod:`symgrad.interfaces.api.verify`); this module
parses and writes.  The text table streams to standard output as the checks complete;
``-o FILE`` writes the output (text or JSON) to FILE instead, and ``--json FILE`` also
writes the JSON table to FILE.
"""

from __future__ import annotations

import argparse
import sys

from symgrad.analysis.verify.battery import GROUPS, format_check
from symgrad.interfaces.api.verify import verify
from symgrad.interfaces.cli._common import add_output_arguments, emit

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("run the verification battery: derivation routes, induction proofs, derived bounds, "
        "JAX/PyTorch gradients and Hessians vs certified values, flush-to-zero, finite differences")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit status: 0 only when no check failed, was undecided or skipped and at "
                     "least one passed (NOT CHECKABLE and MEASURED rows are counted apart and "
                     "neither pass nor fail the run); 1 otherwise, e.g. a default backend is "
                     "missing (reported as SKIPPED, with its install command); 2 for bad input")
    parser.add_argument("--backends", default=None,
                        help="comma list, or none (default jax,torch; a default backend that is "
                             "not installed is reported as skipped, a requested one is an error)")
    parser.add_argument("--formats", default="float64,float32,float16,bfloat16",
                        help="comma list of formats (default all four)")
    parser.add_argument("--depths", default="2,5,10,30", help="gradient depths (default 2,5,10,30)")
    parser.add_argument("--hessian-depths", default="3,6", help="Hessian depths (default 3,6)")
    parser.add_argument("--activations", default="sigmoid,tanh,softplus")
    parser.add_argument("--seed", default="0", help="seed of the N(0,1) weight draws (default 0)")
    parser.add_argument("--groups", default=",".join(GROUPS), metavar="LIST",
                        help=f"parts of the battery to run (default all: {', '.join(GROUPS)})")
    parser.add_argument("--network", metavar="FILE",
                        help="a network file (TOML or JSON): JAX and PyTorch build it with "
                             "their own layers; their gradient and Hessian are compared with "
                             "certified values in --formats (only --backends and --formats apply)")
    add_output_arguments(parser, ("text", "json"))
    parser.add_argument("--json", metavar="FILE", dest="json_file",
                        help="also write the JSON table to FILE (atomically)")


def run(args: argparse.Namespace) -> int:

    stream = args.format == "text" and args.output is None

    def show(check):
        if stream:
            print(format_check(check), flush=True)

    if getattr(args, "network", None) is not None:
        return _network_run(args, stream)
    result = verify(backends=args.backends, formats=args.formats, depths=args.depths,
                    hessian_depths=args.hessian_depths, activations=args.activations,
                    seed=args.seed, groups=args.groups, on_check=show)
    return _finish(args, result, stream)


def _finish(args: argparse.Namespace, result, stream: bool) -> int:
    """Write --json, then the closing lines (streamed) or the whole rendering; the exit code."""
    from symgrad.base.output import write_atomic

    if args.json_file:
        write_atomic(args.json_file, result.render("json"))
    if stream:
        sys.stdout.write("\n".join(result.closing_lines()) + "\n")
    else:
        emit(args, result.render(args.format))
    return result.exit_code


def _network_run(args: argparse.Namespace, stream: bool) -> int:
    from symgrad.interfaces.api.network_verify import format_row

    def show(row):
        if stream:
            print(format_row(row), flush=True)

    defaults = {"depths": "2,5,10,30", "hessian_depths": "3,6",
                "activations": "sigmoid,tanh,softplus", "seed": "0", "groups": ",".join(GROUPS)}
    for name, default in defaults.items():
        if getattr(args, name) != default:
            from symgrad.base.errors import InputError

            option = "--" + name.replace("_", "-")
            raise InputError(f"--network and {option} were both given: {option} sets up the "
                             "chain battery", hint="with --network only --backends, --formats "
                             "and the output options apply")
    result = verify(network=args.network, backends=args.backends, formats=args.formats,
                    on_check=show)
    return _finish(args, result, stream)
