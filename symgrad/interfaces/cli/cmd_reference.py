"""``symgrad reference``: F and the gradient to D correct digits.

Every value is decided by python-flint ball arithmetic (exact rationals while
the values are rational): the printed D-digit decimal is the exact value
correctly rounded, the precision raised until a ball proves it.  The default
prints the digits; ``--certified`` also prints the enclosure ``± radius``
(rounded up) of the printed number.
"""

from __future__ import annotations

import argparse
import sys

from symgrad.base.errors import SymgradError
from symgrad.base.output import dumps_json, write_atomic
from symgrad.core.chain import Chain
from symgrad.interfaces.cli._common import (
    add_chain_arguments,
    add_point_arguments,
    chain_from_args,
    chain_json,
    parse_wrt,
    point_from_args,
)
from symgrad.numeric.certified import certified_values
from symgrad.numeric.flint_backend import MAX_DIGITS

__all__ = ["HELP", "add_arguments", "reference_json", "reference_rows", "run"]

HELP = "F and dF/dw_k at given weights to D correct digits (certified by ball arithmetic)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_chain_arguments(p)
    add_point_arguments(p)
    p.add_argument("--digits", default="30", help=f"correct significant digits, 1..{MAX_DIGITS}")
    p.add_argument("--wrt", default="all", help="1, k, a comma list, or all (default all)")
    p.add_argument(
        "--certified",
        action="store_true",
        help="also print the certified enclosure: value ± radius (radius rounded up)",
    )
    p.add_argument("--format", default="text", choices=("text", "json", "csv"), help="output")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def _digits(text: str) -> int:
    s = str(text).strip()
    if not (s.isascii() and s.isdigit()) or len(s) > 9:  # '\u00b2'.isdigit() is True
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
    res = certified_values(chain, weights, digits=digits, biases=biases, x=x, wrt=wrt)
    names: list[tuple[str, object]] = [("F", res.value)]
    names += [(f"dF/dw{k}", res.grad_w[k - 1]) for k in wrt]
    if chain.bias:
        names += [(f"dF/db{k}", res.grad_b[k - 1]) for k in wrt]
    if chain.form == "general":
        names.append(("dF/dx", res.grad_x))
    if certified:
        rows = [{"name": n, **b.to_json()} for n, b in names]
    else:
        rows = [{"name": n, "value": b.mid} for n, b in names]
    method = {
        "method": "python-flint ball arithmetic, correctly rounded",
        "certified": True,
        "working_precision_bits": int(res.prec),
    }
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
            extra = f"  ± {r['radius']}"
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
