"""Renderers of a document (:mod:`symgrad.interfaces.documents.model`): LaTeX, Markdown, text, HTML.

Every formula is printed from its SymPy object by :mod:`symgrad.present.latex`; the
renderers only arrange printed pieces and escape the prose.

* LaTeX: a standalone ``article`` that needs ``amsmath`` only and compiles
  with ``pdflatex -halt-on-error``.  An equation whose right-hand side is a long
  product is set in ``multline*`` with the factors (each printed by the
  printer) spread over lines, so that nothing runs off the page.
* Markdown: GitHub math, ``$...$`` inline and ``$$`` blocks on their own lines.
* Text: the plain-text printer (SymPy-parsable expressions, ``a = b``).
* HTML (Jupyter): headings, paragraphs and ``\\[...\\]`` for MathJax.

Output depends only on the document, so it is byte-identical across runs.

>>> import sympy
>>> from symgrad.interfaces.documents.model import Document, Section, Step
>>> d = Document("T", (Section("S", "", (Step("A step.", "why", sympy.Symbol("x")),)),))
>>> "\\\\documentclass" in to_latex(d)
True
"""

from __future__ import annotations

import html
import re

import sympy
from sympy.printing.precedence import PRECEDENCE

from symgrad.interfaces.documents.model import Document, Prose, Step, prose_parts
from symgrad.present.latex import SymgradLatexPrinter, latex, text

__all__ = [
    "LINE_WIDTH",
    "escape_latex",
    "escape_markdown",
    "latex_body",
    "latex_sections",
    "preamble",
    "to_html",
    "to_latex",
    "to_markdown",
    "to_text",
    "visual_len",
]

