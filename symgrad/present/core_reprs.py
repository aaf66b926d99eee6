r"""Jupyter renderers of the core result types (registered in :mod:`symgrad.base.reprs`).

>>> from symgrad.core.chain import Chain
>>> from symgrad.core.derive import derive_layerwise
>>> "<math" in derive_layerwise(Chain(3))._repr_html_()
True
>>> from symgrad.core.bounds import gradient_bound
>>> print(gradient_bound(Chain(2))._repr_latex_())
$\displaystyle \left|\frac{\partial F}{\partial w_{1}}\right| \le \frac{\left|{w_{2}}\right|}{4}$
"""

from __future__ import annotations

from symgrad.base.reprs import register
from symgrad.core.bounds import GradientBound
from symgrad.core.derive import GradientDerivation, RouteCheck
from symgrad.core.induction import InductionProof
from symgrad.present.display import elide, html_block, html_table, latex_display, math_html
from symgrad.present.html import verdict_badge
from symgrad.present.latex import latex

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


@register(GradientBound, "latex")
def _bound_latex(b: GradientBound) -> str:
    """|dF/dw_k| <= the bound's expression."""
    lhs = r"\left|\frac{\partial F}{\partial w_{%d}}\right|" % b.k
    return f"$\\displaystyle {lhs} \\le {latex(b.expression)}$"
