"""Layer 3, presentation: LaTeX, MathML and HTML printing, number text, plots, Jupyter display.

It turns core expressions and numeric values into text; it decides nothing.
It may import the base, core and numeric layers, never analysis or interfaces.
"""

__all__: list[str] = []
