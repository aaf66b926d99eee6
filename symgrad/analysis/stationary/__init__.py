"""Stationary points and their classification, exact or certified.

>>> from symgrad.analysis.stationary import analyse
>>> [p.verdict.cls for p in analyse("x**3").points]
['no extremum']
"""

from __future__ import annotations

from symgrad.analysis.stationary.analyse import analyse, exact_sign
from symgrad.analysis.stationary.model import (
    CLASSES,
    Analysis,
    Family,
    Piece,
    StationaryPoint,
    Verdict,
    parse_box,
)

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
]
