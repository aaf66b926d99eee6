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

from symgrad.analysis.stationary.analyse import analyse
from symgrad.analysis.stationary.model import (
    CLASSES,
    Analysis,
    Family,
    Piece,
    StationaryPoint,
    Verdict,
    parse_box,
)
from symgrad.analysis.stationary.render import verdict_rows
from symgrad.analysis.stationary.signs import exact_sign

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
