"""Jupyter renderers of the numeric result types (registered in :mod:`symgrad.base.reprs`).

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> from symgrad.numeric.reference import reference_values
>>> html = reference_values(Chain(2), [Fraction(1), Fraction(1)], digits=5)._repr_html_()
>>> "1.9661e-1" in html
True
"""

from __future__ import annotations

from symgrad.base.reprs import register
from symgrad.numeric.certified import Ball, Certified
from symgrad.numeric.reference import Reference
from symgrad.present.display import elide, html_table
from symgrad.present.html import esc

__all__: list[str] = []


@register(Ball, "html")
def _ball_html(b: Ball) -> str:
    """``mid ± rad`` and the number of certified digits."""
    return (f"<span>{esc(b.mid)} &#xB1; {esc(b.rad)} "
            f"<small>({b.digits} certified digits)</small></span>")


@register(Certified, "html")
def _certified_html(c: Certified) -> str:
    """A table of every ball (long gradients cut)."""
    rows = [None if nb is None else [nb[0], nb[1].mid, nb[1].rad, str(nb[1].digits)]
            for nb in elide(c.balls())]
    return html_table(["quantity", "midpoint", "radius", "certified digits"], rows,
                      caption=f"certified values, {c.digits} correct significant "
                      f"digits (working precision {c.prec} bits)")


@register(Reference, "html")
def _reference_html(r: Reference) -> str:
    """A table of F and every partial derivative (long gradients cut)."""
    named = [("F", r.value), *((f"dF/dw{k}", g) for k, g in enumerate(r.grad_w, 1)),
             *((f"dF/db{k}", g) for k, g in enumerate(r.grad_b, 1))]
    if r.grad_x is not None:
        named.append(("dF/dx", r.grad_x))
    return html_table(["quantity", "value"], elide(named),
                      caption=f"{r.digits} correct significant digits (certified)")
