"""``symgrad check CLAIM [--at name=value,...]`` and ``symgrad check --examples``.

Exit status for one claim: 0 TRUE, 1 FALSE, 3 UNDECIDED, 2 bad input, and
:data:`EXIT_INTERNAL_ERROR` (4) with a one-line message when symgrad itself
fails (a bug): an internal exception never exits with a verdict's code.
``--examples`` decides the text's worked examples and exits 0 when all of
them could be run (their verdicts, FALSE ones included, are the output).
The work is :func:`symgrad.check` (:mod:`symgrad.interfaces.api.check`); this module
parses and writes.
"""

from __future__ import annotations

import argparse

from symgrad.base.verdicts import EXIT_INTERNAL_ERROR as _EXIT_INTERNAL
from symgrad.interfaces.api.check import check
from symgrad.interfaces.cli._common import add_output_arguments, emit

__all__ = ["EXIT_INTERNAL_ERROR", "HELP", "add_arguments", "run"]

HELP = ("decide a claim (equation or inequality) TRUE / FALSE / UNDECIDED, symbolically or "
        "with certified balls; --examples runs the text's worked examples")

#: exit status of an internal failure (never a verdict's code; see the README)
EXIT_INTERNAL_ERROR = _EXIT_INTERNAL  # 4 (symgrad.base.verdicts)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit status: 0 TRUE, 1 FALSE, 3 UNDECIDED, 2 bad input, 4 internal "
                     "error; --examples: 0 "
                     "when every example ran. Claims are parsed by an allow-list, never eval.")
    parser.add_argument("claim", nargs="?", help="e.g. 'sigmoid(t) <= 1' or 'x**2 >= 0'; "
                        "without --at, free variables range over all reals")
    parser.add_argument("--at", metavar="NAME=VALUE,...", help="exact values, e.g. x=1.5,y=-2")
    parser.add_argument("--examples", action="store_true",
                        help="decide the built-in claims of the source text")
    add_output_arguments(parser, ("text", "json"))


def run(args: argparse.Namespace) -> int:
    """Decide the claim.  An internal failure is reported by the CLI's ``main`` (one line,
    exit :data:`EXIT_INTERNAL_ERROR`), never with a verdict's code."""
    result = check(args.claim, at=args.at, examples=args.examples)
    emit(args, result.render(args.format))
    return result.exit_code
