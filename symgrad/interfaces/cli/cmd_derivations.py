"""``symgrad derivations``: build the standard derivation documents.

Writes ``NAME.tex`` (standalone LaTeX, amsmath only) and ``NAME.md`` (GitHub
Markdown) for every standard derivation (:data:`symgrad.interfaces.documents.STANDARD`)
into ``--out`` (default ``derivations/``), plus an index ``README.md`` when
the whole set is built; with ``--pdf`` also ``NAME.pdf``,
compiled by ``pdflatex -halt-on-error`` in a temporary folder with
``SOURCE_DATE_EPOCH=0`` (so the PDF is reproducible) and copied atomically.
Everything is built before anything is written, so an error leaves the
folder as it was.

Examples::

    symgrad derivations
    symgrad derivations --out /tmp/d --only gradient,small-gradient --pdf
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from symgrad.base.errors import SymgradError
from symgrad.base.output import ensure_writable_dir, write_atomic

__all__ = ["HELP", "add_arguments", "compile_pdf", "run"]

HELP = "build the standard derivations (LaTeX and Markdown, optionally PDF) into a folder"

#: seconds one pdflatex run may take
PDFLATEX_TIMEOUT = 120


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="derivations", metavar="DIR",
                   help="output folder (default: derivations/)")
    p.add_argument("--pdf", action="store_true", help="also compile PDFs with pdflatex")
    p.add_argument("--only", metavar="NAME,...",
                   help="build only these derivations (default: all)")


def _first_error(log: str) -> str:
    for line in log.splitlines():
        if line.startswith("!"):
            return line[1:].strip()
    return "see the pdflatex log"


def compile_pdf(tex: str, name: str = "document") -> bytes:
    """Compile a standalone LaTeX document with ``pdflatex -halt-on-error``; the PDF's bytes.

    Reproducible: ``SOURCE_DATE_EPOCH=0`` fixes the dates and the trailer ID.
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        raise SymgradError("pdflatex is not installed",
                           hint="apt-get install texlive-latex-base texlive-latex-recommended, "
                                "or leave out --pdf")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    with tempfile.TemporaryDirectory(prefix="symgrad-tex-") as tmp:
        src = Path(tmp) / f"{name}.tex"
        src.write_text(tex, encoding="utf-8")
        try:
            proc = subprocess.run(
                [exe, "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape",
                 src.name],
                cwd=tmp, env=env, capture_output=True, timeout=PDFLATEX_TIMEOUT, check=False,
            )
        except subprocess.TimeoutExpired:
            raise SymgradError(f"pdflatex took longer than {PDFLATEX_TIMEOUT}s on {name}.tex",
                               hint="report this as a bug") from None
        pdf = Path(tmp) / f"{name}.pdf"
        if proc.returncode != 0 or not pdf.is_file():
            log = proc.stdout.decode("utf-8", "replace")
            raise SymgradError(f"pdflatex failed on {name}.tex: {_first_error(log)}",
                               hint="report this as a bug")
        return pdf.read_bytes()


def run(args: argparse.Namespace) -> int:
    from symgrad.interfaces.documents.standard import (
        INDEX,
        build,
        index_markdown,
        parse_names,
        render_files,
    )

    names = parse_names(args.only)
    if args.pdf and shutil.which("pdflatex") is None:
        compile_pdf("", "check")  # raises the one-line error
    out = ensure_writable_dir(args.out)
    start = time.perf_counter()
    files: dict[str, str | bytes] = {}
    docs = build(names)
    for name, doc in docs.items():
        rendered = render_files(name, doc)
        files.update(rendered)
        if args.pdf:
            files[f"{name}.pdf"] = compile_pdf(rendered[f"{name}.tex"], name)
    if args.only is None:  # the index lists the full set only
        files[INDEX] = index_markdown(docs)
    built = time.perf_counter() - start
    for fname, content in files.items():
        path = write_atomic(out / fname, content)
        print(f"wrote {path}")
    print(f"built {len(names)} derivation(s) in {built:.1f}s", file=sys.stderr)
    return 0
