"""``symgrad hessian``: the deep chain's Hessian in all L weights at a weight point."""

from __future__ import annotations

import argparse
from fractions import Fraction

from ..errors import SymgradError

HELP = "Hessian of the deep chain at a weight point, certified eigenvalues and its class"

__all__ = ["HELP", "add_arguments", "render_hessian", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--depth", required=True, help="number of layers L (at most 60)")
    parser.add_argument("--weights", required=True, help="weights SPEC, e.g. 1 or 0.5,1 or "
                        "normal:0,1,seed=7 (write --weights=-1,2 when it starts with -)")
    parser.add_argument("--activation", default="sigmoid", help="sigmoid, tanh or softplus")
    parser.add_argument("--digits", type=int, default=20, help="correct digits (default 20)")
    parser.add_argument("--small-gradient", default=None, metavar="C",
                        help="also check boxes s*(1,..,1) +/- 1/10 for ||grad F|| < C")
    parser.add_argument("--format", choices=("text", "json", "latex"), default="text")


def render_hessian(res, regions, c, fmt: str) -> str:
    import sympy

    from ..output import dumps_json

    if fmt == "json":
        d = res.as_dict()
        d["small_gradient"] = None if regions is None else {
            "c": str(c), "regions": [r.as_dict() for r in regions]}
        return dumps_json(d)
    if fmt == "latex":
        n = res.chain.depth
        num = sympy.Matrix(n, n, lambda i, j: sympy.Symbol(res.hessian_text[i][j]))
        rows = [r"D^2 F(w) \approx " + sympy.latex(num)]
        if res.symbolic is not None:
            rows.insert(0, r"D^2 F = " + sympy.latex(res.symbolic))
        rows.append(r"\text{" + res.verdict.label + "}")
        return "\\begin{align*}\n" + " \\\\\n".join(f"& {r}" for r in rows) + "\n\\end{align*}\n"
    lines = [f"{res.chain.describe()}; weights {', '.join(str(w) for w in res.weights)}",
             f"F = {res.value}", f"grad F = ({', '.join(res.gradient)})",
             f"||grad F|| = {res.grad_norm}", "Hessian:"]
    width = max(len(v) for row in res.hessian_text for v in row)
    lines += ["  " + "  ".join(v.rjust(width) for v in row) for row in res.hessian_text]
    lines.append("eigenvalue enclosures: " + ", ".join(res.eigenvalues))
    lines.append(f"class: {res.verdict.label} ({'; '.join(res.verdict.evidence)})")
    lines.append(f"stationary points of F: {res.stationary_set}")
    if regions is not None:
        lines.append(f"boxes with ||grad F|| < {c}, F - inf F > 1/10, no stationary point:")
        for r in regions:
            lines.append(f"  w = {r.center[0]}*(1,...,1) +/- {r.halfwidth}: ||grad F|| <= "
                         f"{r.grad_norm_upper}, F - inf F >= {r.gap_lower}: "
                         + ("yes" if r.qualifies else "no"))
    lines += [f"note: {n}" for n in res.notes]
    lines.append(f"note: {res.digits} significant digits, certified by arb (last digit +/- 1)")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from ..chain import Chain, validate_depth
    from ..stationary.landscape import chain_hessian, small_gradient_regions
    from ..weights import parse_number, parse_weights

    depth = validate_depth(args.depth)
    chain = Chain(depth, activation=args.activation)
    if not 1 <= args.digits <= 1000:
        raise SymgradError(f"--digits must be in 1..1000, got {args.digits}")
    weights = parse_weights(args.weights, depth)
    res = chain_hessian(chain, weights, digits=args.digits)
    regions = c = None
    if args.small_gradient is not None:
        c = parse_number(args.small_gradient, what="--small-gradient")
        if c <= 0:
            raise SymgradError("--small-gradient must be > 0")
        regions = small_gradient_regions(chain, Fraction(c))
    print(render_hessian(res, regions, c, args.format), end="")
    return 0
