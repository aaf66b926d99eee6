"""The committed ``derivations/`` folder is current, compiles, and says what the code computes.

* stale check: ``symgrad derivations`` regenerated into a temporary folder must
  reproduce the committed .tex and .md files byte for byte (regenerate with
  ``symgrad derivations`` when this fails);
* every generated .tex compiles with ``pdflatex -halt-on-error``; ``--pdf`` is
  reproducible byte for byte;
* equations are parsed back from the .tex with SymPy's LaTeX parser and
  proven equal to the SymPy objects they were printed from.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import sympy

from symgrad.core.activations import sigmoid
from symgrad.core.derive import exact_equal
from symgrad.interfaces.cli import main
from symgrad.interfaces.documents.standard import EXTENSIONS, INDEX, STANDARD, build
from symgrad.present.latex import latex
from tests._require import require_executable, require_module

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "derivations"
PDFLATEX_INSTALL = "apt-get install texlive-latex-base texlive-latex-recommended"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("derivations")
    assert main(["derivations", "--out", str(out)]) == 0
    return out


def _expected_names() -> list[str]:
    return sorted([INDEX] + [name + ext for name in STANDARD for ext in EXTENSIONS])


def test_generated_files_are_the_standard_set(generated):
    assert sorted(p.name for p in generated.iterdir()) == _expected_names()


@pytest.mark.parametrize("fname", _expected_names())
def test_committed_derivations_are_current(generated, fname):
    committed = COMMITTED / fname
    assert committed.is_file(), f"derivations/{fname} is missing: run `symgrad derivations`"
    assert committed.read_bytes() == (generated / fname).read_bytes(), (
        f"derivations/{fname} is stale: run `symgrad derivations` and commit the result")


def test_output_is_byte_identical_across_runs(generated, tmp_path):
    assert main(["derivations", "--out", str(tmp_path)]) == 0
    for fname in _expected_names():
        assert (tmp_path / fname).read_bytes() == (generated / fname).read_bytes()


@pytest.mark.latex
@pytest.mark.parametrize("name", list(STANDARD))
def test_every_document_compiles_with_pdflatex(generated, tmp_path, name):
    exe = require_executable("pdflatex", install=PDFLATEX_INSTALL)
    (tmp_path / f"{name}.tex").write_bytes((generated / f"{name}.tex").read_bytes())
    proc = subprocess.run([exe, "-halt-on-error", "-interaction=nonstopmode", f"{name}.tex"],
                          cwd=tmp_path, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout.decode("utf-8", "replace")[-2000:]
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


@pytest.mark.latex
def test_pdf_option_is_reproducible(tmp_path):
    require_executable("pdflatex", install=PDFLATEX_INSTALL)
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert main(["derivations", "--out", str(out), "--only", "small-gradient", "--pdf"]) == 0
    assert sorted(p.name for p in first.iterdir()) == [
        "small-gradient.md", "small-gradient.pdf", "small-gradient.tex"]
    assert (first / "small-gradient.pdf").read_bytes() == (
        second / "small-gradient.pdf").read_bytes()
    assert (first / "small-gradient.pdf").read_bytes().startswith(b"%PDF")


def test_cli_errors_are_one_line_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["derivations", "--out", str(out), "--only", "gradient,bogus"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown derivation 'bogus'" in err
    assert "stationary-points" in err  # the known names are listed
    assert not out.exists()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["derivations", "--out", str(blocker / "sub")]) == 2
    assert "symgrad: error:" in capsys.readouterr().err


# -- parsing equations back ------------------------------------------------------------
_BLOCK = re.compile(r"\\\[\n(.*?)\n\\\]|\\begin\{multline\*\}\n(.*?)\n\\end\{multline\*\}", re.S)
_RELATION = {sympy.Equality: "=", sympy.LessThan: r"\leq"}
_PLAIN = (sympy.Symbol, sympy.Rational, sympy.Add, sympy.Mul, sympy.Pow, sigmoid)


def _parseable(expr: sympy.Basic) -> bool:
    """Only what SymPy's LaTeX parser reads back unambiguously."""
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, _PLAIN):
            return False
        if isinstance(node, sympy.Pow) and not node.exp.is_Integer:
            return False
    return True


def _from_parsed(expr: sympy.Basic) -> sympy.Basic:
    """``w_{2}`` -> w2, ``\\sigma(t)`` -> sigmoid(t), ``w_{2}(a)`` (a misread product) -> w2*a."""
    if isinstance(expr, sympy.Symbol):
        return sympy.Symbol(expr.name.replace("_{", "").replace("}", "").replace("_", ""))
    if isinstance(expr, sympy.core.function.AppliedUndef):
        args = [_from_parsed(a) for a in expr.args]
        name = type(expr).__name__
        if name == "sigma":
            return sigmoid(*args)
        return sympy.Symbol(name.replace("_{", "").replace("}", "")) * sympy.Mul(*args)
    if not expr.args:
        return expr
    return expr.func(*[_from_parsed(a) for a in expr.args])


def test_equations_parse_back_to_what_was_computed(generated):
    require_module("antlr4", install="pip install antlr4-python3-runtime==4.11")
    from sympy.parsing.latex import parse_latex

    checked = 0
    for name, doc in build().items():
        tex = (generated / f"{name}.tex").read_text(encoding="utf-8")
        blocks = [(a or b).replace("\\\\\n", " ") for a, b in _BLOCK.findall(tex)]
        equations = doc.equations()
        assert len(blocks) == len(equations), name
        for block, eq in zip(blocks, equations):
            rel = _RELATION.get(type(eq))
            if rel is None or not _parseable(eq.rhs):
                continue
            prefix = latex(eq.lhs) + " " + rel + " "
            assert block.startswith(prefix), (name, block[:80])
            back = _from_parsed(parse_latex(block[len(prefix):]))
            plain = eq.rhs.xreplace({s: sympy.Symbol(s.name.replace("_", ""))
                                     for s in eq.rhs.free_symbols})
            assert exact_equal(back, plain), (name, block)
            checked += 1
    # the layer maps, local derivatives, product and expanded forms of the gradient
    # document and the Hessian entries of the chain Hessian at least
    assert checked >= 20
