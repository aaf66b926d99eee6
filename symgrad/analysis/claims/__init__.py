"""``symgrad check``: decide a user's claim TRUE, FALSE or UNDECIDED, with the evidence.

A claim is an equation or inequality in the allow-listed syntax of
:mod:`symgrad.core.parsing` (``parse_relation``; values through ``parse_assignments``),
never ``eval``/``sympify``.  With ``--at`` every variable gets an exact value;
without it, a claim with free variables claims to hold **for all real values**.

Decision, in this order (the first conclusive step wins):

* constant claims (no free variables after ``--at``): the exact difference
  lhs - rhs if SymPy reduces it to a rational number; otherwise a certified
  Arb ball of the difference at rising precision (64 ... 16384 bits) until its
  sign is certain.  A ball that still contains 0 leaves the claim UNDECIDED.
* universal claims: (1) the difference is identically 0 (``expand``, then
  ``simplify`` of the ``exp`` rewrite); (2) a counterexample among seeded
  points, certified with balls; (3) a proof of the sign of the difference
  from SymPy's assumptions (``is_nonnegative`` ...); (4) for one variable,
  the extrema of the difference (:mod:`symgrad.analysis.claims.extrema`): exact
  critical points, non-smooth points of abs/max/min and the limits at +-oo,
  or else certified bisection with exact tests at tangencies; the method
  named in the verdict says which; (5) a polynomial lower bound; (6)
  otherwise UNDECIDED, with the reason the extrema analysis stopped.
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

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy

from symgrad.analysis.claims.common import (
    PRECISIONS,
    constant_sign,
    exact_zero,
    format_number,
    safe_str,
    shrunk,
    to_exp,
)
from symgrad.analysis.stationary.budget import run_with_budget
from symgrad.analysis.stationary.polysign import lower_bound
from symgrad.base.errors import SymgradError
from symgrad.core.parsing import parse_assignments, parse_relation

__all__ = ["CLAIM_BUDGET", "PRECISIONS", "ClaimResult", "check_claim", "decide", "format_number"]

TRUE, FALSE, UNDECIDED = "TRUE", "FALSE", "UNDECIDED"
#: seconds a universal claim may take; then it is UNDECIDED, saying so
CLAIM_BUDGET = 60.0
_SAMPLES = (0, 1, -1, Fraction(1, 2), Fraction(-1, 2), 2, -2, 3, -3, Fraction(1, 10),
            Fraction(-1, 10), 10, -10, 100, -100, 10**4, -(10**4), 10**8, -(10**8))
_MAX_POINTS = 400


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


def _holds(rel_type, sign: int) -> bool:
    """Whether ``lhs - rhs`` of sign ``sign`` (-1, 0, 1) satisfies the relation."""
    return {sympy.Eq: sign == 0, sympy.Ne: sign != 0, sympy.Lt: sign < 0,
            sympy.Le: sign <= 0, sympy.Gt: sign > 0, sympy.Ge: sign >= 0}[rel_type]


def _points(symbols, seed: int = 0):
    rng = np.random.default_rng(seed)
    extra = [Fraction(float(v)).limit_denominator(1000) for v in rng.uniform(-20, 20, 24)]
    values = list(_SAMPLES) + extra
    if len(symbols) == 1:
        return [(v,) for v in values]
    grid = list(itertools.islice(itertools.product(_SAMPLES[:7], repeat=len(symbols)), _MAX_POINTS))
    rand = [tuple(Fraction(float(v)).limit_denominator(1000)
                  for v in rng.uniform(-5, 5, len(symbols))) for _ in range(64)]
    return grid + rand


def _counterexample(rel, diff, symbols):
    for point in _points(symbols):
        sub = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(symbols, point)}
        try:
            val = diff.xreplace(sub)
            sign, _, ev = constant_sign(val, precisions=PRECISIONS[:2], simplify=False)
        except SymgradError:
            continue
        if sign is not None and not _holds(type(rel), sign):
            return {str(s): str(sympy.Rational(v.numerator, v.denominator))
                    for s, v in zip(symbols, point)}, ev
    return None, ""


def _sign_by_assumptions(expr: sympy.Expr) -> tuple[bool, bool]:
    """(nonnegative proved, positive proved) from SymPy's assumptions on a few forms."""
    forms = [expr, to_exp(expr)]
    try:
        forms.append(sympy.factor(sympy.simplify(forms[1])))
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        pass
    nonneg = any(f.is_nonnegative is True for f in forms)
    pos = any(f.is_positive is True for f in forms)
    return nonneg or pos, pos


