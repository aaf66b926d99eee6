"""The report's symbolic sections: the derivation and the reference values.

The derivation is the document of :func:`symgrad.interfaces.documents.chain_document`
(what ``symgrad derive --symbolic-depth`` prints), rendered with MathML: every
formula is computed by symgrad's core at report time; nothing is typed in.

>>> from symgrad.interfaces.report.model import Context, ReportOptions
>>> from symgrad.core.chain import Chain
>>> from fractions import Fraction
>>> ctx = Context(ReportOptions(depth=3), Chain(3), (Fraction(1),) * 3)
>>> sec = derivation_section(ctx)
>>> sec.title, "<math" in sec.html
('Derivation', True)
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import mpmath
import sympy

from symgrad.interfaces.documents import chain_document
from symgrad.interfaces.report.model import Context, Section
from symgrad.present.html import Markup, esc, paragraph, table
from symgrad.present.mathml import to_mathml
from symgrad.present.numbers import format_bound

__all__ = ["ROW_CAP", "decimal", "derivation_section", "equation", "reference_section", "short"]

#: at most this many rows of values on the page (all of them are in reference.json)
ROW_CAP = 24


def equation(expr: sympy.Basic) -> str:
    """A displayed equation (MathML in a styled box)."""
    return f'<div class="eq">{to_mathml(expr)}</div>'


def decimal(value: sympy.Rational | int, digits: int = 6) -> str:
    """An exact rational as a decimal string with ``digits`` significant digits.

    >>> decimal(sympy.Rational(1, 3), 4)
    '3.333e-1'
    """
    from symgrad.numeric.mpmath_backend import format_significant

    q = sympy.Rational(value)
    with mpmath.workdps(digits + 10):
        return format_significant(mpmath.mpf(int(q.p)) / int(q.q), digits)


def short(text: str, digits: int = 6) -> str:
    """A decimal string rounded to ``digits`` significant digits (for the summary).

    >>> short("4.380479830262e-26")
    '4.38048e-26'
    """
    try:
        return format(Decimal(text), f".{digits - 1}e")
    except (InvalidOperation, ValueError):
        return text


def derivation_section(ctx: Context) -> Section:
    """The derivation document of the report's chain (:func:`chain_document`: the model,
    the local derivatives, dF/dw_1 for every depth with its induction proof, the bound),
    rendered with MathML, then the bound at the report's weights."""
    chain = ctx.chain
    sec = Section("derivation", "Derivation")
    doc = chain_document(chain, [1], symbolic_depth=True)
    shown = format_bound(ctx.bound, "upper", 6)  # rounded up: the printed number is a bound too
    sec.html = "\n".join([
        paragraph("The text's network: L layers of one neuron each, no bias, the output of the "
                  "last layer taken as F. SymPy derives every formula below when the report is "
                  "built (the document of symgrad derive --symbolic-depth)."),
        doc.render("mathml"),
        paragraph(f"At the report's weights ({ctx.options.weights}) and depth {chain.depth} the "
                  f"bound on |dF/dw1| is {shown} (rounded up)."),
    ])
    sec.facts.append((f"bound on |dF/dw1| at depth {chain.depth}", shown))
    return sec


def _reference_result(ctx: Context):
    """``symgrad.reference`` at the report's chain and weights (every partial, certified by
    python-flint balls), or the note that python-flint is missing."""
    from symgrad.interfaces.api.reference import reference
    from symgrad.interfaces.report.optional import load

    flint, missing = load("symgrad.numeric.flint_backend",
                          what="certified enclosures (python-flint balls)")
    if flint is None:
        return None, missing
    return reference(ctx.chain, ctx.options.weights, digits=ctx.options.digits, wrt="all",
                     certified=True), None


def _shown(rows: list[dict]) -> list[dict]:
    if len(rows) <= ROW_CAP:
        return rows
    half = ROW_CAP // 2
    return [*rows[:half], {"name": "...", "value": f"({len(rows) - ROW_CAP} more)"},
            *rows[-half:]]


def reference_section(ctx: Context) -> Section:
    """F and dF/dw_k to ``digits`` digits; writes ``reference.json`` (the document of
    ``symgrad reference --format json``)."""
    from symgrad.base.output import dumps_json

    sec = Section("reference", "Reference values")
    result, missing = _reference_result(ctx)
    if result is None:
        sec.left_out.append(missing)
        return sec
    sec.files["reference.json"] = dumps_json(result.to_json())
    rows = result.rows()
    head = ["quantity", "value", "radius", "certified digits"]
    body = [[r["name"], Markup(f"<code>{esc(r['value'])}</code>"), r.get("radius", ""),
             str(r.get("certified_digits", ""))] for r in _shown(rows)]
    parts = [paragraph(
        f"F and every partial derivative at the weights '{ctx.options.weights}', to "
        f"{ctx.options.digits} significant digits, by ball arithmetic (python-flint): the true "
        f"value lies within value ± radius. All {len(rows)} values are in reference.json (the "
        "schema of `symgrad reference --format json`)."),
        table(head, body, numeric=(2, 3),
              caption=f"{ctx.chain.describe()}; {result.method_info()['method']}")]
    sec.html = "\n".join(parts)
    sec.facts.append((f"dF/dw1 at depth {ctx.chain.depth}", short(result.value("dF/dw1"))))
    return sec
