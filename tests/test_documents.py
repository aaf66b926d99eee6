"""symgrad.interfaces.documents: the derivation model, its renderers and the standard builders.

Expected values come from independent sources: sympy.diff of the nested
chain written in the test, textbook eigenvalues, IEEE constants from
numpy.finfo / ml_dtypes.finfo, and from tests/references.py: the mpmath
product of sigma' along the chain and a Hessian from mpmath.diff (numerical
differentiation at 40 digits).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy

from symgrad.base.errors import SymgradError
from symgrad.core.activations import sigmoid
from symgrad.core.chain import Chain
from symgrad.interfaces.documents import PRINT_CAP, Document, Section, Step, chain_document
from symgrad.interfaces.documents.hessian import chain_hessian_document, stationary_document
from symgrad.interfaces.documents.numeric import machine_epsilon_document, small_gradient_document
from symgrad.interfaces.documents.standard import STANDARD, parse_names
from tests.references import diff_hessian, exact_fraction, prefix_gradients

x = sympy.Symbol("x")


def _demo() -> Document:
    step = Step(("Square ", x, " (50% & more_)."), "power rule",
                sympy.Eq(sympy.Derivative(x**2, x), 2 * x), verified=True)
    bad = Step("A failed check.", "because", sympy.Eq(x, 1), verified=False)
    return Document("Demo #1", (Section("Intro", "Some $pecial {text}.", (step, bad)),),
                    "Intro.", ("A note.",))


def test_renderers_produce_each_format():
    doc = _demo()
    tex = doc.render("latex")
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    assert r"\usepackage{amsmath}" in tex and tex.count(r"\usepackage") == 1
    assert r"50\% \& more\_" in tex and r"\$pecial \{text\}" in tex  # prose escaped
    assert r"$x$" in tex  # a SymPy object in prose becomes inline math
    md = doc.render("markdown")
    assert md.startswith("# Demo #1\n") and "$$\n" in md and "$x$" in md
    txt = doc.render("text")
    assert "∂(x**2)/∂x = 2*x" in txt
    assert "[verified]" in txt and "[NOT VERIFIED" in txt
    assert not doc.verified


def test_mathml_target_prints_every_equation_with_the_latex_printer_as_alttext():
    import html
    import re

    from symgrad.present.latex import latex

    doc = chain_document(Chain(3), [1])
    page = doc.render("mathml")
    assert "<script" not in page and "\\[" not in page  # no MathJax: MathML only
    eqs = re.findall(r'<div class="eq"><math[^>]*alttext="([^"]*)"', page)
    assert [html.unescape(t) for t in eqs] == [latex(e) for e in doc.equations()]
    # every step once, numbered as in the other formats, with its verdict
    assert page.count('<div class="step">') == len(doc.steps)
    assert page.count('class="badge ok">verified') == sum(s.verified is True for s in doc.steps)
    assert [int(n) for n in re.findall(r"Step (\d+)\.", page)] == list(
        range(1, len(doc.steps) + 1))
    bad = _demo().render("mathml")
    assert "not verified" in bad and "50% &amp; more_" in bad  # prose escaped once


def test_one_walker_numbers_steps_alike_in_every_format():
    import re

    doc = chain_document(Chain(4), [1, 2])
    counts = {fmt: len(re.findall(r"Step \d+\.", doc.render(fmt)))
              for fmt in ("latex", "markdown", "text", "html", "mathml")}
    assert set(counts.values()) == {len(doc.steps)}, counts


def test_jupyter_reprs():
    doc = _demo()
    assert doc._repr_latex_().startswith("$") and doc._repr_latex_().endswith("$")
    html = doc._repr_html_()  # MathML like every other repr, styles scoped to its div
    assert "<math" in html and r"\[" not in html and "&amp;" in html
    assert html.startswith('<div class="symgrad-report"><style>')
    assert doc._repr_markdown_() == doc.render("markdown")


def test_model_rejects_bad_input():
    with pytest.raises(SymgradError, match="unknown document format"):
        _demo().render("pdf")
    with pytest.raises(TypeError):
        Step("s", "j", "x**2")  # a typed-in string is not an equation
    with pytest.raises(TypeError):
        Step(("prose", 3.5), "j")


def test_chain_document_equations_match_an_independent_diff():
    chain = Chain(4)
    doc = chain_document(chain, [1, 3])
    assert doc.verified
    w = chain.weights
    nested = sigmoid(w[3] * sigmoid(w[2] * sigmoid(w[1] * w[0])))  # written out here
    found = 0
    for eq in doc.equations():
        if (isinstance(eq, sympy.Equality) and isinstance(eq.lhs, sympy.Derivative)
                and eq.lhs.expr == sympy.Symbol("F") and not eq.rhs.has(sympy.Product)
                and not eq.rhs.has(sympy.Derivative)):
            (var, _), = eq.lhs.variable_count
            outs = dict(zip(chain.outputs, chain.output_values()))
            rhs = eq.rhs.xreplace(outs)
            assert sympy.expand(rhs - sympy.diff(nested, var)) == 0
            found += 1
    assert found == 4  # product form and expanded form for k = 1 and k = 3


@pytest.mark.parametrize("kw", [dict(activation="tanh"), dict(activation="softplus"),
                                dict(form="general", bias=True)])
def test_chain_document_variants_verify(kw):
    doc = chain_document(Chain(3, **kw), "all", symbolic_depth=True)
    assert doc.verified
    assert doc.render("text") == chain_document(Chain(3, **kw), "all", True).render("text")


def test_deep_chain_uses_product_notation_and_stays_small():
    doc = chain_document(Chain(100_000), "all")
    tex = doc.render("latex")
    assert len(tex) < 30_000
    assert f"print cap of {PRINT_CAP}" in doc.render("text")
    assert r"\prod_{i=2}^{100000}" in tex
    assert doc.verified


def test_wrt_errors():
    with pytest.raises(SymgradError, match=r"outside 1\.\.3"):
        chain_document(Chain(3), [4])
    with pytest.raises(SymgradError, match="not 'all'"):
        chain_document(Chain(3), "some")


def test_sigmoid_supremum_and_bound_in_the_document():
    txt = chain_document(Chain(4), [1]).render("text")
    assert "s = 1/4" in txt  # textbook: max of sigma(1 - sigma) at t = 0
    assert "|∂F/∂w1| ≤ |w2|*|w3|*|w4|/64" in txt  # (1/4)**3 = 1/64


def test_stationary_document_textbook_facts():
    doc = stationary_document()
    assert doc.verified
    sets = [eq.rhs for eq in doc.equations()
            if isinstance(eq, sympy.Equality) and eq.lhs == sympy.Symbol("lambda")]
    assert sympy.FiniteSet(-2, 2) in sets  # x^2 - y^2 at the origin
    assert sympy.FiniteSet(-6, 2) in sets and sympy.FiniteSet(2, 6) in sets  # x^3-3x+y^2
    txt = doc.render("text")
    assert "order 4: strict local minimum" in txt and "order 3: no extremum" in txt


def test_small_gradient_values_are_exact():
    doc = small_gradient_document()
    assert doc.verified
    p = sympy.Symbol("p")
    values = [eq.rhs for eq in doc.equations()
              if isinstance(eq, sympy.Equality) and eq.lhs == sympy.Function("f_c")(p)]
    assert sympy.Integer(10) ** (9999 - 90) in values  # c*p, exactly (the text's c and p)
    slopes = [eq.rhs for eq in doc.equations() if isinstance(eq, sympy.Equality)
              and eq.lhs == sympy.Derivative(sympy.Symbol("f_c"), p)]
    assert slopes == [sympy.Rational(1, 10**90)]  # f_c'(p) = c for p > 0
    assert "10^{-90}" in doc.render("latex")
    assert "states the derivative at p as 10**(-99)" in doc.render("text")


def _first_below(grads: list, threshold: Fraction) -> int:
    """First L with dF/dw_1 = prod_{i=2}^{L} sigma'(o_{i-1}) < threshold, ``grads`` being
    dF/dw_1 at depths 1, 2, ... (compared exactly)."""
    return next(n for n, g in enumerate(grads, 1) if exact_fraction(g) < threshold)


def test_machine_epsilon_depths_match_a_hand_written_recurrence():
    import ml_dtypes

    doc = machine_epsilon_document(max_depth=600)
    assert doc.verified
    grads = prefix_gradients("sigmoid", [1] * 600, 60)  # weights 1, 60 digits
    txt = doc.render("text")
    for name, info in [("float64", np.finfo(np.float64)), ("float32", np.finfo(np.float32)),
                       ("float16", np.finfo(np.float16)),
                       ("bfloat16", ml_dtypes.finfo(ml_dtypes.bfloat16))]:
        eps, tiny = Fraction(float(info.eps)), Fraction(float(info.smallest_subnormal))
        assert f"epsilon_{name} = 2**({round(math.log2(eps))})" in txt
        lost, zero = _first_below(grads, eps / 4), _first_below(grads, tiny / 2)
        assert (f"{name}: the exact step of the first weight, rounded once, gives it back "
                f"unchanged from depth {lost} ") in txt
        assert f"{name}: the exact gradient rounds to 0 in the format from depth {zero} " in txt


def test_chain_hessian_eigenvalues_match_mpmath_diff():
    doc = chain_hessian_document()
    assert doc.verified
    lam = next(eq.rhs for eq in doc.equations()
               if isinstance(eq, sympy.Equality) and eq.lhs == sympy.Symbol("lambda"))
    ours = sorted(float(v) for v in lam)
    # F = sigma(w_3 sigma(w_2 w_1)) at (1, 1, 1), its mixed partials by mpmath.diff
    h = [[float(v) for v in row] for row in diff_hessian("sigmoid", [1, 1, 1], 40)]
    theirs = sorted(np.linalg.eigvalsh(np.array(h)))
    # float64 eigensolver on a 40-digit matrix: ~1e-15 relative to the largest eigenvalue
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-14)
    assert "indefinite" in doc.render("text")


def test_standard_names_and_errors():
    assert parse_names(None) == list(STANDARD)
    assert parse_names("chain-hessian,gradient") == ["gradient", "chain-hessian"]
    with pytest.raises(SymgradError, match=r"unknown derivation 'nope'.*gradient"):
        parse_names("gradient,nope")
    with pytest.raises(SymgradError, match="no derivation"):
        parse_names(" , ")


def test_chain_hessian_rejects_bad_input():
    with pytest.raises(SymgradError, match="limited to depth 4"):
        chain_hessian_document(depth=6)
    with pytest.raises(SymgradError, match="2 weights given"):
        chain_hessian_document(depth=3, point=(Fraction(1), Fraction(2)))


# -- LaTeX: fragments, and prose in words ---------------------------------------------------

_MATH = re.compile(r"\\\[.*?\\\]|\\begin\{multline\*\}.*?\\end\{multline\*\}|\$[^$]*\$", re.S)
#: code in prose: escaped underscores (identifiers), indexing like w[, module paths
_CODE = re.compile(r"\\_|\b[a-zA-Z]\[|symgrad\.|sympy\.|numpy\.|\.py\b")


def _code_in_prose(tex: str) -> list[str]:
    prose = _MATH.sub(" ", tex)
    return [prose[max(0, m.start() - 40):m.end() + 20] for m in _CODE.finditer(prose)]


def test_the_code_detector_finds_code():
    assert _code_in_prose(r"the text's o\_1 = w\_1 and act(w[L+1]*o_L)") != []
    assert _code_in_prose(r"by symgrad.core.induction") != []
    assert _code_in_prose(r"the outputs $o_{i}$ and $w[1]$ in math") == []


@pytest.mark.parametrize("path", sorted(Path(__file__).resolve().parent.parent.joinpath(
    "derivations").glob("*.tex")), ids=lambda p: p.name)
def test_standard_documents_write_prose_in_words(path):
    assert _code_in_prose(path.read_text(encoding="utf-8")) == []


def test_derive_documents_write_prose_in_words():
    for chain in (Chain(3, activation="leaky_relu", form="general", bias=True),
                  Chain(20, activation="silu")):
        tex = chain_document(chain, "all", symbolic_depth=True).render("latex")
        assert _code_in_prose(tex) == [], chain
        assert "leaky ReLU" in tex or "SiLU" in tex


def test_latex_fragment_has_no_preamble():
    doc = chain_document(Chain(2), [1])
    whole, body = doc.render("latex"), doc.render("latex", fragment=True)
    for marker in (r"\documentclass", r"\begin{document}", r"\end{document}",
                   r"\usepackage", r"\maketitle"):
        assert marker in whole or marker == r"\usepackage"
        assert marker not in body
    assert body.startswith("% The gradient of the depth-2 sigmoid chain")
    assert r"\section*{The gradient of the depth-2 sigmoid chain}" in body
    with pytest.raises(SymgradError, match="fragment"):
        doc.render("markdown", fragment=True)


def test_long_equations_are_broken_over_lines():
    from symgrad.interfaces.documents.latex_layout import DISPLAY_WIDTH, display_width

    w = sympy.symbols("w1:13")
    long_sum = sympy.Add(*[w[i] * sigmoid(w[i + 1]) for i in range(11)])
    tex = Document("T", (Section("S", "", (Step("A sum.", "why",
                                                sympy.Eq(sympy.Symbol("y"), long_sum)),)),)
                   ).render("latex", fragment=True)
    block = tex.split(r"\begin{multline*}")[1].split(r"\end{multline*}")[0]
    lines = [line.strip().rstrip("\\").strip() for line in block.strip().splitlines()]
    assert len(lines) > 1 and all(display_width(line) <= DISPLAY_WIDTH for line in lines)
    # each line after the first starts at a top-level sign of the sum
    assert all(line[:1] in "+-" for line in lines[1:])


def test_a_formula_too_wide_for_the_page_is_checked_but_not_printed():
    # the depth-4 ELU chain with biases written in the weights alone nests four cases
    # environments: no line break can make it fit, so the step states it in words
    doc = chain_document(Chain(4, activation="elu", form="general", bias=True), [1])
    step = next(s for s in doc.steps if "weights alone" in str(s.statement))
    assert step.equation is None and step.verified is True
    assert "too wide to print" in str(step.statement)
    narrow = chain_document(Chain(3), [1])
    assert next(s for s in narrow.steps if "weights alone" in str(s.statement)).equation \
        is not None


def test_cli_fragment_flag(tmp_path, capsys):
    from symgrad.interfaces.cli import main

    assert main(["derive", "--depth", "2", "--format", "latex", "--fragment"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("% The gradient") and r"\documentclass" not in out
    assert main(["hessian", "--depth", "2", "--weights", "1", "--format", "latex",
                 "--fragment"]) == 0
    out = capsys.readouterr().out
    assert r"\begin{pmatrix}" in out and r"\documentclass" not in out
    assert main(["derive", "--depth", "2", "--fragment"]) == 2
    assert "--fragment applies to --format latex only" in capsys.readouterr().err
    assert main(["derivations", "--out", str(tmp_path), "--only", "small-gradient",
                 "--fragment"]) == 0
    tex = (tmp_path / "small-gradient.tex").read_text(encoding="utf-8")
    assert tex.startswith("% A small gradient") and r"\begin{document}" not in tex
