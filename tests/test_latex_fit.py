"""Every LaTeX output fits the page: pdflatex reports no overfull box wider than 1 pt.

Compiled with ``pdflatex`` (marker ``latex``) in a few batches, each one document with
many fragments, every fragment announced in the log by ``\\typeout`` so that an
overfull box is charged to the fragment it belongs to:

* ``derive`` fragments: every activation at depth 4 (the derivative written out in
  the weights) and four at depth 8 (with the symbolic depth and its proof by
  induction) in the widest form, general with biases; the sigmoid chain at every
  depth 1..8 (seed, and general with biases).  A full sweep (every activation,
  depths 1..8, all three forms, 330 documents) fitted when the layout was written;
* ``hessian --format latex --fragment`` at depths 1..4 (the symbolic Hessian up to
  depth 3), the general form with biases, and many digits;
* the committed ``derivations/`` documents (kept current by test_derivations_current).

The expected property is TeX's own measurement: no ``Overfull \\hbox (X pt too wide)``
with X > 1 in the log.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from symgrad.core.activations import ACTIVATIONS
from symgrad.core.chain import Chain
from symgrad.interfaces.api.hessian import hessian
from symgrad.interfaces.documents import chain_document
from symgrad.interfaces.documents.latex_layout import preamble
from tests._require import require_executable

pytestmark = pytest.mark.latex

REPO = Path(__file__).resolve().parent.parent
PDFLATEX_INSTALL = "apt-get install texlive-latex-base texlive-latex-recommended"
#: the largest overfull box allowed, in pt
TOLERANCE = 1.0
_OVERFULL = re.compile(r"Overfull \\hbox \(([0-9.]+)pt too wide\)")
_LABEL = re.compile(r"^FRAGMENT:(.*)$")


def overfull(fragments: dict[str, str], tmp_path: Path) -> dict[str, list[float]]:
    """{label: widths over TOLERANCE} after compiling every fragment in one document
    (the documents' own preamble: 11pt article, 16 cm text width, amsmath)."""
    exe = require_executable("pdflatex", install=PDFLATEX_INSTALL)
    parts = []
    for label, body in fragments.items():
        assert r"\documentclass" not in body and r"\begin{document}" not in body, label
        parts += [r"\typeout{FRAGMENT:%s}" % label, body, r"\par\clearpage"]
    tex = preamble() + "\\begin{document}\n" + "\n".join(parts) + "\n\\end{document}\n"
    (tmp_path / "fit.tex").write_text(tex, encoding="utf-8")
    proc = subprocess.run([exe, "-halt-on-error", "-interaction=nonstopmode", "fit.tex"],
                          cwd=tmp_path, capture_output=True, timeout=300, check=False)
    log = (tmp_path / "fit.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, log[-3000:]
    bad: dict[str, list[float]] = {}
    label = "(before the first fragment)"
    for line in log.splitlines():
        m = _LABEL.match(line)
        if m:
            label = m.group(1)
            continue
        m = _OVERFULL.search(line)
        if m and float(m.group(1)) > TOLERANCE:
            bad.setdefault(label, []).append(float(m.group(1)))
    return bad


def test_the_detector_sees_an_overfull_line(tmp_path):
    wide = r"\[" + " + ".join(f"x_{{{i}}}" for i in range(80)) + r"\]"
    assert list(overfull({"wide": wide, "narrow": r"\[x + y\]"}, tmp_path)) == ["wide"]


def _derive_cases() -> dict[str, tuple[Chain, object, bool]]:
    """(chain, wrt, symbolic depth) by label: the widest forms (general with biases) of
    every activation at depth 4 (the derivative written out in the weights), of four at
    depth 8 (the longest and the shortest partial, the proofs by induction), and the
    sigmoid chain at every depth 1..8."""
    cases = {}
    for act in ACTIVATIONS:
        cases[f"{act}-4"] = (Chain(4, activation=act, form="general", bias=True), "all", False)
    for act in ("sigmoid", "silu", "elu", "gelu"):  # the widest products and proofs
        cases[f"{act}-8"] = (Chain(8, activation=act, form="general", bias=True), (1, 8), True)
    for depth in range(1, 9):
        cases[f"sigmoid-seed-{depth}"] = (Chain(depth), "all", depth == 1)
        cases.setdefault(f"sigmoid-{depth}", (Chain(depth, form="general", bias=True), "all",
                                              False))
    return cases


def test_derive_fits_the_page(tmp_path):
    fragments = {label: chain_document(chain, wrt, symbolic_depth=symbolic)
                 .render("latex", fragment=True)
                 for label, (chain, wrt, symbolic) in _derive_cases().items()}
    assert overfull(fragments, tmp_path) == {}


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_hessian_fits_the_page(tmp_path, depth):
    fragments = {
        f"seed-{depth}": hessian(depth, "1").to_latex(fragment=True),
        f"general-bias-{depth}": hessian(depth, "0.5", form="general", bias=True, biases="-1",
                                         x="2").to_latex(fragment=True),
        f"digits-{depth}": hessian(depth, "3", digits=200 * depth).to_latex(fragment=True),
    }
    assert overfull(fragments, tmp_path) == {}


def test_hessian_shows_the_symbolic_matrix_entry_by_entry():
    tex = hessian(3, "1").to_latex(fragment=True)
    # six entries on and above the diagonal of the symmetric 3 x 3 matrix
    assert [f"H_{{{i},{j}}} =" in tex for i in (1, 2, 3) for j in (1, 2, 3) if i <= j] == [True] * 6
    assert "H_{2,1} =" not in tex and r"\documentclass" not in tex
    assert r"\documentclass" in hessian(3, "1").to_latex()


def test_committed_derivations_fit_the_page(tmp_path):
    fragments = {}
    for path in sorted((REPO / "derivations").glob("*.tex")):
        tex = path.read_text(encoding="utf-8")
        body = tex.split(r"\begin{document}", 1)[1].split(r"\end{document}", 1)[0]
        fragments[path.stem] = body.replace(r"\maketitle", "")
    assert fragments and overfull(fragments, tmp_path) == {}
