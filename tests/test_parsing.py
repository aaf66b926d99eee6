"""The safe expression parser: what it builds and what it refuses."""

import pytest
import sympy

from symgrad.base.errors import SymgradError
from symgrad.core.activations import sigmoid, softplus
from symgrad.core.parsing import (
    RESERVED,
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


# -- reserved names and Unicode (refused, never normalised) ----------------------------------


@pytest.mark.parametrize("name", sorted(RESERVED))
def test_reserved_names_are_refused_everywhere(name):
    # oo, zoo, nan, I, S, N, Q, O (and infinity spellings) mean something in SymPy;
    # as silent real variables they would turn "x**2 >= -oo" into a claim about a variable
    for call in (lambda: parse_expression(f"{name} + 1"),
                 lambda: parse_relation(f"x**2 >= -{name}"),
                 lambda: parse_variables(f"x,{name}"),
                 lambda: parse_assignments(f"{name}=1")):
        with pytest.raises(SymgradError, match=f"reserved name '{name}'") as info:
            call()
        assert "\n" not in str(info.value)


def test_constants_are_still_constants():
    assert parse_expression("pi + E") == sympy.pi + sympy.E
    with pytest.raises(SymgradError, match="function or constant"):
        parse_variables("pi")


@pytest.mark.parametrize("text, char, column", [
    ("ｙ > 0", "U+FF59", 1),         # fullwidth y: NFKC would make it y
    ("x１ + 1", "U+FF11", 2),         # fullwidth digit one inside a name: would become x1
    ("x + ２", "U+FF12", 5),          # fullwidth digit as a number
    ("x² + 1", "U+00B2", 2),          # superscript two: NFKC would make the name x2
    ("σ(x) > 0", "U+03C3", 1),        # Greek letters: refused too (ASCII only), see parsing
    ("α*x", "U+03B1", 1),
    ("x − 1", "U+2212", 3),           # Unicode minus
    ("x\u200b + 1", "U+200B", 2),     # zero-width space
    ("ﬁ + 1", "U+FB01", 1),           # ligature fi: NFKC would make the name fi
])
def test_non_ascii_is_refused_with_character_and_column(text, char, column):
    for parse in (parse_expression, parse_relation):
        if parse is parse_relation and not any(op in text for op in "<>"):
            continue
        if parse is parse_expression and any(op in text for op in "<>"):
            continue
        with pytest.raises(SymgradError) as info:
            parse(text)
        msg = str(info.value)
        assert char in msg and f"column {column}" in msg and "\n" not in msg


def test_non_ascii_in_variables_and_assignments():
    with pytest.raises(SymgradError, match=r"U\+FF58"):
        parse_variables("ｘ, y")
    with pytest.raises(SymgradError, match=r"U\+FF11"):
        parse_assignments("x=１")
    with pytest.raises(SymgradError, match=r"U\+FF58"):
        parse_assignments("ｘ=1")


def test_fullwidth_letter_is_not_normalised():
    # the bug: ast.parse folds identifiers with NFKC, so "ｙ" silently became y
    import ast

    assert ast.parse("ｙ", mode="eval").body.id == "y"  # Python's behaviour, which we guard
    with pytest.raises(SymgradError, match="non-ASCII"):
        parse_expression("ｙ")


def test_cli_refuses_reserved_and_unicode_with_exit_2(capsys):
    from symgrad.interfaces.cli import main

    for claim in ("x**2 >= -oo", "ｙ > 0", "I*x > 0", "x + nan >= x"):
        assert main(["check", claim]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
