"""``report.tex`` from the derivation documents, and ``report.pdf`` when pdflatex is present.

The LaTeX comes from :mod:`symgrad.documents` (the same derivation documents
as ``symgrad derive --format latex``), combined into one document for the
report's chain.  The PDF is compiled in a private temporary folder with
``pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error``;
``SOURCE_DATE_EPOCH`` is fixed so the same input gives the same PDF bytes.
Without a LaTeX engine the report says so and still writes ``report.tex``.

>>> isinstance(pdflatex_path(), (str, type(None)))
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .model import Context, LeftOut, Section
from .optional import load

__all__ = ["LATEX_TIMEOUT", "compile_pdf", "latex_section", "pdflatex_path"]

#: seconds one pdflatex run may take before the PDF is left out
LATEX_TIMEOUT = 120
_NO_ENGINE = LeftOut("report.pdf", "no LaTeX engine (pdflatex) was found on PATH",
                     "install one, e.g. apt-get install texlive-latex-recommended, then rerun")


def pdflatex_path() -> str | None:
    """Path of ``pdflatex`` or ``None``."""
    return shutil.which("pdflatex")


def _first_error(log: str) -> str:
    for line in log.splitlines():
        if line.startswith("!"):
            return line.lstrip("! ").strip()[:160]
    return "see the LaTeX log"


def compile_pdf(tex: str) -> tuple[bytes | None, LeftOut | None]:
    """Compile ``tex`` to PDF bytes, or explain why not."""
    engine = pdflatex_path()
    if engine is None:
        return None, _NO_ENGINE
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1", TEXINPUTS=".:")
    with tempfile.TemporaryDirectory(prefix="symgrad-tex-") as tmp:
        src = Path(tmp) / "report.tex"
        src.write_text(tex, encoding="utf-8")
        cmd = [engine, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
               "report.tex"]
        for _ in range(2):  # a second run settles cross-references, if any
            try:
                proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True,
                                      timeout=LATEX_TIMEOUT, check=False)
            except subprocess.TimeoutExpired:
                return None, LeftOut("report.pdf", f"pdflatex took over {LATEX_TIMEOUT} s",
                                     "compile report.tex by hand")
            log = proc.stdout.decode("utf-8", "replace")
            if proc.returncode != 0:
                return None, LeftOut("report.pdf", f"pdflatex failed: {_first_error(log)}",
                                     "compile report.tex by hand to see the full log")
            if "Rerun to get" not in log:
                break
        return (Path(tmp) / "report.pdf").read_bytes(), None


def report_document(ctx: Context):
    """The derivation document of the report's chain (dF/dw_1, symbolic depth and proof)."""
    from ..documents import chain_document

    return chain_document(ctx.chain, [1], symbolic_depth=True)


def latex_section(ctx: Context) -> Section:
    """Contributes ``report.tex`` (always, when the documents exist) and ``report.pdf``."""
    sec = Section("latex", "LaTeX and PDF")
    docs, missing = load("symgrad.documents", what="report.tex and report.pdf")
    if docs is None:
        sec.left_out.append(missing)
        return sec
    tex = report_document(ctx).render("latex")
    if not tex.endswith("\n"):
        tex += "\n"
    sec.files["report.tex"] = tex
    pdf, why = compile_pdf(tex)
    if pdf is not None:
        sec.files["report.pdf"] = pdf
    else:
        sec.left_out.append(why)
    return sec
