"""``symgrad derivations``: build the standard derivation documents.

Writes ``NAME.tex`` (standalone LaTeX, amsmath only) and ``NAME.md`` (GitHub
Markdown) for every standard derivation (:data:`symgrad.interfaces.documents.STANDARD`)
into ``--out`` (default ``derivations/``), plus an index ``README.md`` when
the whole set is built; ``--documents`` chooses the document formats (default
``latex,markdown``); with ``--pdf`` also ``NAME.pdf``,
compiled by ``pdflatex -halt-on-error`` in a temporary folder with
``SOURCE_DATE_EPOCH=0`` (so the PDF is reproducible) and copied atomically.
Everything is built before anything is written, so an error leaves the
folder as it was.  ``--format`` chooses the summary of what was written (``text``: one
``wrote PATH`` line per file; ``json``: the manifest, schema ``symgrad.derivations/1``);
``-o FILE`` writes that summary to FILE.  The work is :func:`symgrad.derivations`
(:mod:`symgrad.interfaces.api.derivations`).

Examples::

    symgrad derivations
    symgrad derivations --out /tmp/d --only gradient,small-gradient --pdf
"""

from __future__ import annotations

import argparse
import sys
import time

from symgrad.interfaces.api.derivations import PDFLATEX_TIMEOUT, compile_pdf, derivations
from symgrad.interfaces.cli._common import add_output_arguments, emit

__all__ = ["HELP", "PDFLATEX_TIMEOUT", "add_arguments", "compile_pdf", "run"]

HELP = "build the standard derivations (LaTeX and Markdown, optionally PDF) into a folder"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="derivations", metavar="DIR",
                   help="output folder (default: derivations/)")
    p.add_argument("--pdf", action="store_true", help="also compile PDFs with pdflatex")
    p.add_argument("--only", metavar="NAME,...",
                   help="build only these derivations (default: all)")
    p.add_argument("--documents", default="latex,markdown", metavar="LIST",
                   help="document formats to write: latex, markdown or both (default both)")
    add_output_arguments(p, ("text", "json"))
    p.add_argument("--fragment", action="store_true",
                   help="write each NAME.tex without a preamble, to \\input into a paper "
                        "(needs amsmath; --pdf still compiles the standalone document)")


def _refuse_output_early(args: argparse.Namespace) -> None:
    """An empty -o, or an existing -o FILE without --force, is refused before the work."""
    from pathlib import Path

    target = args.output
    if target is not None and (not str(target).strip()
                               or (Path(target).exists() and not args.force)):
        emit(args, "")  # raises the one-line error


def run(args: argparse.Namespace) -> int:
    _refuse_output_early(args)
    start = time.perf_counter()
    result = derivations(args.out, pdf=args.pdf, only=args.only, documents=args.documents,
                         fragment=args.fragment)
    built = time.perf_counter() - start
    emit(args, result.render(args.format))
    print(f"built {len(result.names)} derivation(s) in {built:.1f}s", file=sys.stderr)
    return 0
