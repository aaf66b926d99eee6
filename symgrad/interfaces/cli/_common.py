"""Argument helpers shared by the subcommands (chain, weights, --wrt, formats)."""

from __future__ import annotations

import argparse
import re
import sys
from fractions import Fraction

from symgrad.base.errors import SymgradError
from symgrad.core.activation_names import ACTIVATION_NAMES
from symgrad.core.chain import FORMS, Chain, validate_depth
from symgrad.numeric.weights import chain_number, parse_number, parse_weights

__all__ = [
    "STDOUT_LIMIT",
    "add_chain_arguments",
    "add_output_arguments",
    "add_point_arguments",
    "chain_from_args",
    "chain_json",
    "emit",
    "parse_wrt",
    "point_from_args",
]


#: the largest output written to the terminal; a larger one asks for ``-o FILE`` (README)
STDOUT_LIMIT = 1_000_000


def add_output_arguments(p: argparse.ArgumentParser, formats: tuple[str, ...],
                         default: str = "text") -> None:
    """The convention every command follows: ``--format``, ``-o/--output FILE``, ``--force``."""
    p.add_argument("--format", default=default, choices=formats,
                   help=f"output format (default {default})")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE (atomically) instead of standard output")
    p.add_argument("--force", action="store_true", help="with -o: overwrite an existing FILE")


def emit(args: argparse.Namespace, data: str | bytes, *, narrow: str = "") -> None:
    """Write a command's output: to ``-o FILE`` atomically, else to standard output.

    ``-o ''`` and an existing FILE without ``--force`` are refused before anything is
    written; an output above :data:`STDOUT_LIMIT` bytes is not poured onto the terminal:
    the error asks for ``-o FILE`` (and ``narrow``, e.g. "or fewer partials with --wrt").
    """
    from pathlib import Path

    from symgrad.base.output import write_atomic

    target = getattr(args, "output", None)
    if target is not None:
        if not str(target).strip():
            raise SymgradError("-o needs a file name, got an empty path", hint="e.g. -o out.json")
        if Path(target).exists() and not getattr(args, "force", False):
            raise SymgradError(f"{target} exists", hint="pass --force to overwrite it, or choose "
                                                        "another -o FILE")
        write_atomic(target, data)
        return
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > STDOUT_LIMIT:
        raise SymgradError(
            f"the output is {size / 1e6:.1f} MB, above the {STDOUT_LIMIT // 1_000_000} MB "
            "limit for standard output",
            hint="write it with -o FILE" + (f" {narrow}" if narrow else ""))
    if isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


def add_chain_arguments(p: argparse.ArgumentParser, *, depth_required: bool = True) -> None:
    """--depth, --activation, --form, --bias."""
    p.add_argument("--depth", required=depth_required, metavar="L", help="number of layers L >= 1")
    p.add_argument(
        "--activation",
        default="sigmoid",
        metavar="NAME",
        help=f"activation: {', '.join(sorted(ACTIVATION_NAMES))} (default sigmoid)",
    )
    p.add_argument(
        "--form",
        default="seed",
        choices=FORMS,
        help=(
            "seed: o1 = w1 as in the text (default); "
            "general: input x, o_i = act(w_i o_{i-1} + b_i)"
        ),
    )
    p.add_argument("--bias", action="store_true", help="general form with biases b_i")


def chain_from_args(args: argparse.Namespace) -> Chain:
    """Build the :class:`Chain` from parsed arguments (validates everything)."""
    return Chain(validate_depth(args.depth), activation=args.activation, form=args.form,
                 bias=args.bias)


def chain_json(chain: Chain) -> dict:
    """The chain's description for JSON output."""
    return {
        "depth": chain.depth,
        "activation": chain.activation,
        "form": chain.form,
        "bias": chain.bias,
    }


def add_point_arguments(p: argparse.ArgumentParser, *, weights_required: bool = True) -> None:
    """--weights, --biases, --x."""
    p.add_argument(
        "--weights",
        required=weights_required,
        metavar="SPEC",
        help=(
            "one number, a comma list of L numbers, "
            "normal:MEAN,STD,seed=N or uniform:LO,HI,seed=N"
        ),
    )
    p.add_argument("--biases", metavar="SPEC", help="bias SPEC (with --form general --bias)")
    p.add_argument("--x", metavar="VALUE", help="input x of the general form (default 1)")


def point_from_args(args: argparse.Namespace, chain: Chain):
    """(weights, biases, x) as exact fractions."""
    weights = parse_weights(args.weights, chain.depth)
    biases = None
    if chain.bias:
        spec = args.biases if args.biases is not None else "0"
        biases = parse_weights(spec, chain.depth, option="--biases")
    elif args.biases is not None:
        raise SymgradError("--biases needs a chain with biases", hint="add --form general --bias")
    x: Fraction | None = None
    if args.x is not None:
        if chain.form != "general":
            raise SymgradError("--x needs the general form", hint="add --form general")
        x = chain_number(parse_number(args.x, what="input x"), what="input x")
    return weights, biases, x


def parse_wrt(spec: str, depth: int) -> list[int]:
    """'1', 'k' (a number), a comma list, or 'all' -> sorted layer indices.

    >>> parse_wrt("all", 3)
    [1, 2, 3]
    """
    s = str(spec).strip().lower()
    if s == "all":
        return list(range(1, depth + 1))
    out = []
    for part in s.split(","):
        part = part.strip().lstrip("w")
        if not re.fullmatch(r"[0-9]{1,9}", part, re.ASCII):
            raise SymgradError(
                f"--wrt '{spec}' is not a layer number", hint="use 1, 3, 2,5 or all"
            )
        k = int(part)
        if not 1 <= k <= depth:
            raise SymgradError(
                f"--wrt {k} is outside 1..{depth}", hint="choose a layer of the chain"
            )
        out.append(k)
    return sorted(set(out))
