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


# -- every repr at extreme inputs: short, never raising ---------------------------------

#: a repr() is one line of at most this many characters, whatever the object holds
REPR_LIMIT = 600
#: HTML and LaTeX reprs: bounded whatever the depth (a notebook cell, not a data dump)
HTML_LIMIT = 120_000
LATEX_LIMIT = 20_000
DEEP = 100_000


def _comparisons(n: int) -> list[Comparison]:
    return [_comparison("agree", 0.5)] * n


def _extreme_objects():
    """name -> builder of an object at an extreme input (huge integers, depth 100 000,
    10 000-digit values, 1000-partial gradients, 300 x 300 Hessians)."""
    from symgrad.analysis.precision import scan_depths
    from symgrad.analysis.precision.formats import formats_table
    from symgrad.analysis.precision.small_gradient import small_gradient_example
    from symgrad.analysis.verify.autodiff import GradientCheck
    from symgrad.core.activations import derivative_supremum
    from symgrad.core.bounds import GradientBound
    from symgrad.core.induction import prove_closed_form
    from symgrad.interfaces.documents import chain_document
    from symgrad.interfaces.report import ReportOptions, build_report
    from symgrad.numeric.reference import Reference

    ones = [Fraction(1)] * 1000
    long_value = "1." + "2" * 9_999 + "e-1"  # 10 000 significant digits
    sup = derivative_supremum("sigmoid")
    w = sympy.Symbol("w2")
    return {
        "chain": lambda: Chain(DEEP),
        "derivation": lambda: derive_layerwise(Chain(DEEP)),
        "routes": lambda: RouteCheck(Chain(DEEP), (True,) * (DEEP - 1) + (False,)),
        # the seed chain's bound at depth 100 000: prod |w_i| (1/4)^99999 (4^99999 has
        # 60 206 digits, far above Python's 4300-digit text limit)
        "bound_deep": lambda: GradientBound(Chain(DEEP), 1, w * sympy.Rational(1, 4**(DEEP - 1)),
                                            sup, DEEP - 1),
        "bound_huge_int": lambda: GradientBound(Chain(2), 1, w * sympy.Rational(1, 4**9_999),
                                                sup, 1),
        "proof": lambda: prove_closed_form("sigmoid"),
        "reference": lambda: reference_values(Chain(1000), ones, digits=30),
        "reference_wide": lambda: Reference(10_000, 33_300, long_value, (long_value,) * DEEP,
                                            (), None),
        "certified": lambda: certified_values(Chain(1000), ones, digits=30),
        "certified_digits": lambda: certified_values(Chain(3), ones[:3], digits=5000),
        "ball": lambda: certified_values(Chain(3), ones[:3], digits=5000).grad_w[0],
        "small_gradient": small_gradient_example,  # p = 10^9999
        "formats": lambda: formats_table(Chain(1000), ones),
        "scan": lambda: scan_depths([Fraction(1)] * 3000),
        "analysis": lambda: analyse("x**2 - 3*x + 10**999*y**2"),
        "point": lambda: analyse("x**2 - 3*x + 10**999*y**2").points[0],
        "claim": lambda: check_claim("10**999 > 0"),
        "gradient_check": lambda: GradientCheck("torch", "float64", Chain(DEEP), 1e-12,
                                                [f"dF/dw{k}" for k in range(1, DEEP + 1)],
                                                _comparisons(DEEP), False),
        "hessian_check": lambda: HessianCheck("torch", "float64", Chain(300), 1e-12,
                                              [_comparisons(300)] * 300, 0.0, 1e-40),
        "document": lambda: chain_document(Chain(DEEP), [1], symbolic_depth=True),
        "report": lambda: build_report(ReportOptions(depth=1000, scan_depth=50),
                                       steps=("derivation", "reference")),
    }


EXTREME = sorted(_extreme_objects())


def all_reprs(obj) -> dict[str, str]:
    """Every representation Jupyter may ask ``obj`` for (``None`` ones left out)."""
    out = {"repr": repr(obj)}
    for name in ("_repr_html_", "_repr_latex_", "_repr_markdown_"):
        fn = getattr(obj, name, None)
        value = fn() if fn is not None else None
        if value is not None:
            out[name] = value
    bundle = getattr(obj, "_repr_mimebundle_", None)
    if bundle is not None:
        data = bundle()
        out.update({f"bundle {k}": v for k, v in (data[0] if isinstance(data, tuple)
                                                   else data).items()})
    return out


