"""The derived bound |dF/dw_k| <= ... holds, is tight where expected, and is derived."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from symgrad.core.bounds import gradient_bound, symbolic_bound
from symgrad.core.chain import Chain
from symgrad.numeric.mpmath_backend import evaluate
from symgrad.numeric.weights import parse_weights


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("seed", range(6))
def test_bound_holds_at_random_points(activation, seed):
    depth = 9
    chain = Chain(depth, activation=activation)
    weights = parse_weights(f"normal:0,2,seed={seed}", depth)
    vals = evaluate(chain, weights, dps=40)
    subs = {w: sympy.Rational(v.numerator, v.denominator) for w, v in zip(chain.weights, weights)}
    with mpmath.workdps(40):
        for k in (1, 2, depth):
            b = gradient_bound(chain, k).expression
            subs_o = {o: sympy.Float(mpmath.nstr(val, 40), 40)
                      for o, val in zip(chain.outputs, vals.outputs)}
            bound = mpmath.mpf(str(sympy.N(b.xreplace(subs).xreplace(subs_o), 40)))
            assert abs(vals.grad_w[k - 1]) <= bound * (1 + mpmath.mpf(10) ** -30)


def test_sigmoid_bound_is_quarter_power():
    b = gradient_bound(Chain(5))
    w = sympy.symbols("w2:6")
    assert sympy.simplify(b.expression - sympy.Mul(*map(abs, w)) / 4**4) == 0
    assert b.power == 4


def test_bound_is_tight_when_every_preactivation_is_zero():
    # with w_1 = 0 every z_i = w_i*o_{i-1} ... choose w_i = 0 for i >= 2? then the bound is 0.
    # Instead: tanh chain with o_1 = w_1 = 0 gives z_i = 0 for all i, so sigma'(z_i) = 1 = sup.
    chain = Chain(6, activation="tanh")
    weights = [Fraction(0)] + [Fraction(3, 2)] * 5
    vals = evaluate(chain, weights, dps=30)
    with mpmath.workdps(30):
        assert mpmath.almosteq(vals.grad_w[0], mpmath.mpf(1.5) ** 5, rel_eps=1e-25)


def test_symbolic_bound_instances():
    b = symbolic_bound("sigmoid")
    L = sympy.Symbol("L", integer=True, positive=True)
    inst = b.subs(L, 3).doit()
    w = sympy.IndexedBase("w")
    assert sympy.simplify(inst - abs(w[2]) * abs(w[3]) / 16) == 0


def test_str_of_a_deep_bound_does_not_raise():
    """(1/4)^7999 has a denominator of 4817 digits, beyond Python's int-to-text limit."""
    text = str(gradient_bound(Chain(8000)))
    assert "(1/4)**7999" in text and len(text) < 400
