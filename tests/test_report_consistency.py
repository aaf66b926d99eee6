"""One report, one computation: index.html, report.tex and the JSON files agree.

`symgrad report` runs once (a subprocess, as a user runs it) with options that
are all non-default: depth 5, weights 0.9, learning rate 0.05, a scan to depth
60, formats float64 and float16.  Then

* every number of every section of the page equals, in order, the numbers of
  the same section of report.tex (outside formulas);
* the page's tables equal reference.json and scan.json cell by cell;
* those JSON numbers equal an independent computation written here (a plain
  mpmath recurrence at 60 digits, exact rational rounding rules of the formats);
* each printed certified value "v ± r (D certified digits)" is consistent: the
  truth lies in [v - r, v + r], D is at most the digits printed, and the first D
  digits of v are the truth's;
* report.tex makes no claim from computations with other options (the old
  machine-epsilon depths for weights 1 and learning rate 1).
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import mpmath
import pytest

from tests._require import REQUIRE_ALL
from tests.test_report import run_report

DEPTH, W, LR, SCAN = 5, Fraction(9, 10), Fraction(1, 20), 60
OPTIONS = ["--depth", str(DEPTH), "--weights", "0.9", "--lr", "0.05", "--scan-depth", str(SCAN),
           "--formats", "float64,float16", "--backends", "none", "--quiet"]
#: significand bits, smallest normal and smallest subnormal exponents (IEEE 754)
FORMATS = {"float64": (53, -1022, -1074), "float16": (11, -14, -24)}
_NUM = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("consistency") / "rep"
    proc = run_report("--out", str(out), *OPTIONS)
    assert proc.returncode == 0, proc.stderr
    return out


# -- independent values ------------------------------------------------------------------


def _chain(depth: int, dps: int = 60):
    """F and every dF/dw_k of the sigmoid seed chain with all weights 0.9 (hand-written)."""
    with mpmath.workdps(dps):
        w = [mpmath.mpf(9) / 10] * depth
        o = [w[0]]
        for i in range(1, depth):
            o.append(1 / (1 + mpmath.exp(-w[i] * o[-1])))
        ds = [None] + [o[i] * (1 - o[i]) for i in range(1, depth)]  # sigma'(z_i)
        grads = []
        for k in range(depth):
            g = (o[k - 1] * ds[k]) if k else mpmath.mpf(1)
            for i in range(k + 1, depth):
                g *= w[i] * ds[i]
            grads.append(g)
        return o[-1], grads


def _exact(x: mpmath.mpf) -> Fraction:
    """The exact rational value of an mpf (no rounding: not mpmath.mpf(x) at 53 bits)."""
    assert isinstance(x, mpmath.mpf) and mpmath.isfinite(x)
    sign, man, exp, _ = x._mpf_
    return (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)


def _dec(text: str) -> Fraction:
    return Fraction(Decimal(text))


def _sig_digits(text: str) -> int:
    mant = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(mant)


def _round(value: Fraction, digits: int) -> Decimal:
    """``value`` correctly rounded to ``digits`` significant digits (decimal module)."""
    with localcontext() as c:
        c.prec, c.rounding = digits, ROUND_HALF_EVEN
        c.Emin, c.Emax = -999999, 999999
        return Decimal(value.numerator) / Decimal(value.denominator)


def _check_certified(value: str, radius: str, digits: int, truth: Fraction, what: str) -> None:
    v, r = _dec(value), _dec(radius)
    assert v - r <= truth <= v + r, (what, value, radius)
    assert 1 <= digits <= _sig_digits(value), (what, value, digits)
    assert _round(truth, digits) == _round(v, digits), (what, value, digits)


def _nearest(v: Fraction, bits: int) -> tuple[Fraction, Fraction]:
    """v rounded to nearest with ``bits`` significand bits, and the spacing there (v > 0)."""
    e = v.numerator.bit_length() - v.denominator.bit_length()
    if Fraction(2) ** e > v:
        e -= 1
    ulp = Fraction(2) ** (e - bits + 1)
    q = v / ulp
    return Fraction(round(q)) * ulp, ulp


def _first_events(fmt: str) -> dict[str, int | None]:
    """First depths of the events the truth decides, from the hand-written recurrence: the
    true gradient below the smallest normal / below half the smallest subnormal, and the
    exact update w1 - lr*g strictly between the midpoints around w1 in the format."""
    bits, emin_normal, emin_sub = FORMATS[fmt]
    w1, ulp = _nearest(W, bits)
    power_of_two = w1.numerator & (w1.numerator - 1) == 0 and w1.denominator & (
        w1.denominator - 1) == 0
    lo, hi = w1 - (ulp / 4 if power_of_two else ulp / 2), w1 + ulp / 2
    first: dict[str, int | None] = dict.fromkeys(
        ("true_below_normal", "true_rounds_to_zero", "lost_update_true"))
    for n in range(1, SCAN + 1):
        g = _exact(_prefix(n))
        if first["true_below_normal"] is None and abs(g) < Fraction(2) ** emin_normal:
            first["true_below_normal"] = n
        if first["true_rounds_to_zero"] is None and abs(g) < Fraction(2) ** emin_sub / 2:
            first["true_rounds_to_zero"] = n
        if first["lost_update_true"] is None and lo < W - LR * g < hi:
            first["lost_update_true"] = n
    return first


def _prefix(n: int):
    """dF/dw1 of the depth-n chain (all weights 0.9): prod_{i=2..n} w sigma'(w o_(i-1))."""
    with mpmath.workdps(80):
        w = mpmath.mpf(9) / 10
        o, g = w, mpmath.mpf(1)
        for _ in range(2, n + 1):
            s = 1 / (1 + mpmath.exp(-w * o))
            g *= w * s * (1 - s)
            o = s
        return g


