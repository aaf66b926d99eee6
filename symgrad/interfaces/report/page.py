"""The report page's parts, shared by ``index.html`` (:mod:`symgrad.interfaces.report.build`) and
``report.tex`` (:mod:`symgrad.interfaces.report.latexpdf`): its title, the command line that
reproduces it, and its body as HTML parts.
"""

from __future__ import annotations

from collections.abc import Sequence

from symgrad.interfaces.report.model import ReportOptions, Section
from symgrad.present import html

__all__ = ["TITLE", "command_line", "page_parts"]

TITLE = "Vanishing gradients, derived and verified"


def command_line(o: ReportOptions) -> list[str]:
    """The options of ``symgrad report`` that reproduce a report of options ``o``."""
    args = ["--depth", str(o.depth), "--weights", o.weights, "--activation", o.activation,
            "--lr", o.lr, "--scan-depth", str(o.scan_depth)]
    if o.formats is not None:
        args += ["--formats", ",".join(o.formats)]
    return [*args, "--backends", ",".join(o.backends) or "none"]


def page_parts(sections: Sequence[Section]) -> list[str]:
    """The page's body before its file list, as HTML parts: the key facts ("At a glance"),
    what was left out, every section.  ``index.html`` and ``report.tex`` are both made of
    exactly these parts (:mod:`symgrad.interfaces.report.texpage` converts them)."""
    facts = [f for s in sections for f in s.facts]
    left_out = [lo for s in sections for lo in s.left_out]
    parts = []
    if facts:
        cells = "".join(f"<div>{html.esc(label)}<b>{html.esc(value)}</b></div>"
                        for label, value in facts)
        parts.append(f'<section id="summary"><h2>At a glance</h2>'
                     f'<div class="keyfacts">{cells}</div></section>')
    if left_out:
        notes = "".join(html.note(lo.text()) for lo in left_out)
        parts.append(f'<section id="left-out"><h2>Left out of this report</h2>{notes}'
                     "</section>")
    for s in sections:
        if s.html:
            parts.append(f'<section id="{html.esc(s.anchor)}"><h2>{html.esc(s.title)}</h2>'
                         f"{s.html}</section>")
    return parts
