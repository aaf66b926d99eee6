"""Result types of the stationary-point analysis, and the search box.

>>> v = Verdict("local minimum", strict=True, degenerate=False, method="inertia")
>>> v.label
'local minimum (strict)'
>>> parse_box("-2,2", ["x", "y"])
{'x': (-2, 2), 'y': (-2, 2)}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy

from symgrad.base.errors import InputError
from symgrad.core.parsing import parse_expression

__all__ = ["CLASSES", "Analysis", "Family", "Piece", "StationaryPoint", "Verdict", "first_verdict",
           "parse_box"]

#: every class a point or family can get
CLASSES = (
    "local minimum",
    "local maximum",
    "saddle",
    "no extremum",
    "constant",
    "degenerate: undecided",
    "not stationary",
)


@dataclass
class Verdict:
    """The class of a stationary point with the evidence that decides it."""

    cls: str
    strict: bool | None = None
    degenerate: bool = False
    method: str = ""
    evidence: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.cls not in CLASSES:  # pragma: no cover - programming error
            raise ValueError(f"unknown class {self.cls}")

    @property
    def label(self) -> str:
        if self.cls in ("local minimum", "local maximum") and self.strict is not None:
            return f"{self.cls} ({'strict' if self.strict else 'non-strict'})"
        return self.cls

    def as_dict(self) -> dict:
        return {
            "class": self.cls,
            "label": self.label,
            "strict": self.strict,
            "degenerate": self.degenerate,
            "method": self.method,
            "evidence": list(self.evidence),
        }

    def _repr_html_(self) -> str:
        """Jupyter: the class, the method that decided it and the evidence."""
        from symgrad.present.display import esc, verdict_badge

        items = "".join(f"<li>{esc(e)}</li>" for e in self.evidence)
        how = f" by {esc(self.method)}" if self.method else ""
        return (f"<div><p>{verdict_badge(self.label).html}{how}</p>"
                + (f"<ul>{items}</ul>" if items else "") + "</div>")


@dataclass
class StationaryPoint:
    """One stationary point (exact, certified numeric, or uncertified numeric)."""

    kind: str  # "exact", "numeric" or "kink"
    coords: tuple[str, ...]  # decimal strings at the requested digits
    exact: tuple[sympy.Expr, ...] | None
    certified: bool
    radius: str | None  # half-width of the certified box (numeric points)
    value: str
    verdict: Verdict
    hessian: list[list[str]] | None = None
    hessian_exact: sympy.Matrix | None = None
    eigenvalues: list[str] | None = None  # enclosures 'mid ± rad' (decimals.enclosure_text)
    inertia: tuple[int, int, int] | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self, names: Sequence[str]) -> dict:
        out = {
            "kind": self.kind,
            "point": dict(zip(names, self.coords)),
            "certified": self.certified,
            "value": self.value,
            "verdict": self.verdict.as_dict(),
        }
        if self.exact is not None:
            out["exact"] = {n: str(v) for n, v in zip(names, self.exact)}
        if self.radius is not None:
            out["radius"] = self.radius
        if self.hessian is not None:
            out["hessian"] = self.hessian
        if self.hessian_exact is not None:
            out["hessian_exact"] = [[str(v) for v in row] for row in self.hessian_exact.tolist()]
        if self.eigenvalues is not None:
            out["eigenvalue_enclosures"] = list(self.eigenvalues)
        if self.inertia is not None:
            out["inertia"] = dict(zip(("positive", "negative", "zero"), self.inertia))
        out.update({k: v for k, v in self.extra.items()})
        return out

    def __repr__(self) -> str:
        """One short line whatever the size (:mod:`symgrad.present.summary`)."""
        from symgrad.present.summary import clip, short_value, summary

        point = short_value(list(self.coords) if self.exact is None else list(self.exact))
        return summary("StationaryPoint", [f"{self.kind} at {point}", f"f = {clip(self.value, 40)}",
                                           self.verdict.label], ".as_dict(names)")

    def _repr_html_(self) -> str:
        """Jupyter: the point, f there, its class and the evidence, as a two-column table."""
        from symgrad.present.display import html_table, verdict_badge

        point = (", ".join(sympy.sstr(v) for v in self.exact) if self.exact is not None
                 else ", ".join(self.coords))
        rows: list[list[object]] = [
            ["point", f"({point})"], ["f", self.value],
            ["class", verdict_badge(self.verdict.label)],
            ["decided by", "; ".join([self.verdict.method, *self.verdict.evidence]).strip("; ")],
            ["certified", ("yes" if self.certified else "no")
             + (f", unique root within \u00b1 {self.radius}" if self.radius else "")],
        ]
        if self.eigenvalues:
            rows.append(["Hessian eigenvalue enclosures", ", ".join(self.eigenvalues)])
        return html_table(["", f"{self.kind} stationary point"], rows)


@dataclass
class Family:
    """A continuum of stationary points (a curve, a surface, an interval, ...)."""

    description: str
    equations: tuple[str, ...]
    dimension: int | None
    verdict: Verdict
    latex: str = ""

    def as_dict(self) -> dict:
        return {
            "description": self.description,
            "equations": list(self.equations),
            "dimension": self.dimension,
            "verdict": self.verdict.as_dict(),
        }


@dataclass
class Piece:
    """A smooth piece of a non-smooth function of one variable."""

    interval: str
    expression: sympy.Expr
    derivative: sympy.Expr
    note: str

    def as_dict(self) -> dict:
        return {
            "interval": self.interval,
            "expression": str(self.expression),
            "derivative": str(self.derivative),
            "note": self.note,
        }


@dataclass
class Analysis:
    """Everything ``symgrad classify`` reports about one expression."""

    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    gradient: tuple[sympy.Expr, ...]
    hessian: sympy.Matrix | None
    path: str
    digits: int
    box: dict[str, tuple[sympy.Rational, sympy.Rational]] | None
    points: list[StationaryPoint] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [str(v) for v in self.variables]

    def as_dict(self) -> dict:
        return {
            "expression": str(self.expr),
            "variables": self.names,
            "gradient": [str(g) for g in self.gradient],
            "hessian": None if self.hessian is None else [
                [str(v) for v in row] for row in self.hessian.tolist()
            ],
            "path": self.path,
            "digits": self.digits,
            "box": None if self.box is None else {
                k: [str(lo), str(hi)] for k, (lo, hi) in self.box.items()
            },
            "points": [p.as_dict(self.names) for p in self.points],
            "families": [f.as_dict() for f in self.families],
            "pieces": [p.as_dict() for p in self.pieces],
            "notes": list(self.notes),
        }

    def __repr__(self) -> str:
        """One short line whatever the size (:mod:`symgrad.present.summary`)."""
        from symgrad.present.summary import short_value, summary

        return summary("Analysis", [f"f = {short_value(self.expr, 80)}", self.path,
                                    f"{len(self.points)} stationary points",
                                    f"{len(self.families)} families"], ".as_dict()")

    def _repr_html_(self) -> str:
        """Jupyter: f as MathML, then every point and family with its verdict."""
        from symgrad.analysis.stationary.render import verdict_rows
        from symgrad.present.display import esc, html_block, html_table, math_html

        f = sympy.Eq(sympy.Function("f")(*self.variables), self.expr, evaluate=False)
        where = " in the box" if self.box else ""
        table = (html_table(["stationary points", "verdict", "decided by"], verdict_rows(self))
                 if self.points or self.families
                 else f"<p>no isolated stationary points{where}</p>")
        notes = "".join(f"<li>{esc(n)}</li>" for n in self.notes)
        return html_block(f"stationary points ({self.path})", math_html(f), table,
                          f"<ul>{notes}</ul>" if notes else "")


#: largest |bound| of a search box: the numeric search draws float64 starts in it, and
#: hi - lo must be a finite float64 too
MAX_BOX_BOUND = sympy.Integer(10) ** 300


def _bound(text: str) -> sympy.Rational:
    low = text.strip().lower().lstrip("+-")
    if low in {"inf", "infinity", "oo", "nan"}:
        raise InputError(f"unbounded or undefined box bound '{text.strip()}'",
                           hint="give finite bounds, e.g. --box -3,3")
    value = parse_expression(text, variables=())
    if not isinstance(value, sympy.Rational):
        raise InputError(f"box bound '{text.strip()}' is not an exact rational number",
                           hint="e.g. --box -3.5,3.5")
    if abs(value) > MAX_BOX_BOUND:
        raise InputError(f"box bound '{text.strip()}' is beyond the limit |bound| <= 1e300",
                           hint="the numeric search starts from float64 points in the box; "
                                "give a smaller box")
    return value


def parse_box(
    spec: str | None, names: Sequence[str]
) -> dict[str, tuple[sympy.Rational, sympy.Rational]] | None:
    """Parse ``--box lo,hi`` (every variable) or ``--box x=lo:hi,y=lo:hi`` (each listed).

    Bounds are exact rationals; an empty (lo >= hi) or unbounded box is refused.
    """
    if spec is None:
        return None
    text = str(spec).strip()
    if not text:
        raise InputError("empty --box", hint="e.g. --box -3,3 or --box x=-3:3,y=0:1")
    out: dict[str, tuple[sympy.Rational, sympy.Rational]] = {}
    if "=" in text:
        for item in text.split(","):
            name, _, rng = item.partition("=")
            name = name.strip()
            if name not in names:
                raise InputError(f"--box names unknown variable '{name}'",
                                   hint=f"variables: {', '.join(names)}")
            lo, sep, hi = rng.partition(":")
            if not sep:
                raise InputError(f"--box item '{item.strip()}' needs lo:hi", hint="x=-3:3")
            out[name] = (_bound(lo), _bound(hi))
        missing = [n for n in names if n not in out]
        if missing:
            raise InputError(f"--box gives no range for {', '.join(missing)}",
                               hint="list every variable, or use --box lo,hi for all")
    else:
        parts = text.split(",")
        if len(parts) != 2:
            raise InputError(f"--box '{text}' is not lo,hi", hint="e.g. --box -3,3")
        lo, hi = _bound(parts[0]), _bound(parts[1])
        out = {n: (lo, hi) for n in names}
    for n, (lo, hi) in out.items():
        if not lo < hi:
            raise InputError(f"empty box for {n}: lower bound {lo} is not below {hi}")
    return {n: out[n] for n in names}


def first_verdict(rules, facts) -> Verdict | None:
    """The verdict of the first rule in ``rules`` that decides ``facts``, or ``None``.

    Every ordered rule table of the classification (``POINT_RULES``, ``FAMILY_RULES``,
    ``KINK_RULES``) is applied through this one loop.

    >>> rules = (lambda f: None, lambda f: Verdict("saddle", method="rule 2"))
    >>> first_verdict(rules, facts=None).method
    'rule 2'
    >>> first_verdict((), facts=None) is None
    True
    """
    for rule in rules:
        verdict = rule(facts)
        if verdict is not None:
            return verdict
    return None
