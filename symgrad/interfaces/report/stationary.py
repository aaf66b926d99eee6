"""The stationary-point verdicts: the text's examples, classified by ``symgrad classify``.

The text's first question: does a (nearly) zero gradient mean the optimum is
near?  The section answers with verdicts computed by
:func:`symgrad.analysis.stationary.analyse` (exact where possible, certified otherwise):
a saddle (zero gradient, no optimum), a minimum, both side by side, the
one-variable cases, f_c = max(0, c x) whose minima form a half-line, and the
report's own chain, whose gradient never vanishes however small it gets
(:func:`symgrad.analysis.stationary.landscape.stationary_description`).

>>> [name for name, _ in EXAMPLES][:2]
['saddle', 'minimum']
"""

from __future__ import annotations

import sympy

from symgrad.interfaces.report.model import Context, Section
from symgrad.interfaces.report.optional import load
from symgrad.present.html import Markup, esc, paragraph, table, verdict_badge
from symgrad.present.mathml import to_mathml

__all__ = ["EXAMPLES", "stationary_section"]

#: the text's examples (fixed strings, parsed by symgrad's safe parser)
EXAMPLES = (
    ("saddle", "x**2 - y**2"),
    ("minimum", "x**2 + y**2"),
    ("minimum and saddle", "x**3 - 3*x + y**2"),
    ("q = 1, F'' = 0, no extremum", "x**3"),
    ("q = 1, F'' = 0, yet a minimum", "x**4"),
    ("f_c, c = 1e-90", "max(0, 1e-90*x)"),
)


def _display(expr: sympy.Expr) -> sympy.Expr:
    """f_c shown as max(0, c x) (c = 1e-90 is in the example's name), others as they are."""
    if isinstance(expr, sympy.Max):
        x = next(iter(expr.free_symbols))
        return sympy.Max(0, sympy.Symbol("c", positive=True) * x)
    return expr


def _point_text(point, names) -> str:
    values = point.exact if point.exact is not None else point.coords
    return "(" + ", ".join(f"{n} = {sympy.sstr(v)}" for n, v in zip(names, values)) + ")"


def _rows(analysis) -> list[list[object]]:
    names = analysis.names
    rows = []
    for p in analysis.points:
        how = "; ".join([p.verdict.method, *p.verdict.evidence])
        rows.append([_point_text(p, names), verdict_badge(p.verdict.label), how])
    for fam in analysis.families:
        how = "; ".join([fam.verdict.method, *fam.verdict.evidence]).strip("; ")
        rows.append([fam.description, verdict_badge(fam.verdict.label), how])
    return rows


def _chain_row(ctx: Context) -> list[object] | None:
    landscape, _ = load("symgrad.analysis.stationary.landscape", what="the chain's stationary set")
    if landscape is None:
        return None
    desc, _points = landscape.stationary_description(ctx.chain)
    inf = landscape.chain_infimum(ctx.chain)
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
        for i, (where, badge, how) in enumerate(_rows(analysis)):
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
