"""Notebook rendering shared by symgrad's result objects (``_repr_html_``, ``_repr_latex_``).

Jupyter shows an object through its ``_repr_html_``/``_repr_latex_`` methods,
the way it shows SymPy expressions.  The result classes call the helpers here
from inside those methods (imported there, so importing symgrad costs nothing
extra).  Everything is built with the report's escaping HTML helpers
(:mod:`symgrad.present.html`), its MathML printer (:mod:`symgrad.present.mathml`,
rendered by the browser without JavaScript) and :func:`symgrad.present.latex.latex`;
all of them import only the standard library and SymPy, so the symbolic core
may use this module.  Long lists are cut to their first and last rows.

>>> html_table(["k", "equal"], [["1", "yes"], None, ["9", "a<b"]])
'<table><thead><tr><th>k</th><th>equal</th></tr></thead><tbody><tr><td>1</td><td>yes</td></tr><tr><td>\u22ef</td><td></td></tr><tr><td>9</td><td>a&lt;b</td></tr></tbody></table>'
>>> elide(list(range(7)), limit=4)
[0, 1, None, 5, 6]
>>> import sympy
>>> latex_display(sympy.Symbol("w1") / 4)
'$\\\\displaystyle \\\\frac{w_{1}}{4}$'
"""

from __future__ import annotations

import sympy

from symgrad.present.html import esc, verdict_badge
from symgrad.present.latex import latex
from symgrad.present.mathml import to_mathml
from symgrad.present.summary import expr_text, huge_integers, nodes
from symgrad.present.tables import GAP, MAX_ROWS, elide, html_table

#: an expression with more nodes than this is described, not typeset, in a notebook
MATH_NODES = 5000

__all__ = [
    "GAP",
    "MATH_NODES",
    "MAX_ROWS",
    "elide",
    "esc",
    "html_block",
    "html_table",
    "latex_display",
    "math_html",
    "too_large",
    "verdict_badge",
]

def html_block(title: str, *parts_html: str) -> str:
    """A ``<div>`` with an escaped bold title and trusted HTML parts (built by symgrad)."""
    return f"<div><p><b>{esc(title)}</b></p>{''.join(parts_html)}</div>"


def too_large(expr: sympy.Basic) -> bool:
    """More nodes than a notebook cell should typeset (counting stops early), or an integer
    too long to print."""
    return nodes(expr, MATH_NODES) > MATH_NODES or huge_integers(expr)


def math_html(expr: sympy.Basic) -> str:
    """``expr`` as display MathML (no script, no network); an expression of more than
    :data:`MATH_NODES` nodes is described in words instead (the object holds it whole)."""
    if too_large(expr):
        return f"<p>{esc(expr_text(expr))}</p>"
    return to_mathml(expr, display="block")


def latex_display(expr: sympy.Basic) -> str:
    """``$\\displaystyle ...$`` of ``expr`` with symgrad's LaTeX printer (a description
    in words above :data:`MATH_NODES` nodes)."""
    if too_large(expr):
        return "$\\text{%s}$" % expr_text(expr).replace("$", "")
    return f"$\\displaystyle {latex(expr)}$"
