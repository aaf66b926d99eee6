"""Jupyter renderers of the numeric result types (registered in :mod:`symgrad.base.reprs`).

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> from symgrad.numeric.reference import reference_values
>>> html = reference_values(Chain(2), [Fraction(1), Fraction(1)], digits=5)._repr_html_()
>>> "1.9661e-1" in html
True

``repr()`` is one short line whatever the depth and the digits:

>>> r = reference_values(Chain(2), [Fraction(1), Fraction(1)], digits=5)
>>> repr(r).startswith("<Reference: F = 7.3106e-1, 2 partials dF/dw1 = 1.9661e-1 …")
True
>>> repr(r).endswith("5 correct digits; full data: .value, .grad_w, .grad_b, .grad_x>")
True
"""

from __future__ import annotations

from symgrad.base.reprs import register
from symgrad.numeric.certified import Ball, Certified
from symgrad.numeric.reference import Reference
from symgrad.present.html import esc
from symgrad.present.summary import short_decimal, summary
from symgrad.present.tables import elide, html_table

__all__: list[str] = []

#: a value longer than this many characters is shown by its leading digits and length
#: (the whole string is the object's field, e.g. ``.mid`` or ``.grad_w[k]``)
LONG = 64


@register(Ball, "html")
def _ball_html(b: Ball) -> str:
    """``mid ± rad`` and the number of certified digits."""
    return (f"<span>{esc(short_decimal(b.mid, LONG))} &#xB1; {esc(b.rad)} "
            f"<small>({b.digits} certified digits)</small></span>")


@register(Certified, "html")
def _certified_html(c: Certified) -> str:
    """A table of every ball (long gradients cut)."""
    rows = [None if nb is None else [nb[0], short_decimal(nb[1].mid, LONG), nb[1].rad,
                                     str(nb[1].digits)]
            for nb in elide(c.balls())]
    return html_table(["quantity", "midpoint", "radius", "certified digits"], rows,
                      numeric=(1, 2, 3),
                      caption=f"certified values, {c.digits} correct significant "
                      f"digits (working precision {c.prec} bits)"
                      + (f"; {len(c.balls())} values in all: .balls()"
                         if None in rows else ""))


@register(Reference, "html")
def _reference_html(r: Reference) -> str:
    """A table of F and every partial derivative (long gradients cut)."""
    named = [("F", r.value), *((f"dF/dw{k}", g) for k, g in enumerate(r.grad_w, 1)),
             *((f"dF/db{k}", g) for k, g in enumerate(r.grad_b, 1))]
    if r.grad_x is not None:
        named.append(("dF/dx", r.grad_x))
    rows = [None if nv is None else [nv[0], short_decimal(nv[1], LONG)] for nv in elide(named)]
    return html_table(["quantity", "value"], rows, numeric=(1,),
                      caption=f"{r.digits} correct significant digits (certified)"
                      + (f"; {len(named)} values in all: .value, .grad_w, .grad_b, .grad_x"
                         if None in rows else ""))


def _partials(grad_w: list[str]) -> str:
    if not grad_w:
        return "no partials"
    last = len(grad_w)
    if last == 1:
        return f"1 partial dF/dw1 = {short_decimal(grad_w[0], 24)}"
    return (f"{last} partials dF/dw1 = {short_decimal(grad_w[0], 24)} … "
            f"dF/dw{last} = {short_decimal(grad_w[-1], 24)}")


@register(Ball, "text")
def _ball_text(b: Ball) -> str:
    """``Ball(mid ± rad, N digits)`` with a long midpoint shortened."""
    return f"Ball({short_decimal(b.mid, 40)} ± {b.rad}, {b.digits} digits)"


@register(Certified, "text")
def _certified_text(c: Certified) -> str:
    """F, the first and last dF/dw_k, the count; the balls are ``.balls()``."""
    return summary("Certified", [f"F = {short_decimal(c.value.mid, 24)}",
                                 _partials([b.mid for b in c.grad_w]),
                                 f"{c.digits} correct digits"], ".balls(), .to_json()")


@register(Reference, "text")
def _reference_text(r: Reference) -> str:
    """F, the first and last dF/dw_k, the count; the values are the fields."""
    return summary("Reference", [f"F = {short_decimal(r.value, 24)}", _partials(list(r.grad_w)),
                                 f"{r.digits} correct digits"],
                   ".value, .grad_w, .grad_b, .grad_x")
