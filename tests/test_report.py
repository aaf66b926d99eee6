"""`symgrad report`: files, content checked against independent computations, faults.

The report runs as a subprocess (the way a user runs it).  The default report
is built once per module; the fault tests use a small chain so they stay fast.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import mpmath
import pytest
import sympy

from symgrad.activations import sigmoid
from symgrad.progress import progress_enabled, task_progress, track
from symgrad.report.build import MARKER, ReportOptions, build_report
from symgrad.report.mathml import to_mathml

SMALL = ["--depth", "5", "--scan-depth", "60", "--backends", "none", "--quiet"]


def run_report(*args: str, env: dict | None = None, prelude: str = "",
               cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `symgrad report ARGS` in a fresh interpreter (``prelude`` runs first)."""
    code = f"{prelude}\nimport sys\nfrom symgrad.cli import main\nsys.exit(main(sys.argv[1:]))"
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("CI", None)
    return subprocess.run([sys.executable, "-c", code, "report", *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=300, check=False)


@pytest.fixture(scope="module")
def default_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default") / "symgrad-report"
    proc = run_report("--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout
    return out


# -- the default report ----------------------------------------------------------------


def test_default_report_files(default_report):
    names = {p.name for p in default_report.iterdir()}
    assert {"index.html", "report.tex", "reference.json", MARKER} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    marker = json.loads((default_report / MARKER).read_text())
    assert set(marker["files"]) == names - {MARKER}


def _sigmoid_chain_gradient(depth: int, dps: int = 60):
    """dF/dw_1 of the seed chain with all weights 1, by a hand-written loop (not symgrad)."""
    with mpmath.workdps(dps):
        o, grad = mpmath.mpf(1), mpmath.mpf(1)
        for _ in range(2, depth + 1):
            s = 1 / (1 + mpmath.exp(-o))
            grad *= s * (1 - s)  # w_i = 1
            o = s
        return o, grad


def test_default_reference_json_against_independent_loop(default_report):
    doc = json.loads((default_report / "reference.json").read_text())
    assert doc["schema"] == "symgrad.reference/1"
    assert doc["chain"] == {"depth": 40, "activation": "sigmoid", "form": "seed", "bias": False}
    values = {row["name"]: row for row in doc["values"]}
    assert len(values) == 41  # F and dF/dw_1..dF/dw_40
    o, grad = _sigmoid_chain_gradient(40)
    for name, truth in (("F", o), ("dF/dw1", grad)):
        with mpmath.workdps(60):
            got = mpmath.mpf(values[name]["value"])
            # 30 significant digits are claimed: the error is below 1e-29 relative
            assert abs(got - truth) <= mpmath.mpf("1e-29") * abs(truth), name
        assert isinstance(values[name]["value"], str)
    # dF/dw1 of depth 40 with weights 1 is about 0.2247**39 ~ 4e-26 (far below float eps)
    assert 1e-27 < float(values["dF/dw1"]["value"]) < 1e-24


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))


