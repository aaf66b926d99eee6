"""``symgrad report``: the whole story of the text as one self-contained page.

With no arguments it reports on the text's own example (sigmoid chain of depth
40 with weights 1, a depth scan to 1100 with learning rate 0.1, the stationary
point examples, f_c and machine epsilon) and writes ``symgrad-report/``:
``index.html`` (MathML, inline SVG plots, no network needed), ``report.tex``
(and ``report.pdf`` with pdflatex), ``reference.json``, ``scan.json`` and the
plots as PNG and SVG.  Missing optional extras are named in the report, with
the command that adds them; the rest is still written.
"""

from __future__ import annotations

import argparse
import os
import sys

from symgrad.base.errors import SymgradError
from symgrad.core.activations import ACTIVATIONS
from symgrad.interfaces.report.build import MAX_SCAN_DEPTH, build_report
from symgrad.interfaces.report.model import DEFAULT_BACKENDS, ReportOptions

__all__ = ["HELP", "add_arguments", "options_from_args", "parse_backends", "run"]

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
    p.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    p.add_argument("--force", action="store_true",
                   help="write into an existing folder that is not a previous report")


def parse_backends(spec: str) -> tuple[str, ...]:
    """``"jax,torch"`` -> ``("jax", "torch")``; ``"none"`` -> ``()``.

    >>> parse_backends("torch, jax")
    ('torch', 'jax')
    """
    items = [s.strip().lower() for s in str(spec).split(",") if s.strip()]
    if items == ["none"]:
        return ()
    out: list[str] = []
    for s in items:
        if s not in DEFAULT_BACKENDS:
            raise SymgradError(f"unknown backend '{s}'",
                               hint=f"choose from: {', '.join(DEFAULT_BACKENDS)}, or none")
        if s not in out:
            out.append(s)
    if not out:
        raise SymgradError("no backend given", hint="e.g. --backends jax,torch or none")
    return tuple(out)


def _whole(text: str, name: str, cap: int) -> int:
    from symgrad.core.chain import validate_depth

    return validate_depth(text, cap=cap, name=name)


def options_from_args(args: argparse.Namespace) -> ReportOptions:
    """Validate the arguments into :class:`~symgrad.interfaces.report.model.ReportOptions`."""
    from symgrad.core.chain import MAX_DEPTH
    from symgrad.numeric.formats import parse_formats

    formats = None if args.formats is None else parse_formats(args.formats)
    return ReportOptions(
        depth=_whole(args.depth, "depth", MAX_DEPTH),
        weights=str(args.weights),
        activation=str(args.activation).strip().lower(),
        formats=formats,
        backends=parse_backends(args.backends),
        lr=str(args.lr).strip(),
        scan_depth=_whole(args.scan_depth, "scan-depth", MAX_SCAN_DEPTH),
    )


def run(args: argparse.Namespace) -> int:
    from symgrad.interfaces.report.build import check_folder

    options = options_from_args(args)
    check_folder(args.out, force=args.force)  # refuse early, before the work
    report = build_report(options, quiet=args.quiet)
    paths = report.write(args.out, force=args.force)
    if not args.quiet:
        index = next(p for p in paths if p.name == "index.html")
        print(f"wrote {len(paths)} files to {index.parent}/ (open {index})")
        for lo in report.left_out:
            print(f"note: {lo.text()}")
    if args.open:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            print("note: --open ignored in CI", file=sys.stderr)
        else:
            import webbrowser

            webbrowser.open(report_uri(paths))
    return 0


def report_uri(paths) -> str:
    """``file://`` URI of the written ``index.html``."""
    index = next(p for p in paths if p.name == "index.html")
    return index.resolve().as_uri()