def _a_root(roots: sympy.Set) -> sympy.Expr | None:
    """One real element of a solution set from ``solveset`` (checked by the caller)."""
    if isinstance(roots, (sympy.Union, sympy.Intersection)):
        return next((r for r in map(_a_root, roots.args) if r is not None), None)
    if isinstance(roots, sympy.FiniteSet):
        return next((r for r in roots.args if r.is_real is True), None)
    if isinstance(roots, sympy.ImageSet) and len(roots.lamda.variables) == 1:
        r = roots.lamda.expr.xreplace({roots.lamda.variables[0]: 0})
        return r if r.is_real is True else None
    return None


def _identity_by_extrema(diff, t) -> tuple[tuple | None, str]:
    """lhs == rhs for all real t, as lhs - rhs >= 0 and rhs - lhs >= 0 (claims_extrema)."""
    from symgrad.analysis.claims.extrema import METHOD_BISECT, decide_extrema

    found = []
    for h, side in ((diff, "lhs - rhs"), (-diff, "rhs - lhs")):
        out, why_not = decide_extrema(h, t, strict=False, side=side)
        if out is None:
            return None, f"; extrema: {why_not}"
        if out.verdict == FALSE:
            return (FALSE, out.method, out.evidence, out.witness), ""
        found.append(out)
    method = next((o.method for o in found if o.method == METHOD_BISECT), found[0].method)
    return (TRUE, method, f"{found[0].evidence}; and {found[1].evidence}", None), ""


def _universal(rel, diff, symbols) -> tuple[str, str, str, dict | None]:
    if exact_zero(diff):
        sign_ok = _holds(type(rel), 0)
        ce = None if sign_ok else {str(s): "0" for s in symbols}
        return (TRUE if sign_ok else FALSE), "symbolic", (
            "lhs - rhs simplifies to 0 identically"), ce
    undecided_note = ""
    ce, ev = _counterexample(rel, diff, symbols)
    if ce is not None:
        where = ", ".join(f"{k}={v}" for k, v in ce.items())
        return FALSE, "counterexample", f"at {where}: {ev}", ce
    rt = type(rel)
    if rt in (sympy.Eq,):
        if len(symbols) == 1:
            found, undecided_note = _identity_by_extrema(diff, symbols[0])
            if found is not None:
                return found
        return UNDECIDED, "symbolic", (
            "SymPy could not reduce lhs - rhs to 0 and no counterexample was found "
            f"among {len(_points(symbols))} seeded points{undecided_note}"), None
    oriented = {sympy.Ge: diff, sympy.Gt: diff, sympy.Le: -diff, sympy.Lt: -diff}.get(rt)
    if oriented is not None:
        strict = rt in (sympy.Gt, sympy.Lt)
        nonneg, pos = _sign_by_assumptions(oriented)
        side = "rhs - lhs" if rt in (sympy.Le, sympy.Lt) else "lhs - rhs"
        if pos or (nonneg and not strict):
            return TRUE, "symbolic", (
                f"SymPy's assumptions prove {side} {'> 0' if pos else '>= 0'} "
                f"for all real {', '.join(map(str, symbols))}"), None
        if len(symbols) == 1:
            from symgrad.analysis.claims.extrema import decide_extrema

            out, why_not = decide_extrema(oriented, symbols[0], strict=strict, side=side)
            if out is not None:
                return out.verdict, out.method, out.evidence, out.witness
            undecided_note = f"; extrema: {why_not}"
    if oriented is not None:
        bound = lower_bound(oriented, symbols)
        if bound is not None:
            m, attained = bound
            sgn = int(sympy.sign(m)) if m.is_Rational else None
            if sgn is not None and (sgn > 0 or (sgn == 0 and (not strict or attained is False))):
                side = "rhs - lhs" if rt in (sympy.Le, sympy.Lt) else "lhs - rhs"
                how = ("exact minimum of a quadratic (PSD by exact inertia)"
                       if attained else "factorisation into factors of fixed sign")
                return TRUE, "polynomial bound", (
                    f"{side} >= {safe_str(m)} for all real {', '.join(map(str, symbols))} "
                    f"({how})"), None
    if rt is sympy.Ne:
        try:
            roots = sympy.solveset(diff, symbols[0], sympy.S.Reals) if len(symbols) == 1 else None
        except Exception:  # SymPy cannot solve it: no proof, not a bug
            roots = None
        if roots is sympy.S.EmptySet:
            return TRUE, "symbolic", "solveset: lhs - rhs has no real zero", None
        root = _a_root(roots) if roots is not None else None
        if root is not None and exact_zero(diff.xreplace({symbols[0]: root})):
            return FALSE, "symbolic", f"lhs - rhs = 0 exactly at {symbols[0]} = " \
                f"{safe_str(root)} (a zero from solveset)", {str(symbols[0]): safe_str(root)}
        if len(symbols) == 1:  # lhs - rhs > 0 everywhere, or < 0 everywhere
            from symgrad.analysis.claims.extrema import decide_extrema

            for h, side in ((diff, "lhs - rhs"), (-diff, "rhs - lhs")):
                out, why_not = decide_extrema(h, symbols[0], strict=True, side=side)
                if out is not None and out.verdict == TRUE:
                    return TRUE, out.method, out.evidence, None
                undecided_note = f"; extrema: {why_not}" if out is None else undecided_note
    return UNDECIDED, "none conclusive", (
        f"no counterexample among {len(_points(symbols))} seeded points, and no proof found"
        f"{undecided_note}"), None