# -- the page and the LaTeX as text, by section -------------------------------------------


class _Page(HTMLParser):
    """Visible text of the page by section title (formulas, plots, styles skipped)."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, list[str]] = {}
        self.lead: list[str] = []
        self.current: list[str] | None = None
        self.skip = 0
        self.in_h2 = self.in_lead = False
        self.h2: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("math", "svg", "style", "script", "nav", "footer", "title"):
            self.skip += 1
        elif tag == "h2":
            self.in_h2, self.h2 = True, []
        elif tag == "p" and a.get("class") == "lead":
            self.in_lead = True
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        if self.current is not None and tag in ("p", "div", "td", "th", "tr", "h3", "caption",
                                                "li", "b"):
            self.current.append(" ")

    def handle_endtag(self, tag):
        if tag in ("math", "svg", "style", "script", "nav", "footer", "title"):
            self.skip -= 1
        elif tag == "h2":
            self.in_h2 = False
            self.current = self.sections.setdefault("".join(self.h2).strip(), [])
        elif tag == "p":
            self.in_lead = False
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.skip:
            return
        if self.in_h2:
            self.h2.append(data)
        elif self.in_lead:
            self.lead.append(data)
        elif self.current is not None:
            self.current.append(data)
        if self.cell is not None:
            self.cell.append(data)


def _page(out: Path) -> _Page:
    p = _Page()
    p.feed((out / "index.html").read_text(encoding="utf-8"))
    return p


_TEX_TEXT = [(r"\textless{}", "<"), (r"\textgreater{}", ">"), (r"\^{}", "^"), (r"\~{}", "~"),
             (r"\textbackslash{}", "\\"), (r"\textendash{}", "–"), (r"\textemdash{}", "—"),
             ("-{}", "-"), (r"\_", "_"), (r"\{", "{"), (r"\}", "}"), (r"\%", "%"),
             (r"\&", "&"), (r"\#", "#")]


def _tex_plain(tex: str) -> str:
    """LaTeX of the converted page as plain text: formulas and table layout removed."""
    tex = re.sub(r"^\\begin\{longtable\}.*$|^\\begingroup.*$", " ", tex, flags=re.M)
    tex = re.sub(r"\\\[.*?\\\]", " ", tex, flags=re.S)
    tex = tex.replace(r"\$", "\x00")
    tex = re.sub(r"\$[^$]*\$", " ", tex)
    for a, b in _TEX_TEXT:
        tex = tex.replace(a, b)
    tex = re.sub(r"\\\\|&", " ", tex)
    tex = re.sub(r"\\[a-zA-Z]+\*?", " ", tex)
    return tex.replace("{", " ").replace("}", " ").replace("\x00", "$")


def _tex_sections(tex: str) -> tuple[str, dict[str, str]]:
    part1 = tex.split(r"\maketitle", 1)[1].split(r"\part*{The derivations in full}", 1)[0]
    lead, *rest = re.split(r"^\\section\{(.*)\}$", part1, flags=re.M)
    titles = [_tex_plain(t).strip() for t in rest[0::2]]
    return lead, dict(zip(titles, rest[1::2], strict=True))


def _numbers(text: str) -> list[str]:
    return _NUM.findall(text.replace("−", "-"))


# -- the tests ----------------------------------------------------------------------------


def test_page_and_latex_say_the_same_numbers(report):
    page = _page(report)
    tex = (report / "report.tex").read_text(encoding="utf-8")
    lead, tex_secs = _tex_sections(tex)
    assert _numbers(" ".join(page.lead)) == _numbers(_tex_plain(lead))
    assert "learning rate 0.05" in " ".join(page.lead)
    compared = 0
    for title, parts in page.sections.items():
        if title in ("Files of this report", "Left out of this report"):
            continue
        assert title in tex_secs, (title, list(tex_secs))
        want, got = _numbers(" ".join(parts)), _numbers(_tex_plain(tex_secs[title]))
        assert want == got, (title, want, got)
        compared += len(want)
    assert compared > 150  # every table and paragraph of the page, not a handful
    assert {"Verification", "Reference values", "Depth scan",
            "Floating-point formats against the truth", "At a glance"} <= set(tex_secs)
    if shutil.which("pdflatex") or REQUIRE_ALL:
        assert (report / "report.pdf").read_bytes().startswith(b"%PDF-")


def test_page_tables_equal_the_json_files(report):
    page = _page(report)
    ref = json.loads((report / "reference.json").read_text())
    scan = json.loads((report / "scan.json").read_text())
    assert ref["chain"]["depth"] == DEPTH and ref["weights"] == "0.9"
    assert (scan["lr"], scan["weights"], scan["max_depth"]) == ("5e-2", "0.9", str(SCAN))
    rows = {r["name"]: r for r in ref["values"]}
    table = next(t for t in page.tables if t and t[0][:2] == ["quantity", "value"])
    assert len(table) - 1 == len(rows) == DEPTH + 1
    for name, value, radius, digits in table[1:]:
        r = rows[name]
        assert (value, radius, digits) == (r["value"], r["radius"], r["certified_digits"])
    from symgrad.analysis.precision import EVENTS

    events = next(t for t in page.tables if t and t[0][0] == "event")
    formats = events[0][1:]
    assert formats == [f["format"] for f in scan["formats"]] == ["float64", "float16"]
    for ev, row in zip(EVENTS, events[1:], strict=True):
        for fmt, cell in zip(scan["formats"], row[1:], strict=True):
            depth = fmt["first_depth"][ev]
            assert cell == ("–" if depth is None else depth), (ev, fmt["format"], cell)
    facts = dict(zip(*[iter(_facts(report))] * 2, strict=True))
    f64 = next(f for f in scan["formats"] if f["format"] == "float64")
    assert facts["float64 update lost from depth"] == f64["first_depth"]["lost_update"]
    shown = facts[f"dF/dw1 at depth {DEPTH}"]
    assert _sig_digits(shown) <= 6 and _dec(shown) == _round(_dec(rows["dF/dw1"]["value"]), 6)


def _facts(out: Path) -> list[str]:
    text = (out / "index.html").read_text(encoding="utf-8")
    block = text[text.index('class="keyfacts"'):text.index("</section>", text.index("keyfacts"))]
    return [t for pair in re.findall(r"<div>(.*?)<b>(.*?)</b></div>", block) for t in pair]


def test_json_and_printed_values_against_an_independent_computation(report):
    ref = json.loads((report / "reference.json").read_text())
    f, grads = _chain(DEPTH)
    truth = {"F": _exact(f), **{f"dF/dw{k}": _exact(g) for k, g in enumerate(grads, 1)}}
    for r in ref["values"]:
        _check_certified(r["value"], r["radius"], int(r["certified_digits"]), truth[r["name"]],
                         r["name"])
    # the formats section's "certified value v ± r" and "(D certified digits)"
    page = (report / "index.html").read_text(encoding="utf-8")
    tex = (report / "report.tex").read_text(encoding="utf-8")
    v, r = re.search(r"certified value (\S+) ± (\S+)\.", page).groups()
    v2, d = re.search(r"true dF/dw1 = (\S+) \(([0-9]+) certified digits\)", page).groups()
    assert v == v2 and f"certified value \\mbox{{{v}}} $\\pm$ \\mbox{{{r}}}" in tex
    _check_certified(v, r, int(d), truth["dF/dw1"], "formats section")
    # the bound |dF/dw1| <= 0.9^4 / 4^4, printed rounded up (6 digits)
    facts = dict(zip(*[iter(_facts(report))] * 2, strict=True))
    shown = _dec(facts[f"bound on |dF/dw1| at depth {DEPTH}"])
    exact = W ** (DEPTH - 1) / 4 ** (DEPTH - 1)
    assert exact <= shown < exact + Fraction(1, 10**8)
    assert _dec(rows_value(ref, "dF/dw1")) <= shown
    # the scan's events the truth decides
    scan = json.loads((report / "scan.json").read_text())
    for fmt in scan["formats"]:
        want = _first_events(fmt["format"])
        got = {k: (None if fmt["first_depth"][k] is None else int(fmt["first_depth"][k]))
               for k in want}
        assert got == want, fmt["format"]
    assert int(scan["formats"][0]["first_depth"]["lost_update_true"]) < SCAN  # it happens


def rows_value(ref: dict, name: str) -> str:
    return next(r["value"] for r in ref["values"] if r["name"] == name)


def test_latex_makes_no_claim_from_other_options(report):
    tex = (report / "report.tex").read_text(encoding="utf-8")
    scan = json.loads((report / "scan.json").read_text())
    firsts = {f["format"]: {v for v in f["first_depth"].values() if v} for f in scan["formats"]}
    # "<format>: ... from depth N": only the report's own scan may say that
    for fmt, depth in re.findall(r"(b?float[0-9]+)[^.\n]*? from depth \$?([0-9]+)", tex):
        assert depth in firsts.get(fmt, set()), (fmt, depth)
    # only the report's formats are shown, in the page and in the LaTeX
    page = (report / "index.html").read_text(encoding="utf-8")
    for text in (page, tex):
        assert "float32" not in text and "bfloat16" not in text
    assert "learning rate 0.05" in tex and "weights '0.9'" in tex
