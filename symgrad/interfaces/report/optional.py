"""Optional parts of the report: import them, or say what is left out and how to add it.

A section that needs an optional extra (matplotlib, jax, torch) or a part of
symgrad that this installation lacks calls :func:`load`; on a missing module it
gets a :class:`~symgrad.interfaces.report.model.LeftOut` naming the install command
instead of an exception, and the report still writes everything else.  Only a
*missing module* is turned into a note; any other error propagates.

>>> mod, missing = load("json", what="the demo")
>>> mod.__name__, missing
('json', None)
>>> mod, missing = load("symgrad_no_such_module", what="the demo")
>>> mod is None, missing.what
(True, 'the demo')
"""

from __future__ import annotations

import importlib
from types import ModuleType

from symgrad.base.errors import MissingExtraError
from symgrad.interfaces.report.model import LeftOut

__all__ = ["EXTRAS", "from_missing_extra", "left_out_for", "load"]

#: top-level package -> (pip extra of symgrad, or None, and the install command)
EXTRAS: dict[str, tuple[str | None, str]] = {
    "matplotlib": ("plot", "pip install 'symgrad[plot]'"),
    "jax": ("jax", "pip install 'symgrad[jax]'"),
    "jaxlib": ("jax", "pip install 'symgrad[jax]'"),
    "torch": ("torch", "pip install 'symgrad[torch]'"),
    "rich": ("progress", "pip install 'symgrad[progress]'"),
    "flint": (None, "pip install python-flint"),
    "ml_dtypes": (None, "pip install ml_dtypes"),
    "numpy": (None, "pip install numpy"),
}


def left_out_for(missing: str, what: str) -> LeftOut:
    """The note for a missing top-level module ``missing``."""
    top = missing.split(".")[0]
    if top in EXTRAS:
        return LeftOut(what, f"the optional package '{top}' is not installed", EXTRAS[top][1])
    if top == "symgrad":
        return LeftOut(what, f"this symgrad installation has no module {missing}",
                       "install the current symgrad: pip install -U symgrad")
    return LeftOut(what, f"the package '{top}' is not installed", f"pip install {top}")


def from_missing_extra(exc: MissingExtraError, what: str) -> LeftOut:
    """The note for a :class:`~symgrad.base.errors.MissingExtraError` raised by another module."""
    return LeftOut(what, f"the optional package '{exc.package}' is not installed",
                   f"pip install 'symgrad[{exc.extra}]'")


def load(name: str, *, what: str) -> tuple[ModuleType | None, LeftOut | None]:
    """Import ``name``; on a missing module return ``(None, LeftOut)``."""
    try:
        return importlib.import_module(name), None
    except ModuleNotFoundError as exc:
        missing = exc.name or name
        return None, left_out_for(missing, what)
    except MissingExtraError as exc:
        return None, from_missing_extra(exc, what)