def test_default_page_is_self_contained(default_report):
    text = (default_report / "index.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(text)
    tags = set(parser.tags)
    assert {"math", "table", "style"} <= tags
    assert "script" not in tags and "link" not in tags and "img" not in tags
    for tag, attrs in parser.attrs:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (tag, key, value)
        if tag == "math":
            assert attrs.get("xmlns") == "http://www.w3.org/1998/Math/MathML"
    for section in ("derivation", "verification", "reference"):
        assert f'id="{section}"' in text


def test_default_verification_has_no_failure(default_report):
    text = (default_report / "index.html").read_text(encoding="utf-8")
    assert 'class="badge bad"' not in text
    assert text.count('<span class="badge ok">holds</span>') >= 5


def test_report_tex_is_a_document(default_report):
    tex = (default_report / "report.tex").read_text(encoding="utf-8")
    assert "\\documentclass" in tex and "\\end{document}" in tex


def test_report_pdf_when_pdflatex_present(default_report):
    from tests._require import require_executable

    require_executable("pdflatex", install="apt-get install texlive-latex-recommended")
    assert (default_report / "report.pdf").read_bytes().startswith(b"%PDF-")


# -- determinism, reruns, folders --------------------------------------------------------


def test_same_input_gives_identical_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_report("--out", str(a), *SMALL).returncode == 0
    assert run_report("--out", str(b), *SMALL).returncode == 0
    for f in sorted(a.iterdir()):
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name


def test_existing_foreign_folder_refused_unless_force(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    proc = run_report("--out", str(out), *SMALL)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--force" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    proc = run_report("--out", str(out), "--force", *SMALL)
    assert proc.returncode == 0, proc.stderr
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / "index.html").is_file()


def test_previous_report_is_overwritten_and_stale_files_removed(tmp_path):
    out = tmp_path / "rep"
    assert run_report("--out", str(out), *SMALL).returncode == 0
    marker = json.loads((out / MARKER).read_text())
    marker["files"].append("old-plot.svg")  # pretend an earlier report wrote it
    (out / MARKER).write_text(json.dumps(marker))
    (out / "old-plot.svg").write_text("<svg/>")
    (out / "mine.txt").write_text("not listed: kept")
    assert run_report("--out", str(out), *SMALL).returncode == 0
    assert not (out / "old-plot.svg").exists()
    assert (out / "mine.txt").exists()


def test_empty_existing_folder_is_accepted(tmp_path):
    proc = run_report("--out", str(tmp_path), *SMALL)
    assert proc.returncode == 0, proc.stderr


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
    from symgrad.cli import main

    out = tmp_path / "never"
    base = ["--depth", "5", "--backends", "none", "--quiet"]
    assert main(["report", "--out", str(out), *base, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symgrad: error:") and err.count("\n") == 1
    assert needle in err and "Traceback" not in err
    assert not out.exists()


def test_out_is_a_file_or_below_a_file(tmp_path, capsys):
    from symgrad.cli import main

    f = tmp_path / "file.txt"
    f.write_text("x")
    for out in (f, f / "sub"):
        assert main(["report", "--out", str(out), *SMALL]) == 2
        err = capsys.readouterr().err
        assert err.startswith("symgrad: error:") and err.count("\n") == 1, err
    assert f.read_text() == "x"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root can write into read-only folders")
def test_unwritable_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        proc = run_report("--out", str(ro / "rep"), *SMALL)
    finally:
        ro.chmod(0o700)
    assert proc.returncode == 2 and "symgrad: error:" in proc.stderr


# -- missing extras degrade honestly -------------------------------------------------------


def test_missing_matplotlib_jax_torch_are_named_with_the_fix(tmp_path):
    out = tmp_path / "rep"
    block = "import sys\nfor m in ('matplotlib', 'jax', 'torch'):\n    sys.modules[m] = None"
    proc = run_report("--out", str(out), "--depth", "5", "--scan-depth", "60", "--quiet",
                      prelude=block)
    assert proc.returncode == 0, proc.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Left out of this report" in page
    for extra in ("plot", "jax", "torch"):
        assert f"pip install &#x27;symgrad[{extra}]&#x27;" in page, extra
    names = {p.name for p in out.iterdir()}
    assert {"index.html", "reference.json", "report.tex"} <= names
    assert not any(n.endswith((".png", ".svg")) for n in names)


def test_missing_latex_engine_still_writes_tex(tmp_path):
    out = tmp_path / "rep"
    proc = run_report("--out", str(out), *SMALL, env={"PATH": str(tmp_path / "empty")})
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.tex").is_file() and not (out / "report.pdf").exists()
    assert "no LaTeX engine" in (out / "index.html").read_text(encoding="utf-8")


# -- interrupts ------------------------------------------------------------------------


def test_interrupt_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    import symgrad.output as output

    rep = build_report(ReportOptions(depth=4, scan_depth=40, backends=()))
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
    code = "import sys\nfrom symgrad.cli import main\nsys.exit(main(sys.argv[1:]))"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.Popen([sys.executable, "-c", code, "report", "--out", str(out),
                             "--depth", "2000", "--quiet"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # well inside the work (imports and the derivation take longer)
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
    assert m.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    assert "<munderover><mo>&#x220F;</mo>" in m  # U+220F N-ARY PRODUCT
    assert "<mi>&#x3C3;</mi>" in to_mathml(sigmoid(sympy.Symbol("t")))  # U+03C3 sigma
    d = to_mathml(sympy.Derivative(sympy.Symbol("F"), sympy.Symbol("w1")))
    assert "&#x2202;" in d  # partial derivative sign


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
    from symgrad.report.sections import decimal, short

    assert decimal(sympy.Rational(1, 4) ** 39, 6) == "3.30872e-24"  # 4**-39 = 3.308722...e-24
    assert short("4.380479830262e-26") == "4.38048e-26"
    assert Fraction(Decimal(decimal(sympy.Rational(2, 3), 5))) == Fraction(66667, 100000)
