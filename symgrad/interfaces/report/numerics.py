"""The numeric sections: formats against the truth, the depth scan, f_c.

All numbers come from the precision lab (:mod:`symgrad.analysis.precision`) and the
format limits from ``numpy.finfo``/``ml_dtypes.finfo`` (through
:func:`symgrad.numeric.formats.format_info`); this module only lays
them out.  The plot of the scan comes from :mod:`symgrad.present.plotting` (the
``plot`` extra); without matplotlib the report says so and keeps the tables.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> from symgrad.interfaces.report.model import Context, ReportOptions
>>> ctx = Context(ReportOptions(depth=3, scan_depth=30), Chain(3), (Fraction(1),) * 3)
>>> sec = formats_section(ctx)
>>> "float16" in sec.html and "<table" in sec.html
True
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from symgrad.base.errors import SymgradError
from symgrad.interfaces.report.model import Context, Section
from symgrad.interfaces.report.optional import from_missing_extra, load
from symgrad.numeric.weights import parse_number, parse_weights
from symgrad.present.html import Markup, esc, paragraph, table
from symgrad.present.mathml import to_mathml

__all__ = ["formats_section", "scan_section", "scan_weights", "small_gradient_section"]

_EVENT_TEXT = {
    "true_below_normal": "true |dF/dw1| below the smallest normal number",
    "true_rounds_to_zero": "true |dF/dw1| rounds to 0 in the format",
    "subnormal": "computed dF/dw1 is subnormal",
    "zero": "computed dF/dw1 is exactly 0 (underflow)",
    "lost_update": "computed update w1 - lr·dF/dw1 gives back w1 (lost update)",
    "lost_update_true": "even the exact update rounds back to w1 (below half an ulp)",
    "rel_error_exceeds": "relative error of the computed dF/dw1 exceeds 1%",
}


def _limits_table(names) -> str:
    from symgrad.numeric.formats import format_info
    from symgrad.present.numbers import scalar_text

    rows = []
    for name in names:
        fi = format_info(name)
        rows.append([name, str(fi.nmant + 1), scalar_text(fi.eps, name),
                     scalar_text(fi.tiny, name), scalar_text(fi.smallest_subnormal, name),
                     scalar_text(fi.max, name)])
    return table(["format", "significand bits", "machine epsilon", "smallest normal",
                  "smallest subnormal", "largest"], rows, numeric=(1, 2, 3, 4, 5),
                 caption="from numpy.finfo / ml_dtypes.finfo")


def formats_section(ctx: Context) -> Section:
    """dF/dw_1 at the report's chain in every format beside the certified value."""
    from symgrad.analysis.precision import formats_table

    sec = Section("formats", "Floating-point formats against the truth")
    names = ctx.formats
    ft = formats_table(ctx.chain, ctx.weights, formats=names)
    rows = [[r.format, Markup(f"<code>{esc(r.value)}</code>"), r.relative_error, r.ulp_error,
             r.status] for r in ft.rows]
    sec.html = "\n".join([
        paragraph(
            f"dF/dw1 of the {ctx.chain.describe()} computed by the plain recurrence with "
            "every operation rounded to the format, beside the certified value "
            f"{ft.true.mid} ± {ft.true.rad}."),
        table(["format", "computed", "relative error", "error (ulps)", "status"], rows,
              numeric=(2, 3), caption=f"true dF/dw1 = {ft.true.mid} "
              f"({ft.true.digits} certified digits)"),
        paragraph(
            f"In float64 log space, log10|dF/dw1| = {ft.log10_logspace} (true "
            f"{ft.log10_true}): the logarithm survives where the product underflows."),
        "<h3>Machine epsilon and the limits of each format</h3>",
        paragraph("The text: updates smaller than machine epsilon cannot be performed. "
                  "Gradients below the smallest normal number lose precision, and below half "
                  "the smallest subnormal they become 0."),
        _limits_table(names),
    ])
    zero = [r.format for r in ft.rows if r.status == "zero"]
    if zero:
        sec.facts.append(("formats where dF/dw1 is 0", ", ".join(zero)))
    return sec


def scan_weights(ctx: Context) -> tuple[tuple[Fraction, ...], str]:
    """The weights of the scan (``--weights`` for the scan depth) and a note."""
    n = ctx.options.scan_depth
    try:
        return parse_weights(ctx.options.weights, n), ""
    except SymgradError:
        # an explicit list of L numbers: the scan covers depths 1..L
        return ctx.weights, (f" (--weights lists {ctx.chain.depth} numbers, so the scan "
                             f"covers depths 1..{ctx.chain.depth})")


