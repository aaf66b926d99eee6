"""The stationary-point verdicts: the text's examples, classified by ``symgrad classify``.

The text's first question: does a (nearly) zero gradient mean the optimum is
near?  The section answers with verdicts computed by
:func:`symgrad.analysis.stationary.analyse` (exact where possible, certified otherwise):
a saddle (zero gradient, no optimum), a minimum, both side by side, the
one-variable cases, f_c = max(0, c x) whose minima form a half-line, and the
report's own chain, whose gradient never vanishes however small it gets
(:func:`symgrad.analysis.stationary.chain.stationary_description`).

>>> [name for name, _ in EXAMPLES][:2]
['saddle', 'minimum']
"""

from __future__ import annotations

import sympy

from symgrad.core.text import stationary_example
from symgrad.interfaces.report.model import Context, Section
from symgrad.interfaces.report.optional import load
from symgrad.present.html import Markup, esc, paragraph, table, verdict_badge
from symgrad.present.mathml import to_mathml

__all__ = ["EXAMPLES", "stationary_section"]

#: the text's examples (:mod:`symgrad.core.text`, parsed by symgrad's safe parser)
EXAMPLES = tuple((e.name, e.expression) for e in map(stationary_example, (
    "saddle", "minimum", "minimum-and-saddle", "cubic", "quartic", "f_c")))


def _display(expr: sympy.Expr) -> sympy.Expr:
    """f_c shown as max(0, c x) (the value of c is in the example's name), others as they are."""
    if isinstance(expr, sympy.Max):
        x = next(iter(expr.free_symbols))
        return sympy.Max(0, sympy.Symbol("c", positive=True) * x)
    return expr


def _chain_row(ctx: Context) -> list[object] | None:
    chain, _ = load("symgrad.analysis.stationary.chain", what="the chain's stationary set")
    if chain is None:
        return None
    desc, _points = chain.stationary_description(ctx.chain)
    inf = chain.chain_infimum(ctx.chain)
    return [f"the report's chain, depth {ctx.chain.depth}", Markup(esc(desc)),
            verdict_badge("no stationary point" if desc.startswith("none")
                          else "stationary points exist"),
            f"inf F = {sympy.sstr(inf)}, approached but not attained: a tiny gradient here is "
            "not a sign of a nearby optimum"]


def stationary_section(ctx: Context) -> Section:
    """Verdicts for the text's examples and for the report's chain."""
    sec = Section("stationary", "Stationary points: a zero gradient is not an optimum")
    mod, missing = load("symgrad.analysis.stationary", what="the stationary-point verdicts")
    if mod is None:
        sec.left_out.append(missing)
        return sec
    body = []
    for name, text in EXAMPLES:
        analysis = mod.analyse(text)
        fn = Markup(to_mathml(_display(analysis.expr), display="inline"))
        for i, (where, badge, how) in enumerate(mod.verdict_rows(analysis)):
            body.append([name if i == 0 else "", fn if i == 0 else "", where, badge, how])
    chain_row = _chain_row(ctx)
    if chain_row is not None:
        body.append(["deep chain", *chain_row])
    sec.html = "\n".join([
        paragraph("The text: a zero gradient with a positive definite Hessian is a local "
                  "minimum, with an indefinite Hessian a saddle, so a zero gradient alone does "
                  "not mean an optimum. Each verdict below is decided exactly (or by certified "
                  "enclosures) by symgrad classify; 'undecided' would be said, never guessed."),
        table(["example", "function", "stationary points", "verdict", "decided by"], body,
              caption="stationary points and their classes", widths=(14, 18, 20, 16, 32)),
    ])
    return sec
