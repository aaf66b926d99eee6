"""LaTeX layout of documents: preamble, escaping, and long equations broken over lines.

Every formula is printed by :mod:`symgrad.present.latex`; this module only
arranges printed pieces.  An equation whose right-hand side is a long product
is set in ``multline*`` with the factors (each printed by the printer) spread
over lines of at most :data:`LINE_WIDTH` visible characters, so that nothing
runs off the page.

>>> import sympy
>>> display_latex(sympy.Symbol("x"))
'\\\\[\\nx\\n\\\\]'
"""

from __future__ import annotations

import re

import sympy
from sympy.printing.precedence import PRECEDENCE

from symgrad.present.latex import SymgradLatexPrinter, latex

__all__ = ["LINE_WIDTH", "display_latex", "escape_latex", "preamble", "split_factors",
           "visual_len"]

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


def split_factors(expr: sympy.Basic) -> list[str] | None:
    """The factors of a long product, each printed by the printer; None if not a plain one.

    >>> split_factors(2 * sympy.Symbol("a") * sympy.Symbol("b"))
    ['2', 'a', 'b']
    """
    if not isinstance(expr, sympy.Mul) or sympy.fraction(expr)[1] != 1:
        return None
    coeff, rest = expr.as_coeff_Mul()
    if coeff.is_negative:
        return None
    printer = SymgradLatexPrinter()
    pieces = [] if coeff == 1 else [printer.doprint(coeff)]
    factors = rest.as_ordered_factors()
    for n, f in enumerate(factors):
        last_product = isinstance(f, sympy.Product) and n == len(factors) - 1
        pieces.append(printer.doprint(f) if last_product
                      else printer.parenthesize(f, PRECEDENCE["Mul"]))
    return pieces


_RELATIONS = {sympy.Equality: "=", sympy.LessThan: r"\leq", sympy.GreaterThan: r"\geq",
              sympy.StrictLessThan: "<", sympy.StrictGreaterThan: ">"}


def display_latex(eq: sympy.Basic) -> str:
    """A displayed equation: ``\\[...\\]``, or ``multline*`` when it is too long for a line."""
    tex = latex(eq)
    rel = _RELATIONS.get(type(eq))
    if visual_len(tex) <= LINE_WIDTH or rel is None:
        return "\\[\n" + tex + "\n\\]"
    left = split_factors(eq.lhs) or [latex(eq.lhs)]
    right = split_factors(eq.rhs) or [latex(eq.rhs)]
    lines: list[str] = [""]
    for piece in [*left[:-1], left[-1] + " " + rel, *right]:
        if lines[-1] and visual_len(lines[-1] + " " + piece) > LINE_WIDTH:
            lines.append(piece)
        else:
            lines[-1] = (lines[-1] + " " + piece).strip()
    if len(lines) == 1:
        return "\\[\n" + tex + "\n\\]"
    return "\\begin{multline*}\n" + " \\\\\n".join(lines) + "\n\\end{multline*}"
