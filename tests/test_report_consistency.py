"""One report, one computation: index.html, report.tex and the JSON files agree.

`symgrad report` runs once (a subprocess, as a user runs it) with options that
are all non-default: depth 5, weights 0.9, learning rate 0.05, a scan to depth
60, formats float64 and float16.  Then

* every number of every section of the page equals, in order, the numbers of
  the same section of report.tex (outside formulas);
* the page's tables equal reference.json and scan.json cell by cell;
* those JSON numbers equal an independent computation (tests/references.py: the
  chain in mpmath at 60 digits, exact rational rounding rules of the formats);
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
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests._require import REQUIRE_ALL
from tests.references import (
    IEEE,
    assert_ball_contains,
    chain_reference,
    decimal_round,
    decimal_value,
    exact_fraction,
    nearest_even,
    prefix_gradients,
)
from tests.test_report import run_report

DEPTH, W, LR, SCAN = 5, Fraction(9, 10), Fraction(1, 20), 60
OPTIONS = ["--depth", str(DEPTH), "--weights", "0.9", "--lr", "0.05", "--scan-depth", str(SCAN),
           "--formats", "float64,float16", "--backends", "none", "--quiet"]
_NUM = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("consistency") / "rep"
    proc = run_report("--out", str(out), *OPTIONS)
    assert proc.returncode == 0, proc.stderr
    return out


# -- independent values (tests/references.py) -----------------------------------------------


def _sig_digits(text: str) -> int:
    mant = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(mant)


def _check_certified(value: str, radius: str, digits: int, truth, what: str) -> None:
    """``truth`` (an mpf, compared exactly) lies in value ± radius, and its first ``digits``
    significant digits, correctly rounded, are those of ``value``."""
    assert_ball_contains(value, radius, truth, what=what)
    assert 1 <= digits <= _sig_digits(value), (what, value, digits)
    exact = exact_fraction(truth)
    assert decimal_round(exact, digits, "nearest") == decimal_round(
        decimal_value(value), digits, "nearest"), (what, value, digits)


def _ulp(x: Fraction, fmt: str) -> Fraction:
    """The spacing of format ``fmt`` just above x > 0 (IEEE parameters)."""
    p, emin, _ = IEEE[fmt]
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    return Fraction(2) ** (max(e, emin) - p + 1)


def _first_events(fmt: str, prefix: list) -> dict[str, int | None]:
    """First depths of the events the truth decides, from ``prefix`` (dF/dw1 at depths
    1..SCAN): the true gradient below the smallest normal / below half the smallest
    subnormal, and the exact update w1 - lr*g strictly between the midpoints around w1 in
    the format."""
    p, emin, _ = IEEE[fmt]
    w1 = nearest_even(W, fmt)
    ulp = _ulp(w1, fmt)
    power_of_two = w1.numerator & (w1.numerator - 1) == 0 and w1.denominator & (
        w1.denominator - 1) == 0
    lo, hi = w1 - (ulp / 4 if power_of_two else ulp / 2), w1 + ulp / 2
    first: dict[str, int | None] = dict.fromkeys(
        ("true_below_normal", "true_rounds_to_zero", "lost_update_true"))
    for n in range(1, SCAN + 1):
        g = exact_fraction(prefix[n - 1])
        if first["true_below_normal"] is None and abs(g) < Fraction(2) ** emin:
            first["true_below_normal"] = n
        if first["true_rounds_to_zero"] is None and abs(g) < Fraction(2) ** (emin - p + 1) / 2:
            first["true_rounds_to_zero"] = n
        if first["lost_update_true"] is None and lo < W - LR * g < hi:
            first["lost_update_true"] = n
    return first


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
    assert ref["chain"]["depth"] == DEPTH and ref["weights"]["spec"] == "0.9"
    assert (scan["lr"], scan["weights"]["spec"], scan["max_depth"]) == ("5e-2", "0.9", SCAN)
    rows = {r["name"]: r for r in ref["values"]}
    table = next(t for t in page.tables if t and t[0][:2] == ["quantity", "value"])
    assert len(table) - 1 == len(rows) == DEPTH + 1
    for name, value, radius, digits in table[1:]:
        r = rows[name]
        assert (value, radius, digits) == (r["value"], r["ball"]["rad"],
                                           str(r["certified_digits"]))
    from symgrad.analysis.precision import EVENTS

    events = next(t for t in page.tables if t and t[0][0] == "event")
    formats = events[0][1:]
    assert formats == [f["format"] for f in scan["formats"]] == ["float64", "float16"]
    for ev, row in zip(EVENTS, events[1:], strict=True):
        for fmt, cell in zip(scan["formats"], row[1:], strict=True):
            depth = fmt["first_depth"][ev]
            assert cell == ("–" if depth is None else str(depth)), (ev, fmt["format"], cell)
    facts = dict(zip(*[iter(_facts(report))] * 2, strict=True))
    f64 = next(f for f in scan["formats"] if f["format"] == "float64")
    assert facts["float64 update lost from depth"] == str(f64["first_depth"]["lost_update"])
    shown = facts[f"dF/dw1 at depth {DEPTH}"]
    assert _sig_digits(shown) <= 6 and decimal_value(shown) == decimal_round(
        decimal_value(rows["dF/dw1"]["value"]), 6, "nearest")


def _facts(out: Path) -> list[str]:
    text = (out / "index.html").read_text(encoding="utf-8")
    block = text[text.index('class="keyfacts"'):text.index("</section>", text.index("keyfacts"))]
    return [t for pair in re.findall(r"<div>(.*?)<b>(.*?)</b></div>", block) for t in pair]


def test_json_and_printed_values_against_an_independent_computation(report):
    ref = json.loads((report / "reference.json").read_text())
    # F and every dF/dw_k of the sigmoid seed chain, all weights 0.9, at 60 digits
    f, grads = chain_reference("sigmoid", "seed", [W] * DEPTH, None, None, 60)[:2]
    truth = {"F": f, **{f"dF/dw{k}": g for k, g in enumerate(grads, 1)}}
    for r in ref["values"]:
        _check_certified(r["value"], r["ball"]["rad"], r["certified_digits"], truth[r["name"]],
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
    shown = decimal_value(facts[f"bound on |dF/dw1| at depth {DEPTH}"])
    exact = W ** (DEPTH - 1) / 4 ** (DEPTH - 1)
    assert exact <= shown < exact + Fraction(1, 10**8)
    assert decimal_value(rows_value(ref, "dF/dw1")) <= shown
    # the scan's events the truth decides
    scan = json.loads((report / "scan.json").read_text())
    prefix = prefix_gradients("sigmoid", [W] * SCAN, 80)  # dF/dw1 at depths 1..SCAN
    for fmt in scan["formats"]:
        want = _first_events(fmt["format"], prefix)
        got = {k: (None if fmt["first_depth"][k] is None else int(fmt["first_depth"][k]))
               for k in want}
        assert got == want, fmt["format"]
    assert int(scan["formats"][0]["first_depth"]["lost_update_true"]) < SCAN  # it happens


def rows_value(ref: dict, name: str) -> str:
    return next(r["value"] for r in ref["values"] if r["name"] == name)


def test_latex_makes_no_claim_from_other_options(report):
    tex = (report / "report.tex").read_text(encoding="utf-8")
    scan = json.loads((report / "scan.json").read_text())
    firsts = {f["format"]: {str(v) for v in f["first_depth"].values() if v}
              for f in scan["formats"]}
    # "<format>: ... from depth N": only the report's own scan may say that
    for fmt, depth in re.findall(r"(b?float[0-9]+)[^.\n]*? from depth \$?([0-9]+)", tex):
        assert depth in firsts.get(fmt, set()), (fmt, depth)
    # only the report's formats are shown, in the page and in the LaTeX
    page = (report / "index.html").read_text(encoding="utf-8")
    for text in (page, tex):
        assert "float32" not in text and "bfloat16" not in text
    assert "learning rate 0.05" in tex and "weights '0.9'" in tex
