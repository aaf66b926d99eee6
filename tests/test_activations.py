"""Activation classes: derivative rules, rewrites, LaTeX, numerics, derived suprema."""

from __future__ import annotations

import mpmath
import pytest
import sympy

from symgrad.base.errors import SymgradError
from symgrad.core.activations import (
    ACTIVATIONS,
    derivative_supremum,
    get_activation,
    sigmoid,
    softplus,
)
from symgrad.numeric.mpmath_backend import ACTIVATION_TABLE

t = sympy.Symbol("t")


def test_sigmoid_derivative_rule_matches_exp_form():
    # independent: differentiate 1/(1+exp(-t)) directly
    direct = sympy.diff(1 / (1 + sympy.exp(-t)), t)
    rule = sympy.diff(sigmoid(t), t).rewrite(sympy.exp)
    assert sympy.simplify(direct - rule) == 0


def test_tanh_and_softplus_rules():
    assert sympy.simplify(sympy.diff(sympy.tanh(t), t) - (1 - sympy.tanh(t) ** 2)) == 0
    direct = sympy.diff(sympy.log(1 + sympy.exp(t)), t)
    assert sympy.simplify(direct - sympy.diff(softplus(t), t).rewrite(sympy.exp)) == 0


def test_special_values():
    assert sigmoid(0) == sympy.Rational(1, 2)
    assert softplus(0) == sympy.log(2)
    assert sigmoid(sympy.oo) == 1


def test_latex_printing():
    assert sympy.latex(sigmoid(t)) == r"\sigma\left(t\right)"
    assert sympy.latex(sympy.tanh(t)) == r"\tanh{\left(t \right)}"
    assert r"\operatorname{softplus}" in sympy.latex(softplus(t))


def test_str_is_a_call():
    w1, w2 = sympy.symbols("w1 w2")
    assert str(sigmoid(w2 * w1)) == "sigmoid(w1*w2)"


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("x", ["-40", "-3.25", "0", "0.5", "7", "60"])
def test_mpmath_table_agrees_with_sympy_rewrite(name, x):
    act = get_activation(name)
    f, df = ACTIVATION_TABLE[name]
    val = sympy.Rational(x)
    with mpmath.workdps(60):
        got_f, got_df = f(mpmath.mpf(x)), df(mpmath.mpf(x))
        # reference: the SymPy exp-rewrite evaluated at 80 digits
        ref_f = mpmath.mpf(str(act(t).rewrite(sympy.exp).subs(t, val).evalf(80)))
        ref_df = mpmath.mpf(str(act.derivative(t).rewrite(sympy.exp).subs(t, val).evalf(80)))
        assert mpmath.almosteq(got_f, ref_f, rel_eps=mpmath.mpf(10) ** -55)
        assert mpmath.almosteq(got_df, ref_df, rel_eps=mpmath.mpf(10) ** -55)


def test_sigmoid_supremum_is_quarter_at_zero():
    s = derivative_supremum("sigmoid")
    assert s.value == sympy.Rational(1, 4)  # textbook: sigma'(0) = 1/4 is the maximum
    assert s.attained_at == (0,)


def test_tanh_supremum_is_one_at_zero():
    s = derivative_supremum("tanh")
    assert s.value == 1
    assert s.attained_at == (0,)


def test_softplus_supremum_is_approached_not_attained():
    s = derivative_supremum("softplus")
    assert s.value == 1
    assert s.attained_at == ()
    assert s.approached_at == (sympy.oo,)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_supremum_bounds_a_dense_grid(name):
    _, df = ACTIVATION_TABLE[name]
    with mpmath.workdps(30):
        s = mpmath.mpf(str(sympy.N(derivative_supremum(name).value, 40)))
        vals = [abs(df(mpmath.mpf(k) / 16)) for k in range(-800, 801)]
        assert max(vals) <= s * (1 + mpmath.mpf(10) ** -25)
        assert max(vals) >= s * 0.99  # and it is nearly reached on the grid


def test_unknown_activation_lists_known_ones():
    with pytest.raises(SymgradError, match="leaky_relu, relu, sigmoid, silu, softplus, tanh"):
        get_activation("relu6")
