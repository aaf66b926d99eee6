"""``symgrad verify``: the whole verification battery as one table.

Verdicts (:mod:`symgrad.base.verdicts`): PASS, FAIL, UNDECIDED, SKIPPED, and, counted
apart, NOT CHECKABLE (no significant digit to check at this depth/format, or
nothing compared; with the reason) and MEASURED (a measurement, not a check).
Exit status 0 only when no check failed, was undecided or skipped and at least
one passed (NOT CHECKABLE and MEASURED rows neither pass nor fail the run; the
summary counts them apart and then does not say "all checks passed"); 1
otherwise (a default backend that is not installed is reported SKIPPED with its
install command, never as passed); 2 for bad input, including a backend
requested with ``--backends`` that is not installed.
"""

from __future__ import annotations

import argparse
import sys

from symgrad.base.errors import SymgradError
from symgrad.base.output import dumps_json, write_atomic

__all__ = ["HELP", "add_arguments", "run"]

HELP = ("run the verification battery: derivation routes, induction proofs, derived bounds, "
        "JAX/PyTorch gradients and Hessians vs certified values, flush-to-zero, finite differences")

MAX_VERIFY_DEPTH = 2000
MAX_HESSIAN_DEPTH = 40


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit status: 0 only when no check failed, was undecided or skipped and at "
                     "least one passed (NOT CHECKABLE and MEASURED rows are counted apart and "
                     "neither pass nor fail the run); 1 otherwise, e.g. a default backend is "
                     "missing (reported as SKIPPED, with its install command); 2 for bad input")
    parser.add_argument("--backends", default=None,
                        help="comma list (default jax,torch; a default backend that is not "
                             "installed is reported as skipped, a requested one is an error)")
    parser.add_argument("--formats", default="float64,float32,float16,bfloat16",
                        help="comma list of formats (default all four)")
    parser.add_argument("--depths", default="2,5,10,30", help="gradient depths (default 2,5,10,30)")
    parser.add_argument("--hessian-depths", default="3,6", help="Hessian depths (default 3,6)")
    parser.add_argument("--activations", default="sigmoid,tanh,softplus")
    parser.add_argument("--seed", default="0", help="seed of the N(0,1) weight draws (default 0)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--output", metavar="FILE", help="also write the JSON table to FILE")


def _int_list(text: str, name: str, cap: int) -> tuple[int, ...]:
    from symgrad.core.chain import validate_depth

    items = [p.strip() for p in str(text).split(",") if p.strip()]
    if not items:
        raise SymgradError(f"empty --{name}", hint=f"e.g. --{name} 2,5,10")
    return tuple(dict.fromkeys(validate_depth(p, cap=cap, name=name) for p in items))


def run(args: argparse.Namespace) -> int:
    from symgrad.analysis.verify.backends import load_backend, parse_backends
    from symgrad.analysis.verify.battery import format_check, run_battery
    from symgrad.core.activations import get_activation
    from symgrad.numeric.formats import parse_formats

    backends = parse_backends("jax,torch" if args.backends is None else args.backends)
    if args.backends is not None:
        for be in backends:
            load_backend(be)  # a requested backend must be installed (one-line error)
    formats = parse_formats(args.formats)
    depths = _int_list(args.depths, "depths", MAX_VERIFY_DEPTH)
    hdepths = _int_list(args.hessian_depths, "hessian-depths", MAX_HESSIAN_DEPTH)
    acts = tuple(dict.fromkeys(get_activation(a).name for a in args.activations.split(",")
                               if a.strip()))
    if not acts:
        raise SymgradError("empty --activations", hint="e.g. --activations sigmoid,tanh")
    from symgrad.numeric.weights import parse_whole

    seed = parse_whole(args.seed, what="--seed", lo=0, hi=10**18 - 1, example="--seed 0")

    def stream(check):
        if args.format == "text":
            print(format_check(check), flush=True)

    report = run_battery(backends=backends, formats=formats, depths=depths,
                         hessian_depths=hdepths, activations=acts, seed=seed,
                         on_check=stream)
    if args.output:
        write_atomic(args.output, dumps_json(report.to_json()))
    if args.format == "json":
        sys.stdout.write(dumps_json(report.to_json()))
    else:
        for note in report.notes:
            print(f"note: {note}")
        print(report.summary())
    return report.exit_code
