"""LaTeX of ``symgrad hessian``: large matrices shown entry by entry or in column blocks.

A Hessian does not fit a page as one matrix (at depth 3 the symbolic one is a
7,657-character line).  :func:`hessian_latex` therefore writes

* the symbolic Hessian (when the analysis has it) entry by entry, ``H_{i,j} = ...``
  for ``i <= j`` (it is symmetric), each entry broken over lines by
  :func:`symgrad.interfaces.documents.latex_layout.display_latex`;
* the certified numeric Hessian as a matrix when it fits a line, else in blocks of
  as many columns as fit, else (long numbers) entry by entry with the digits
  spread over lines;
* the class of the point, in words.

Formulas are printed by :mod:`symgrad.present.latex`; numbers are the analysis'
decimal strings (``1.5e-7`` is set as ``1.5 \\cdot 10^{-7}``, ``0 ± 2e-30`` as
``0 \\pm 2 \\cdot 10^{-30}``).  The output is a standalone document, or with
``fragment=True`` a body to ``\\input`` into a document that loads amsmath.

>>> number_lines("1.5e-7")
['1.5 \\\\cdot 10^{-7}']
>>> number_lines("-1.2345678e3", width=6)
['-1.23456', '78 \\\\cdot 10^{3}']
"""

from __future__ import annotations

import re

import sympy

from symgrad.interfaces.documents.latex_layout import (
    DISPLAY_WIDTH,
    display_latex,
    display_lines,
    escape_latex,
    preamble,
)
from symgrad.interfaces.documents.words import chain_words
from symgrad.present.latex import latex

__all__ = ["hessian_latex", "number_lines", "number_width", "numeric_blocks"]

_NUM = re.compile(r"^([-+]?)([0-9.]+)(?:e([-+]?[0-9]+))?$")
#: visible width of a digit relative to the width unit of the layout (digits are narrow)
DIGIT = 0.8
H = sympy.IndexedBase("H")


def _parts(entry: str) -> tuple[str, str, str | None]:
    """(sign, mantissa digits, exponent text or None) of a decimal string."""
    m = _NUM.match(entry.strip())
    if m is None:
        raise ValueError(f"not a decimal string: {entry!r}")
    exp = m.group(3)
    if exp is not None:
        neg, digits = exp[:1] == "-", exp.lstrip("+-").lstrip("0") or "0"
        exp = ("-" if neg and digits != "0" else "") + digits
    return m.group(1), m.group(2), exp


def number_lines(entry: str, width: float = DISPLAY_WIDTH) -> list[str]:
    """A decimal string from the analysis as LaTeX lines of at most ``width`` units (the
    mantissa's digits spread over lines when it is long); ``0 ± r`` is kept as such."""
    if " ± " in entry:  # an enclosure: midpoint ± radius
        mid, rad = entry.split(" ± ", 1)
        return [*number_lines(mid, width)[:-1], number_lines(mid, width)[-1] + r" \pm "
                + number_lines(rad, width)[0]]
    sign, digits, exp = _parts(entry)
    tail = "" if exp is None else rf" \cdot 10^{{{exp}}}"
    per_line = max(8, int(width / DIGIT))
    text = sign + digits
    lines = [text[i:i + per_line] for i in range(0, len(text), per_line)]
    lines[-1] += tail
    return lines


def number_width(entry: str) -> float:
    """Width of :func:`number_lines`'s one-line form, in layout units.

    >>> number_width("-2.5e-1")
    9.4
    """
    if " ± " in entry:
        mid, rad = entry.split(" ± ", 1)
        return round(number_width(mid) + 3 + number_width(rad), 6)
    sign, digits, exp = _parts(entry)
    return round(len(sign) + DIGIT * len(digits) + (0 if exp is None else 4 + len(exp)), 6)


