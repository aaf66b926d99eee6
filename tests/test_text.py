"""symgrad.core.text: the source text's constants, claims and examples, written once.

References are independent of the module: the text's numbers typed from the
text (p = 10^9999, c = 10^-90, the printed 10^-99), and the verdicts that
mathematics gives (the text's f_c'(p) is c, not 10^-99; x^4 has a minimum at
0 with F''(0) = 0; x^2 - y^2 has a saddle at 0).
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from symgrad.analysis.verify.claim_examples import BUILDERS, run_example
from symgrad.core import text
from symgrad.core.parsing import parse_expression
from symgrad.numeric.weights import parse_number


def test_constants_are_the_texts():
    assert text.C == sympy.Rational(1, 10**90) and text.P == sympy.Integer(10) ** 9999
    assert parse_number(text.C_TEXT) == Fraction(1, 10**90)
    assert parse_number(text.P_TEXT) == Fraction(10**9999)
    assert parse_number(text.FC_DERIVATIVE_AS_PRINTED) == Fraction(1, 10**99)


def test_expected_verdicts_are_the_mathematical_ones():
    false = {"fc-small-gradient", "optimum-implies-definite", "saddle-not-minimum",
             "saddle-not-maximum"}
    assert {c.key for c in text.CLAIMS if c.expected.word == "FALSE"} == false
    assert {c.expected.word for c in text.CLAIMS} == {"TRUE", "FALSE"}
    assert set(BUILDERS) == {c.key for c in text.CLAIMS}  # every claim has its builder
    assert len({c.key for c in text.CLAIMS}) == len(text.CLAIMS)


def test_a_claim_decides_as_expected():
    claim = text.claim("fc-small-gradient")
    assert run_example(claim).verdict == claim.expected.word == "FALSE"


def test_stationary_examples_parse_and_quote_the_text():
    x, y = sympy.symbols("x y", real=True)
    assert parse_expression(text.stationary_example("saddle").expression) == x**2 - y**2
    fc = parse_expression(text.stationary_example("f_c").expression)
    assert fc == sympy.Max(0, sympy.Rational(1, 10**90) * x)
    for ex in text.STATIONARY_EXAMPLES:
        assert parse_expression(ex.expression).free_symbols <= {x, y} and ex.sentence
