"""Layer 0, base: what every layer may use (errors with a hint, atomic file writes, Ctrl-C).

Standard library only.  Nothing here knows about chains, numbers or SymPy.
"""

__all__: list[str] = []