@pytest.mark.parametrize("name", EXTREME)
def test_every_repr_is_bounded_and_never_raises(name):
    obj = _extreme_objects()[name]()
    reprs = all_reprs(obj)
    line = reprs["repr"]
    assert "\n" not in line and len(line) <= REPR_LIMIT, (name, len(line), line[:300])
    for kind, text in reprs.items():
        assert isinstance(text, str), kind
        limit = LATEX_LIMIT if "latex" in kind else HTML_LIMIT
        assert len(text) <= limit, (name, kind, len(text))
        if kind == "_repr_html_":
            parse_html(text)


def test_summaries_name_the_call_with_the_full_data():
    objs = _extreme_objects()
    ref = objs["reference"]()
    text = repr(ref)
    # was 137 KB at depth 1000: now F, the first and last partial, the count, the fields
    assert "1000 partials" in text and ".grad_w" in text and "full data" in text
    # the value shown is F of the depth-1000 chain, computed here by the recurrence o <- sigma(o)
    with mpmath.workdps(40):
        o = mpmath.mpf(1)
        for _ in range(999):
            o = 1 / (1 + mpmath.exp(-o))
    mant, _, rest = text.split("F = ")[1].partition("…")
    shown = mant + rest.split(" ")[0]  # the leading digits and the exponent
    assert len(mant) >= 10 and is_close(shown, o, rel="1e-10"), shown
    assert "p = 1e+9999" in repr(objs["small_gradient"]())  # the text's p = 10^9999
    assert "(10000 digits)" in repr(objs["reference_wide"]())
    assert "fails for 1 of 100000 k (first k = 100000)" in repr(objs["routes"]())
    assert ".to_json()" in repr(objs["gradient_check"]())


def test_deep_bound_is_a_product_and_a_power():
    # the textbook bound of the seed sigmoid chain: |dF/dw_1| <= prod_{i=2}^{L} |w_i| (1/4)^(L-1)
    b = _extreme_objects()["bound_deep"]()
    body = check_latex(b._repr_latex_())
    assert r"\prod_{i=2}^{100000}" in body and "99999" in body and r"\frac{1}{4}" in body
    assert "|dF/dw_1| <=" in repr(b) and "99999" in repr(b)
    huge = repr(_extreme_objects()["bound_huge_int"]())
    # 4^9999 = 10^(9999 log10 4) = 10^6019.996...: 6020 digits, its leading ones 9.9908...
    lead = mpmath.power(10, mpmath.frac(9999 * mpmath.log10(4)))
    assert f"≈{float(lead):.4f}e+6019 (6020 digits)" in huge


def test_notebook_css_is_scoped_to_the_report_div():
    from symgrad.interfaces.documents import chain_document
    from symgrad.interfaces.report import ReportOptions, build_report
    from symgrad.present.html import CSS, page

    report = build_report(ReportOptions(depth=3, scan_depth=30), steps=("derivation",))
    doc = chain_document(Chain(3), [1])
    for html in (report._repr_html_(), doc._repr_html_()):
        assert html.startswith('<div class="symgrad-report"><style>') and html.endswith("</div>")
        style = html.split("<style>", 1)[1].split("</style>", 1)[0]
        assert_scoped(style)
        assert "<math" in html and r"\[" not in html and r"\(" not in html  # MathML only
    assert_scoped(CSS)
    full = page(title="t", lead="l", toc=[], body_html="<p>x</p>", footer="f")
    assert '<body class="symgrad-report">' in full


def assert_scoped(css: str) -> None:
    """Every selector of every rule starts with the report's class (no @-rules)."""
    import re

    text = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert "@" not in text
    rules = [r for r in text.split("}") if r.strip()]
    assert len(rules) > 20
    for rule in rules:
        selectors, _, decls = rule.partition("{")
        assert decls.strip(), rule
        for sel in selectors.split(","):
            assert re.match(r"^(body)?\.symgrad-report(?![\w-])", sel.strip()), sel
