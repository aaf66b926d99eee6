"""symgrad's Python API: one function per command, with the command line's vocabulary.

Each function takes Python values (numbers of any exact or float type, see
:mod:`symgrad.numeric.inputs`) and returns a result object (:class:`Result`) with
``to_json()`` (the document ``--format json`` prints), ``render(format)`` and Jupyter
reprs.  The functions are re-exported by the top-level :mod:`symgrad` package.
"""

from symgrad.interfaces.api.result import Result

__all__ = ["Result"]
