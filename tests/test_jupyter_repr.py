"""Jupyter rendering: ``_repr_html_`` / ``_repr_latex_`` of symgrad's result objects.

Every HTML repr is parsed with :class:`html.parser.HTMLParser` (tags must nest
and close), every LaTeX repr is one ``$...$`` formula, and the values shown are
compared with independent computations (mpmath.diff of F written out by hand, from
:mod:`tests.references`; hand-derived stationary points, the textbook sup
sigma' = 1/4), never with the object's own output.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from html.parser import HTMLParser

import mpmath
import pytest
import sympy

from symgrad.analysis.claims import ClaimResult, check_claim
from symgrad.analysis.stationary import Verdict, analyse
from symgrad.analysis.verify.autodiff import HessianCheck
from symgrad.analysis.verify.tolerance import Comparison
from symgrad.core.activations import sigmoid
from symgrad.core.bounds import gradient_bound
from symgrad.core.chain import Chain
from symgrad.core.derive import RouteCheck, derive_layerwise, verify_routes
from symgrad.core.induction import I_, O, W
from symgrad.numeric.certified import certified_values
from symgrad.numeric.reference import reference_values
from symgrad.present.latex import latex

from ._require import require_module
from .references import assert_ball_contains, diff_partials, is_close

VOID = {"br", "col", "hr", "img", "input", "meta", "wbr"}


class _Checker(HTMLParser):
    """Checks that tags nest and close; collects the text of every table row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.rows: list[list[str]] = []
        self.caption = ""
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_caption:
            self.caption += data


def parse_html(text: object) -> _Checker:
    """Parse ``text`` and assert it is a well-formed fragment."""
    assert isinstance(text, str) and text
    p = _Checker()
    p.feed(text)
    p.close()
    assert not p.errors, p.errors
    assert not p.stack, f"unclosed tags {p.stack}"
    assert "<script" not in text.lower()
    return p


def row_map(p: _Checker) -> dict[str, list[str]]:
    """First cell -> the other cells, for the body rows."""
    return {r[0]: r[1:] for r in p.rows[1:] if r}


def check_latex(text: object) -> str:
    assert isinstance(text, str)
    assert text.startswith("$\\displaystyle ") and text.endswith("$")
    assert text.count("$") == 2
    return text[len("$\\displaystyle "):-1]


# -- symbolic core ---------------------------------------------------------------------


def test_gradient_derivation_latex_is_the_textbook_closed_form():
    d = derive_layerwise(Chain(5))
    body = check_latex(d._repr_latex_())
    # prod_{i=2}^{L} w_i sigma'(w_i o_{i-1}) with sigma' = sigma (1 - sigma), built here
    z = W[I_] * O[I_ - 1]
    expected = sympy.Product(W[I_] * sigmoid(z) * (1 - sigmoid(z)), (I_, 2, 5))
    assert body == r"\frac{\partial F}{\partial w_{1}} = " + latex(expected)


def test_gradient_derivation_html_is_mathml_with_the_chain():
    text = derive_layerwise(Chain(4, activation="tanh"))._repr_html_()
    p = parse_html(text)
    assert "<math" in text and "tanh" in text and "depth 4" in text
    assert not p.rows  # a formula, not a table
    # the product runs from i = 2 up to the depth
    assert "<mn>2</mn></mrow><mn>4</mn></munderover>" in text


def test_route_check_table():
    p = parse_html(verify_routes(Chain(3))._repr_html_())
    assert p.rows[0] == ["k", "proven equal"]
    assert row_map(p) == {"1": ["yes"], "2": ["yes"], "3": ["yes"]}
    assert p.caption.endswith("holds")
    bad = parse_html(RouteCheck(Chain(2), (True, False))._repr_html_())
    assert row_map(bad) == {"1": ["yes"], "2": ["no"]}
    assert bad.caption.endswith("fails")


