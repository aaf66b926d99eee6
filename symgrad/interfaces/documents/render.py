"""Renderers of a document (:mod:`symgrad.interfaces.documents.model`): one walker, five formats.

:class:`Renderer` walks a document once (title, introduction, sections with
their prose, steps and closing, notes) and asks a per-format hook for each
part, the way a SymPy ``Printer`` asks ``_print_<Class>``.  Every formula is
printed from its SymPy object by :mod:`symgrad.present.latex` or
:mod:`symgrad.present.mathml`; the renderers only arrange printed pieces and
escape the prose.

* ``latex``: a standalone ``article`` that needs ``amsmath`` only and compiles
  with ``pdflatex -halt-on-error`` (long equations broken over the lines of a
  ``multline*``, see :mod:`symgrad.interfaces.documents.latex_layout`); with
  ``fragment=True`` the same body without a preamble (:func:`to_latex_fragment`),
  to ``\\input`` into a paper.
* ``markdown``: GitHub math, ``$...$`` inline and ``$$`` blocks on their own lines.
* ``text``: the plain-text printer (SymPy-parsable expressions, ``a = b``).
* ``html``: headings, paragraphs and ``\\[...\\]`` for MathJax (Jupyter).
* ``mathml``: an HTML fragment with MathML formulas, no script needed (the
  report's derivation section); its steps use the report page's classes.

Output depends only on the document, so it is byte-identical across runs.

>>> import sympy
>>> from symgrad.interfaces.documents.model import Document, Section, Step
>>> d = Document("T", (Section("S", "", (Step("A step.", "why", sympy.Symbol("x")),)),))
>>> "\\\\documentclass" in to_latex(d)
True
>>> "\\\\documentclass" in to_latex_fragment(d)
False
>>> "<math" in to_mathml_html(d)
True
"""

from __future__ import annotations

import html
import re

from symgrad.interfaces.documents.latex_layout import (
    LINE_WIDTH,
    display_latex,
    escape_latex,
    preamble,
    visual_len,
)
from symgrad.interfaces.documents.model import Document, Prose, Section, Step, prose_parts
from symgrad.interfaces.documents.model import register_renderer as _register
from symgrad.present.html import verdict_badge
from symgrad.present.latex import latex, text
from symgrad.present.mathml import to_mathml

__all__ = [
    "LINE_WIDTH",
    "RENDERERS",
    "HtmlRenderer",
    "LatexRenderer",
    "MarkdownRenderer",
    "MathMLRenderer",
    "Renderer",
    "TextRenderer",
    "escape_latex",
    "escape_markdown",
    "latex_body",
    "latex_sections",
    "preamble",
    "to_html",
    "to_latex",
    "to_latex_fragment",
    "to_markdown",
    "to_mathml_html",
    "to_text",
    "visual_len",
]

_MD_SPECIALS = re.compile(r"([\\`*_<>$])")


def escape_markdown(value: str) -> str:
    """Backslash-escape Markdown emphasis, code, HTML and ``$`` (which opens math).

    >>> print(escape_markdown("a*b_c $5"))
    a\\*b\\_c \\$5
    """
    return _MD_SPECIALS.sub(r"\\\1", value)


def _tag(step: Step) -> str:
    if step.verified is None:
        return ""
    return " [verified]" if step.verified else " [NOT VERIFIED: the check failed]"


class Renderer:
    """The walk over a document; a format overrides the hooks (each returns lines).

    >>> class Titles(Renderer):
    ...     def section(self, i, sec): return [sec.title]
    >>> Titles().render(Document("T", (Section("A"), Section("B"))))
    'A\\nB\\n'
    """

    def render(self, doc: Document) -> str:
        out = self.head(doc)
        if doc.introduction:
            out += self.paragraph(doc.introduction)
        n = 0
        for i, sec in enumerate(doc.sections, 1):
            out += self.section(i, sec)
            if sec.prose:
                out += self.paragraph(sec.prose)
            for step in sec.steps:
                n += 1
                out += self.step(n, step)
            if sec.closing:
                out += self.paragraph(sec.closing)
        for note in doc.notes:
            out += self.note(note)
        return self.finish(out)

    # -- hooks ----------------------------------------------------------------------
    def escape(self, value: str) -> str:
        return value

    def math(self, expr) -> str:
        """An inline formula."""
        return text(expr)

    def prose(self, prose: Prose) -> str:
        return "".join(self.escape(p) if isinstance(p, str) else self.math(p)
                       for p in prose_parts(prose))

    def head(self, doc: Document) -> list[str]:
        return []

    def section(self, i: int, sec: Section) -> list[str]:
        return []

    def paragraph(self, prose: Prose) -> list[str]:
        return [self.prose(prose), ""]

    def step(self, n: int, step: Step) -> list[str]:
        return []

    def note(self, note: Prose) -> list[str]:
        return []

    def finish(self, lines: list[str]) -> str:
        return "\n".join(lines).rstrip("\n") + "\n"


