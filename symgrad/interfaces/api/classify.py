"""``symgrad.classify``: the stationary points of an expression, found and classified.

The Python side of ``symgrad classify``.  ``expression`` is a string (read by symgrad's
allow-list parser, never ``eval``) or a SymPy expression; ``box`` the search box of the
numeric path: the command line's text (``"-2,2"``, ``"x=-2:2,y=0:1"``), a pair
``(lo, hi)`` for every variable, or a dict ``{name: (lo, hi)}`` (bounds are any exact or
float Python numbers, see :mod:`symgrad.numeric.inputs`).

>>> r = classify("x**2 - y**2")
>>> [p["verdict"]["class"] for p in r.to_json()["points"]]
['saddle']
>>> r.to_json()["points"][0]["eigenvalue_enclosures"][0]
{'mid': '-2.0000000000000000000e+0', 'rad': '0'}
>>> r
<ClassifyResult: f(x, y) = x**2 - y**2: 1 stationary point (saddle)>
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from symgrad.analysis.stationary.analyse import MAX_DIGITS, analyse
from symgrad.analysis.stationary.budget import EXACT_TIME_BUDGET
from symgrad.analysis.stationary.model import Analysis
from symgrad.analysis.stationary.numeric import DEFAULT_STARTS
from symgrad.analysis.stationary.render import render_latex, render_text
from symgrad.base.errors import InputError
from symgrad.interfaces.api.point import name_list, number_json, numbers_json, whole
from symgrad.interfaces.api.result import Result
from symgrad.numeric.inputs import exact_number

__all__ = ["ClassifyResult", "classify"]


def _ball(text: str) -> dict:
    value = number_json(text)
    return value if isinstance(value, dict) else {"mid": value, "rad": "0"}


def _point_json(d: dict) -> dict:
    """A point's ``as_dict`` with its certified numbers as decimal strings or balls."""
    out = dict(d)
    out["point"] = {k: number_json(v) for k, v in d["point"].items()}
    out["value"] = number_json(d["value"])
    if "hessian" in d:
        out["hessian"] = numbers_json(d["hessian"])
    if "eigenvalue_enclosures" in d:
        out["eigenvalue_enclosures"] = [_ball(e) for e in d["eigenvalue_enclosures"]]
    return out


@dataclass(frozen=True, repr=False)
class ClassifyResult(Result):
    """What :func:`classify` found: ``analysis`` (points, families, pieces, notes)."""

    SCHEMA = "symgrad.classify/1"
    FORMATS = ("text", "json", "latex")

    analysis: Analysis

    def json_body(self) -> dict:
        d = self.analysis.as_dict()
        d["points"] = [_point_json(p) for p in d["points"]]
        return d

    def to_text(self) -> str:
        return render_text(self.analysis)

    def to_latex(self) -> str:
        """An ``align*`` block: f, its gradient, its Hessian and one line per verdict."""
        return render_latex(self.analysis)

    def summary(self) -> str:
        a = self.analysis
        n, fams = len(a.points), len(a.families)
        classes = ", ".join(dict.fromkeys(p.verdict.label for p in a.points))
        what = f"{n} stationary point{'s' if n != 1 else ''}" + (f" ({classes})" if n else "")
        if fams:
            what += f", {fams} famil{'ies' if fams != 1 else 'y'}"
        return f"f({', '.join(a.names)}) = {a.expr}: {what}"

    def _repr_html_(self) -> str:
        return self.analysis._repr_html_()


def _bound_text(value: object) -> str:
    q = exact_number(value, what="box bound")
    return f"{q.numerator}/{q.denominator}" if q.denominator != 1 else str(q.numerator)


def _box_spec(box: object) -> str | None:
    """``box`` as the command line's text (parsed and checked by the analysis)."""
    if box is None or isinstance(box, str):
        return box
    if isinstance(box, Mapping):
        items = []
        for name, pair in box.items():
            lo, hi = _pair(pair)
            items.append(f"{name}={_bound_text(lo)}:{_bound_text(hi)}")
        return ",".join(items)
    lo, hi = _pair(box)
    return f"{_bound_text(lo)},{_bound_text(hi)}"


def _pair(pair: object) -> tuple[object, object]:
    try:
        lo, hi = pair  # type: ignore[misc]
    except (TypeError, ValueError):
        raise InputError(f"--box range {pair!r} is not a pair lo,hi",
                         hint="e.g. --box -2,2") from None
    return lo, hi


def classify(expression, *, variables=None, box=None, digits: int = 20, method: str = "auto",
             starts: int = DEFAULT_STARTS, time_budget=EXACT_TIME_BUDGET) -> ClassifyResult:
    """Find and classify the stationary points of ``expression`` (exact or certified).

    ``variables``: their order (``"x,y"`` or a sequence of names; default: sorted);
    ``method``: ``"auto"`` (exact when within ``time_budget`` seconds), ``"exact"`` or
    ``"numeric"`` (seeded Newton ``starts`` in ``box``, Krawczyk-certified roots).
    """
    digits = whole(digits, what="--digits", lo=1, hi=MAX_DIGITS, example="--digits 20")
    starts = whole(starts, what="--starts", lo=1, hi=10_000, example="--starts 64")
    budget = exact_number(time_budget, what="--time-budget")
    if not Fraction(1, 1000) <= budget <= 3600:
        raise InputError(f"--time-budget must be in 0.001..3600 seconds, got {time_budget}",
                         hint="e.g. --time-budget 20")
    if method not in ("auto", "exact", "numeric"):
        raise InputError(f"--method must be auto, exact or numeric, got {method!r}",
                         hint="e.g. --method auto")
    if variables is not None and not isinstance(variables, str):
        variables = ",".join(name_list([str(v) for v in variables], what="--vars"))
    if not isinstance(expression, str) and not type(expression).__module__.startswith("sympy"):
        raise InputError(f"the expression must be a string or a SymPy expression, got "
                         f"{type(expression).__name__}", hint="e.g. 'x**4 + y**4 - x*y'")
    return ClassifyResult(analyse(expression, variables, box=_box_spec(box), digits=digits,
                                  method=method, starts=starts, time_budget=float(budget)))
