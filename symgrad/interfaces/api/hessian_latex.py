"""LaTeX of ``symgrad hessian``: the symbolic Hessian entry by entry, the certified matrix
in column blocks that fit the page, the class (the layout is
:mod:`symgrad.interfaces.documents.matrix_layout`).  Kept apart from
:mod:`symgrad.interfaces.api.hessian` so that the LaTeX rendering can change on its own.

>>> tex_number("1.5e-7"), tex_number("0 ± 2e-30")
('1.5 \\\\cdot 10^{-7}', '0 \\\\pm 2 \\\\cdot 10^{-30}')
"""

from __future__ import annotations

import re

from symgrad.interfaces.documents.matrix_layout import hessian_latex as _layout

__all__ = ["hessian_latex", "tex_number"]

_NUM = re.compile(r"^(-?[0-9.]+)e([-+]?[0-9]+)$")


def tex_number(entry: str) -> str:
    """A decimal string from the Hessian as LaTeX ('1.5e-7' -> 1.5 \\cdot 10^{-7})."""
    if entry.startswith("0 ±"):  # zero to within r
        return r"0 \pm " + tex_number(entry.split()[-1])
    m = _NUM.match(entry)
    if not m:
        return entry
    # the exponent's own text (no int(): exp(-1e9999) has a ~10,000-digit exponent)
    sign, digits = m.group(2)[:1] == "-", m.group(2).lstrip("+-").lstrip("0") or "0"
    return f"{m.group(1)} \\cdot 10^{{{'-' if sign and digits != '0' else ''}{digits}}}"


def hessian_latex(res, *, fragment: bool = False) -> str:
    """The LaTeX of a :class:`~symgrad.analysis.stationary.landscape.ChainHessian`: a
    standalone document, or with ``fragment=True`` a body to ``\\input`` into a paper."""
    return _layout(res, fragment=fragment)
