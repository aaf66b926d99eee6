"""``symgrad vectors``: certified test vectors as JSON, CSV or ``.npz``.

One spec from the options (``--depth``, ``--activation``, ``--form``, ``--bias``,
``--weights``, ``--biases``, ``--x``), or many from ``--specs FILE`` (JSON or TOML, see
:func:`symgrad.interfaces.api.vectors.read_specs`).  The work is :func:`symgrad.vectors`
(:mod:`symgrad.interfaces.api.vectors`); this module parses and writes.
"""

from __future__ import annotations

import argparse
import textwrap

from symgrad.base.errors import InputError
from symgrad.core.chain import validate_depth
from symgrad.interfaces.api.vectors import CSV_COLUMNS, DEFAULT_DIGITS, read_specs, vectors
from symgrad.interfaces.cli._common import add_chain_arguments, add_output_arguments, emit

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("certified test vectors (exact weights, F, gradient, optionally the Hessian) as "
        "JSON, CSV or .npz")

_EPILOG = f"""\
input: either one spec from the options (--depth is then required) or --specs FILE with
many: a JSON list of specs, or an object {{"specs": [...], "digits": 30, "hessian": true}};
or TOML (FILE.toml) with top-level digits/hessian and [[specs]] tables.  A spec has the
keys depth, activation, form, bias, weights, biases, x, digits (weights: a SPEC string such
as "0.5,1,2" or "normal:0,1,seed=7", or a list; numbers in a file are floats, taken as the
exact float64 value they hold; write "0.1" as a string for the exact decimal).
--digits and --hessian override the file's.

records: exact weights (every decimal digit, and the float64 bit pattern as 16 hex digits
whenever a weight is a float64 number), the chain, F, the gradient and the Hessian, each
value a certified ball (mid, rad, digits: the exact value lies in mid ± rad).
formats: json (schema symgrad.vectors/1); csv (one row per vector, lists joined with ';';
columns: {", ".join(CSV_COLUMNS)}); npz (numpy arrays r<i>_weights, r<i>_F, r<i>_grad_w,
... with the decimal strings in r<i>_..._decimal and the radii in r<i>_..._rad; needs -o).
"""
EPILOG = "\n\n".join(textwrap.fill(" ".join(par.split()), 88) for par in _EPILOG.split("\n\n"))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("--specs", metavar="FILE", help="JSON or TOML file of specs (see below)")
    add_chain_arguments(p, depth_required=False)
    p.add_argument("--weights", metavar="SPEC", help="one number, a comma list of L numbers, "
                   "normal:MEAN,STD,seed=N or uniform:LO,HI,seed=N (default normal:0,1,seed=0)")
    p.add_argument("--biases", metavar="SPEC", help="bias SPEC (with --form general --bias)")
    p.add_argument("--x", metavar="VALUE", help="input x of the general form (default 1)")
    p.add_argument("--digits", help=f"correct significant digits (default {DEFAULT_DIGITS})")
    p.add_argument("--hessian", action="store_true", default=None,
                   help="also the Hessian in the weights")
    add_output_arguments(p, ("text", "json", "csv", "npz"))


def _one_spec(args: argparse.Namespace) -> dict:
    spec: dict = {"depth": validate_depth(args.depth), "activation": args.activation,
                  "form": args.form, "bias": args.bias}
    for key in ("weights", "biases", "x"):
        if getattr(args, key) is not None:
            spec[key] = getattr(args, key)
    return spec


def run(args: argparse.Namespace) -> int:
    if args.format == "npz" and args.output is None:
        raise InputError("--format npz is binary and needs a file", hint="add -o FILE.npz")
    if args.specs is not None:
        if args.depth is not None or args.weights is not None:
            raise InputError("--specs and --depth/--weights exclude each other",
                             hint="give the specs in the file, or one spec with --depth")
        data = read_specs(args.specs)
        specs = data["specs"]
        digits = args.digits if args.digits is not None else data.get("digits", DEFAULT_DIGITS)
        hessian = args.hessian if args.hessian is not None else data.get("hessian", False)
    elif args.depth is None:
        raise InputError("give one spec with --depth L, or many with --specs FILE",
                         hint="e.g. --depth 3 --weights 0.5,1,2")
    else:
        specs = [_one_spec(args)]
        digits = DEFAULT_DIGITS if args.digits is None else args.digits
        hessian = bool(args.hessian)
    result = vectors(specs, digits=digits, hessian=hessian)
    emit(args, result.to_npz() if args.format == "npz" else result.render(args.format))
    return 0
