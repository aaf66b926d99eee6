"""``symgrad reference``: F and the gradient to D correct digits.

Default: mpmath with guard digits, confirmed by a second evaluation with more
guard digits.  ``--certified``: python-flint ball arithmetic, each value a
midpoint with a radius that provably encloses the true value; the precision is
raised until every value has D certified digits.
"""

from __future__ import annotations

import argparse
import sys

from ..backends.mpmath_backend import MAX_DIGITS, reference_values
from ..chain import Chain
from ..errors import SymgradError
from ..output import dumps_json, write_atomic
from ._common import (
    add_chain_arguments,
    add_point_arguments,
    chain_from_args,
    chain_json,
    parse_wrt,
    point_from_args,
)

__all__ = ["HELP", "add_arguments", "reference_json", "reference_rows", "run"]

HELP = "F and dF/dw_k at given weights to D correct digits (mpmath, or certified with --certified)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_chain_arguments(p)
    add_point_arguments(p)
    p.add_argument("--digits", default="30", help=f"correct significant digits, 1..{MAX_DIGITS}")
    p.add_argument("--wrt", default="all", help="1, k, a comma list, or all (default all)")
    p.add_argument(
        "--certified",
        action="store_true",
        help="python-flint ball arithmetic: midpoint +- radius with certified digits",
    )
    p.add_argument("--format", default="text", choices=("text", "json", "csv"), help="output")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def _digits(text: str) -> int:
    s = str(text).strip()
    if not s.isdigit() or len(s) > 9:
        raise SymgradError(
            f"--digits must be a whole number, got '{text}'", hint="e.g. --digits 30"
        )
    d = int(s)
    if not 1 <= d <= MAX_DIGITS:
        raise SymgradError(
            f"--digits {d} is outside 1..{MAX_DIGITS}", hint=f"pass 1 to {MAX_DIGITS} digits"
        )
    return d


def reference_rows(chain: Chain, weights, *, digits: int, wrt: list[int], certified: bool,
                   biases=None, x=None) -> tuple[list[dict], dict]:
    """[{"name": "F"|"dF/dw_k"|..., "value": ..., ...}], and method information."""
    names: list[tuple[str, object]] = []
    if certified:
        from ..backends.flint_backend import certified_values

        res = certified_values(chain, weights, digits=digits, biases=biases, x=x)

        def cell(ball):
            return ball.to_json()

        method = {"method": "python-flint arb ball arithmetic", "certified": True}
        prec = getattr(res, "prec", None)
        if prec is not None:
            method["working_precision_bits"] = int(prec)
    else:
        res = reference_values(chain, weights, digits=digits, biases=biases, x=x)

        def cell(value):
            return {"value": value}

        method = {
            "method": "mpmath, confirmed at two working precisions",
            "certified": False,
            "working_precision_digits": res.working_dps,
        }
    names.append(("F", res.value))
    names += [(f"dF/dw{k}", res.grad_w[k - 1]) for k in wrt]
    if chain.bias:
        names += [(f"dF/db{k}", res.grad_b[k - 1]) for k in wrt]
    if chain.form == "general":
        names.append(("dF/dx", res.grad_x))
    rows = [{"name": n, **cell(v)} for n, v in names]
    return rows, method


def reference_json(chain: Chain, weights_spec: str, rows: list[dict], method: dict,
                   digits: int) -> dict:
    """The JSON document of ``symgrad reference`` (schema ``symgrad.reference/1``)."""
    return {
        "schema": "symgrad.reference/1",
        "chain": chain_json(chain),
        "weights": weights_spec,
        "digits": digits,
        **method,
        "values": rows,
    }


def _text(chain: Chain, rows: list[dict], method: dict, digits: int) -> str:
    lines = [f"{chain.describe()}; {digits} correct digits; {method['method']}"]
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        extra = ""
        if "radius" in r:
            extra = f"  +- {r['radius']}  ({r['certified_digits']} certified digits)"
        lines.append(f"{r['name']:<{width}}  {r['value']}{extra}")
    return "\n".join(lines) + "\n"


def _csv(rows: list[dict]) -> str:
    import csv
    import io

    cols = ["name", "value", "radius", "certified_digits"] if "radius" in rows[0] else [
        "name",
        "value",
    ]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def run(args: argparse.Namespace) -> int:
    chain = chain_from_args(args)
    digits = _digits(args.digits)
    wrt = parse_wrt(args.wrt, chain.depth)
    weights, biases, x = point_from_args(args, chain)
    rows, method = reference_rows(
        chain, weights, digits=digits, wrt=wrt, certified=args.certified, biases=biases, x=x
    )
    if args.format == "json":
        text = dumps_json(reference_json(chain, args.weights, rows, method, digits))
    elif args.format == "csv":
        text = _csv(rows)
    else:
        text = _text(chain, rows, method, digits)
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