def decide(rel: sympy.Rel, assignments: dict | None = None, *, label: str | None = None
           ) -> ClaimResult:
    """Decide the relation ``rel`` (optionally at exact values ``assignments``)."""
    assignments = dict(assignments or {})
    text = label or safe_str(rel)
    at = {str(k): format_number(v) for k, v in assignments.items()}
    rel_text, rel_latex = safe_str(rel), sympy.latex(shrunk(rel))
    lhs, rhs = rel.lhs.xreplace(assignments), rel.rhs.xreplace(assignments)
    diff = lhs - rhs
    symbols = sorted(diff.free_symbols, key=str)
    if not symbols:
        sign, method, ev = constant_sign(diff)
        if sign is None:
            return ClaimResult(text, UNDECIDED, method, ev, at, None, rel_text, rel_latex)
        return ClaimResult(text, TRUE if _holds(type(rel), sign) else FALSE, method, ev, at,
                           None, rel_text, rel_latex)
    done, found = run_with_budget(_universal, (rel, diff, symbols), seconds=CLAIM_BUDGET)
    verdict, method, ev, ce = found if done else (
        UNDECIDED, "none conclusive", f"the analysis ran out of its {CLAIM_BUDGET:g} s budget "
        "(symgrad.analysis.claims.CLAIM_BUDGET)", None)
    return ClaimResult(text, verdict, method, ev, at, ce, rel_text, rel_latex)


def check_claim(claim: str, at: str | None = None) -> ClaimResult:
    """Parse ``claim`` (and ``at``, e.g. ``"x=1.5,y=-2"``) safely and decide it."""
    rel = parse_relation(claim)
    if not isinstance(rel, sympy.Rel):
        raise SymgradError("a claim needs a relation", hint="e.g. 'x**2 >= 0'")
    values = parse_assignments(at) if at else {}
    unused = [s for s in values if s not in rel.free_symbols]
    if unused:
        raise SymgradError(f"--at assigns {', '.join(map(str, unused))}, which the claim does not "
                           "use", hint="assign only the claim's variables")
    return decide(rel, values, label=" ".join(claim.split()))
