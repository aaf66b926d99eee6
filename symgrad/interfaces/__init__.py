"""Layer 5, interfaces: documents (LaTeX/Markdown derivations), the HTML/PDF report and the CLI.

Each interface calls the library and writes; none computes results of its own.
"""

__all__: list[str] = []
