"""The verification table: every claim of the derivation, checked, with its verdict.

The rows are :class:`~symgrad.analysis.verify.battery.Check` objects of the
report's chain at the report's weights, from
:mod:`symgrad.analysis.verify.chain_checks`: exact symbolic proofs (routes, the
text's formula, the induction proofs), certified arithmetic (the bound, the
mpmath reference against the ball) and the autodiff frameworks (jax, torch)
against the certified values and against symgrad's emulation.  A framework
that is not installed, or a chain deeper than :data:`AUTODIFF_MAX_DEPTH`, gives
a :class:`~symgrad.interfaces.report.model.LeftOut` with the fix.

Verdicts are the vocabulary of ``symgrad verify`` (:class:`symgrad.base.verdicts.Verdict`):
``PASS`` / ``FAIL`` when decided, ``UNDECIDED`` when the check cannot decide
(never a guess), ``NOT CHECKABLE`` (neutral, with the reason, counted apart).
The text's own claims follow (:mod:`symgrad.interfaces.report.claims`).

>>> from symgrad.analysis.verify.battery import Check
>>> cells(Check("g", "demo", "PASS", "scope", {"method": "m"}))[-1].html
'<span class="badge ok">PASS</span>'
"""

from __future__ import annotations

from symgrad.analysis.verify.battery import Check
from symgrad.analysis.verify.chain_checks import (
    autodiff_checks,
    bound_check,
    reference_check,
    symbolic_checks,
)
from symgrad.base.verdicts import Verdict, count_verdicts
from symgrad.interfaces.report.claims import claims_html
from symgrad.interfaces.report.model import Context, LeftOut, Section
from symgrad.interfaces.report.optional import from_missing_extra
from symgrad.present.html import paragraph, table, verdict_badge

__all__ = ["AUTODIFF_MAX_DEPTH", "cells", "checks", "verification_section"]

#: deeper chains skip the framework checks (each takes minutes at depth 10^5)
AUTODIFF_MAX_DEPTH = 10_000


def cells(c: Check) -> list[object]:
    """A table row: the claim, the method, the scope, the verdict."""
    return [c.name, c.data.get("method", c.group), c.evidence, verdict_badge(c.status.word)]


def checks(ctx: Context) -> tuple[list[Check], list[LeftOut]]:
    """Every check of the report's chain, and what had to be left out."""
    found = symbolic_checks(ctx.chain, ctx.derivation, ctx.proof)
    found += [bound_check(ctx.chain, ctx.bound, ctx.certified),
              reference_check(ctx.reference, ctx.certified)]
    if not ctx.options.backends:
        return found, []
    if ctx.chain.depth > AUTODIFF_MAX_DEPTH:
        return found, [LeftOut(
            "the jax/torch checks",
            f"depth {ctx.chain.depth} is above {AUTODIFF_MAX_DEPTH} (they would take minutes)",
            f"symgrad verify --depths {ctx.chain.depth}, or --depth {AUTODIFF_MAX_DEPTH} or less")]
    ad, missing = autodiff_checks(ctx.chain, ctx.weights, ctx.options.backends, ctx.formats)
    return found + ad, [from_missing_extra(exc, f"the {exc.package} autodiff checks")
                        for exc in missing]


def verification_section(ctx: Context) -> Section:
    """The table of checked claims, then the text's claims."""
    sec = Section("verification", "Verification")
    rows, sec.left_out = checks(ctx)
    n = count_verdicts(c.status for c in rows)
    holds, fails = n[Verdict.PASS], n[Verdict.FAIL]
    apart = n[Verdict.NOT_CHECKABLE] + n[Verdict.MEASURED] + n[Verdict.SKIPPED]
    claims, claim_facts = claims_html()
    sec.html = "\n".join([
        paragraph("Each claim of the derivation, checked independently of how it was "
                  "derived. Symbolic checks are exact; numeric ones use certified balls."),
        table(["claim", "method", "scope", "verdict"], [cells(c) for c in rows],
              caption=f"{holds} of {len(rows) - apart} checks PASS, {fails} FAIL, "
                      f"{n[Verdict.UNDECIDED]} UNDECIDED; counted apart: "
                      f"{n[Verdict.NOT_CHECKABLE]} NOT CHECKABLE",
              widths=(38, 26, 26, 10)),
        "",
        claims,
    ])
    sec.facts.append(("checks that PASS", f"{holds} of {len(rows) - apart}"))
    if fails:
        sec.facts.append(("checks that FAIL", str(fails)))
    if n[Verdict.NOT_CHECKABLE]:
        sec.facts.append(("not checkable (counted apart)", str(n[Verdict.NOT_CHECKABLE])))
    sec.facts += claim_facts
    return sec
