"""The numeric sections: formats against the truth, and the depth scan with its plot."""

from __future__ import annotations

from .model import Context, Section
from .optional import load

__all__ = ["formats_section", "scan_section"]


def formats_section(ctx: Context) -> Section:
    sec = Section("formats", "Floating-point formats against the truth")
    mod, missing = load("symgrad.precision", what="the formats table")
    if mod is None:
        sec.left_out.append(missing)
    return sec


def scan_section(ctx: Context) -> Section:
    sec = Section("scan", "Depth scan")
    mod, missing = load("symgrad.precision", what="the depth scan")
    if mod is None:
        sec.left_out.append(missing)
    return sec