#: approximate number of visible math characters per displayed line in the PDF
LINE_WIDTH = 72

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\^{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\~{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\setlength{\textwidth}{16cm}
\setlength{\oddsidemargin}{0cm}
\setlength{\evensidemargin}{0cm}
\setlength{\textheight}{23cm}
\setlength{\topmargin}{-1.5cm}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6ex}
\allowdisplaybreaks
\sloppy
"""


def preamble(*packages: str) -> str:
    """The documents' LaTeX preamble (page layout, amsmath) plus ``packages``.

    >>> preamble("longtable").splitlines()[-1]
    '\\\\usepackage{longtable}'
    """
    return _PREAMBLE + "".join(r"\usepackage{%s}" % p + "\n" for p in packages)


def escape_latex(value: str) -> str:
    """Escape LaTeX's special characters in prose.

    >>> escape_latex("50% of x_1")
    '50\\\\% of x\\\\_1'
    """
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in value)


_MD_SPECIALS = re.compile(r"([\\`*_<>$])")


def escape_markdown(value: str) -> str:
    """Backslash-escape Markdown emphasis, code, HTML and ``$`` (which opens math).

    >>> print(escape_markdown("a*b_c $5"))
    a\\*b\\_c \\$5
    """
    return _MD_SPECIALS.sub(r"\\\1", value)


_ESCAPE = {"latex": escape_latex, "html": html.escape, "markdown": escape_markdown,
           "text": lambda v: v}


def _prose(prose: Prose, fmt: str) -> str:
    out = []
    for part in prose_parts(prose):
        if isinstance(part, str):
            out.append(_ESCAPE[fmt](part))
        elif fmt == "text":
            out.append(text(part))
        elif fmt == "html":
            out.append(r"\(" + html.escape(latex(part)) + r"\)")
        else:
            out.append("$" + latex(part) + "$")
    return "".join(out)


def _tag(step: Step) -> str:
    if step.verified is None:
        return ""
    return " [verified]" if step.verified else " [NOT VERIFIED: the check failed]"


# -- LaTeX ------------------------------------------------------------------------------
_COMMAND = re.compile(r"\\(left|right)(?![a-zA-Z])|\\[a-zA-Z]+|[{}_^ ]")


_WORDS = {"tanh", "sinh", "cosh", "exp", "log", "sin", "cos", "lim", "max", "min", "prod"}


def _shown(match: re.Match) -> str:
    token = match.group(0)
    if match.group(1) or len(token) == 1 or token == r"\operatorname":
        return ""
    return "x" * (len(token) - 1 if token[1:] in _WORDS else 1)


def visual_len(tex: str) -> int:
    """Rough count of the characters a formula shows (most commands count as one)."""
    return len(_COMMAND.sub(_shown, tex))


def _split_factors(expr: sympy.Basic) -> list[str] | None:
    """The factors of a long product, each printed by the printer; None if not a plain one."""
    if not isinstance(expr, sympy.Mul) or sympy.fraction(expr)[1] != 1:
        return None
    coeff, rest = expr.as_coeff_Mul()
    if coeff.is_negative:
        return None
    printer = SymgradLatexPrinter()
    pieces = [] if coeff == 1 else [printer._print(coeff)]
    factors = rest.as_ordered_factors()
    for n, f in enumerate(factors):
        last_product = isinstance(f, sympy.Product) and n == len(factors) - 1
        pieces.append(printer._print(f) if last_product
                      else printer.parenthesize(f, PRECEDENCE["Mul"]))
    return pieces


_RELATIONS = {sympy.Equality: "=", sympy.LessThan: r"\leq", sympy.GreaterThan: r"\geq",
              sympy.StrictLessThan: "<", sympy.StrictGreaterThan: ">"}


def _display_latex(eq: sympy.Basic) -> str:
    tex = latex(eq)
    rel = _RELATIONS.get(type(eq))
    if visual_len(tex) <= LINE_WIDTH or rel is None:
        return "\\[\n" + tex + "\n\\]"
    left = _split_factors(eq.lhs) or [latex(eq.lhs)]
    right = _split_factors(eq.rhs) or [latex(eq.rhs)]
    lines: list[str] = [""]
    for piece in [*left[:-1], left[-1] + " " + rel, *right]:
        if lines[-1] and visual_len(lines[-1] + " " + piece) > LINE_WIDTH:
            lines.append(piece)
        else:
            lines[-1] = (lines[-1] + " " + piece).strip()
    if len(lines) == 1:
        return "\\[\n" + tex + "\n\\]"
    return "\\begin{multline*}\n" + " \\\\\n".join(lines) + "\n\\end{multline*}"


def _step_latex(n: int, step: Step) -> list[str]:
    out = [r"\paragraph{Step %d.} %s" % (n, _prose(step.statement, "latex"))]
    if step.equation is not None:
        out.append(_display_latex(step.equation))
    out.append(r"\emph{Justification:} " + escape_latex(step.justification + _tag(step)) + "\n")
    return out


def latex_sections(doc: Document) -> list[str]:
    """The body of the LaTeX document (no preamble)."""
    out: list[str] = []
    if doc.introduction:
        out.append(_prose(doc.introduction, "latex") + "\n")
    n = 0
    for sec in doc.sections:
        out.append(r"\section{%s}" % escape_latex(sec.title))
        if sec.prose:
            out.append(_prose(sec.prose, "latex") + "\n")
        for step in sec.steps:
            n += 1
            out.extend(_step_latex(n, step))
        if sec.closing:
            out.append(_prose(sec.closing, "latex") + "\n")
    for note in doc.notes:
        out.append(r"\noindent\emph{Note:} " + _prose(note, "latex") + "\n")
    return out


def to_latex(doc: Document) -> str:
    """A standalone LaTeX document (``pdflatex -halt-on-error`` compiles it)."""
    head = [
        _PREAMBLE,
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


# -- Markdown ---------------------------------------------------------------------------
def to_markdown(doc: Document) -> str:
    """GitHub Markdown with ``$...$`` and ``$$`` math."""
    out = [f"# {escape_markdown(doc.title)}", ""]
    if doc.introduction:
        out += [_prose(doc.introduction, "markdown"), ""]
    n = 0
    for i, sec in enumerate(doc.sections, 1):
        out += [f"## {i}. {escape_markdown(sec.title)}", ""]
        if sec.prose:
            out += [_prose(sec.prose, "markdown"), ""]
        for step in sec.steps:
            n += 1
            out += [f"**Step {n}.** {_prose(step.statement, 'markdown')}", ""]
            if step.equation is not None:
                out += ["$$", latex(step.equation), "$$", ""]
            out += [f"*Justification:* {escape_markdown(step.justification + _tag(step))}", ""]
        if sec.closing:
            out += [_prose(sec.closing, "markdown"), ""]
    for note in doc.notes:
        out += [f"*Note:* {_prose(note, 'markdown')}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# -- plain text -------------------------------------------------------------------------
def to_text(doc: Document) -> str:
    """Plain text: prose, SymPy-parsable equations (``a = b``) and justifications."""
    out = [doc.title, "=" * len(doc.title), ""]
    if doc.introduction:
        out += [_prose(doc.introduction, "text"), ""]
    n = 0
    for i, sec in enumerate(doc.sections, 1):
        head = f"{i}. {sec.title}"
        out += [head, "-" * len(head), ""]
        if sec.prose:
            out += [_prose(sec.prose, "text"), ""]
        for step in sec.steps:
            n += 1
            out.append(f"Step {n}. {_prose(step.statement, 'text')}")
            if step.equation is not None:
                out.append("    " + text(step.equation))
            out += [f"    by: {step.justification}{_tag(step)}", ""]
        if sec.closing:
            out += [_prose(sec.closing, "text"), ""]
    for note in doc.notes:
        out += [f"Note: {_prose(note, 'text')}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML (Jupyter) ---------------------------------------------------------------------
def to_html(doc: Document) -> str:
    """HTML with MathJax delimiters, for Jupyter's ``_repr_html_``."""
    out = [f"<h2>{html.escape(doc.title)}</h2>"]
    if doc.introduction:
        out.append(f"<p>{_prose(doc.introduction, 'html')}</p>")
    n = 0
    for i, sec in enumerate(doc.sections, 1):
        out.append(f"<h3>{i}. {html.escape(sec.title)}</h3>")
        if sec.prose:
            out.append(f"<p>{_prose(sec.prose, 'html')}</p>")
        for step in sec.steps:
            n += 1
            out.append(f"<p><b>Step {n}.</b> {_prose(step.statement, 'html')}</p>")
            if step.equation is not None:
                out.append(r"<p>\[" + html.escape(latex(step.equation)) + r"\]</p>")
            out.append(f"<p><i>Justification:</i> {html.escape(step.justification + _tag(step))}"
                       "</p>")
        if sec.closing:
            out.append(f"<p>{_prose(sec.closing, 'html')}</p>")
    for note in doc.notes:
        out.append(f"<p><i>Note:</i> {_prose(note, 'html')}</p>")
    return "\n".join(out) + "\n"
