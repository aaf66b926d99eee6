"""``symgrad hessian``: the deep chain's Hessian in all L weights at a weight point.

Certified (Arb balls, every entry to --digits correct digits), by forward
over reverse mode on the shared recurrence; seed or general form (input x,
biases held fixed); depth up to :data:`symgrad.analysis.stationary.landscape.MAX_HESSIAN_DEPTH`.

    symgrad hessian --depth 2 --weights 0 --digits 8
    symgrad hessian --depth 200 --weights normal:0,1,seed=7 --format json
    symgrad hessian --depth 3 --form general --bias --biases 0.5 --x 2 --weights 1
"""

from __future__ import annotations

import argparse
import re
from fractions import Fraction

from symgrad.base.errors import SymgradError
from symgrad.interfaces.cli._common import (
    add_chain_arguments,
    add_point_arguments,
    chain_from_args,
    point_from_args,
)

HELP = "Hessian of the deep chain at a weight point, certified eigenvalues and its class"

__all__ = ["HELP", "add_arguments", "render_hessian", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_chain_arguments(parser)
    add_point_arguments(parser)
    parser.add_argument("--digits", default="20", help="correct digits, 1..1000 (default 20)")
    parser.add_argument("--no-eigenvalues", action="store_true",
                        help="skip the O(L^3) eigenvalue enclosures (a stationary point is "
                        "then left undecided)")
    parser.add_argument("--small-gradient", default=None, metavar="C",
                        help="also check boxes s*(1,..,1) +/- 1/10 for ||grad F|| < C "
                        "(seed form)")
    parser.add_argument("--format", choices=("text", "json", "latex"), default="text")


_NUM = re.compile(r"^(-?[0-9.]+)e([-+]?[0-9]+)$")


def _tex(entry: str) -> str:
    """A decimal string from the Hessian as LaTeX ('1.5e-7' -> 1.5 \\cdot 10^{-7})."""
    if entry.startswith("0 ±"):  # zero to within r
        return r"0 \pm " + _tex(entry.split()[-1])
    m = _NUM.match(entry)
    if not m:
        return entry
    # the exponent's own text (no int(): exp(-1e9999) has a ~10,000-digit exponent)
    sign, digits = m.group(2)[:1] == "-", m.group(2).lstrip("+-").lstrip("0") or "0"
    return f"{m.group(1)} \\cdot 10^{{{'-' if sign and digits != '0' else ''}{digits}}}"


def _point_line(res) -> str:
    from symgrad.numeric.weights import number_text  # exact at any size (str of 10^9999 fails)

    parts = [res.chain.describe(), "weights " + ", ".join(number_text(w) for w in res.weights)]
    if res.biases is not None:
        parts.append("biases " + ", ".join(number_text(b) for b in res.biases))
    if res.chain.form == "general":
        parts.append(f"x = {number_text(res.x) if res.x is not None else 1}")
    return "; ".join(parts)


def _infimum_text(chain) -> str:
    import sympy

    from symgrad.analysis.stationary.chain import chain_infimum

    return sympy.sstr(chain_infimum(chain))


def render_hessian(res, regions, c, fmt: str) -> str:
    from symgrad.base.output import dumps_json
    from symgrad.numeric.weights import number_text
    from symgrad.present.latex import latex

    inf = None if regions is None else _infimum_text(res.chain)
    if fmt == "json":
        d = res.as_dict()
        d["small_gradient"] = None if regions is None else {
            "c": number_text(c), "F_infimum": inf, "F_infimum_attained": False,
            "regions": [r.as_dict() for r in regions]}
        return dumps_json(d)
    if fmt == "latex":
        body = " \\\\\n".join(" & ".join(_tex(v) for v in row) for row in res.hessian_text)
        rows = [r"D^2 F(w) \approx \begin{pmatrix}" + "\n" + body + "\n" + r"\end{pmatrix}"]
        if res.symbolic is not None:
            rows.insert(0, r"D^2 F = " + latex(res.symbolic))
        rows.append(r"\text{" + res.verdict.label + "}")
        return "\\begin{align*}\n" + " \\\\\n".join(f"& {r}" for r in rows) + "\n\\end{align*}\n"
    lines = [_point_line(res), f"F = {res.value}", f"grad F = ({', '.join(res.gradient)})",
             f"||grad F|| = {res.grad_norm}", "Hessian in the weights:"]
    width = max(len(v) for row in res.hessian_text for v in row)
    lines += ["  " + "  ".join(v.rjust(width) for v in row) for row in res.hessian_text]
    if res.eigenvalues:
        lines.append(f"eigenvalue enclosures ({res.eigen_method}): "
                     + ", ".join(res.eigenvalues))
    else:
        lines.append(f"eigenvalue enclosures: {res.eigen_method}")
    lines.append(f"class: {res.verdict.label} ({'; '.join(res.verdict.evidence)})")
    lines.append(f"stationary points of F: {res.stationary_set}")
    if regions is not None:
        lines.append(f"boxes with ||grad F|| < {number_text(c)}, F - inf F > 1/10, no "
                     f"stationary point (inf F = {inf}, approached but not attained; bounds "
                     "rounded outward):")
        for r in regions:
            lines.append(f"  w = {r.center[0]}*(1,...,1) +/- {r.halfwidth}: ||grad F|| <= "
                         f"{r.grad_norm_upper}, F - inf F >= {r.gap_lower}: "
                         + r.verdict)
    lines += [f"note: {n}" for n in res.notes]
    lines.append(f"note: {res.digits} significant digits, each correctly rounded "
                 "(decided by Arb balls)")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from symgrad.analysis.stationary.chain import small_gradient_regions
    from symgrad.analysis.stationary.landscape import MAX_HESSIAN_DEPTH, chain_hessian
    from symgrad.numeric.weights import parse_number, parse_whole

    chain = chain_from_args(args)
    if chain.depth > MAX_HESSIAN_DEPTH:
        raise SymgradError(f"depth {chain.depth} is above the Hessian cap {MAX_HESSIAN_DEPTH}",
                           hint=f"use --depth {MAX_HESSIAN_DEPTH} or less")
    digits = parse_whole(args.digits, what="--digits", lo=1, hi=1000, example="--digits 20")
    c = None
    if args.small_gradient is not None:
        if chain.form != "seed":
            raise SymgradError("--small-gradient supports the seed form only",
                               hint="drop --form/--bias")
        c = parse_number(args.small_gradient, what="--small-gradient")
        if c <= 0:
            raise SymgradError("--small-gradient must be > 0")
    weights, biases, x = point_from_args(args, chain)
    res = chain_hessian(chain, weights, digits=digits, biases=biases, x=x,
                        eigenvalues=not args.no_eigenvalues)
    regions = None if c is None else small_gradient_regions(chain, Fraction(c))
    print(render_hessian(res, regions, c, args.format), end="")
    return 0
