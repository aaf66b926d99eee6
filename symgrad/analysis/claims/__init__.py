"""``symgrad check``: decide a user's claim TRUE, FALSE or UNDECIDED, with the evidence.

A claim is an equation or inequality in the allow-listed syntax of
:mod:`symgrad.core.parsing` (``parse_relation``; values through ``parse_assignments``),
never ``eval``/``sympify``.  With ``--at`` every variable gets an exact value;
without it, a claim with free variables claims to hold **for all real values**.

Decision, in this order (the first conclusive step wins):

* constant claims (no free variables after ``--at``): the sign of lhs - rhs by
  :func:`symgrad.numeric.signs.decide_sign` (exact rational; a certified Arb ball;
  exact zero tests; balls at rising precision, 64 ... 16384 bits).  A ball that
  still contains 0 leaves the claim UNDECIDED.
* universal claims: the ordered deciders of :mod:`symgrad.analysis.claims.deciders`
  (identically 0; a counterexample among seeded points, certified with balls; for
  one variable an equation as two inequalities; SymPy's assumptions; the extrema of
  the difference, :mod:`symgrad.analysis.claims.extrema`; a polynomial lower bound;
  for ``!=``, no real zero), otherwise UNDECIDED, with the reason the extrema
  analysis stopped.
  A universal claim gets :data:`CLAIM_BUDGET` seconds (a wall-clock timer
  stops SymPy wherever it is); past it, the claim is UNDECIDED and says so.

>>> check_claim("sigmoid(0) == 1/2").verdict
'TRUE'
>>> check_claim("x**2 >= 1").verdict
'FALSE'
>>> r = check_claim("exp(x) > 1", at="x=1/1000")
>>> r.verdict, r.method
('TRUE', 'certified ball')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from symgrad.analysis.claims.common import (
    PRECISIONS,
    constant_sign,
    format_number,
    safe_str,
    shrunk,
)
from symgrad.analysis.claims.deciders import FALSE, TRUE, UNDECIDED, holds, universal
from symgrad.analysis.stationary.budget import run_with_budget
from symgrad.base.errors import InputError
from symgrad.core.parsing import parse_assignments, parse_relation
from symgrad.present.latex import latex

__all__ = ["CLAIM_BUDGET", "PRECISIONS", "ClaimResult", "check_claim", "decide", "format_number"]

#: seconds a universal claim may take; then it is UNDECIDED, saying so
CLAIM_BUDGET = 60.0


@dataclass
class ClaimResult:
    """A verdict with its evidence (``to_json`` gives strings only)."""

    claim: str
    verdict: str
    method: str
    evidence: str
    at: dict[str, str] = field(default_factory=dict)
    counterexample: dict[str, str] | None = None
    relation: str = ""
    latex: str = ""

    def to_json(self) -> dict[str, object]:
        return {"claim": self.claim, "verdict": self.verdict, "method": self.method,
                "evidence": self.evidence, "at": self.at,
                "counterexample": self.counterexample, "relation": self.relation,
                "latex": self.latex}

    def __str__(self) -> str:
        at = f" at {', '.join(f'{k}={v}' for k, v in self.at.items())}" if self.at else ""
        return f"{self.verdict}: {self.claim}{at}\n  by {self.method}: {self.evidence}"

    def _repr_html_(self) -> str:
        """Jupyter: the verdict and the claim, then the method and evidence as a table."""
        from symgrad.present.display import esc, html_table, verdict_badge

        rows: list[list[object]] = [["method", self.method], ["evidence", self.evidence]]
        if self.at:
            rows.append(["at", ", ".join(f"{k} = {v}" for k, v in self.at.items())])
        if self.counterexample:
            rows.append(["counterexample",
                         ", ".join(f"{k} = {v}" for k, v in self.counterexample.items())])
        return (f"<div><p>{verdict_badge(self.verdict).html} <code>{esc(self.claim)}</code></p>"
                + html_table(["", "claim check"], rows) + "</div>")


def decide(rel: sympy.Rel, assignments: dict | None = None, *, label: str | None = None
           ) -> ClaimResult:
    """Decide the relation ``rel`` (optionally at exact values ``assignments``)."""
    assignments = dict(assignments or {})
    text = label or safe_str(rel)
    at = {str(k): format_number(v) for k, v in assignments.items()}
    rel_text, rel_latex = safe_str(rel), latex(shrunk(rel))
    lhs, rhs = rel.lhs.xreplace(assignments), rel.rhs.xreplace(assignments)
    diff = lhs - rhs
    symbols = sorted(diff.free_symbols, key=str)
    if not symbols:
        sign, method, ev = constant_sign(diff)
        if sign is None:
            return ClaimResult(text, UNDECIDED, method, ev, at, None, rel_text, rel_latex)
        return ClaimResult(text, TRUE if holds(type(rel), sign) else FALSE, method, ev, at,
                           None, rel_text, rel_latex)
    done, found = run_with_budget(universal, (rel, diff, symbols), seconds=CLAIM_BUDGET)
    verdict, method, ev, ce = found if done else (
        UNDECIDED, "none conclusive", f"the analysis ran out of its {CLAIM_BUDGET:g} s budget "
        "(symgrad.analysis.claims.CLAIM_BUDGET)", None)
    return ClaimResult(text, verdict, method, ev, at, ce, rel_text, rel_latex)


def check_claim(claim: str, at: str | None = None) -> ClaimResult:
    """Parse ``claim`` (and ``at``, e.g. ``"x=1.5,y=-2"``) safely and decide it."""
    rel = parse_relation(claim)
    if not isinstance(rel, sympy.Rel):
        raise InputError("a claim needs a relation", hint="e.g. 'x**2 >= 0'")
    values = parse_assignments(at) if at else {}
    unused = [s for s in values if s not in rel.free_symbols]
    if unused:
        raise InputError(f"--at assigns {', '.join(map(str, unused))}, which the claim does not "
                           "use", hint="assign only the claim's variables")
    return decide(rel, values, label=" ".join(claim.split()))
