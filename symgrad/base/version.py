"""symgrad's version string, in the base layer so every layer may print it.

>>> __version__.count(".")
2
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