class LatexRenderer(Renderer):
    """The body of the LaTeX document (no preamble): :func:`latex_sections`.

    ``fragment=True``: the body to ``\\input`` into another document, headed by the
    title (``\\section*``), with the sections as numbered ``\\subsection*``.
    """

    def __init__(self, fragment: bool = False) -> None:
        self.fragment = fragment

    def head(self, doc: Document) -> list[str]:
        if not self.fragment:
            return []
        return [f"% {doc.title}",
                "% A LaTeX fragment generated by symgrad: \\input it into a document that "
                "loads amsmath.",
                r"\section*{%s}" % escape_latex(doc.title), ""]

    def escape(self, value: str) -> str:
        return escape_latex(value)

    def math(self, expr) -> str:
        return "$" + latex(expr) + "$"

    def section(self, i: int, sec: Section) -> list[str]:
        if self.fragment:
            return [r"\subsection*{%d. %s}" % (i, escape_latex(sec.title))]
        return [r"\section{%s}" % escape_latex(sec.title)]

    def paragraph(self, prose: Prose) -> list[str]:
        return [self.prose(prose) + "\n"]

    def step(self, n: int, step: Step) -> list[str]:
        out = [r"\paragraph{Step %d.} %s" % (n, self.prose(step.statement))]
        if step.equation is not None:
            out.append(display_latex(step.equation))
        out.append(r"\emph{Justification:} " + self.prose(step.justification)
                   + escape_latex(_tag(step)) + "\n")
        return out

    def note(self, note: Prose) -> list[str]:
        return [r"\noindent\emph{Note:} " + self.prose(note) + "\n"]

    def finish(self, lines: list[str]) -> list[str]:  # type: ignore[override]
        return lines


class MarkdownRenderer(Renderer):
    """GitHub Markdown with ``$...$`` and ``$$`` math."""

    def escape(self, value: str) -> str:
        return escape_markdown(value)

    def math(self, expr) -> str:
        return "$" + latex(expr) + "$"

    def head(self, doc: Document) -> list[str]:
        return [f"# {escape_markdown(doc.title)}", ""]

    def section(self, i: int, sec: Section) -> list[str]:
        return [f"## {i}. {escape_markdown(sec.title)}", ""]

    def step(self, n: int, step: Step) -> list[str]:
        out = [f"**Step {n}.** {self.prose(step.statement)}", ""]
        if step.equation is not None:
            out += ["$$", latex(step.equation), "$$", ""]
        return [*out, f"*Justification:* {self.prose(step.justification)}"
                      f"{escape_markdown(_tag(step))}", ""]

    def note(self, note: Prose) -> list[str]:
        return [f"*Note:* {self.prose(note)}", ""]


class TextRenderer(Renderer):
    """Plain text: prose, SymPy-parsable equations (``a = b``) and justifications."""

    def head(self, doc: Document) -> list[str]:
        return [doc.title, "=" * len(doc.title), ""]

    def section(self, i: int, sec: Section) -> list[str]:
        head = f"{i}. {sec.title}"
        return [head, "-" * len(head), ""]

    def step(self, n: int, step: Step) -> list[str]:
        out = [f"Step {n}. {self.prose(step.statement)}"]
        if step.equation is not None:
            out.append("    " + text(step.equation))
        return [*out, f"    by: {self.prose(step.justification)}{_tag(step)}", ""]

    def note(self, note: Prose) -> list[str]:
        return [f"Note: {self.prose(note)}", ""]


class HtmlRenderer(Renderer):
    """HTML with MathJax delimiters, for Jupyter's ``_repr_html_``."""

    def escape(self, value: str) -> str:
        return html.escape(value)

    def math(self, expr) -> str:
        return r"\(" + html.escape(latex(expr)) + r"\)"

    def display(self, expr) -> str:
        return r"<p>\[" + html.escape(latex(expr)) + r"\]</p>"

    def head(self, doc: Document) -> list[str]:
        return [f"<h2>{html.escape(doc.title)}</h2>"]

    def section(self, i: int, sec: Section) -> list[str]:
        return [f"<h3>{i}. {html.escape(sec.title)}</h3>"]

    def paragraph(self, prose: Prose) -> list[str]:
        return [f"<p>{self.prose(prose)}</p>"]

    def step(self, n: int, step: Step) -> list[str]:
        out = [f"<p><b>Step {n}.</b> {self.prose(step.statement)}</p>"]
        if step.equation is not None:
            out.append(self.display(step.equation))
        return [*out, f"<p><i>Justification:</i> "
                      f"{self.prose(step.justification)}{html.escape(_tag(step))}</p>"]

    def note(self, note: Prose) -> list[str]:
        return [f"<p><i>Note:</i> {self.prose(note)}</p>"]

    def finish(self, lines: list[str]) -> str:
        return "\n".join(lines) + "\n"


