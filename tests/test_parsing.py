"""The safe expression parser: what it builds and what it refuses."""

import pytest
import sympy

from symgrad.activations import sigmoid, softplus
from symgrad.errors import SymgradError
from symgrad.parsing import (
    make_symbol,
    parse_assignments,
    parse_expression,
    parse_relation,
    parse_variables,
)

x, y = make_symbol("x"), make_symbol("y")


def test_decimal_literals_are_exact():
    assert parse_expression("0.1") == sympy.Rational(1, 10)
    assert parse_expression("1e-90") == sympy.Rational(1, 10**90)
    assert parse_expression("2.5E+3") == 2500
    assert parse_expression("1_000.5") == sympy.Rational(2001, 2)
    assert parse_expression(".5") == sympy.Rational(1, 2)


def test_arithmetic_and_functions():
    assert parse_expression("x**2 - 3*x*y + 1.5") == x**2 - 3 * x * y + sympy.Rational(3, 2)
    assert parse_expression("relu(x)") == sympy.Max(0, x)
    assert parse_expression("abs(x) + Abs(y)") == sympy.Abs(x) + sympy.Abs(y)
    assert parse_expression("sigmoid(x) + softplus(y)") == sigmoid(x) + softplus(y)
    assert parse_expression("exp(1) - E") == 0
    assert parse_expression("sin(pi)") == 0
    assert parse_expression("max(x, y, 0)") == sympy.Max(x, y, 0)
    assert parse_expression("-(+x)") == -x
    assert parse_expression("sqrt(4)") == 2


def test_variables_are_real_and_restricted():
    assert parse_expression("x").is_real
    with pytest.raises(SymgradError, match="unknown variable 'z'"):
        parse_expression("x + z", variables=["x", "y"])
    assert parse_variables("x, y") == (x, y)
    with pytest.raises(SymgradError):
        parse_variables("x,x")
    with pytest.raises(SymgradError):
        parse_variables("exp")


def test_relation_and_assignments():
    r = parse_relation("x == x")
    assert isinstance(r, sympy.Eq)
    assert isinstance(parse_relation("x**2 >= 0"), sympy.GreaterThan)
    assert isinstance(parse_relation("1 != 2"), sympy.Ne)
    with pytest.raises(SymgradError, match="chained"):
        parse_relation("0 < x < 1")
    with pytest.raises(SymgradError, match="relation"):
        parse_relation("x + 1")
    assert parse_assignments("x=1.5,y=-2") == {x: sympy.Rational(3, 2), y: -2}
    with pytest.raises(SymgradError):
        parse_assignments("x=sqrt(2)")
    with pytest.raises(SymgradError):
        parse_assignments("x=1,x=2")
    with pytest.raises(SymgradError):
        parse_assignments("x")


@pytest.mark.parametrize("text", ["", "   ", "1/0", "x/(1-1)", "sin(x, y)", "exp", "log()"])
def test_bad_inputs_one_line(text):
    with pytest.raises(SymgradError) as info:
        parse_expression(text)
    assert "\n" not in str(info.value)
