"""The text's own claims, decided by ``symgrad check`` (``check_claim``).

Each claim is written in symgrad's safe expression syntax; the verdict (TRUE,
FALSE or UNDECIDED) and its evidence come from the claim checker.  The f_c
claim's left side is not typed in: it is SymPy's derivative of
max(0, c x) at the text's p (:func:`symgrad.analysis.precision.small_gradient_example`).

>>> [text for _, text in TEXT_CLAIMS][:2]
['sigmoid(t) >= 0', 'sigmoid(t) <= 1']
"""

from __future__ import annotations

from symgrad.analysis.verdicts import Verdict
from symgrad.interfaces.report.model import Context, LeftOut
from symgrad.interfaces.report.optional import load
from symgrad.present.html import paragraph, table, verdict_badge

__all__ = ["TEXT_CLAIMS", "claims_html"]

#: (what the text says, the claim as symgrad check reads it)
TEXT_CLAIMS = (
    ("σ(t) ∈ [0, 1] (lower end)", "sigmoid(t) >= 0"),
    ("σ(t) ∈ [0, 1] (upper end)", "sigmoid(t) <= 1"),
    ("σ'(t) = σ(t)(1 − σ(t)) ∈ [0, 1] (lower end)", "sigmoid(t)*(1 - sigmoid(t)) >= 0"),
    ("σ'(t) ∈ [0, 1] (upper end)", "sigmoid(t)*(1 - sigmoid(t)) <= 1"),
    ("sharper than the text: σ'(t) ≤ 1/4", "sigmoid(t)*(1 - sigmoid(t)) <= 1/4"),
)


def _fc_claim() -> tuple[str, str] | None:
    precision, _ = load("symgrad.analysis.precision", what="the f_c claim")
    if precision is None:
        return None
    ex = precision.small_gradient_example()
    return ("f_c'(p) = 10^-99 for p = 10^9999, c = 10^-90 (as the text writes it)",
            f"{ex.exact_derivative} == 1e-99")


def claims_html(ctx: Context) -> tuple[str, list[tuple[str, str]], list[LeftOut]]:
    """The claims table, key facts, and notes for what is missing."""
    claims_mod, missing = load("symgrad.analysis.claims", what="the text's claims")
    if claims_mod is None:
        return "", [], [missing]
    claims = list(TEXT_CLAIMS)
    fc = _fc_claim()
    if fc is not None:
        claims.append(fc)
    rows, counts = [], {Verdict.TRUE: 0, Verdict.FALSE: 0, Verdict.UNDECIDED: 0}
    for said, text in claims:
        res = claims_mod.check_claim(text)
        verdict = Verdict(res.verdict)  # the word symgrad check prints
        counts[verdict] = counts.get(verdict, 0) + 1
        rows.append([said, res.claim, verdict_badge(verdict.word),
                     f"{res.method}: {res.evidence}"])
    html = "\n".join([
        '<h3 id="claims">The text\'s claims, decided by symgrad check</h3>',
        paragraph("For every real t unless a value is given. FALSE is a finding about the "
                  "text: the derivative of max(0, c x) at p > 0 is c = 1e-90, not 1e-99 "
                  "(the point of the example stands: a tiny gradient far from the minimum)."
                  if fc is not None and counts[Verdict.FALSE] else
                  "For every real t unless a value is given."),
        table(["the text says", "claim", "verdict", "evidence"], rows,
              widths=(26, 24, 10, 40),
              caption="decided exactly or with certified balls; UNDECIDED is said, never guessed"),
    ])
    facts = [("the text's claims", f"{counts[Verdict.TRUE]} TRUE, {counts[Verdict.FALSE]} FALSE"
              + (f", {counts[Verdict.UNDECIDED]} UNDECIDED" if counts[Verdict.UNDECIDED] else ""))]
    return html, facts, []
