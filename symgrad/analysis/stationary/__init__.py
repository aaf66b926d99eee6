"""Stationary points and their classification, exact or certified.

The package is a router (:mod:`.analyse`: an ordered table of paths), builders
(:mod:`.builders`, :mod:`.smooth`, :mod:`.nonsmooth`, :mod:`.clarke`) and rule
tables (:mod:`.rules`, :mod:`.kink_rules`); the deep chain's own landscape is
:mod:`.chain` (closed forms) and :mod:`.landscape` (its certified Hessian).

>>> from symgrad.analysis.stationary import analyse
>>> [p.verdict.cls for p in analyse("x**3").points]
['no extremum']
"""

from __future__ import annotations

import importlib

#: the package's names, each imported from its module on first use, so that importing
#: one module of the package (e.g. :mod:`.enclosures`, python-flint only) loads no SymPy
_LAZY = {
    "analyse": "analyse",
    **dict.fromkeys(("CLASSES", "Analysis", "Family", "Piece", "StationaryPoint", "Verdict",
                     "parse_box"), "model"),
    "verdict_rows": "render",
    "exact_sign": "signs",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CLASSES",
    "Analysis",
    "Family",
    "Piece",
    "StationaryPoint",
    "Verdict",
    "analyse",
    "exact_sign",
    "parse_box",
    "verdict_rows",
]
