"""Optional heavy dependencies: import one where it is used, or say which extra installs it.

symgrad's own dependencies (SymPy, numpy, mpmath, python-flint, ml_dtypes) are always
installed.  The heavy ones are extras: ``jax``, ``torch``, ``plot`` (matplotlib) and
``progress`` (rich).  Code that needs one calls :func:`require` at the point of use (never at
module import), which returns the module or raises the one-line
:class:`~symgrad.base.errors.MissingExtraError` naming the extra to install; the CLI prints it
as ``symgrad: error: ...`` with exit status 2.

>>> require("json", "none").__name__
'json'
>>> require("symgrad_no_such_module", "plot")
Traceback (most recent call last):
...
symgrad.base.errors.MissingExtraError: optional dependency 'symgrad_no_such_module' is not \
installed (install it with: pip install 'symgrad[plot]')
>>> available("symgrad_no_such_module")
False
"""

from __future__ import annotations

import importlib
from types import ModuleType

from symgrad.base.errors import MissingExtraError

__all__ = ["EXTRAS", "available", "extra_of", "require"]

#: top-level package -> the extra of symgrad that installs it (``pip install 'symgrad[X]'``)
EXTRAS: dict[str, str] = {
    "matplotlib": "plot",
    "jax": "jax",
    "jaxlib": "jax",
    "torch": "torch",
    "rich": "progress",
    "symengine": "symengine",
    "dask": "sweep",
    "distributed": "sweep",
    "pyarrow": "sweep",
}


def extra_of(module: str) -> str | None:
    """The extra that installs ``module`` (a dotted name), or ``None`` if it is no extra's.

    >>> extra_of("matplotlib.figure"), extra_of("numpy")
    ('plot', None)
    """
    return EXTRAS.get(module.split(".")[0])


def require(module: str, extra: str | None = None) -> ModuleType:
    """Import ``module`` (dotted), or raise :class:`MissingExtraError` naming ``extra``.

    ``extra`` defaults to the one :data:`EXTRAS` lists for the module's package.  Any
    ``ImportError`` counts as missing: a framework whose native part does not load
    (e.g. a jaxlib built for another CPU) is as unusable as an absent one.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise MissingExtraError(top, extra or EXTRAS.get(top, top)) from None


def available(module: str) -> bool:
    """True when ``module`` can be imported (it is imported, so this costs its import time)."""
    try:
        require(module)
    except MissingExtraError:
        return False
    return True
