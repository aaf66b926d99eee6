"""LaTeX, Markdown and plain-text printing of symgrad's SymPy expressions.

>>> import sympy
>>> latex(sympy.Derivative(sympy.Symbol("F"), sympy.Symbol("w1")))
'\\\\frac{\\\\partial F}{\\\\partial w_{1}}'
"""

from __future__ import annotations

from .printer import (
    SETTINGS,
    SymgradLatexPrinter,
    SymgradStrPrinter,
    latex,
    markdown,
    power_of_ten,
    text,
)

__all__ = [
    "SETTINGS",
    "SymgradLatexPrinter",
    "SymgradStrPrinter",
    "latex",
    "markdown",
    "power_of_ten",
    "text",
]
