"""``symgrad report``: the whole story of the text as one self-contained page.

With no arguments it reports on the text's own example (sigmoid chain of depth
40 with weights 1, a depth scan to 1100 with learning rate 0.1, the stationary
point examples, f_c and machine epsilon) and writes ``symgrad-report/``:
``index.html`` (MathML, inline SVG plots, no network needed), ``report.tex``
(and ``report.pdf`` with pdflatex), ``reference.json``, ``scan.json`` and the
plots as PNG and SVG.  Missing optional extras are named in the report, with
the command that adds them; the rest is still written.

``--format`` chooses the summary of what was written: ``text`` (a line and the notes)
or ``json`` (the manifest, schema ``symgrad.report/1``); ``-o FILE`` writes that summary
to FILE.  The work is :func:`symgrad.report` (:mod:`symgrad.interfaces.api.report`).
"""

from __future__ import annotations

import argparse

from symgrad.core.activations import ACTIVATIONS
from symgrad.interfaces.api.report import parse_backends, report
from symgrad.interfaces.cli._common import emit
from symgrad.interfaces.report.build import MAX_SCAN_DEPTH
from symgrad.interfaces.report.model import DEFAULT_BACKENDS, ReportOptions

__all__ = ["HELP", "add_arguments", "parse_backends", "run"]

HELP = "write the whole story as a report: derivation, checks, values, formats, plots"
_DEFAULTS = ReportOptions()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="symgrad-report", metavar="DIR",
                   help="output folder (default symgrad-report/)")
    p.add_argument("--depth", default=str(_DEFAULTS.depth), metavar="L",
                   help=f"depth of the chain (default {_DEFAULTS.depth})")
    p.add_argument("--weights", default=_DEFAULTS.weights, metavar="SPEC",
                   help="one number, a comma list of L numbers, normal:MEAN,STD,seed=N or "
                        f"uniform:LO,HI,seed=N (default {_DEFAULTS.weights})")
    p.add_argument("--activation", default=_DEFAULTS.activation, metavar="NAME",
                   help=f"activation: {', '.join(sorted(ACTIVATIONS))} (default sigmoid)")
    p.add_argument("--formats", default=None, metavar="LIST",
                   help="comma list of float64, float32, float16, bfloat16 (default all)")
    p.add_argument("--backends", default=",".join(DEFAULT_BACKENDS), metavar="LIST",
                   help="autodiff frameworks to check: comma list of jax, torch, or none "
                        "(default jax,torch)")
    p.add_argument("--lr", default=_DEFAULTS.lr, metavar="ETA",
                   help=f"learning rate of the update in the depth scan (default {_DEFAULTS.lr})")
    p.add_argument("--scan-depth", default=str(_DEFAULTS.scan_depth), metavar="N",
                   help=f"deepest chain of the depth scan, 1..{MAX_SCAN_DEPTH} "
                        f"(default {_DEFAULTS.scan_depth})")
    p.add_argument("--open", action="store_true", help="open index.html in a web browser")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar, and no summary on standard output")
    p.add_argument("--format", default="text", choices=("text", "json"),
                   help="the summary of what was written: text or json (the manifest); "
                        "default text")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the summary to FILE (atomically) instead of standard output")
    p.add_argument("--force", action="store_true",
                   help="write into an existing folder that is not a previous report; with "
                        "-o: overwrite an existing FILE")


def _refuse_output_early(args: argparse.Namespace) -> None:
    """An empty -o, or an existing -o FILE without --force, is refused before the work."""
    from pathlib import Path

    target = args.output
    if target is not None and (not str(target).strip()
                               or (Path(target).exists() and not args.force)):
        emit(args, "")  # raises the one-line error


def run(args: argparse.Namespace) -> int:
    _refuse_output_early(args)
    result = report(args.out, depth=args.depth, weights=args.weights,
                    activation=args.activation, formats=args.formats, backends=args.backends,
                    lr=args.lr, scan_depth=args.scan_depth, open=args.open, quiet=args.quiet,
                    force=args.force)
    if not args.quiet or args.output is not None:
        emit(args, result.render(args.format))
    return 0
