"""The text's claims, decided: the claim runner's results as a table.

The claims are the records of :data:`symgrad.core.text.CLAIMS` (the quote, the
claim as symgrad reads it, the verdict expected); the runner
:func:`symgrad.analysis.verify.claim_examples.run_examples` (``symgrad check
--examples``) builds and decides each one.  This module lays the results out.

>>> html, facts = claims_html()
>>> facts[0][1]
'18 TRUE, 4 FALSE; all 22 as expected'
"""

from __future__ import annotations

from symgrad.analysis.verify.claim_examples import run_examples
from symgrad.base.verdicts import Verdict
from symgrad.present.html import paragraph, table, verdict_badge

__all__ = ["claims_html"]


def claims_html() -> tuple[str, list[tuple[str, str]]]:
    """The claims table and its key fact."""
    results = run_examples()
    rows, counts = [], {Verdict.TRUE: 0, Verdict.FALSE: 0, Verdict.UNDECIDED: 0}
    expected = 0
    for ex, res in results:
        verdict = Verdict(res.verdict)  # the word symgrad check prints
        counts[verdict] = counts.get(verdict, 0) + 1
        expected += verdict is ex.expected
        evidence = f"{res.method}: {res.evidence}" + (f" ({ex.note})" if ex.note else "")
        rows.append([ex.quote, res.claim, verdict_badge(verdict.word), ex.expected.word,
                     evidence])
    html = "\n".join([
        '<h3 id="claims">The text\'s claims, decided by symgrad check</h3>',
        paragraph("Each claim of the text as symgrad reads it (symgrad check --examples), for "
                  "every real value of its names unless values are given. FALSE is expected "
                  "where the text errs (it prints f_c'(p) = 10^-99; the derivative of "
                  "max(0, c x) at p > 0 is c) and where the claim is the one the text argues "
                  "against."),
        table(["the text says", "claim", "verdict", "expected", "evidence"], rows,
              widths=(24, 22, 9, 9, 36),
              caption="decided exactly or with certified balls; UNDECIDED is said, never guessed"),
    ])
    fact = f"{counts[Verdict.TRUE]} TRUE, {counts[Verdict.FALSE]} FALSE"
    if counts[Verdict.UNDECIDED]:
        fact += f", {counts[Verdict.UNDECIDED]} UNDECIDED"
    fact += (f"; all {len(results)} as expected" if expected == len(results)
             else f"; {len(results) - expected} of {len(results)} not as expected")
    return html, [("the text's claims", fact)]
