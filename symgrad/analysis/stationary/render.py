"""Text, JSON, LaTeX and table-row renderings of an
:class:`~symgrad.analysis.stationary.model.Analysis`.

:func:`latex_pieces` returns the LaTeX fragments (gradient, Hessian, one
verdict line per point/family) so that other documents can reuse them;
:func:`verdict_rows` the rows (point, verdict badge, evidence) of the HTML
tables of the report and of Jupyter.  (This module does not import
:mod:`.model`, which calls :func:`verdict_rows` for its own display.)

>>> from symgrad.analysis.stationary import analyse
>>> print(render_text(analyse("x**2 - y**2")).splitlines()[0])
f(x, y) = x**2 - y**2
"""

from __future__ import annotations

import sympy

from symgrad.base.output import dumps_json
from symgrad.present.html import verdict_badge
from symgrad.present.latex import latex

__all__ = ["latex_pieces", "render", "render_json", "render_latex", "render_text",
           "verdict_rows"]


def render_text(a) -> str:
    """A readable report: expression, path, a table of points, families, pieces, notes."""
    names = a.names
    lines = [f"f({', '.join(names)}) = {a.expr}", f"path: {a.path}"]
    if a.box:
        lines.append("box: " + ", ".join(f"{k} in [{lo}, {hi}]" for k, (lo, hi) in a.box.items()))
    lines.append(f"gradient: ({', '.join(str(g) for g in a.gradient)})")
    if a.points:
        lines.append("")
        header = ["#", *names, "f", "class", "evidence"]
        rows = []
        for i, p in enumerate(a.points, 1):
            cert = "" if p.certified else " [uncertified]"
            rows.append([str(i), *p.coords, p.value, p.verdict.label + cert,
                         "; ".join(p.verdict.evidence[:2])])
        widths = [max(len(r[j]) for r in [header, *rows]) for j in range(len(header) - 1)]
        for r in [header, *rows]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
        for i, p in enumerate(a.points, 1):
            if p.eigenvalues:
                enc = ", ".join(p.eigenvalues)
                lines.append(f"  #{i} Hessian eigenvalue enclosures: {enc}")
            if p.radius:
                lines.append(f"  #{i} certified unique root within ± {p.radius}")
    else:
        lines.append("no isolated stationary points" + (" in the box" if a.box else ""))
    for f in a.families:
        why = "; ".join(f.verdict.evidence)
        lines.append(f"family: {f.description}: {f.verdict.label} ({why})")
    for pc in a.pieces:
        lines.append(f"piece {pc.interval}: f = {pc.expression}, f' = {pc.derivative}: {pc.note}")
    for n in a.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines) + "\n"


def render_json(a) -> str:
    """Stable JSON (every number a decimal string or an exact expression string)."""
    return dumps_json(a.as_dict())


def latex_pieces(a) -> dict[str, object]:
    """LaTeX fragments: ``function``, ``gradient``, ``hessian`` and ``verdicts`` (a list)."""
    f = sympy.Function("f")(*a.variables)
    out: dict[str, object] = {
        "function": f"{latex(f)} = {latex(a.expr)}",
        "gradient": r"\nabla f = " + latex(sympy.Matrix(a.gradient).T),
        "hessian": "" if a.hessian is None else r"D^2 f = " + latex(a.hessian),
    }
    verdicts = []
    for p in a.points:
        pt = p.exact if p.exact is not None else p.coords
        coords = ", ".join(latex(c) if not isinstance(c, str) else c for c in pt)
        v = rf"\left({coords}\right):\ \text{{{p.verdict.label}}}"
        if p.hessian_exact is not None:
            v += r",\quad D^2 f = " + latex(p.hessian_exact)
        verdicts.append(v)
    for fam in a.families:
        verdicts.append(rf"\{{{fam.latex or fam.description}\}}:\ \text{{{fam.verdict.label}}}")
    out["verdicts"] = verdicts
    return out


def render_latex(a) -> str:
    """A LaTeX fragment (align* environment) with the pieces of :func:`latex_pieces`."""
    pc = latex_pieces(a)
    rows = [pc["function"], pc["gradient"]]
    if pc["hessian"]:
        rows.append(pc["hessian"])
    rows += list(pc["verdicts"])  # type: ignore[arg-type]
    return "\\begin{align*}\n" + " \\\\\n".join(f"& {r}" for r in rows) + "\n\\end{align*}\n"


def render(a, fmt: str) -> str:
    """Dispatch on ``fmt`` in text, json, latex."""
    return {"text": render_text, "json": render_json, "latex": render_latex}[fmt](a)


def _point_text(point, names) -> str:
    values = point.exact if point.exact is not None else point.coords
    return "(" + ", ".join(f"{n} = {sympy.sstr(v)}" for n, v in zip(names, values)) + ")"


def verdict_rows(analysis) -> list[list[object]]:
    """[point or family, verdict badge, how it was decided] for every point and family.

    >>> from symgrad.analysis.stationary import analyse
    >>> [(where, how.split(";")[0]) for where, _, how in verdict_rows(analyse("x**2"))]
    [('(x = 0)', 'exact inertia (Descartes on the charpoly)')]
    """
    names = analysis.names
    rows = []
    for p in analysis.points:
        how = "; ".join([p.verdict.method, *p.verdict.evidence])
        rows.append([_point_text(p, names), verdict_badge(p.verdict.label), how])
    for fam in analysis.families:
        how = "; ".join([fam.verdict.method, *fam.verdict.evidence]).strip("; ")
        rows.append([fam.description, verdict_badge(fam.verdict.label), how])
    return rows
