"""LaTeX layout of documents: preamble, escaping, and long equations broken over lines.

Every formula is printed by :mod:`symgrad.present.latex`; this module only
arranges printed pieces.  An equation too long for a line is set in
``multline*``: its sums are cut at their top-level signs and its products between
their factors (recursively, inside brackets too), each piece printed by the
printer, and the pieces are spread over lines of at most :data:`LINE_WIDTH`
visible characters, so that nothing runs off the page.

>>> import sympy
>>> display_latex(sympy.Symbol("x"))
'\\\\[\\nx\\n\\\\]'
"""

from __future__ import annotations

import re

import sympy

from symgrad.present.latex import SymgradLatexPrinter, latex

__all__ = ["DISPLAY_WIDTH", "LINE_WIDTH", "display_latex", "display_lines", "display_width",
           "equation_lines", "escape_latex", "fits", "formula_pieces", "pack_lines", "preamble",
           "visual_len"]

#: approximate number of visible math characters per displayed line in the PDF
LINE_WIDTH = 72
#: the width (in :func:`display_width` units) of a displayed line of the documents: a
#: line this wide fits the 16 cm text width of :func:`preamble` (checked by pdflatex in
#: tests/test_latex_fit.py)
DISPLAY_WIDTH = 66

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


_COMMAND = re.compile(r"\\(left|right)(?![a-zA-Z])|\\[a-zA-Z]+|[{}_^ ]")
_WORDS = {"tanh", "sinh", "cosh", "exp", "log", "sin", "cos", "lim", "max", "min", "prod"}


def _shown(match: re.Match) -> str:
    token = match.group(0)
    if match.group(1) or len(token) == 1 or token == r"\operatorname":
        return ""
    return "x" * (len(token) - 1 if token[1:] in _WORDS else 1)


def visual_len(tex: str) -> int:
    """Rough count of the characters a formula shows (most commands count as one).

    >>> visual_len(r"\\sigma{\\left(x \\right)}")
    4
    """
    return len(_COMMAND.sub(_shown, tex))


_OPERATORS = re.compile(r"(?<![{(^_])[-+=<>]|\\(?:leq|geq|le|ge|pm|cdot)(?![a-zA-Z])")


def display_width(tex: str) -> int:
    """:func:`visual_len` plus one character for each binary operator and relation (TeX
    sets spaces around them): the width measure of the line breaking.

    >>> display_width("a + b"), visual_len("a + b")
    (4, 3)
    """
    return visual_len(tex) + len(_OPERATORS.findall(tex))


def _prefixed(head: str, pieces: list[str]) -> list[str]:
    return [head + pieces[0], *pieces[1:]] if head else pieces


def formula_pieces(expr: sympy.Basic, width: int = DISPLAY_WIDTH,
                   printer: SymgradLatexPrinter | None = None) -> list[str]:
    """``expr`` printed in pieces that each fit ``width`` visible characters where the
    formula allows: a sum at its top-level ``+``/``-``, a product between its factors, a
    bracketed sum inside its brackets (``\\bigl(`` ... ``\\bigr)``), recursively.  The
    pieces, joined by spaces, read as the formula; each is printed by the printer.

    >>> a, b, c = sympy.symbols("a b c")
    >>> formula_pieces(2 * a * (b + c), width=2)
    ['2', 'a', '\\\\bigl(b', '+ c\\\\bigr)']
    """
    printer = printer or SymgradLatexPrinter()
    tex = printer.doprint(expr)
    if display_width(tex) <= width:
        return [tex]
    if isinstance(expr, sympy.Add):
        out: list[str] = []
        for sign, term, bracketed in printer.signed_terms(expr):
            out += _prefixed(sign, _maybe_bracketed(term, bracketed, width, printer))
        return out
    if isinstance(expr, sympy.Mul):
        sign, factors = printer.signed_factors(expr)
        if len(factors) > 1 or factors[0][1]:
            out = []
            for factor, bracketed in factors:
                out += _maybe_bracketed(factor, bracketed, width, printer)
            return _prefixed(sign, out)
    return [tex]


def _maybe_bracketed(expr, bracketed: bool, width: int, printer) -> list[str]:
    if not bracketed:
        return formula_pieces(expr, width, printer)
    inner = formula_pieces(expr, width, printer)
    if len(inner) == 1:
        return [r"\left(" + inner[0] + r"\right)"]
    return [r"\bigl(" + inner[0], *inner[1:-1], inner[-1] + r"\bigr)"]


def pack_lines(pieces: list[str], width: int = DISPLAY_WIDTH) -> list[str]:
    """Pieces joined into as few lines of at most ``width`` visible characters as a
    greedy fill gives (a piece longer than a line gets a line of its own).

    >>> pack_lines(["a", "+ b", "+ c"], width=4)
    ['a + b', '+ c']
    """
    lines: list[str] = []
    for piece in pieces:
        if lines and display_width(lines[-1] + " " + piece) <= width:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines


_RELATIONS = {sympy.Equality: "=", sympy.LessThan: r"\leq", sympy.GreaterThan: r"\geq",
              sympy.StrictLessThan: "<", sympy.StrictGreaterThan: ">"}


def equation_lines(eq: sympy.Basic, width: int = DISPLAY_WIDTH) -> list[str]:
    """The lines of a displayed formula: one line when it fits, else the pieces of
    :func:`formula_pieces` (both sides of a relation) packed by :func:`pack_lines`.

    >>> x = sympy.Symbol("x")
    >>> equation_lines(sympy.Eq(x, x + 1, evaluate=False))
    ['x = x + 1']
    """
    tex = latex(eq)
    if display_width(tex) <= width:
        return [tex]
    printer = SymgradLatexPrinter()
    rel = _RELATIONS.get(type(eq))
    if rel is None:
        return pack_lines(formula_pieces(eq, width, printer), width)
    left = formula_pieces(eq.lhs, width, printer)
    right = formula_pieces(eq.rhs, width, printer)
    return pack_lines([*left[:-1], left[-1] + " " + rel, *right], width)


def display_lines(lines: list[str]) -> str:
    """``\\[...\\]`` for one line, ``multline*`` for several.

    >>> print(display_lines(["a +", "b"]))
    \\begin{multline*}
    a + \\\\
    b
    \\end{multline*}
    """
    if len(lines) == 1:
        return "\\[\n" + lines[0] + "\n\\]"
    return "\\begin{multline*}\n" + " \\\\\n".join(lines) + "\n\\end{multline*}"


def display_latex(eq: sympy.Basic, width: int = DISPLAY_WIDTH) -> str:
    """A displayed equation: ``\\[...\\]``, or ``multline*`` when it is too long for a line."""
    return display_lines(equation_lines(eq, width))


def fits(eq: sympy.Basic, width: int = DISPLAY_WIDTH) -> bool:
    """Whether every line of :func:`equation_lines` fits ``width`` (no piece too long).

    >>> fits(sympy.Symbol("x"))
    True
    """
    return all(display_width(line) <= width for line in equation_lines(eq, width))