class MathMLRenderer(HtmlRenderer):
    """An HTML fragment with MathML formulas (no script), in the report page's classes:
    the title and sections as ``h3``, each step a ``div.step`` with its equation in
    ``div.eq`` and its justification in ``div.why``, a verified step with a badge."""

    def math(self, expr) -> str:
        return to_mathml(expr, display="inline")

    def display(self, expr) -> str:
        return f'<div class="eq">{to_mathml(expr)}</div>'

    def head(self, doc: Document) -> list[str]:
        return [f"<h3>{html.escape(doc.title)}</h3>"]

    def step(self, n: int, step: Step) -> list[str]:
        badge = ("" if step.verified is None else " " + verdict_badge(
            "verified" if step.verified else "not verified").html)
        eq = "" if step.equation is None else self.display(step.equation)
        return [f'<div class="step"><div class="steptitle">Step {n}. '
                f"{self.prose(step.statement)}{badge}</div>{eq}"
                f'<div class="why">by: {self.prose(step.justification)}</div></div>']

    def note(self, note: Prose) -> list[str]:
        return [f"<p><i>Note:</i> {self.prose(note)}</p>"]


def latex_sections(doc: Document) -> list[str]:
    """The body of the LaTeX document (no preamble), as a list of blocks."""
    return LatexRenderer().render(doc)  # type: ignore[return-value]


def to_latex(doc: Document) -> str:
    """A standalone LaTeX document (``pdflatex -halt-on-error`` compiles it)."""
    head = [
        preamble(),
        r"\title{%s}" % escape_latex(doc.title),
        r"\author{generated by symgrad}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        "",
    ]
    return "\n".join([*head, *latex_sections(doc), r"\end{document}", ""])


def latex_body(doc: Document) -> str:
    """MathJax-friendly LaTeX for Jupyter's ``_repr_latex_``: the equations in an array."""
    rows = [r"\textbf{%s}" % escape_latex(doc.title)]
    for sec in doc.sections:
        rows.append(r"\textit{%s}" % escape_latex(sec.title))
        rows.extend(latex(s.equation) for s in sec.steps if s.equation is not None)
    return "$\\displaystyle \\begin{array}{l}" + r" \\ ".join(rows) + r"\end{array}$"


def to_latex_fragment(doc: Document) -> str:
    """The document's LaTeX without a preamble, to ``\\input`` into a paper (amsmath needed).

    >>> import sympy
    >>> print(to_latex_fragment(Document("T", (Section("S", "A section."),))))
    % T
    % A LaTeX fragment generated by symgrad: \\input it into a document that loads amsmath.
    \\section*{T}
    <BLANKLINE>
    \\subsection*{1. S}
    A section.
    <BLANKLINE>
    """
    return "\n".join(LatexRenderer(fragment=True).render(doc)).rstrip("\n") + "\n"


def to_markdown(doc: Document) -> str:
    """GitHub Markdown with ``$...$`` and ``$$`` math."""
    return MarkdownRenderer().render(doc)


def to_text(doc: Document) -> str:
    """Plain text: prose, SymPy-parsable equations (``a = b``) and justifications."""
    return TextRenderer().render(doc)


def to_html(doc: Document) -> str:
    """HTML with MathJax delimiters, for Jupyter's ``_repr_html_``."""
    return HtmlRenderer().render(doc)


def to_mathml_html(doc: Document) -> str:
    """An HTML fragment with MathML formulas (see :class:`MathMLRenderer`)."""
    return MathMLRenderer().render(doc)


#: format name -> renderer of a whole document (what :meth:`Document.render` uses)
RENDERERS = {"latex": to_latex, "markdown": to_markdown, "text": to_text, "html": to_html,
             "mathml": to_mathml_html}
for _fmt, _fn in RENDERERS.items():
    _register(_fmt, _fn)
_register("latex-body", latex_body)
_register("latex-fragment", to_latex_fragment)
