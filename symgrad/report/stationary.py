"""The stationary-point verdicts of the text's examples."""

from __future__ import annotations

from .model import Context, Section
from .optional import load

__all__ = ["stationary_section"]


def stationary_section(ctx: Context) -> Section:
    sec = Section("stationary", "Stationary points")
    mod, missing = load("symgrad.stationary", what="the stationary-point verdicts")
    if mod is None:
        sec.left_out.append(missing)
    return sec
