"""``symgrad.derivations``: build the standard derivation documents into a folder.

The Python side of ``symgrad derivations``: ``NAME.tex`` (standalone LaTeX, amsmath
only) and ``NAME.md`` (GitHub Markdown) for every standard derivation
(:data:`symgrad.interfaces.documents.STANDARD`), or those named in ``only``; ``documents``
chooses the document formats (``"latex"``, ``"markdown"``, or both, the default).  The
index ``README.md`` is written beside the full set in both formats.  With ``pdf=True``
also ``NAME.pdf``, compiled by ``pdflatex -halt-on-error`` with ``SOURCE_DATE_EPOCH=0``
(reproducible).  Everything is built before anything is written, so an error leaves the
folder as it was.  The result lists the files (``to_json()``: schema
``symgrad.derivations/1``).

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     r = derivations(pathlib.Path(tmp), only="gradient", documents="markdown")
...     [f["name"] for f in r.to_json()["files"]]
['gradient.md']
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from symgrad.base.errors import InputError, LimitError, SymgradError
from symgrad.base.output import ensure_writable_dir, write_atomic
from symgrad.interfaces.api.point import name_list
from symgrad.interfaces.api.result import Result

__all__ = ["DOCUMENT_FORMATS", "PDFLATEX_TIMEOUT", "DerivationsResult", "compile_pdf",
           "derivations"]

#: seconds one pdflatex run may take
PDFLATEX_TIMEOUT = 120
#: document format -> file extension
DOCUMENT_FORMATS = {"latex": ".tex", "markdown": ".md"}


def _first_error(log: str) -> str:
    for line in log.splitlines():
        if line.startswith("!"):
            return line[1:].strip()
    return "see the pdflatex log"


def _pdflatex() -> str:
    exe = shutil.which("pdflatex")
    if exe is None:
        raise InputError(
            "pdflatex is not installed",
            hint="apt-get install texlive-latex-base texlive-latex-recommended, "
                 "or leave out --pdf")
    return exe


def compile_pdf(tex: str, name: str = "document") -> bytes:
    """Compile a standalone LaTeX document with ``pdflatex -halt-on-error``; the PDF's bytes.

    Reproducible: ``SOURCE_DATE_EPOCH=0`` fixes the dates and the trailer ID.
    """
    exe = _pdflatex()
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
            raise LimitError(f"pdflatex took longer than {PDFLATEX_TIMEOUT}s on {name}.tex",
                             hint="report this as a bug") from None
        pdf = Path(tmp) / f"{name}.pdf"
        if proc.returncode != 0 or not pdf.is_file():
            log = proc.stdout.decode("utf-8", "replace")
            raise SymgradError(f"pdflatex failed on {name}.tex: {_first_error(log)}",
                               hint="report this as a bug")
        return pdf.read_bytes()


@dataclass(frozen=True, repr=False)
class DerivationsResult(Result):
    """The documents built (``names``) and the files written into ``out``."""

    SCHEMA = "symgrad.derivations/1"
    FORMATS = ("text", "json")

    out: Path
    names: tuple[str, ...]
    paths: tuple[Path, ...]

    def json_body(self) -> dict:
        kinds = {".tex": "latex", ".md": "markdown", ".pdf": "pdf"}
        return {"out": str(self.out), "derivations": list(self.names),
                "files": [{"name": p.name, "format": kinds.get(p.suffix, "markdown"),
                           "bytes": p.stat().st_size} for p in self.paths]}

    def to_text(self) -> str:
        return "".join(f"wrote {p}\n" for p in self.paths)

    def summary(self) -> str:
        return f"{len(self.names)} derivation(s), {len(self.paths)} files in {self.out}/"


def _documents(value: object) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.lower() for n in name_list(value, what="--documents")))
    if not names:
        raise InputError("empty --documents", hint="e.g. --documents latex,markdown")
    for n in names:
        if n not in DOCUMENT_FORMATS:
            raise InputError(f"unknown document format '{n}' in --documents",
                             hint="choose from: latex, markdown")
    return names


def derivations(out_dir="derivations", *, pdf: bool = False, only=None,
                documents=("latex", "markdown"), fragment: bool = False) -> DerivationsResult:
    """Build the standard derivations and write them into ``out_dir`` (see the module doc).

    ``only``: names (``"gradient,small-gradient"`` or a sequence; default all).
    ``fragment``: write each ``NAME.tex`` without a preamble, to ``\\input`` into a paper
    (a PDF is still compiled from the standalone document).
    """
    from symgrad.interfaces.documents.standard import INDEX, build, index_markdown, parse_names

    names = parse_names(only)
    kinds = _documents(documents)
    if pdf:
        _pdflatex()  # refuse before the work
    out = ensure_writable_dir(out_dir)
    files: dict[str, str | bytes] = {}
    docs = build(names)
    for name, doc in docs.items():
        for kind in kinds:
            files[name + DOCUMENT_FORMATS[kind]] = doc.render(
                kind, fragment=fragment and kind == "latex")
        if pdf:
            tex = doc.render("latex") if fragment else (files.get(f"{name}.tex")
                                                       or doc.render("latex"))
            files[f"{name}.pdf"] = compile_pdf(tex, name)
    if only is None and len(kinds) == len(DOCUMENT_FORMATS):  # the index links both formats
        files[INDEX] = index_markdown(docs)
    paths = tuple(write_atomic(out / fname, content) for fname, content in files.items())
    return DerivationsResult(Path(out_dir), tuple(names), paths)
