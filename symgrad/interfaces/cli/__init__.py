"""The ``symgrad`` command line: a thin interface over the library.

Each subcommand lives in ``symgrad/interfaces/cli/cmd_<name>.py`` and defines ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``.  Errors a user can cause
are :class:`~symgrad.base.errors.SymgradError`; they are printed as one line
(``symgrad: error: ...``) with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from symgrad.base.errors import SymgradError

__all__ = ["COMMANDS", "INT_TEXT_DIGITS", "build_parser", "main"]

#: subcommand name -> module (imported lazily, so `symgrad --help` stays fast)
COMMANDS = (
    "derive",
    "reference",
    "formats",
    "scan",
    "verify",
    "check",
    "classify",
    "hessian",
    "derivations",
    "report",
)


#: Python refuses to turn an integer of more than 4300 digits into text (a guard against
#: quadratic conversions).  symgrad's inputs are capped (numbers below 1e10000, at most
#: 10,000 digits), so the longest integers it prints, a 10,000-digit mantissa or the
#: ~10,000-digit decimal exponent of exp(-1e9999), stay below this many digits, which
#: convert in milliseconds; the CLI raises Python's limit to it while a command runs.
INT_TEXT_DIGITS = 50_000


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2."""

    def _parse_optional(self, arg_string):
        # "-x**4" or "-(x**2 + y**2)" is an expression, not an option: a single-dash
        # word that is no option of this parser is taken as a positional argument
        if (
            arg_string.startswith("-")
            and not arg_string.startswith("--")
            and len(arg_string) > 1
            and arg_string not in self._option_string_actions
        ):
            return None
        return super()._parse_optional(arg_string)

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)\n")


def _load(name: str):
    return importlib.import_module(f"symgrad.interfaces.cli.cmd_{name}")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (every subcommand)."""
    parser = _Parser(
        prog="symgrad",
        description="Derive, verify and evaluate the mathematics of vanishing gradients exactly.",
    )
    from symgrad.base.version import __version__

    parser.add_argument("--version", action="version", version=f"symgrad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            mod = _load(name)
        except ModuleNotFoundError as exc:  # pragma: no cover - during development only
            if exc.name != f"symgrad.interfaces.cli.cmd_{name}":
                raise
            continue
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``symgrad`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    from symgrad.base import interrupts

    interrupts.install()
    previous = sys.get_int_max_str_digits()
    if previous:  # 0 means no limit
        sys.set_int_max_str_digits(max(previous, INT_TEXT_DIGITS))
    try:
        status = int(args._run(args) or 0)
        interrupts.checkpoint()  # a Ctrl-C swallowed by a C callback still counts
        return status
    except SymgradError as exc:
        print(f"symgrad: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symgrad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `symgrad derive ... | head`
        return 0
    finally:
        sys.set_int_max_str_digits(previous)
