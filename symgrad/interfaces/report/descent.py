"""The descent section: where the float iterates stop, and what they stop at.

The text's second question, on the report's own chain: :func:`symgrad.descend` runs
:data:`STEPS` steps of gradient descent with the report's step size (``--lr``) from its
weights, the true iteration certified with balls beside each of the report's formats, and
the page shows per run the first step at which it stops moving while the truth still
moves, its lost updates, its distance from the truth and what its final iterate is (the
Hessian classification, for depths up to :data:`CLASSIFY_MAX_DEPTH`).  The plot (|F| and
||grad F|| against the step, the lost-update maps) is inline SVG when matplotlib is
installed; without it the report says so and keeps the table.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> from symgrad.interfaces.report.model import Context, ReportOptions
>>> ctx = Context(ReportOptions(depth=3), Chain(3), (Fraction(1),) * 3)
>>> sec = descent_section(ctx)
>>> sec.anchor, "float16" in sec.html
('descent', True)
"""

from __future__ import annotations

from symgrad.interfaces.report.model import Context, Section
from symgrad.interfaces.report.optional import from_missing_extra, load
from symgrad.present.html import esc, paragraph, table

__all__ = ["CLASSIFY_MAX_DEPTH", "STEPS", "descent_section"]

#: the number of descent steps the report runs
STEPS = 200
#: the deepest chain whose final iterates the report classifies (the Hessian's eigenvalue
#: enclosures grow like depth^3)
CLASSIFY_MAX_DEPTH = 60


def _rows(result) -> list[list[str]]:
    from symgrad.analysis.descent import distances, first_stall
    from symgrad.present.numbers import format_bound

    d = result.descent
    rows = []
    for name, run in d.floats.items():
        stall = first_stall(d.truth, run)
        stop = "never" if stall["step"] is None else (
            f"step {stall['step']}" + (", the truth still moves" if stall["true_moves"] else ""))
        dist = distances(d.truth, run)
        end = d.ends.get(name)
        rows.append([name, stop, str(int(run.lost.sum())), repr(run.value[-1]),
                     format_bound(dist[-1], "upper", 3) if dist else "-",
                     end.answer if end else "not classified (depth above "
                     f"{CLASSIFY_MAX_DEPTH})"])
    return rows


def _plot(result, sec: Section) -> None:
    plots, missing = load("symgrad.present.descent_plots", what="the descent plot")
    if plots is None:
        sec.left_out.append(missing)
        return
    from symgrad.base.errors import MissingExtraError

    d = result.descent
    curves = {"true": ([float(s.value.mid()) for s in d.truth.steps],
                       [float(s.grad_norm.mid()) for s in d.truth.steps])}
    curves |= {n: (r.value, r.grad_norm) for n, r in d.floats.items()}
    maps = {n: 2 * r.lost.astype("int8") + (r.status == 2) for n, r in d.floats.items()}
    try:
        svg = plots.render_descent(curves, maps, "svg").decode("utf-8")
    except MissingExtraError as exc:
        sec.left_out.append(from_missing_extra(exc, "the descent plot"))
        return
    body = svg[svg.index("<svg"):] if "<svg" in svg else svg
    sec.html += (f'<figure class="figure">{body}<figcaption>|F| and ||grad F|| against the '
                 "step for the truth and each format (log scale); per format, the parameter "
                 "x step map of lost updates (black) and zero gradients (grey)"
                 "</figcaption></figure>")


def descent_section(ctx: Context) -> Section:
    """The descent run of the report's chain: truth beside each format, and the ends."""
    from symgrad.interfaces.api.descend import descend

    sec = Section("descent", "Gradient descent: where the float iterates stop")
    chain = ctx.chain
    result = descend(chain, list(ctx.weights), eta=ctx.options.lr, steps=STEPS,
                     formats=",".join(ctx.formats), digits=10,
                     classify=chain.depth <= CLASSIFY_MAX_DEPTH)
    d = result.descent
    truth = (f"The true iteration p_k+1 = p_k - eta grad F(p_k) (eta = {esc(ctx.options.lr)}, "
             f"{STEPS} steps), certified with balls: {d.truth.reached} steps certified"
             + (f" ({esc(d.truth.stop)})" if d.truth.stop else "") + ".")
    end = d.ends.get("true")
    sec.html = "\n".join([
        paragraph("The text: analytically the iterates reach grad F -> 0; numerically an "
                  "update below the format's resolution is lost, so a run stops once the "
                  "gradient is small, and small gradients mean slow progress. " + truth
                  + (f" The true run: {esc(end.answer)}." if end else "")),
        table(["format", "stops moving at", "lost updates", "F at the end",
               "distance to the truth (<=)", "what it stopped at"], _rows(result),
              caption="the same descent in each format, every operation rounded in it",
              widths=(10, 18, 10, 14, 12, 36)),
    ])
    stops = [(r.stall, n) for n, r in d.floats.items() if r.stall is not None]
    if stops:
        k, name = min(stops)
        sec.facts.append(("descent: first format to stop moving", f"{name} at step {k}"))
    _plot(result, sec)
    return sec
