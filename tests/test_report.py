"""`symgrad report`: files, content checked against independent computations, faults.

The report runs as a subprocess (the way a user runs it).  The default report
is built once per module; the fault tests use a small chain so they stay fast.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sympy

from symgrad.base.errors import SymgradError
from symgrad.core.activations import sigmoid
from symgrad.interfaces.report import MARKER, ReportOptions, build_report
from symgrad.present.mathml import to_mathml
from symgrad.present.progress import progress_enabled, task_progress, track
from tests._require import REQUIRE_ALL
from tests.json_contract import assert_valid
from tests.references import chain_reference, exact_fraction, is_close, prefix_gradients

SMALL = ["--depth", "5", "--scan-depth", "60", "--backends", "none", "--quiet"]


def run_report(*args: str, env: dict | None = None, prelude: str = "",
               cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `symgrad report ARGS` in a fresh interpreter (``prelude`` runs first)."""
    code = (f"{prelude}\nimport sys\nfrom symgrad.interfaces.cli import main\n"
            "sys.exit(main(sys.argv[1:]))")
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("CI", None)
    return subprocess.run([sys.executable, "-c", code, "report", *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=300, check=False)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.attrs.append((tag, dict(attrs)))


def _check_files(out: Path) -> None:
    names = {p.name for p in out.iterdir()}
    assert {"index.html", "report.tex", "reference.json", "scan.json", MARKER} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    marker = json.loads((out / MARKER).read_text())
    assert set(marker["files"]) == names - {MARKER}
    tex = (out / "report.tex").read_text(encoding="utf-8")
    assert "\\documentclass" in tex and "\\end{document}" in tex


def _check_reference_json(out: Path) -> None:
    doc = json.loads((out / "reference.json").read_text())
    assert doc["schema"] == "symgrad.reference/2"
    assert doc["chain"] == {"depth": 40, "activation": "sigmoid", "form": "seed", "bias": False}
    values = {row["name"]: row for row in doc["values"]}
    assert len(values) == 41  # F and dF/dw_1..dF/dw_40
    # independent: the seed chain with all weights 1 at 60 digits (tests/references.py)
    o, grads, _, _ = chain_reference("sigmoid", "seed", [1] * 40, None, None, 60)
    for name, truth in (("F", o), ("dF/dw1", grads[0])):
        assert isinstance(values[name]["value"], str)
        # 30 significant digits are claimed: the error is below 1e-29 relative
        assert is_close(values[name]["value"], truth, rel="1e-29"), name
    # dF/dw1 of depth 40 with weights 1 is about 0.2247**39 ~ 4e-26 (far below float eps)
    assert 1e-27 < float(values["dF/dw1"]["value"]) < 1e-24


def _check_scan_json(out: Path) -> None:
    doc = assert_valid(json.loads((out / "scan.json").read_text()))
    assert doc["max_depth"] == 1100 and doc["lr"] == "1e-1" and doc["weights"]["spec"] == "1"
    assert [r["depth"] for r in doc["depths"]] == list(range(1, 1101))
    f64 = next(f for f in doc["formats"] if f["format"] == "float64")
    # independent: the exact update 1 - 0.1*g is lost in float64 once 0.1*g < 2**-54
    # (half an ulp of 1 from below), and g underflows once below 2**-1075 (half the
    # smallest subnormal); g(L) = prod of sigma' (tests/references.py), compared exactly
    grads = prefix_gradients("sigmoid", [1] * 200, 40)
    lost = next(n for n in range(2, 200)
                if exact_fraction(grads[n - 1]) / 10 < Fraction(1, 2**54))
    assert f64["first_depth"]["lost_update_true"] == lost
    assert 20 <= lost <= 30  # "near 25"
    assert 450 <= int(f64["first_depth"]["zero"]) <= 550  # "near 500"


def _check_page(out: Path) -> None:
    text = (out / "index.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(text)
    tags = {t for t, _ in parser.attrs}
    assert {"math", "table", "style", "svg"} <= tags
    assert "script" not in tags and "link" not in tags and "img" not in tags
    files = {p.name for p in out.iterdir()}
    linked = set()
    for tag, attrs in parser.attrs:
        assert attrs.get("src") is None, (tag, attrs)
        href = attrs.get("href")
        # links: anchors on the page, or a file of the report folder itself (no network)
        if href is not None and not href.startswith("#"):
            assert tag == "a" and href in files, (tag, href)
            linked.add(href)
        if tag == "math":
            assert attrs.get("xmlns") == "http://www.w3.org/1998/Math/MathML"
    for section in ("derivation", "verification", "reference", "formats", "scan"):
        assert f'id="{section}"' in text
    assert linked == files - {".symgrad-report"}  # the files list links every artefact
    assert '<body class="symgrad-report">' in text  # every style rule is scoped to it
    checks = text[text.index('id="verification"'):text.index('id="claims"')]
    assert 'class="badge bad"' not in checks  # no check of the derivation fails
    assert checks.count('<span class="badge ok">PASS</span>') >= 6
    claims = text[text.index('id="claims"'):text.index('id="reference"')]
    # the text's 22 claims: 4 are FALSE by mathematics -- its f_c'(p) = 10^-99, since
    # d/dx max(0, c x) = c = 10^-90 for x > 0; "local optimum implies D^2F(p) definite"
    # (x^4 at 0); x^2 - y^2 >= 0 and <= 0 (a saddle) -- the only FALSE verdicts on the page
    assert claims.count('<span class="badge ok">TRUE</span>') == 18
    assert text.count('class="badge bad"') == 4
    assert "f_c&#x27;(p) == 10^-99" in claims and "x**2 - y**2 &gt;= 0" in claims


def test_default_report(tmp_path):
    """One run of the built-in default, checked against independent computations."""
    out = tmp_path / "symgrad-report"
    proc = run_report("--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("wrote ")
    _check_files(out)
    _check_reference_json(out)
    _check_scan_json(out)
    _check_page(out)
    if shutil.which("pdflatex") or REQUIRE_ALL:  # CI has pdflatex: the PDF must be there
        assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")


# -- determinism, reruns, folders --------------------------------------------------------


def test_same_input_gives_identical_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_report("--out", str(a), *SMALL).returncode == 0
    assert run_report("--out", str(b), *SMALL).returncode == 0
    for f in sorted(a.iterdir()):
        x, y = f.read_bytes(), (b / f.name).read_bytes()
        at = next((i for i, (u, v) in enumerate(zip(x, y)) if u != v), min(len(x), len(y)))
        assert x == y, (f.name, x[max(0, at - 200):at + 60], y[max(0, at - 200):at + 60])


def _tiny_report():
    """A report of one cheap section: enough for the folder logic."""
    return build_report(ReportOptions(depth=2, backends=()), steps=("derivation",))


def test_existing_foreign_folder_refused_unless_force(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    proc = run_report("--out", str(out), *SMALL)  # refused before any work
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--force" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    rep = _tiny_report()
    with pytest.raises(SymgradError, match="not a previous symgrad report"):
        rep.write(out)
    rep.write(out, force=True)
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / "index.html").is_file() and (out / MARKER).is_file()


def test_previous_report_is_overwritten_and_stale_files_removed(tmp_path):
    out = tmp_path / "rep"
    rep = _tiny_report()
    rep.write(out)
    marker = json.loads((out / MARKER).read_text())
    marker["files"] += ["old-plot.svg", "../outside.txt"]  # as if an earlier report wrote them
    (out / MARKER).write_text(json.dumps(marker))
    (out / "old-plot.svg").write_text("<svg/>")
    (tmp_path / "outside.txt").write_text("never touched")
    (out / "mine.txt").write_text("not listed: kept")
    (out / "index.html").write_text("old")
    rep.write(out)  # a previous report: no --force needed
    assert not (out / "old-plot.svg").exists()
    assert (out / "mine.txt").exists() and (tmp_path / "outside.txt").exists()
    assert (out / "index.html").read_text(encoding="utf-8") == rep.files["index.html"]


def test_empty_existing_folder_is_accepted(tmp_path):
    _tiny_report().write(tmp_path)
    assert (tmp_path / "index.html").is_file()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--depth", "0"], "depth must be >= 1"),
        (["--depth", "ten"], "whole number"),
        (["--weights", "1,2"], "weights"),
        (["--weights", "nan"], "finite"),
        (["--activation", "relu6"], "unknown activation"),
        (["--formats", "float8"], "unknown format"),
        (["--backends", "tensorflow"], "unknown backend"),
        (["--lr", "0"], "--lr must be > 0"),
        (["--lr", "fast"], "not a number"),
        (["--scan-depth", "1000001"], "above the cap"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, needle):
    from symgrad.interfaces.cli import main

    out = tmp_path / "never"
    base = ["--depth", "5", "--backends", "none", "--quiet"]
    assert main(["report", "--out", str(out), *base, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symgrad: error:") and err.count("\n") == 1
    assert needle in err and "Traceback" not in err
    assert not out.exists()


def test_out_is_a_file_or_below_a_file(tmp_path, capsys):
    from symgrad.interfaces.cli import main

    f = tmp_path / "file.txt"
    f.write_text("x")
    for out in (f, f / "sub"):
        assert main(["report", "--out", str(out), *SMALL]) == 2
        err = capsys.readouterr().err
        assert err.startswith("symgrad: error:") and err.count("\n") == 1, err
    assert f.read_text() == "x"


def test_unwritable_folder(tmp_path, capsys):
    """A folder that cannot be written: one-line error, nothing half-written."""
    from symgrad.interfaces.cli import main

    targets = []
    if sys.platform.startswith("linux") and Path("/proc/self").is_dir():
        targets.append(Path("/proc/symgrad-report-test"))  # not writable, even for root
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        targets.append(ro / "rep")
    if not targets:
        pytest.skip("no unwritable location on this system")
    for out in targets:
        assert main(["report", "--out", str(out), *SMALL]) == 2
        err = capsys.readouterr().err
        assert err.startswith("symgrad: error: cannot") and err.count("\n") == 1, err
        assert not out.exists()


def test_open_uses_the_browser_but_never_in_ci(tmp_path, monkeypatch, capsys):
    import webbrowser

    import symgrad.interfaces.api.report as api
    from symgrad.interfaces.cli import main

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    monkeypatch.setattr(api, "build_report", lambda *a, **k: _tiny_report())
    monkeypatch.delenv("CI", raising=False)
    assert main(["report", "--out", str(tmp_path / "a"), "--open", "--quiet"]) == 0
    assert opened == [(tmp_path / "a" / "index.html").resolve().as_uri()]
    monkeypatch.setenv("CI", "true")
    assert main(["report", "--out", str(tmp_path / "b"), "--open", "--quiet"]) == 0
    assert len(opened) == 1 and "--open ignored in CI" in capsys.readouterr().err


# -- missing extras degrade honestly -------------------------------------------------------


def test_missing_extras_and_latex_are_named_with_the_fix(tmp_path):
    """matplotlib, jax, torch made unimportable and no pdflatex on PATH: the rest is written."""
    out = tmp_path / "rep"
    block = "import sys\nfor m in ('matplotlib', 'jax', 'torch'):\n    sys.modules[m] = None"
    proc = run_report("--out", str(out), "--depth", "5", "--scan-depth", "60", "--quiet",
                      prelude=block, env={"PATH": str(tmp_path / "empty")})
    assert proc.returncode == 0, proc.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Left out of this report" in page
    for extra in ("plot", "jax", "torch"):
        assert f"pip install &#x27;symgrad[{extra}]&#x27;" in page, extra
    assert "no LaTeX engine" in page
    names = {p.name for p in out.iterdir()}
    assert {"index.html", "reference.json", "scan.json", "report.tex"} <= names
    assert not any(n.endswith((".png", ".svg", ".pdf")) for n in names)
    assert 'id="verification"' in page and 'id="scan"' in page  # the tables are still there


# -- interrupts ------------------------------------------------------------------------


def test_interrupt_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    import symgrad.base.output as output

    rep = build_report(ReportOptions(depth=4, scan_depth=40, backends=()),
                       steps=("derivation", "reference", "scan"))
    expected = rep.files
    real_replace = output.os.replace
    calls = {"n": 0}

    def flaky_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", flaky_replace)
    out = tmp_path / "rep"
    with pytest.raises(KeyboardInterrupt):
        rep.write(out)
    monkeypatch.undo()
    present = [p for p in out.iterdir() if p.name != MARKER]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert 0 < len(present) < len(expected)
    for p in present:  # every file that exists is complete
        data = expected[p.name]
        assert p.read_bytes() == (data.encode() if isinstance(data, str) else data)


def test_sigint_exits_130_without_partial_files(tmp_path):
    import signal
    import time

    out = tmp_path / "rep"
    code = ("import sys\nfrom symgrad.interfaces.cli import main\n"
            "import symgrad.interfaces.report.sections\n"
            "print('ready', file=sys.stderr, flush=True)\nsys.exit(main(sys.argv[1:]))")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.Popen([sys.executable, "-c", code, "report", "--out", str(out),
                             "--depth", "2000", "--quiet"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr.readline() == "ready\n"  # imports done, the report is starting
    time.sleep(1)  # inside the work: the depth-2000 checks take several seconds
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    if out.exists():
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# -- pieces ------------------------------------------------------------------------------


def test_mathml_product_and_sigmoid():
    i, n = sympy.symbols("i n", integer=True)
    x = sympy.IndexedBase("x")
    m = to_mathml(sympy.Product(x[i], (i, 1, n)))
    assert m.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block" '
                        'alttext="\\prod_{i=1}^{n} x_{i}">')  # alttext: the LaTeX source
    assert "<munderover><mo>&#x220F;</mo>" in m  # U+220F N-ARY PRODUCT
    assert "<mi>&#x3C3;</mi>" in to_mathml(sigmoid(sympy.Symbol("t")))  # U+03C3 sigma
    d = to_mathml(sympy.Derivative(sympy.Symbol("F"), sympy.Symbol("w1")))
    assert "&#x2202;" in d  # partial derivative sign


def _mathml_dom(text: str):
    from xml.dom import minidom

    # SymPy's entity names (&InvisibleTimes;) are not XML: numeric references instead
    return minidom.parseString(text.replace("&InvisibleTimes;", "&#x2062;"))


def test_mathml_minus_signs_are_u2212():
    w1, w2 = sympy.symbols("w1 w2")
    m = to_mathml(-w1 * sigmoid(w1 * w2) * (1 - sigmoid(w1 * w2)) - sympy.Rational(3, 4))
    dom = _mathml_dom(m)
    ops = [n.firstChild.data for n in dom.getElementsByTagName("mo")]
    assert ops.count("\u2212") == 3 and "-" not in ops  # -w1, 1 - sigma, - 3/4
    # a negative number is an operator and a number, never "<mn>-1</mn>"
    numbers = [n.firstChild.data for n in
               _mathml_dom(to_mathml(sympy.Interval(-1, w1))).getElementsByTagName("mn")]
    assert numbers == ["1", "1"] and not any(t.startswith("-") for t in numbers)


def test_mathml_brackets_hug_flat_contents_and_stretch_around_tall_ones():
    t = sympy.Symbol("t")
    dom = _mathml_dom(to_mathml(sigmoid(t)))
    fences = [n for n in dom.getElementsByTagName("mo") if n.firstChild.data in "()"]
    assert [f.getAttribute("form") for f in fences] == ["prefix", "postfix"]
    for f in fences:  # no operator space, no stretching around one line of text
        assert (f.getAttribute("lspace"), f.getAttribute("rspace")) == ("0", "0")
        assert f.getAttribute("stretchy") == "false" and f.getAttribute("fence") == "true"
    tall = _mathml_dom(to_mathml(sigmoid(t / (1 + t))))  # a fraction inside the parentheses
    assert {n.getAttribute("stretchy") for n in tall.getElementsByTagName("mo")
            if n.firstChild.data in "()"} == {"true"}


def test_wide_equations_are_set_on_two_lines():
    from symgrad.present.mathml import BREAK_TOKENS

    x = sympy.Symbol("x")
    a = sympy.symbols(f"a0:{BREAK_TOKENS}")
    wide = sympy.Eq(sympy.Add(*(ai * x**i for i, ai in enumerate(a))), x)
    dom = _mathml_dom(to_mathml(wide))
    rows = dom.getElementsByTagName("mtr")
    assert len(rows) == 2  # lhs, then "= rhs"
    assert rows[1].getElementsByTagName("mo")[0].firstChild.data == "="
    narrow = _mathml_dom(to_mathml(sympy.Eq(x + 1, 2)))
    assert not narrow.getElementsByTagName("mtable")
    assert not _mathml_dom(to_mathml(wide, display="inline")).getElementsByTagName("mtable")


def test_mathml_refuses_strings():
    with pytest.raises(sympy.SympifyError):
        to_mathml("__import__('os')")


def test_report_object_renders_in_jupyter():
    rep = build_report(ReportOptions(depth=3, scan_depth=40), steps=("derivation",))
    html = rep._repr_html_()
    assert "<math" in html and "<style>" in html and "<html" not in html


class _FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_quiet_ci_and_redirect(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert progress_enabled(quiet=True, stream=_FakeTTY()) is False
    assert progress_enabled(stream=io.StringIO()) is False  # redirected
    monkeypatch.setenv("CI", "true")
    assert progress_enabled(stream=_FakeTTY()) is False


def test_progress_draws_on_a_terminal_only(monkeypatch):
    from tests._require import require_module

    require_module("rich", install="pip install 'symgrad[progress]'")
    monkeypatch.delenv("CI", raising=False)
    tty, quiet = _FakeTTY(), _FakeTTY()
    assert list(track(range(3), "demo", stream=tty)) == [0, 1, 2]
    with task_progress("demo", total=2, quiet=True, stream=quiet) as bar:
        bar.advance()
        bar.advance()
    assert bar.completed == 2 and not bar.drawn
    assert tty.getvalue() != "" and quiet.getvalue() == ""


def test_decimal_helpers_are_exact():
    from symgrad.interfaces.report.sections import decimal, short

    assert decimal(sympy.Rational(1, 4) ** 39, 6) == "3.30872e-24"  # 4**-39 = 3.308722...e-24
    assert short("4.380479830262e-26") == "4.38048e-26"
    assert Fraction(Decimal(decimal(sympy.Rational(2, 3), 5))) == Fraction(66667, 100000)


def test_certified_checks_can_fail():
    """A wrong reference digit and a wrong bound are caught (the checks are not vacuous)."""
    import dataclasses

    from symgrad.analysis.verify.chain_checks import bound_check, reference_check
    from symgrad.core.chain import Chain
    from symgrad.interfaces.report.model import Context

    ctx = Context(ReportOptions(depth=10, backends=()), Chain(10), (Fraction(1),) * 10)
    good, cert = ctx.reference, ctx.certified
    true_bound = sympy.Rational(1, 4) ** 9  # sup sigmoid' = 1/4, weights 1: holds
    assert bound_check(ctx.chain, true_bound, cert).status == "PASS"
    assert reference_check(good, cert).status == "PASS"
    digit = good.grad_w[0][5]  # change one digit of dF/dw1 (30 digits claimed)
    wrong = good.grad_w[0][:5] + ("1" if digit != "1" else "2") + good.grad_w[0][6:]
    bad = dataclasses.replace(good, grad_w=(wrong, *good.grad_w[1:]))
    assert reference_check(bad, cert).status == "FAIL"
    # dF/dw1 = 0.2247^9 ~ 1.2e-6 is far above 1e-40: that bound must be refuted
    assert bound_check(ctx.chain, sympy.Rational(1, 10**40), cert).status == "FAIL"


def test_a_subset_of_steps_gives_the_sections_of_a_full_build():
    """No section depends on another having run first (the context computes lazily)."""
    opts = ReportOptions(depth=4, backends=(), scan_depth=40, formats=("float64",))
    full = {s.anchor: s for s in build_report(opts).sections}
    alone = build_report(opts, steps=("verification",)).sections
    assert [s.anchor for s in alone] == ["verification"]
    assert alone[0] == full["verification"]
    latex_only = build_report(opts, steps=("latex",)).sections[0]
    assert latex_only.files["report.tex"] == full["latex"].files["report.tex"]
