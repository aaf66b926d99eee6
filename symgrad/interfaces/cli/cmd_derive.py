"""``symgrad derive``: dF/dw_k of the chain, derived by SymPy.

Text, LaTeX and Markdown render the derivation document
(:mod:`symgrad.interfaces.documents`); JSON gives every expression as a SymPy-parsable
string plus its LaTeX (schema ``symgrad.derive/1``).  The work is
:func:`symgrad.derive` (:mod:`symgrad.interfaces.api.derive`); this module parses and
writes.
"""

from __future__ import annotations

import argparse

from symgrad.base.errors import InputError
from symgrad.core.chain import validate_depth
from symgrad.interfaces.api.derive import derive
from symgrad.interfaces.cli._common import add_chain_arguments, add_output_arguments, emit

__all__ = ["HELP", "add_arguments", "run"]

HELP = "derive dF/dw_k of the deep chain in closed form (any depth, or symbolic depth L)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_chain_arguments(p)
    p.add_argument("--wrt", default="all",
                   help="1, k, a comma list, or all (default all; more than 64 partials are "
                        "given by one formula in a general k)")
    p.add_argument(
        "--symbolic-depth",
        action="store_true",
        help="also give the closed form for a symbolic depth L and its proof by induction",
    )
    add_output_arguments(p, ("text", "latex", "markdown", "json"))
    p.add_argument("--fragment", action="store_true",
                   help="with --format latex: no preamble, a body to \\input into a paper "
                        "(needs amsmath)")


def run(args: argparse.Namespace) -> int:
    result = derive(validate_depth(args.depth), activation=args.activation, form=args.form,
                    bias=args.bias, wrt=args.wrt, symbolic_depth=args.symbolic_depth)
    if args.fragment and args.format != "latex":
        raise InputError("--fragment applies to --format latex only",
                         hint="add --format latex or leave out --fragment")
    if args.format == "latex":
        text = result.to_latex(fragment=args.fragment)  # the LaTeX document or its body
        text = text if text.endswith("\n") else text + "\n"
    else:
        text = result.render(args.format)
    emit(args, text, narrow="or fewer partials with --wrt")
    return 0
