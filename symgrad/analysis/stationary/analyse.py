"""Find and classify every stationary point of an expression (``symgrad classify``).

:func:`analyse` validates its input, then tries :data:`PATHS` in order; the
first path whose predicate holds and whose runner returns a result decides
(the path is reported in :attr:`Analysis.path`):

1. several variables with Max/Min/Abs: :func:`.clarke.analyse_nonsmooth_multi`
   (Clarke subdifferential over the selections of the Max/Min arguments);
2. one variable with Max/Min/Abs: :func:`.nonsmooth.analyse_nonsmooth`;
3. polynomials (at most 6 variables) beyond the exact budget: the critical set
   decomposed exactly (:func:`.critical_sets.run_critical_sets`: factorisation,
   Groebner bases, a class per component), when it has a positive-dimensional part;
4. polynomials within the exact budget (:func:`.solve.exact_eligible`):
   :func:`.smooth.run_exact` -- exact points, exact inertia, higher-order tests;
5. everything else: :func:`.smooth.run_numeric` in the search box (required),
   with Krawczyk-certified roots and certified eigenvalue enclosures.

>>> a = analyse("x**4 + y**4")
>>> [(p.coords, p.verdict.label) for p in a.points]
[(('0', '0'), 'local minimum (strict)')]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy

from symgrad.analysis.stationary import critical_sets
from symgrad.analysis.stationary.budget import EXACT_TIME_BUDGET, run_with_budget
from symgrad.analysis.stationary.clarke import analyse_nonsmooth_multi
from symgrad.analysis.stationary.model import Analysis, parse_box
from symgrad.analysis.stationary.nonsmooth import analyse_nonsmooth
from symgrad.analysis.stationary.numeric import DEFAULT_STARTS
from symgrad.analysis.stationary.request import Request
from symgrad.analysis.stationary.smooth import run_exact, run_numeric
from symgrad.base.errors import InputError, LimitError
from symgrad.core.activations import ACTIVATIONS
from symgrad.core.parsing import parse_expression, parse_variables

__all__ = ["MAX_DIGITS", "PATHS", "analyse"]

MAX_DIGITS = 1000


def _nonsmooth(req: Request) -> bool:
    kinked = (a.func for a in ACTIVATIONS.values() if a.kink_order is not None)
    return req.expr.has(sympy.Max, sympy.Min, sympy.Abs, *kinked)


def _run_nonsmooth_multi(req: Request) -> Analysis:
    done, res = run_with_budget(
        lambda: analyse_nonsmooth_multi(req.expr, req.variables, box=req.box,
                                        digits=req.digits), (),
        seconds=req.time_budget)
    if not done:
        raise LimitError(f"the non-smooth analysis did not finish within the time "
                           f"budget of {req.time_budget:g} s",
                           hint="use fewer Max/Min/Abs terms or raise --time-budget")
    return res


def _run_nonsmooth_1d(req: Request) -> Analysis:
    return analyse_nonsmooth(req.expr, req.variables[0], box=req.box, digits=req.digits)


#: (predicate, runner) in order; a runner may decline with None (the next path is tried)
PATHS: tuple[tuple[Callable[[Request], bool], Callable[[Request], Analysis | None]], ...] = (
    (lambda r: _nonsmooth(r) and len(r.variables) != 1, _run_nonsmooth_multi),
    (lambda r: _nonsmooth(r) and len(r.variables) == 1, _run_nonsmooth_1d),
    (critical_sets.applies, critical_sets.run_critical_sets),
    (lambda r: r.method != "numeric", run_exact),
    (lambda r: True, run_numeric),
)


def _request(expr, variables, box, digits, method, starts, time_budget) -> Request:
    """Validate and parse the arguments of :func:`analyse`."""
    if not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise InputError(f"--digits must be in 1..{MAX_DIGITS}, got {digits}")
    if method not in ("auto", "exact", "numeric"):
        raise InputError(f"unknown method '{method}'", hint="auto, exact or numeric")
    syms = None if variables is None else parse_variables(variables)
    if isinstance(expr, str):
        expr = parse_expression(expr, variables=None if syms is None else [str(s) for s in syms])
    if syms is None:
        syms = tuple(sorted(expr.free_symbols, key=str))
    if not syms:
        raise InputError("the expression has no variables", hint="e.g. 'x**2 + y**2'")
    extra = expr.free_symbols - set(syms)
    if extra:
        raise InputError(f"unknown variable '{sorted(map(str, extra))[0]}'",
                           hint="list every variable in --vars")
    names = [str(s) for s in syms]
    bx = box if isinstance(box, dict) or box is None else parse_box(box, names)
    return Request(expr, tuple(syms), bx, digits, method, starts, time_budget)


def analyse(expr: str | sympy.Expr, variables: Sequence[str] | str | None = None, *,
            box: str | dict | None = None, digits: int = 20, method: str = "auto",
            starts: int = DEFAULT_STARTS,
            time_budget: float = EXACT_TIME_BUDGET) -> Analysis:
    """Stationary points of ``expr`` with their classes (see module doc).

    The exact solver gets ``time_budget`` seconds (:mod:`.budget`); past that the
    numeric path is taken (it needs ``box``) and the result says why.
    """
    req = _request(expr, variables, box, digits, method, starts, time_budget)
    for applies, run in PATHS:
        if applies(req):
            res = run(req)
            if res is not None:
                return res
    raise AssertionError("the numeric path always applies")  # pragma: no cover
