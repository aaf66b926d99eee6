"""The report's symbolic sections: the derivation and the reference values.

Every formula shown is computed by symgrad's core at report time (SymPy's
``diff``, the layer-wise chain rule, the induction proof); nothing is typed in.

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

from symgrad.base.output import format_bound
from symgrad.core.activations import derivative_supremum
from symgrad.core.bounds import gradient_bound, symbolic_bound
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise
from symgrad.core.induction import I_, L_, O, W, prove_closed_form
from symgrad.interfaces.report.model import Context, Section
from symgrad.present.html import Markup, esc, paragraph, table, verdict_badge
from symgrad.present.mathml import to_mathml

__all__ = ["EXAMPLE_DEPTH", "ROW_CAP", "decimal", "derivation_section", "equation",
           "reference_section", "short"]

#: depth of the small chain whose derivative is written out factor by factor
EXAMPLE_DEPTH = 3
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


def _bound_value(ctx: Context) -> sympy.Rational:
    """The bound on |dF/dw_1| at the report's weights, exactly."""
    b = gradient_bound(ctx.chain, 1)
    subs = {w: sympy.Rational(v.numerator, v.denominator)
            for w, v in zip(ctx.chain.weights, ctx.weights, strict=True)}
    return sympy.Rational(b.expression.xreplace(subs))


def derivation_section(ctx: Context) -> Section:
    """The model, sigma', a worked example, the closed form with its proof, the bound."""
    chain = ctx.chain
    act = chain.act
    sec = Section("derivation", "Derivation")
    t = sympy.Symbol("t")
    parts = [paragraph(
        "The text's network: L layers of one neuron each, no bias, the output of the last "
        "layer taken as F. SymPy derives every formula below when the report is built."
    )]
    model = [sympy.Eq(O[1], W[1], evaluate=False),
             sympy.Eq(O[I_], act(W[I_] * O[I_ - 1]), evaluate=False),
             sympy.Eq(sympy.Symbol("F"), O[L_], evaluate=False)]
    parts += [equation(e) for e in model]
    parts.append("<h3>The derivative of the activation</h3>")
    parts.append(equation(sympy.Eq(sympy.Derivative(act(t), t), act.derivative(t),
                                   evaluate=False)))
    # a small worked example
    small = Chain(min(EXAMPLE_DEPTH, chain.depth), activation=chain.activation)
    d_small = derive_layerwise(small)
    parts.append(f"<h3>Worked example: depth {small.depth}</h3>")
    parts.append(paragraph("Written out, F is"))
    parts.append(equation(sympy.Eq(sympy.Symbol("F"), small.nested_expression(),
                                   evaluate=False)))
    parts.append(paragraph(
        "and the chain rule applied layer by layer (o_i kept as names) gives"))
    dw1 = sympy.Derivative(sympy.Symbol("F"), small.weights[0])
    parts.append(equation(sympy.Eq(dw1, d_small.partial(1), evaluate=False)))
    # closed form for every depth, with its proof
    proof = prove_closed_form(chain.activation, k=1)
    ctx.cache["proof_k1"] = proof
    parts.append("<h3>Closed form for every depth L, by induction</h3>")
    parts.append(equation(proof.claim))
    for n, step in enumerate(proof.steps, 1):
        badge = verdict_badge("verified" if step.verified else "not verified").html
        parts.append(f'<div class="step"><div class="steptitle">{n}. {esc(step.title)} '
                     f"{badge}</div>{equation(step.statement)}"
                     f'<div class="why">by: {esc(step.justification)}</div></div>')
    parts.append(paragraph(
        f"For this chain (L = {chain.depth}) the gradient with respect to the first weight is"))
    parts.append(equation(sympy.Eq(sympy.Derivative(sympy.Symbol("F"), chain.weights[0]),
                                   ctx.derivation.closed_form(1), evaluate=False)))
    # the bound
    sup = derivative_supremum(chain.activation)
    at = ", ".join(sympy.sstr(c) for c in sup.attained_at) or "none (only approached)"
    parts.append("<h3>Why it vanishes</h3>")
    parts.append(paragraph(
        f"SymPy finds sup |{chain.activation}'(t)| = {sympy.sstr(sup.value)}, attained at "
        f"t = {at}. Every factor of the product is therefore at most |w_i| times "
        f"{sympy.sstr(sup.value)} in absolute value:"))
    lhs = sympy.Abs(sympy.Derivative(sympy.Symbol("F"), W[1]))
    parts.append(equation(sympy.Le(lhs, symbolic_bound(chain.activation), evaluate=False)))
    bound = _bound_value(ctx)
    ctx.cache["bound_w1"] = bound
    shown = format_bound(bound, "upper", 6)  # rounded up: the printed number is a bound too
    parts.append(paragraph(
        f"At the report's weights ({ctx.options.weights}) and depth {chain.depth} this bound "
        f"is {shown} (rounded up)."))
    sec.html = "\n".join(parts)
    sec.facts.append((f"bound on |dF/dw1| at depth {chain.depth}", shown))
    return sec


def _reference_data(ctx: Context):
    """Rows and method of ``symgrad reference --format json`` (certified when possible)."""
    if "reference_rows" not in ctx.cache:
        from symgrad.interfaces.cli.cmd_reference import reference_rows
        from symgrad.interfaces.report.optional import load

        flint, missing = load("symgrad.numeric.flint_backend",
                              what="certified enclosures (python-flint balls)")
        wrt = list(range(1, ctx.chain.depth + 1))
        rows, method = reference_rows(ctx.chain, ctx.weights, digits=ctx.options.digits,
                                      wrt=wrt, certified=flint is not None)
        ctx.cache["reference_rows"] = (rows, method, missing)
    return ctx.cache["reference_rows"]


def _shown(rows: list[dict]) -> list[dict]:
    if len(rows) <= ROW_CAP:
        return rows
    half = ROW_CAP // 2
    return [*rows[:half], {"name": "...", "value": f"({len(rows) - ROW_CAP} more)"},
            *rows[-half:]]


def reference_section(ctx: Context) -> Section:
    """F and dF/dw_k to ``digits`` digits; writes ``reference.json``."""
    from symgrad.base.output import dumps_json
    from symgrad.interfaces.cli.cmd_reference import reference_json

    sec = Section("reference", "Reference values")
    rows, method, missing = _reference_data(ctx)
    if missing is not None:
        sec.left_out.append(missing)
    doc = reference_json(ctx.chain, ctx.options.weights, rows, method, ctx.options.digits)
    sec.files["reference.json"] = dumps_json(doc)
    certified = bool(method.get("certified"))
    head = ["quantity", "value"] + (["radius", "certified digits"] if certified else [])
    body = []
    for r in _shown(rows):
        line = [r["name"], Markup(f"<code>{esc(r['value'])}</code>")]
        if certified:
            line += [r.get("radius", ""), r.get("certified_digits", "")]
        body.append(line)
    how = ("ball arithmetic (python-flint): the true value lies within value ± radius"
           if certified else "mpmath, confirmed at two working precisions")
    parts = [paragraph(
        f"F and every partial derivative at the weights '{ctx.options.weights}', to "
        f"{ctx.options.digits} significant digits, by {how}. All {len(rows)} values are in "
        "reference.json (the schema of `symgrad reference --format json`)."),
        table(head, body, numeric=(2, 3) if certified else (),
              caption=f"{ctx.chain.describe()}; {method['method']}")]
    sec.html = "\n".join(parts)
    first = next(r for r in rows if r["name"] == "dF/dw1")
    sec.facts.append((f"dF/dw1 at depth {ctx.chain.depth}", short(first["value"])))
    return sec
