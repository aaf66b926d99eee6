"""Stationary points and their classification, exact or certified.

>>> from symgrad.stationary import analyse
>>> [p.verdict.cls for p in analyse("x**3").points]
['no extremum']
"""

from __future__ import annotations

from .analyse import analyse, exact_sign
from .model import CLASSES, Analysis, Family, Piece, StationaryPoint, Verdict, parse_box

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
