"""The report page: one self-contained HTML5 file with inline styles.

Nothing on the page needs the network: mathematics is MathML (rendered by the
browser), plots are inline ``<svg>`` elements, the style sheet is inline, and
there is no script.  The helpers here escape every piece of text they are
given; only the ``*_html`` arguments are trusted markup (built by symgrad).

>>> table(["a", "b"], [["1", "<2>"]], caption="demo")
'<table><caption>demo</caption><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>&lt;2&gt;</td></tr></tbody></table>'
"""

from __future__ import annotations

import html as _html
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CSS", "SCOPE", "Markup", "esc", "link", "note", "page", "paragraph", "scoped", "table",
           "verdict_badge"]

#: the class that scopes every rule of :data:`CSS`: the page's ``<body>`` carries it, and so
#: does the ``<div>`` a report or document shows itself in inside a Jupyter notebook, so
#: the styles never reach the rest of the notebook page
SCOPE = "symgrad-report"

CSS = """
.symgrad-report { --fg:#1d232b; --muted:#5b6675; --accent:#1f5fa8; --ok:#17803d;
  --bad:#b3261e; --warn:#8a6100; --rule:#d9dee5; --panel:#f5f7fa;
  color:var(--fg); background:#fff; line-height:1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
body.symgrad-report { margin:0; }
.symgrad-report, .symgrad-report * { box-sizing: border-box; }
.symgrad-report main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
.symgrad-report header.top { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; }
.symgrad-report h1 { font-size: 1.9rem; margin: .2rem 0 .4rem; }
.symgrad-report h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom:.2rem;
  border-bottom: 1px solid var(--rule); }
.symgrad-report h3 { font-size: 1.08rem; margin: 1.3rem 0 .4rem; }
.symgrad-report p.lead { color: var(--muted); margin-top: 0; }
.symgrad-report nav ol { columns: 2; margin: .3rem 0 1rem; padding-left: 1.4rem; }
.symgrad-report a { color: var(--accent); }
.symgrad-report table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .92rem;
  width: 100%; }
.symgrad-report caption { text-align: left; color: var(--muted); font-size: .88rem;
  padding-bottom: .3rem; }
.symgrad-report th, .symgrad-report td { border-bottom: 1px solid var(--rule);
  padding: .3rem .55rem; text-align: left; vertical-align: top; }
.symgrad-report th { background: var(--panel); font-weight: 600; }
.symgrad-report table.fixed { table-layout: fixed; }
.symgrad-report table.fixed td { overflow-wrap: anywhere; }
.symgrad-report table.fixed .badge { white-space: normal; }
.symgrad-report .small { color: var(--muted); font-size: .82rem; display: block;
  margin-top: .2rem; }
.symgrad-report td.num, .symgrad-report th.num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.symgrad-report table.fixed td.num { overflow-wrap: normal; }
.symgrad-report td code { white-space: nowrap; }
.symgrad-report code, .symgrad-report td.mono { font-family: ui-monospace,
  "DejaVu Sans Mono", Menlo, monospace; font-size: .88em; }
.symgrad-report .number { white-space: nowrap; }
.symgrad-report math { font-size: 1.12em; }
.symgrad-report math[display="block"] { margin: .5rem 0; }
.symgrad-report .eq { background: var(--panel); border-left: 3px solid var(--accent);
  padding: .35rem .8rem; margin: .5rem 0 .8rem; max-width: 100%; overflow-x: auto;
  overflow-y: hidden; }
.symgrad-report .step { margin: .7rem 0 1rem; }
.symgrad-report .steptitle { font-weight: 600; }
.symgrad-report .why { color: var(--muted); font-size: .88rem; margin-top: -.3rem; }
.symgrad-report .badge { display:inline-block; padding: 0 .45rem; border-radius: .6rem;
  font-size: .8rem; font-weight: 600; color: #fff; white-space: nowrap; }
.symgrad-report .badge.ok { background: var(--ok); }
.symgrad-report .badge.bad { background: var(--bad); }
.symgrad-report .badge.undecided { background: var(--warn); }
.symgrad-report .badge.info { background: var(--muted); }
.symgrad-report .note { border: 1px solid #e8d7a6; background: #fff8e1; padding: .5rem .8rem;
  margin: .6rem 0; border-radius: .3rem; font-size: .92rem; }
.symgrad-report .figure { margin: .8rem 0 1.2rem; }
.symgrad-report .figure svg { width: 100%; height: auto; }
.symgrad-report .figure figcaption { color: var(--muted); font-size: .88rem; }
.symgrad-report .keyfacts { display: grid;
  grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.symgrad-report .keyfacts div { background: var(--panel); padding: .55rem .75rem;
  border-radius: .35rem; }
.symgrad-report .keyfacts b { display:block; font-size: 1.15rem; overflow-wrap: anywhere; }
.symgrad-report footer { margin-top: 3rem; color: var(--muted); font-size: .85rem;
  border-top: 1px solid var(--rule); padding-top: .6rem; }
"""


