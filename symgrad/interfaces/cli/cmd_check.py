"""``symgrad check CLAIM [--at name=value,...]`` and ``symgrad check --examples``.

Exit status for one claim: 0 TRUE, 1 FALSE, 3 UNDECIDED, 2 bad input, and
:data:`EXIT_INTERNAL_ERROR` (4) with a one-line message when symgrad itself
fails (a bug): an internal exception never exits with a verdict's code.
``--examples`` decides the text's worked examples and exits 0 when all of
them could be run (their verdicts, FALSE ones included, are the output).
"""

from __future__ import annotations

import argparse
import sys

from symgrad.base.errors import SymgradError
from symgrad.base.output import dumps_json
from symgrad.base.verdicts import CHECK_EXIT_CODES
from symgrad.base.verdicts import EXIT_INTERNAL_ERROR as _EXIT_INTERNAL

__all__ = ["EXIT_INTERNAL_ERROR", "HELP", "add_arguments", "run"]

HELP = ("decide a claim (equation or inequality) TRUE / FALSE / UNDECIDED, symbolically or "
        "with certified balls; --examples runs the text's worked examples")

_EXIT = CHECK_EXIT_CODES  # TRUE 0, FALSE 1, UNDECIDED 3 (symgrad.base.verdicts)
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
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Decide the claim.  An internal failure is reported by the CLI's ``main`` (one line,
    exit :data:`EXIT_INTERNAL_ERROR`), never with a verdict's code."""
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from symgrad.analysis.claims import check_claim

    if args.examples:
        if args.claim or args.at:
            raise SymgradError("--examples takes no CLAIM or --at", hint="drop one of them")
        return _examples(args.format)
    if not args.claim:
        raise SymgradError("no claim given", hint="e.g. symgrad check 'sigmoid(0) == 1/2'")
    res = check_claim(args.claim, args.at)
    if args.format == "json":
        sys.stdout.write(dumps_json(res.to_json()))
    else:
        print(res)
    return _EXIT[res.verdict]


def _examples(fmt: str) -> int:
    from symgrad.analysis.verify.claim_examples import run_examples

    def show(ex, res):
        if fmt == "text":
            print(f"[{ex.key}] the text: \"{ex.quote}\"")
            if ex.note:
                print(f"  ({ex.note})")
            print("  " + str(res).replace("\n", "\n  "), flush=True)

    results = run_examples(show)
    if fmt == "json":
        sys.stdout.write(dumps_json([
            {"key": ex.key, "quote": ex.quote, "note": ex.note, **res.to_json()}
            for ex, res in results]))
    else:
        counts: dict[str, int] = {}
        for _, res in results:
            counts[res.verdict] = counts.get(res.verdict, 0) + 1
        print(", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return 0
