"""The text's f_c(x) = max(0, c x) example, checked with exact rational arithmetic."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest

from symgrad.analysis.precision import small_gradient_example
from symgrad.base.errors import SymgradError
from symgrad.interfaces.cli import main
from tests.references import decimal_value

FINFO = {
    "float64": np.finfo(np.float64),
    "float32": np.finfo(np.float32),
    "float16": np.finfo(np.float16),
    "bfloat16": ml_dtypes.finfo(ml_dtypes.bfloat16),
}


def test_exact_values_of_the_text():
    ex = small_gradient_example()  # c = 10^-90, p = 10^9999
    c, p = Fraction(1, 10**90), Fraction(10**9999)
    assert decimal_value(ex.exact_value) == c * p  # f_c(p) = c p > 0
    assert decimal_value(ex.exact_derivative) == c  # f_c'(p) = c for p > 0
    assert str(ex.derivative) == "c*Heaviside(c*x)"


@pytest.mark.parametrize("name", list(FINFO))
def test_each_format_against_its_limits(name):
    fi = FINFO[name]
    row = {r.format: r for r in small_gradient_example().rows}[name]
    assert Fraction(10**9999) > Fraction(float(fi.max))
    assert row.p == "inf" and row.status_p == "inf"  # p overflows in every format
    c = Fraction(1, 10**90)
    if c < Fraction(float(fi.smallest_subnormal)) / 2:
        # c underflows to 0: c*p = 0*inf = nan, and the derivative c*[cp > 0] is 0
        assert row.status_c == "zero" and row.value == "nan" and row.derivative == "0"
    else:
        assert row.status_c == "normal"
        assert row.value == "inf"  # c*inf
        assert float(row.derivative) == float(np.float64(1e-90))


def test_other_c_and_p():
    ex = small_gradient_example("3", "-2.5")
    assert decimal_value(ex.exact_value) == 0 and decimal_value(ex.exact_derivative) == 0
    ex = small_gradient_example("2", "3/4")
    assert decimal_value(ex.exact_value) == Fraction(3, 2)
    assert decimal_value(ex.exact_derivative) == 2
    for r in ex.rows:
        assert float(r.value) == 1.5 and float(r.derivative) == 2.0


@pytest.mark.parametrize(("c", "p", "match"), [
    ("0", "1", "c must be > 0"), ("-1e-90", "1", "c must be > 0"),
    ("1e-90", "0", "not differentiable"), ("nan", "1", "finite"), ("1", "inf", "finite"),
])
def test_bad_input(c, p, match):
    with pytest.raises(SymgradError, match=match):
        small_gradient_example(c, p)


def test_cli_json(capsys):
    assert main(["formats", "--small-gradient", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "symgrad.small_gradient/1"
    assert decimal_value(doc["exact"]["f_c'(p)"]) == Fraction(1, 10**90)
    assert doc["function"]["sympy"] == "Max(0, c*x)"
    assert all(isinstance(v, str) for r in doc["formats"] for v in r.values())
    assert math.isinf(float(doc["formats"][0]["p"]))
