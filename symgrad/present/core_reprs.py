r"""Jupyter renderers of the core result types (registered in :mod:`symgrad.base.reprs`).

>>> from symgrad.core.chain import Chain
>>> from symgrad.core.derive import derive_layerwise
>>> "<math" in derive_layerwise(Chain(3))._repr_html_()
True
>>> from symgrad.core.bounds import gradient_bound
>>> print(gradient_bound(Chain(2))._repr_latex_())
$\displaystyle \left|\frac{\partial F}{\partial w_{1}}\right| \le \frac{\left|{w_{2}}\right|}{4}$

``repr()`` is one short line at any depth (:mod:`symgrad.present.summary`):

>>> from symgrad.core.derive import RouteCheck
>>> RouteCheck(Chain(100_000), (True,) * 100_000)  # doctest: +ELLIPSIS
<RouteCheck: ... holds for all 100000 k; full data: .per_k>
"""

from __future__ import annotations

import sympy

from symgrad.base.reprs import register
from symgrad.core.bounds import GradientBound
from symgrad.core.derive import GradientDerivation, RouteCheck
from symgrad.core.induction import InductionProof
from symgrad.present.display import (
    elide,
    html_block,
    html_table,
    latex_display,
    math_html,
    too_large,
)
from symgrad.present.html import verdict_badge
from symgrad.present.latex import latex
from symgrad.present.summary import expr_text, summary

#: a bound over more weights than this is shown with a product sign, not factor by factor
BOUND_FACTORS = 12

__all__: list[str] = []


@register(GradientDerivation, "latex")
def _derivation_latex(d: GradientDerivation) -> str:
    """dF/dw_1 in closed form (``Product`` notation, O(1) in the depth)."""
    return latex_display(d.first_partial())


@register(GradientDerivation, "html")
def _derivation_html(d: GradientDerivation) -> str:
    """The chain and dF/dw_1 in closed form, as MathML."""
    return html_block(f"dF/dw1 of the {d.chain.describe()}", math_html(d.first_partial()))


@register(RouteCheck, "html")
def _routes_html(r: RouteCheck) -> str:
    """A table of k and whether the two routes are proven equal."""
    rows = [None if row is None else [str(row[0]), verdict_badge("yes" if row[1] else "no")]
            for row in elide(list(enumerate(r.per_k, 1)))]
    verdict = "holds" if r.holds else "fails"
    return html_table(["k", "proven equal"], rows,
                      caption=f"naive diff = layer-wise chain rule, {r.chain.describe()}: "
                      f"{verdict}")


@register(InductionProof, "latex")
def _proof_latex(p: InductionProof) -> str:
    """The claim, then one row per step: its number, title, whether verified, statement."""
    rows = [r"\text{Claim: } " + latex(p.claim)]
    rows += [r"\text{%d. %s (%s): } %s"
             % (n, s.title, "verified" if s.verified else "not verified", latex(s.statement))
             for n, s in enumerate(p.steps, 1)]
    return "$\\displaystyle \\begin{array}{l}" + r"\\ ".join(rows) + r"\end{array}$"


def _bound_parts(b: GradientBound) -> list[sympy.Expr] | None:
    """Over many weights, the bound's factors written with a product sign and a power
    (head, product over the weights, supremum, exponent): O(1) in the depth and no huge
    integer; ``None`` over a few weights (the expression is shown as it is)."""
    from symgrad.core.induction import I_, W

    if b.chain.depth - b.k <= BOUND_FACTORS:
        return None
    head = sympy.S.One if b.chain.form == "seed" and b.k == 1 else abs(b.chain.layer(b.k).prev)
    weights = sympy.Product(abs(W[I_]), (I_, b.k + 1, b.chain.depth))
    return [head, weights, b.supremum.value, sympy.Integer(b.power)]


@register(GradientBound, "latex")
def _bound_latex(b: GradientBound) -> str:
    """|dF/dw_k| <= the bound's expression (with a product sign over many weights)."""
    lhs = r"\left|\frac{\partial F}{\partial w_{%d}}\right|" % b.k
    parts = _bound_parts(b)
    if parts is None and too_large(b.expression):
        return latex_display(b.expression)  # described in words
    if parts is None:
        return f"$\\displaystyle {lhs} \\le {latex(b.expression)}$"
    head, weights, sup, power = parts
    rhs = (("" if head == 1 else latex(head) + " ") + latex(weights)
           + r" \left(%s\right)^{%s}" % (latex(sup), power))
    return f"$\\displaystyle {lhs} \\le {rhs}$"


@register(GradientBound, "text")
def _bound_text(b: GradientBound) -> str:
    """|dF/dw_k| <= the bound, short at any depth."""
    parts = _bound_parts(b)
    if parts is None:
        rhs = expr_text(b.expression, 160)
    else:
        head, weights, sup, power = parts
        rhs = ("" if head == 1 else f"{head}*") + f"{weights}*({sup})**{power}"
    return summary("GradientBound", [f"|dF/dw_{b.k}| <= {rhs}", b.chain.describe()],
                   ".expression")


@register(RouteCheck, "text")
def _routes_text(r: RouteCheck) -> str:
    """Whether the routes agree for every k, or the first k where they do not."""
    bad = [k for k, ok in enumerate(r.per_k, 1) if not ok]
    verdict = (f"holds for all {len(r.per_k)} k" if not bad else
               f"fails for {len(bad)} of {len(r.per_k)} k (first k = {bad[0]})")
    return summary("RouteCheck", [f"{r.chain.describe()}: {verdict}"], ".per_k")


@register(InductionProof, "text")
def _proof_text(p: InductionProof) -> str:
    """The claim and how many steps were verified."""
    done = sum(s.verified for s in p.steps)
    return summary("InductionProof", [f"{expr_text(p.claim, 160)}",
                                      f"{done} of {len(p.steps)} steps verified"], "str(proof)")
