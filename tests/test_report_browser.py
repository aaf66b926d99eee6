"""The report in a real browser: headless chromium renders index.html at 1280 px.

The report is built once for the module with a small configuration (depth 12, which
is below the print cap, so the derivation writes the long product out; a depth scan to
400; no autodiff frameworks, no LaTeX).  Chromium's rendered DOM is read back
(``--dump-dom``): once as it is (the math elements, tables and the inline SVG plot), and
once from a copy of the page with a script that measures the laid-out page and writes
its findings into the DOM as JSON: horizontal overflow of the page, clipped elements
(content wider or taller than a box whose overflow is hidden), equation boxes that need
a scroll bar, elements running off the page, minus signs in MathML, number cells that
wrap.  A screenshot must not be blank.  Needs chromium (skipped locally without it, a
failure in CI: SYMGRAD_REQUIRE_ALL=1).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests._require import require_executable, require_module

pytestmark = pytest.mark.browser

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars"]
WIDTH = 1280

#: measures the rendered page and appends the result as JSON in <pre id="symgrad-measure">
MEASURE_JS = r"""
(function () {
  const de = document.documentElement, out = {};
  out.viewport = window.innerWidth;
  out.pageScrollWidth = de.scrollWidth;
  out.pageClientWidth = de.clientWidth;
  const clipped = [], scrolling = [], offpage = [];
  for (const el of document.body.querySelectorAll("*")) {
    const cs = getComputedStyle(el);
    const cls = typeof el.className === "string" && el.className ? "." + el.className : "";
    const name = el.tagName.toLowerCase() + cls;
    const hideX = cs.overflowX === "hidden" || cs.overflowX === "clip";
    const hideY = cs.overflowY === "hidden" || cs.overflowY === "clip";
    if ((hideX && el.scrollWidth > el.clientWidth + 1) ||
        (hideY && el.scrollHeight > el.clientHeight + 1))
      clipped.push(`${name} ${el.scrollWidth}x${el.scrollHeight} in ` +
                   `${el.clientWidth}x${el.clientHeight}`);
    if ((cs.overflowX === "auto" || cs.overflowX === "scroll") &&
        el.scrollWidth > el.clientWidth + 1) {
      const m = el.querySelector("math");
      scrolling.push(`${name} ${el.scrollWidth} > ${el.clientWidth}: ` +
                     (m ? (m.getAttribute("alttext") || "").slice(0, 200) : ""));
    }
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > de.clientWidth + 1 || r.left < -1))
      offpage.push(`${name} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  out.clipped = clipped; out.scrolling = scrolling; out.offpage = offpage.slice(0, 20);
  const mo = [...document.getElementsByTagName("mo")].map(e => e.textContent);
  out.moHyphen = mo.filter(t => t === "-" || t === "\u2010" || t === "\u2011").length;
  out.moMinus = mo.filter(t => t === "\u2212").length;
  out.mnNegative = [...document.getElementsByTagName("mn")]
    .filter(e => /^[-\u2212]/.test(e.textContent)).length;
  const cells = [...document.querySelectorAll("td.num, th.num, td code")], wrapped = [];
  for (const el of cells) {
    const ws = getComputedStyle(el).whiteSpace;
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                          .map(r => Math.round(r.top)));
    if (ws !== "nowrap" || lines.size > 1)
      wrapped.push(`${el.textContent} [${ws}, ${lines.size} lines]`);
  }
  out.numberCells = cells.length; out.wrapped = wrapped;
  out.fileLinks = [...document.querySelectorAll("#files a[href]")]
    .map(a => a.getAttribute("href"));
  const pre = document.createElement("pre");
  pre.id = "symgrad-measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_executable("chromium", install="apt-get install chromium")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    from symgrad.interfaces.report import STEPS, ReportOptions, build_report

    require_module("matplotlib", install="pip install 'symgrad[plot]'")  # the plot is checked
    out = tmp_path_factory.mktemp("browser") / "symgrad-report"
    steps = tuple(s for s in STEPS if s != "latex")  # pdflatex adds nothing to the page
    build_report(ReportOptions(depth=12, scan_depth=400, backends=()), steps=steps).write(out)
    return out


def _chromium(binary: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def measured(chromium, report_dir, tmp_path_factory) -> dict:
    """The measurements of the page laid out at 1280 px."""
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    probe = report_dir.parent / "measure.html"  # beside the folder: the report stays as written
    probe.write_text(page.replace("</body>", f"<script>{MEASURE_JS}</script></body>"),
                     encoding="utf-8")
    proc = _chromium(chromium, tmp_path_factory.mktemp("chromium"),
                     f"--window-size={WIDTH},2000", "--dump-dom", probe.resolve().as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = re.search(r'<pre id="symgrad-measure">(.*?)</pre>', proc.stdout, re.S)
    assert found, "the measuring script did not run"
    text = found.group(1).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    data = json.loads(text)
    assert data["viewport"] == WIDTH
    return data


def test_rendered_dom_has_math_tables_and_plot(chromium, report_dir, tmp_path):
    uri = (report_dir / "index.html").resolve().as_uri()
    proc = _chromium(chromium, tmp_path, "--dump-dom", uri)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    # the DOM after parsing and rendering, not the file: chromium re-serialises it
    assert '<html lang="en"><head>' in dom and dom.rstrip().endswith("</html>")
    assert dom.count("<math") >= 5
    assert 'xmlns="http://www.w3.org/1998/Math/MathML"' in dom
    assert "<munderover>" in dom  # the product in the closed form
    assert dom.count("<table") >= 3  # verification, reference values, formats
    assert "<svg" in dom  # the depth-scan plot, inline
    assert '<body class="symgrad-report">' in dom  # the class every style rule is under
    for anchor in ("derivation", "verification", "reference", "formats", "scan",
                   "stationary", "files"):
        assert f'id="{anchor}"' in dom, anchor


def test_no_overflow_and_nothing_clipped_at_1280(measured):
    assert measured["pageScrollWidth"] <= measured["pageClientWidth"], measured
    assert measured["clipped"] == []
    assert measured["offpage"] == []
    # wide equations are set on several lines: none needs its box's scroll bar
    assert measured["scrolling"] == []


def test_minus_signs_are_u2212(measured):
    assert measured["moHyphen"] == 0 and measured["mnNegative"] == 0
    assert measured["moMinus"] >= 20  # 1 - sigma(...) in every local derivative


def test_numbers_do_not_wrap(measured):
    assert measured["numberCells"] >= 30  # reference values, formats, scan tables
    assert measured["wrapped"] == []


def test_files_are_linked(measured, report_dir):
    files = sorted(p.name for p in report_dir.iterdir() if not p.name.startswith("."))
    assert measured["fileLinks"] == files and "scan.svg" in files


def test_screenshot_is_not_blank(chromium, report_dir, tmp_path):
    image = require_module("matplotlib.image", install="pip install 'symgrad[plot]'")
    np = require_module("numpy")
    shot = tmp_path / "shot.png"
    uri = (report_dir / "index.html").resolve().as_uri()
    proc = _chromium(chromium, tmp_path, f"--screenshot={shot}", f"--window-size={WIDTH},2000",
                     uri)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a page of text and formulas, not an empty frame
    pixels = np.asarray(image.imread(shot))[..., :3].astype(float)
    assert pixels.shape[:2] == (2000, WIDTH)
    assert pixels.var() > 0  # not one flat colour
    non_white = (pixels < 0.9).any(axis=-1).mean()
    # text, rules and panels cover a visible part of a rendered page, not a few pixels
    assert non_white > 0.01, non_white
    # nothing drawn in the right margin (the page is centred, 72rem wide): no overflow
    assert (pixels[:, WIDTH - 40:] < 0.9).any(axis=-1).mean() < 0.001
