"""The report page as LaTeX: the first part of ``report.tex``.

``report.tex`` must say what ``index.html`` says.  So its first part is not
computed again: it is the page's own HTML (each section's, built once by the
report's steps from one set of options) converted element by element --
paragraphs, headings, tables (``longtable``, with the page's column widths),
notes, the steps of the derivation -- and every formula from the LaTeX
source its ``<math>`` element carries in ``alttext``
(:func:`symgrad.present.mathml.to_mathml`).  Every number of that part is the
page's number, character for character.  Plots (inline SVG) are not drawn;
their captions name the files beside the report.

The converter reads only the HTML symgrad writes (:mod:`symgrad.present.html`);
an element it does not know contributes its text.

>>> html_to_latex('<p>a ± b, 10% of x_1</p><table><thead><tr><th>q</th>'
...               '<th class="num">v</th></tr></thead><tbody><tr><td>F</td>'
...               '<td class="num"><code>1.5e-3</code></td></tr></tbody></table>').split("\\n")[0]
'a $\\\\pm$ b, 10\\\\% of x\\\\_1'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from symgrad.interfaces.documents.render import LINE_WIDTH, escape_latex, visual_len

__all__ = ["PACKAGES", "escape_text", "html_to_latex"]

#: LaTeX packages the converted page needs (besides the documents' preamble)
PACKAGES = ("graphicx", "longtable", "array")

#: non-ASCII characters of the page and their LaTeX (pdflatex, OT1)
_UNICODE = {
    "±": r"$\pm$", "·": r"$\cdot$", "×": r"$\times$", "−": "-", "–": r"\textendash{}",
    "—": r"\textemdash{}",
    "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "≈": r"$\approx$", "∈": r"$\in$",
    "∏": r"$\prod$", "∑": r"$\sum$", "∂": r"$\partial$", "∇": r"$\nabla$", "∞": r"$\infty$",
    "→": r"$\to$", "‖": r"$\|$", "′": "'", "…": r"\ldots{}", "‘": "`", "’": "'", "“": "``",
    "”": "''", "σ": r"$\sigma$", "η": r"$\eta$", "ε": r"$\varepsilon$", "λ": r"$\lambda$",
    "μ": r"$\mu$", "δ": r"$\delta$", "π": r"$\pi$", "²": r"$^2$", "³": r"$^3$",
    "\u00a0": "~", "|": r"$|$",
    # the number sets (no amssymb in the preamble: bold letters, as in older texts)
    "ℝ": r"$\mathbf{R}$", "ℚ": r"$\mathbf{Q}$", "ℤ": r"$\mathbf{Z}$", "ℕ": r"$\mathbf{N}$",
}
#: a number in scientific notation, kept on one line (TeX would break after its "-")
_NUMBER = re.compile(r"(?<![\w.])-?[0-9]+(?:\.[0-9]+)?e[+-][0-9]+")
_VOID = {"col", "br", "hr", "img", "meta", "input", "wbr"}
_INLINE = {"code", "b", "strong", "i", "em", "span", "small", "math", "a", "sub", "sup", "abbr"}


def escape_text(text: str) -> str:
    """Prose for pdflatex: LaTeX's specials escaped, the page's Unicode mapped, and ``--``
    kept as two hyphens (command-line options), never an en dash.

    >>> escape_text("--lr ≥ 1e-3 & σ")
    '-{}-lr $\\\\ge$ 1e-3 \\\\& $\\\\sigma$'
    """
    out = []
    for ch in escape_latex(text):
        if ord(ch) < 128 and ch != "|":  # | is a dash in pdflatex's default text font
            out.append(ch)
        else:
            out.append(_UNICODE.get(ch, f"[U+{ord(ch):04X}]"))
    return re.sub(r"-(?=-)", "-{}", "".join(out))  # -- and --- are ligatures in text


@dataclass
class _El:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Tree(HTMLParser):
    """The HTML as a tree of :class:`_El` and strings (SVG dropped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _El("root", {})
        self.stack = [self.root]
        self.skip = 0  # depth inside <svg>/<style>/<script>

    def handle_starttag(self, tag, attrs):
        if self.skip or tag in ("svg", "style", "script"):
            self.skip += 0 if tag in _VOID else 1
            return
        el = _El(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(el)
        if tag not in _VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        if not self.skip:
            self.stack[-1].children.append(_El(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= 0 if tag in _VOID else 1
            return
        for i in range(len(self.stack) - 1, 0, -1):  # tolerate a missing end tag
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.skip:
            self.stack[-1].children.append(data)


def _math(el: _El) -> str:
    return el.attrs.get("alttext", "").strip()


def _inline(node) -> str:
    """Inline LaTeX of a node (whitespace collapsed as a browser does)."""
    if isinstance(node, str):
        return _NUMBER.sub(r"\\mbox{\g<0>}", escape_text(re.sub(r"\s+", " ", node)))
    if node.tag == "math":
        tex = _math(node)
        return f"${tex}$" if tex else ""
    if node.tag == "br":
        return " "
    inner = "".join(_inline(c) for c in node.children)
    if node.tag == "code":
        return r"\texttt{" + inner + "}"
    if node.tag in ("b", "strong"):
        return r"\textbf{" + inner + "}"
    if node.tag in ("i", "em"):
        return r"\emph{" + inner + "}"
    if node.tag == "span" and "badge" in node.classes:
        return r"\textbf{" + inner + "}"
    if node.tag == "sub":
        return r"\textsubscript{" + inner + "}" if inner else ""
    if node.tag == "sup":
        return r"\textsuperscript{" + inner + "}" if inner else ""
    return inner


def _text_len(node) -> int:
    if isinstance(node, str):
        return len(re.sub(r"\s+", " ", node).strip())
    if node.tag == "math":
        return visual_len(_math(node))
    return sum(_text_len(c) for c in node.children)


def _plain(node) -> str:
    if isinstance(node, str):
        return node
    return _math(node) if node.tag == "math" else "".join(_plain(c) for c in node.children)


#: the text width of the documents' preamble (16 cm) and the column gap used here, in pt
_TEXT_PT, _GAP_PT = 455.0, 3.0
#: table font sizes tried in turn (name, size in pt): the first in which every word fits
_SIZES = ((r"\small", 10.0), (r"\footnotesize", 9.0), (r"\scriptsize", 8.0))
_CHAR_EM = 0.53  # a digit is 0.5 em, a typewriter character 0.525 em


def _widths(cells, head: set[int], ncol: int, percent: list[float]) -> tuple[str, list[float]]:
    """A font size and column widths in pt, as a browser would lay the table out: every
    column at least its longest unbreakable word, the rest shared by the page's
    percentages when it gives them, else in proportion to each column's longest cell."""
    word = [1.0] * ncol
    text = [1] * ncol
    for k, row in enumerate(cells):
        for i, c in enumerate(row):
            words = _plain(c).split()
            longest = max((len(w) for w in words), default=0) * (1.12 if k in head else 1.0)
            word[i] = max(word[i], longest)
            text[i] = max(text[i], min(_text_len(c), 60))
    avail = _TEXT_PT - _GAP_PT * 2 * (ncol - 1)
    for name, pt in _SIZES:
        need = [w * _CHAR_EM * pt for w in word]
        if percent:
            widths = [avail * p / sum(percent) for p in percent]
            if all(w >= n for w, n in zip(widths, need, strict=True)):
                return name, widths
        elif sum(need) <= avail:
            break
    if percent:
        return name, [avail * p / sum(percent) for p in percent]
    spare = max(avail - sum(need), 0.0)
    extra = [max(t * _CHAR_EM * pt - n, 0.0) for t, n in zip(text, need, strict=True)]
    share = sum(extra) or 1.0
    widths = [n + spare * e / share for n, e in zip(need, extra, strict=True)]
    scale = min(1.0, avail / sum(widths))  # too wide even in the smallest size: squeeze
    return name, [w * scale for w in widths]


def _find(el: _El, tag: str) -> list[_El]:
    out = []
    for c in el.children:
        if isinstance(c, _El):
            if c.tag == tag:
                out.append(c)
            out.extend(_find(c, tag))
    return out


def _display(tex: str) -> str:
    if visual_len(tex) <= LINE_WIDTH:
        return "\\[\n" + tex + "\n\\]"
    # one long formula: scaled to the line rather than running into the margin
    return ("\\begin{center}\\resizebox{\\linewidth}{!}{$\\displaystyle " + tex
            + "$}\\end{center}")


def _table(el: _El) -> list[str]:
    captions = _find(el, "caption")
    caption = "".join(_inline(c) for c in captions[0].children).strip() if captions else ""
    percent = []
    for col in _find(el, "col"):
        m = re.search(r"width:\s*([0-9.]+)%", col.attrs.get("style", ""))
        percent.append(float(m.group(1)) if m else 0.0)
    rows = _find(el, "tr")
    cells = [[c for c in r.children if isinstance(c, _El) and c.tag in ("th", "td")]
             for r in rows]
    ncol = max((len(r) for r in cells), default=0)
    if ncol == 0:
        return []
    if len(percent) != ncol or not all(percent):
        percent = []
    head = {k for k, row in enumerate(cells) if row and all(c.tag == "th" for c in row)}
    size, widths = _widths(cells, head, ncol, percent)
    numeric = [any(i < len(r) and "num" in r[i].classes for r in cells) for i in range(ncol)]
    spec = "".join(
        (r">{\raggedleft\arraybackslash}" if numeric[i] else r">{\raggedright\arraybackslash}")
        + r"p{%.1fpt}" % widths[i] for i in range(ncol))
    lines = []
    if caption:
        lines.append(r"\noindent\textit{" + caption + r"}\nopagebreak")
    lines += [r"\begingroup" + size + r"\setlength{\tabcolsep}{%gpt}" % _GAP_PT,
              r"\begin{longtable}{@{}" + spec + "@{}}", r"\hline"]
    for k, row in enumerate(cells):
        texts = [_inline(c).strip() for c in row] + [""] * (ncol - len(row))
        if k in head:
            lines.append(" & ".join(r"\textbf{" + t + "}" for t in texts) + r" \\ \hline")
            lines.append(r"\endhead")
        else:
            lines.append(" & ".join(texts) + r" \\")
    lines += [r"\hline", r"\end{longtable}", r"\endgroup", ""]
    return ["\n".join(lines)]


class _Blocks:
    """Block-level conversion: paragraphs, headings, tables, equations."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.buf: list[str] = []

    def flush(self, wrap: str = "") -> None:
        text = "".join(self.buf).strip()
        self.buf = []
        if text:
            self.out.append((wrap % text if wrap else text) + "\n")

    def run(self, el: _El, wrap: str = "") -> None:
        for c in el.children:
            if isinstance(c, str) or c.tag in _INLINE or c.tag == "br":
                self.buf.append(_inline(c))
            else:
                self.flush(wrap)
                self.block(c)
        self.flush(wrap)

    def block(self, el: _El) -> None:
        tag, cls = el.tag, el.classes
        if tag in ("h1", "h2"):
            self.out.append(r"\section{" + "".join(_inline(c) for c in el.children).strip()
                            + "}")
        elif tag in ("h3", "h4", "h5"):
            self.out.append(r"\subsection*{" + "".join(_inline(c) for c in el.children).strip()
                            + "}")
        elif tag == "table":
            self.out.extend(_table(el))
        elif tag == "div" and "keyfacts" in cls:  # (label, value) pairs as a two-column table
            rows = []
            for d in el.children:
                if isinstance(d, _El):
                    label = "".join(_inline(c) for c in d.children
                                    if isinstance(c, str) or c.tag != "b").strip()
                    value = "".join(_inline(g) for c in d.children
                                    if isinstance(c, _El) and c.tag == "b"
                                    for g in c.children).strip()
                    rows.append(f"{label} & \\textbf{{{value}}} \\\\")
            if rows:
                self.out.append("\n".join([
                    r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.6\linewidth}"
                    r">{\raggedleft\arraybackslash}p{0.35\linewidth}@{}}", *rows,
                    r"\end{longtable}", ""]))
        elif tag == "div" and "eq" in cls:
            for m in _find(el, "math"):
                if _math(m):
                    self.out.append(_display(_math(m)))
        elif tag in ("ul", "ol"):
            items = [r"\item " + "".join(_inline(c) for c in li.children).strip()
                     for li in el.children if isinstance(li, _El) and li.tag == "li"]
            if items:
                env = "itemize" if tag == "ul" else "enumerate"
                self.out.append("\\begin{%s}\n" % env + "\n".join(items) + "\n\\end{%s}" % env)
        elif tag == "figcaption":
            self.run(el, r"\noindent\emph{Figure:} %s")
        elif tag == "div" and "steptitle" in cls:
            self.run(el, r"\paragraph{%s}")
        elif tag == "div" and "why" in cls:
            self.run(el, r"\emph{%s}")
        elif tag == "div" and "note" in cls:
            self.run(el, r"\noindent\fbox{\parbox{\dimexpr\linewidth-2\fboxsep-2\fboxrule}{%s}}")
        elif tag in ("nav", "header", "footer", "caption", "colgroup"):
            return
        else:  # p, div, section, figure, ...: their content
            self.run(el)


def html_to_latex(html_text: str) -> str:
    """LaTeX body text for the HTML of report sections (see the module docstring)."""
    tree = _Tree()
    tree.feed(html_text)
    tree.close()
    blocks = _Blocks()
    blocks.run(tree.root)
    return "\n".join(blocks.out)