def _scan_json(scan, weights, ctx: Context, plot: str | None) -> dict:
    """The document ``symgrad scan --format json`` prints for the same scan (``scan/2``)."""
    from symgrad.interfaces.api.scan import ScanResult

    return ScanResult(scan, tuple(weights), ctx.options.weights, plot).to_json()


def _plot(scan, sec: Section) -> None:
    plotting, missing = load("symgrad.present.plotting", what="the depth-scan plot")
    if plotting is None:
        sec.left_out.append(missing)
        return
    from symgrad.base.errors import MissingExtraError

    try:
        svg_bytes, png = plotting.render_scan(scan, "svg"), plotting.render_scan(scan, "png")
    except MissingExtraError as exc:
        sec.left_out.append(from_missing_extra(exc, "the depth-scan plot"))
        return
    svg = svg_bytes.decode("utf-8")
    sec.files["scan.svg"] = svg
    sec.files["scan.png"] = png
    body = svg[svg.index("<svg"):] if "<svg" in svg else svg
    sec.html += (f'<figure class="figure">{body}<figcaption>log10 |dF/dw1| against the '
                 "depth: the certified value and each format (also scan.svg, scan.png)"
                 "</figcaption></figure>")


def scan_section(ctx: Context) -> Section:
    """First depth of underflow / lost update per format, the plot, ``scan.json``."""
    from symgrad.analysis.precision import EVENTS, scan_depths
    from symgrad.base.output import dumps_json

    sec = Section("scan", "Depth scan")
    weights, note = scan_weights(ctx)
    lr = parse_number(ctx.options.lr, what="--lr")
    scan = scan_depths(list(weights), lr=lr, formats=ctx.formats,
                       activation=ctx.chain.activation)
    header = ["event", *[f.format for f in scan.formats]]
    rows = [[_EVENT_TEXT.get(ev, ev)] + ["–" if f.first[ev] is None else str(f.first[ev])
                                         for f in scan.formats] for ev in EVENTS]
    sec.html = "\n".join([
        paragraph(f"dF/dw1 of the seed chain for every depth 1..{scan.max_depth}{note}, "
                  f"weights '{ctx.options.weights}', learning rate {ctx.options.lr}. "
                  "Each cell is the first depth at which the event happens "
                  "('–': not up to the deepest chain)."),
        table(header, rows, numeric=tuple(range(1, len(header))),
              caption="first depth of each event"),
    ])
    _plot(scan, sec)
    plot = "scan.svg" if "scan.svg" in sec.files else None
    sec.files["scan.json"] = dumps_json(_scan_json(scan, weights, ctx, plot))
    for fmt in scan.formats:
        if fmt.format == "float64":
            for ev, label in (("lost_update", "float64 update lost from depth"),
                              ("zero", "float64 dF/dw1 = 0 from depth")):
                if fmt.first[ev] is not None:
                    sec.facts.append((label, str(fmt.first[ev])))
    return sec


def small_gradient_section(ctx: Context) -> Section:
    """The text's f_c(x) = max(0, c x): a tiny gradient far from the minimum."""
    sec = Section("small-gradient", "A small gradient far from the minimum: f_c")
    ex = ctx.small_gradient  # report.tex shows the same computation
    x = sympy.Symbol("x", real=True)
    rows = [["exact", ex.exact_value, ex.exact_derivative]]
    rows += [[r.format, f"{r.value} ({r.status_value})",
              f"{r.derivative} ({r.status_derivative})"] for r in ex.rows]
    from symgrad.present.numbers import fraction_text

    deriv = sympy.Eq(sympy.Derivative(ex.function, x), ex.derivative, evaluate=False)
    sec.html = "\n".join([
        paragraph("The text's example: a gradient can be arbitrarily small while the point is "
                  "far from the minimum 0. SymPy differentiates"),
        f'<div class="eq">{to_mathml(deriv)}</div>',
        paragraph(f"At p = {fraction_text(ex.p)} and c = {fraction_text(ex.c)}, exactly and "
                  "in each format (p overflows to inf in every binary format, and c may "
                  "underflow):"),
        table(["format", "f_c(p)", "f_c'(p)"], rows, caption="f_c(p) and f_c'(p)"),
    ])
    return sec
