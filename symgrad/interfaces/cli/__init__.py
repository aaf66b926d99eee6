"""The ``symgrad`` command line: a thin interface over the library.

Each subcommand lives in ``symgrad/interfaces/cli/cmd_<name>.py`` and defines ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``.  Errors a user can cause
are :class:`~symgrad.base.errors.SymgradError`; they are printed as one line
(``symgrad: error: ...``) with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from symgrad.base.errors import SymgradError
from symgrad.base.verdicts import EXIT_INTERNAL_ERROR

__all__ = ["COMMANDS", "INT_TEXT_DIGITS", "build_parser", "internal_error", "main"]

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
    "descend",
    "derivations",
    "report",
    "vectors",
    "theory",
    "meanfield",
    "completion",
    "sweep",
    "sweep-plot",
    "sweep-theory",
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
    # `sweep-plot` lives in cmd_sweep_plot.py
    return importlib.import_module(f"symgrad.interfaces.cli.cmd_{name.replace('-', '_')}")


def _selected(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` (its first word that is not an option), if any.

    >>> _selected(["reference", "--depth", "3"]), _selected(["--help"])
    ('reference', None)
    """
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every subcommand, or only ``command``'s arguments.

    With ``command`` the other subcommands are named but their modules are not imported,
    so ``symgrad reference ...`` loads neither SymPy nor the analysis packages.
    """
    parser = _Parser(
        prog="symgrad",
        description="Derive, verify and evaluate the mathematics of vanishing gradients exactly.",
    )
    from symgrad.base.version import __version__

    parser.add_argument("--version", action="version", version=f"symgrad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        if command is not None and name != command:
            sub.add_parser(name)  # a name only: `command` is the one that runs
            continue
        try:
            mod = _load(name)
        except ModuleNotFoundError as exc:  # pragma: no cover - during development only
            if exc.name != f"symgrad.interfaces.cli.cmd_{name.replace('-', '_')}":
                raise
            continue
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def internal_error(exc: BaseException) -> int:
    """Report a failure of symgrad itself in one line; exit status 4, never a verdict's code.

    ``SYMGRAD_TRACEBACK=1`` shows the traceback (for a bug report).
    """
    if os.environ.get("SYMGRAD_TRACEBACK"):
        traceback.print_exception(exc)
    detail = " ".join(str(exc).split())[:200]
    print(f"symgrad: internal error: {type(exc).__name__}{': ' + detail if detail else ''} "
          f"(a bug in symgrad, not a verdict; exit status {EXIT_INTERNAL_ERROR}; "
          "SYMGRAD_TRACEBACK=1 shows the traceback)", file=sys.stderr)
    return EXIT_INTERNAL_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``symgrad`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_selected(argv))
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
        print(f"symgrad: error: {exc.cli_message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symgrad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `symgrad derive ... | head`
        return 0
    except (MemoryError, RecursionError, Exception) as exc:  # a bug: its own exit status
        return internal_error(exc)
    finally:
        sys.set_int_max_str_digits(previous)
