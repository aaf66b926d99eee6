"""``report.tex`` from the derivation documents, and ``report.pdf`` when pdflatex is present.

The LaTeX comes from :mod:`symgrad.documents` (the same derivation documents
as ``symgrad derive --format latex`` and ``symgrad derivations``), combined
into one document for the report's chain.  The PDF is compiled by
:func:`symgrad.cli.cmd_derivations.compile_pdf` (pdflatex in a temporary
folder, ``SOURCE_DATE_EPOCH=0`` so the same input gives the same bytes).
Without a LaTeX engine the report says so and still writes ``report.tex``.

>>> isinstance(pdflatex_path(), (str, type(None)))
True
"""

from __future__ import annotations

import shutil

from ..errors import SymgradError
from .model import Context, LeftOut, Section
from .optional import load

__all__ = ["compile_pdf", "latex_section", "pdflatex_path", "report_document"]

_NO_ENGINE = LeftOut("report.pdf", "no LaTeX engine (pdflatex) was found on PATH",
                     "install one, e.g. apt-get install texlive-latex-recommended, then rerun")


def pdflatex_path() -> str | None:
    """Path of ``pdflatex`` or ``None``."""
    return shutil.which("pdflatex")


def compile_pdf(tex: str) -> tuple[bytes | None, LeftOut | None]:
    """Compile ``tex`` to PDF bytes (``symgrad derivations``' compiler), or explain why not."""
    if pdflatex_path() is None:
        return None, _NO_ENGINE
    from ..cli.cmd_derivations import compile_pdf as derivations_compile_pdf

    try:
        return derivations_compile_pdf(tex, "report"), None
    except SymgradError as exc:
        return None, LeftOut("report.pdf", str(exc), "compile report.tex by hand to see the log")


def report_document(ctx: Context):
    """One document: the report chain's derivation plus the text's other derivations.

    The chain document (dF/dw_1 for the report's chain, the closed form for a
    symbolic depth with its induction proof, the bound) comes first, then the
    standard documents on stationary points, the small gradient f_c and
    machine epsilon.
    """
    from ..documents import Document, chain_document
    from ..documents.hessian import stationary_document
    from ..documents.numeric import machine_epsilon_document, small_gradient_document

    main = chain_document(ctx.chain, [1], symbolic_depth=True)
    others = [stationary_document(), small_gradient_document(), machine_epsilon_document()]
    sections = tuple(main.sections) + tuple(s for d in others for s in d.sections)
    notes = tuple(main.notes) + tuple(n for d in others for n in d.notes)
    return Document(f"Vanishing gradients: {main.title}", sections,
                    introduction=main.introduction, notes=notes)


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