def numeric_blocks(rows: list[list[str]], width: float = DISPLAY_WIDTH) -> list[tuple[int, int]]:
    """Column ranges ``(first, last)`` (0-based, inclusive) of the blocks that fit ``width``;
    empty when a single column is too wide (then the entries are listed one by one).

    >>> numeric_blocks([["1", "2", "3"]] * 3, width=10)
    [(0, 1), (2, 2)]
    """
    n = len(rows[0]) if rows else 0
    col = [max(number_width(r[j]) for r in rows) + 2 for j in range(n)]
    blocks: list[tuple[int, int]] = []
    start, used = 0, 4.0  # the brackets
    for j in range(n):
        if col[j] + 4 > width:
            return []
        if used + col[j] > width:
            blocks.append((start, j - 1))
            start, used = j, 4.0
        used += col[j]
    if n:
        blocks.append((start, n - 1))
    return blocks


def _matrix(rows: list[list[str]], first: int, last: int) -> str:
    body = " \\\\\n".join(" & ".join(number_lines(r[j])[0] for j in range(first, last + 1))
                          for r in rows)
    return "\\[\n\\begin{pmatrix}\n" + body + "\n\\end{pmatrix}\n\\]"


def _numeric(res) -> list[str]:
    rows = res.hessian_text
    n = len(rows)
    head = (f"The Hessian at the point, every entry correctly rounded to {res.digits} "
            "significant digits")
    blocks = numeric_blocks(rows)
    if len(blocks) == 1:
        return [head + ":", _matrix(rows, 0, n - 1)]
    if blocks:
        out = [head + ", in blocks of columns that fit the page."]
        for first, last in blocks:
            cols = (f"Column {first + 1}:" if first == last else
                    f"Columns {first + 1} to {last + 1}:")
            out += [cols, _matrix(rows, first, last)]
        return out
    out = [head + ", entry by entry (the matrix is symmetric)."]
    for i in range(n):
        for j in range(i, n):
            lines = number_lines(rows[i][j], DISPLAY_WIDTH - 10)
            out.append(display_lines([latex(H[i + 1, j + 1]) + r" \approx " + lines[0],
                                      *lines[1:]]))
    return out


def _eigenvalues(res) -> list[str]:
    """The certified eigenvalue enclosures, one per line (none when they were skipped)."""
    if not res.eigenvalues:
        return []
    out = ["Certified enclosures of the eigenvalues (midpoint and radius):"]
    lam = sympy.IndexedBase("lambda")
    for i, value in enumerate(res.eigenvalues, 1):
        lines = number_lines(value, DISPLAY_WIDTH - 10)
        out.append(display_lines([latex(lam[i]) + r" \in " + lines[0], *lines[1:]]))
    return [*out, ""]


def _symbolic(matrix: sympy.Matrix) -> list[str]:
    out = ["The Hessian in the weights, entry by entry (it is symmetric, so only the entries "
           "on and above the diagonal are written):"]
    for i in range(matrix.rows):
        for j in range(i, matrix.cols):
            out.append(display_latex(sympy.Eq(H[i + 1, j + 1], matrix[i, j], evaluate=False)))
    return out


def hessian_latex(res, *, fragment: bool = False) -> str:
    """The LaTeX of a :class:`~symgrad.analysis.stationary.landscape.ChainHessian`: a
    standalone document, or with ``fragment=True`` its body alone."""
    title = f"The Hessian of the {chain_words(res.chain)}"
    body = [f"The {chain_words(res.chain)}; the point has {len(res.weights)} weights.", ""]
    if res.symbolic is not None:
        body += [*_symbolic(res.symbolic), ""]
    body += [*_numeric(res), "", *_eigenvalues(res),
             "Class of the point: " + escape_latex(res.verdict.label) + "."]
    if fragment:
        head = [f"% {title}", "% A LaTeX fragment generated by symgrad: \\input it into a "
                "document that loads amsmath.", ""]
        return "\n".join(head + body) + "\n"
    return "\n".join([preamble(), r"\begin{document}", r"\section*{%s}" % escape_latex(title),
                      *body, r"\end{document}", ""])
