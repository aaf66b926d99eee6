"""The smooth paths: exact (polynomials within the exact budget) and numeric (a box).

* :func:`run_exact` -- exact points (:func:`.builders.exact_point`: exact
  inertia, higher-order tests) and families; declines (returns None, with the
  reason in the request) when the expression is not eligible or the solver
  runs out of time, unless ``method == "exact"``, which then fails;
* :func:`run_numeric` -- seeded Newton + Krawczyk-certified roots in the box,
  certified eigenvalue enclosures.

>>> import sympy
>>> from symgrad.analysis.stationary.request import Request
>>> x = sympy.Symbol("x", real=True)
>>> a = run_exact(Request(x**3 - 3*x, (x,), None, 5, "auto", 8, 10.0))
>>> [(p.exact, p.verdict.cls) for p in a.points]
[((-1,), 'local maximum'), ((1,), 'local minimum')]
"""

from __future__ import annotations

from symgrad.analysis.stationary.budget import run_with_budget
from symgrad.analysis.stationary.builders import exact_family, exact_point, in_box, numeric_points
from symgrad.analysis.stationary.decimals import decimal_value
from symgrad.analysis.stationary.model import Analysis
from symgrad.analysis.stationary.request import Request
from symgrad.analysis.stationary.solve import exact_eligible, solve_exact
from symgrad.base.errors import InputError

__all__ = ["run_exact", "run_numeric"]


def _finish(res: Analysis, digits: int) -> Analysis:
    res.points.sort(key=lambda p: [decimal_value(c) for c in p.coords])
    res.notes.append(f"decimals: {digits} significant digits, certified to within one unit in "
                     "the last place (arb)")
    return res


def _decline(req: Request, reason: str) -> None:
    """Record why the exact path is not taken; with ``--method exact`` that is an error."""
    if req.method == "exact":
        raise InputError(reason, hint="use --method numeric with --box")
    req.reason = reason


def run_exact(req: Request) -> Analysis | None:
    """The exact path, or None (see module doc)."""
    expr, syms, bx = req.expr, req.variables, req.box
    ok, reason = exact_eligible(expr, syms)
    if not ok:
        return _decline(req, f"no exact path: {reason}" if req.method == "exact" else reason)
    done, sol = run_with_budget(solve_exact, (expr, syms), seconds=req.time_budget)
    if not done:
        return _decline(req, f"the exact solver did not finish within the time budget of "
                             f"{req.time_budget:g} s")
    res = Analysis(expr, syms, req.gradient, req.hessian, f"exact: {sol.method}", req.digits, bx)
    res.notes.append(f"exact path: {reason}")
    for p in sol.points:
        if bx is not None and not in_box(p, req.names, bx):
            continue
        res.points.append(exact_point(expr, syms, req.hessian, p, req.digits))
    for fam in sol.families:
        res.families.append(exact_family(expr, syms, req.hessian, fam))
    for tup in sol.other_points:
        res.notes.append(f"further exact stationary point (not classified): {tup}")
    if bx is not None:
        res.notes.append("points outside the box are left out; families are not clipped")
    return _finish(res, req.digits)


def run_numeric(req: Request) -> Analysis:
    """The numeric path in the search box (required)."""
    if req.box is None:
        raise InputError(f"this expression needs the numeric path ({req.reason}), which "
                           "needs a search box", hint="pass --box lo,hi")
    res = Analysis(req.expr, req.variables, req.gradient, req.hessian,
                   "numeric: seeded Newton + Krawczyk", req.digits, req.box)
    res.notes.append(f"numeric path: {req.reason}; {req.starts} seeded Newton starts in the box "
                     "(the search is not exhaustive)")
    res.points.extend(numeric_points(req.expr, req.variables, req.gradient, req.hessian,
                                     req.box, req.digits, req.starts))
    return _finish(res, req.digits)