def test_route_check_long_table_is_cut():
    p = parse_html(RouteCheck(Chain(50), (True,) * 50)._repr_html_())
    keys = [r[0] for r in p.rows[1:]]
    assert len(keys) == 21 and keys[:2] == ["1", "2"] and keys[-1] == "50"
    assert "\u22ef" in keys and "25" not in keys


def test_gradient_bound_latex_existing():
    # |dF/dw_1| <= |w_2| |w_3| (1/4)^2 for the seed sigmoid chain of depth 3
    w2, w3 = sympy.symbols("w2 w3")
    body = check_latex(gradient_bound(Chain(3))._repr_latex_())
    rhs = sympy.latex(abs(w2) * abs(w3) * sympy.Rational(1, 4) ** 2)
    assert body == r"\left|\frac{\partial F}{\partial w_{1}}\right| \le " + rhs


def test_core_reprs_import_no_numeric_library():
    code = (
        "import sys\n"
        "from symgrad import Chain, derive_layerwise, verify_routes\n"
        "d = derive_layerwise(Chain(3))\n"
        "d._repr_html_(); d._repr_latex_(); verify_routes(Chain(2))._repr_html_()\n"
        "print(sorted(m for m in ('numpy', 'jax', 'torch', 'matplotlib', 'rich')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]"


# -- numbers ---------------------------------------------------------------------------


def test_reference_table_values():
    w = [Fraction(1), Fraction(2), Fraction(-1)]
    r = reference_values(Chain(3), w, digits=15)
    p = parse_html(r._repr_html_())
    rows = row_map(p)
    assert set(rows) == {"F", "dF/dw1", "dF/dw2", "dF/dw3"}
    assert "15 correct significant digits" in p.caption
    F, grads, _, _ = diff_partials("sigmoid", w, dps=40)  # mpmath.diff of F by hand
    # correctly rounded to 15 digits: relative error <= 5e-15, checked with 1e-14
    assert is_close(rows["F"][0], F, rel="1e-14")
    for k in (1, 2, 3):
        assert is_close(rows[f"dF/dw{k}"][0], grads[k - 1], rel="1e-14")


def test_certified_table_and_ball():
    w = [Fraction(1)] * 30
    c = certified_values(Chain(30), w, digits=12)
    p = parse_html(c._repr_html_())
    rows = row_map(p)
    assert p.rows[0] == ["quantity", "midpoint", "radius", "certified digits"]
    assert len(rows) == 21 and "dF/dw1" in rows and "dF/dw30" in rows  # cut in the middle
    _, grads, _, _ = diff_partials("sigmoid", w, dps=50)
    for name, k in (("dF/dw1", 1), ("dF/dw30", 30)):
        mid, rad, digits = rows[name]
        assert int(digits) >= 12
        # the enclosure holds the independent value (mpmath.diff error ~1e-40 here)
        assert_ball_contains(mid, rad, grads[k - 1], rel="1e-30", what=name)
    ball = c.grad_w[-1]
    text = ball._repr_html_()
    assert not parse_html(text).rows
    assert f"{rows['dF/dw30'][0]} &#xB1; {rows['dF/dw30'][1]}" in text
    assert f"({rows['dF/dw30'][2]} certified digits)" in text


def test_gradient_check_table_torch():
    require_module("torch", install="pip install 'symgrad[torch]'")
    from symgrad.analysis.verify.autodiff import compare_gradient

    w = [Fraction(1), Fraction(2), Fraction(-1)]
    g = compare_gradient("torch", Chain(3), w, "float64")
    p = parse_html(g._repr_html_())
    rows = row_map(p)
    assert p.rows[0] == ["quantity", "computed", "true (certified)", "rel. error", "verdict"]
    assert set(rows) == {"F", "dF/dw1", "dF/dw2", "dF/dw3"}
    assert "torch float64" in p.caption
    _, grads, _, _ = diff_partials("sigmoid", w, dps=40)
    for k in (1, 2, 3):
        computed, true, _rel, verdict = rows[f"dF/dw{k}"]
        assert is_close(true, grads[k - 1], rel="1e-18")  # 20 certified digits shown
        # float64 through 3 layers: a few ulps (2.2e-16 each); 1e-13 is generous
        assert is_close(computed, grads[k - 1], rel="1e-13")
        assert verdict == "agree"


def _comparison(verdict: str, ratio: float | None) -> Comparison:
    return Comparison(1.0, "1", verdict, None if ratio is None else ratio * 1e-12, None, ratio,
                      True)


def test_hessian_check_table_is_cut():
    n = 25
    comps = [[_comparison("agree", (i + 1) / 100) for _j in range(n)] for i in range(n)]
    comps[0][1] = _comparison("disagree", 7.0)
    h = HessianCheck("torch", "float64", Chain(n), 1e-12, comps, 0.0, 1e-40)
    p = parse_html(h._repr_html_())
    assert p.rows[0][:3] == ["", "w1", "w2"] and p.rows[0][-1] == "w25"
    assert len(p.rows[0]) == 22 and "\u22ef" in p.rows[0]
    rows = row_map(p)
    assert rows["w1"][1] == "disagree (7 tol)"
    assert rows["w25"][0] == "agree (0.25 tol)"
    assert "1 disagree" in p.caption


# -- verdicts --------------------------------------------------------------------------


def test_analysis_point_and_verdict():
    # f = x^3 - 3x + y^2: grad = (3x^2 - 3, 2y) = 0 at (+-1, 0); Hessian diag(6x, 2):
    # (1, 0) a strict local minimum, (-1, 0) a saddle, f(-1, 0) = 2
    a = analyse("x**3 - 3*x + y**2")
    p = parse_html(a._repr_html_())
    assert "<math" in a._repr_html_()
    rows = row_map(p)
    assert rows["(x = 1, y = 0)"][0] == "local minimum (strict)"
    assert rows["(x = -1, y = 0)"][0] == "saddle"
    saddle = next(pt for pt in a.points if pt.exact == (-1, 0))
    sp = row_map(parse_html(saddle._repr_html_()))
    assert mpmath.mpf(sp["f"][0]) == 2 and sp["class"] == ["saddle"]
    assert sp["point"] == ["(-1, 0)"]
    v = saddle.verdict._repr_html_()
    parse_html(v)
    assert "saddle" in v and "indefinite" in v  # Hessian diag(-6, 2)


def test_verdict_escapes_user_text():
    text = Verdict("saddle", method="m <1>", evidence=["a < b & c"])._repr_html_()
    parse_html(text)
    assert "a &lt; b &amp; c" in text and "a < b" not in text and "m &lt;1&gt;" in text


def test_claim_result_verdict_and_escaping():
    r = check_claim("x**2 < 0")  # false: x = 0 (indeed any x) is a counterexample
    text = r._repr_html_()
    parse_html(text)
    assert "FALSE" in text and "x**2 &lt; 0" in text and "x**2 < 0" not in text
    rows = row_map(parse_html(text))
    x = Fraction(rows["counterexample"][0].split("=")[1].strip())
    assert not x**2 < 0
    odd = ClaimResult("a < b & c", "UNDECIDED", "none", "e <tag> & more")._repr_html_()
    parse_html(odd)
    assert "a &lt; b &amp; c" in odd and "e &lt;tag&gt; &amp; more" in odd
    assert "<tag>" not in odd


@pytest.mark.parametrize("obj", ["reference", "certified"])
def test_reprs_are_deterministic(obj):
    w = [Fraction(1, 3), Fraction(5, 2)]
    make = {"reference": lambda: reference_values(Chain(2), w, digits=20),
            "certified": lambda: certified_values(Chain(2), w, digits=20)}[obj]
    assert make()._repr_html_() == make()._repr_html_()
