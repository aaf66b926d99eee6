"""The validated input of one analysis, shared by the paths of :func:`.analyse.analyse`.

>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> r = Request(x**2, (x,), None, 20, "auto", 8, 10.0)
>>> r.names, r.hessian
(['x'], Matrix([[2]]))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy

__all__ = ["Request"]


@dataclass
class Request:
    """expr in ``variables``, the search box, the digits, the method (auto, exact, numeric),
    the numeric starts and the exact solver's time budget.

    ``reason`` says why the exact path was not taken (set by the exact path when it
    declines)."""

    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    box: dict | None
    digits: int
    method: str
    starts: int
    time_budget: float
    reason: str = "--method numeric"

    @property
    def names(self) -> list[str]:
        return [str(s) for s in self.variables]

    @cached_property
    def gradient(self) -> tuple[sympy.Expr, ...]:
        return tuple(sympy.diff(self.expr, v) for v in self.variables)

    @cached_property
    def hessian(self) -> sympy.Matrix:
        return sympy.Matrix(self.gradient).jacobian(self.variables)