@dataclass(frozen=True)
class Markup:
    """Trusted HTML (built by symgrad) that :func:`table` cells must not escape."""

    html: str

    def __str__(self) -> str:
        return self.html


def esc(text: object) -> str:
    """HTML-escape ``text`` (quotes included).

    >>> esc('a < b & "c"')
    'a &lt; b &amp; &quot;c&quot;'
    """
    return _html.escape(str(text), quote=True)


def _cell(value: object, tag: str, numeric: bool) -> str:
    cls = ' class="num"' if numeric else ""
    body = value.html if isinstance(value, Markup) else esc(value)
    return f"<{tag}{cls}>{body}</{tag}>"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, caption: str = "",
          numeric: Sequence[int] = (), widths: Sequence[int] = ()) -> str:
    """An HTML table; ``numeric`` lists the column indices to right-align.

    ``widths`` (percentages, one per column) fixes the layout of wide tables.
    """
    num = set(numeric)
    head = "".join(_cell(h, "th", i in num) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(_cell(v, "td", i in num) for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    if widths:
        cols = "".join(f'<col style="width:{int(w)}%">' for w in widths)
        return (f'<table class="fixed">{cap}<colgroup>{cols}</colgroup><thead><tr>{head}</tr>'
                f"</thead><tbody>{body}</tbody></table>")
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def paragraph(text: str) -> str:
    """A ``<p>`` of escaped text."""
    return f"<p>{esc(text)}</p>"


def note(text: str) -> str:
    """A highlighted note (used for what the report leaves out and how to add it)."""
    return f'<div class="note">{esc(text)}</div>'


def verdict_badge(verdict: str) -> Markup:
    """A coloured badge.  A word of :class:`symgrad.base.verdicts.Verdict` takes its style
    (PASS/TRUE green, FAIL/FALSE red, UNDECIDED amber, NOT CHECKABLE/MEASURED/SKIPPED
    grey); other words: ``holds``/``verified`` green, ``fails`` red, else amber/grey.

    >>> verdict_badge("holds").html
    '<span class="badge ok">holds</span>'
    >>> verdict_badge("NOT CHECKABLE").html
    '<span class="badge info">NOT CHECKABLE</span>'
    """
    from symgrad.base.verdicts import Verdict

    low = verdict.lower()
    known = Verdict.from_word(verdict)
    if known is not None:
        cls = known.style
    elif low in ("holds", "verified", "true", "yes", "agrees", "certified", "ok"):
        cls = "ok"
    elif low in ("fails", "false", "no", "disagrees", "not verified", "refuted"):
        cls = "bad"
    elif "undecided" in low or low in ("unknown", "inconclusive"):
        cls = "undecided"
    else:
        cls = "info"
    return Markup(f'<span class="badge {cls}">{esc(verdict)}</span>')


def link(href: str, text: str) -> Markup:
    """A link to ``href`` (a file of the report, relative to the page).

    >>> link("scan.svg", "scan.svg").html
    '<a href="scan.svg"><code>scan.svg</code></a>'
    """
    return Markup(f'<a href="{esc(href)}"><code>{esc(text)}</code></a>')


def scoped(body_html: str) -> str:
    """``body_html`` with the style sheet, inside one ``<div class="symgrad-report">``: how
    a report or a document shows itself in a Jupyter notebook.  Every rule of :data:`CSS`
    is under that class, so nothing outside the ``<div>`` is restyled.

    >>> scoped("<p>hi</p>").startswith('<div class="symgrad-report"><style>')
    True
    """
    return f'<div class="{SCOPE}"><style>{CSS}</style>{body_html}</div>'


def page(*, title: str, lead: str, toc: Sequence[tuple[str, str]], body_html: str,
         footer: str) -> str:
    """The full HTML5 document (``toc`` is a list of (anchor id, heading))."""
    nav = "".join(f'<li><a href="#{esc(a)}">{esc(t)}</a></li>' for a, t in toc)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f'<body class="{SCOPE}">\n<main>\n'
        f'<header class="top"><h1>{esc(title)}</h1><p class="lead">{esc(lead)}</p></header>\n'
        f"<nav><strong>Contents</strong><ol>{nav}</ol></nav>\n"
        f"{body_html}\n"
        f"<footer>{esc(footer)}</footer>\n</main>\n</body>\n</html>\n"
    )
