"""The chain's Hessian: arb forward recurrence vs SymPy's symbolic Hessian, classes, regions."""

from fractions import Fraction as Fr

import pytest
import sympy

from symgrad.chain import Chain
from symgrad.errors import SymgradError
from symgrad.stationary.landscape import (
    chain_hessian,
    small_gradient_regions,
    stationary_description,
    symbolic_hessian,
)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus"])
def test_matches_sympy_evalf(act):
    chain = Chain(3, activation=act)
    w = [Fr(1), Fr(2), Fr(-1, 2)]
    res = chain_hessian(chain, w, digits=25)
    sub = dict(zip(chain.weights, [sympy.Rational(v.numerator, v.denominator) for v in w]))
    exact = symbolic_hessian(chain).subs(sub)
    for i in range(3):
        for j in range(3):
            ref = sympy.N(exact[i, j].rewrite(sympy.exp), 40)
            got = sympy.Float(res.hessian_text[i][j], 40)
            assert abs(got - ref) <= abs(ref) * sympy.Float("1e-23")


def test_origin_of_two_layer_chain_is_a_saddle():
    res = chain_hessian(Chain(2), [Fr(0), Fr(0)], digits=12)
    assert res.stationary
    assert res.verdict.cls == "saddle"
    assert res.hessian_text[0][1] == "0.250000000000"  # sigma'(0) = 1/4
    assert stationary_description(Chain(2))[1] == [(Fr(0), Fr(0))]


def test_stationary_sets_against_sympy():
    # sigmoid depth 3: gradient never vanishes -- the last component is sigma'(z3)*o2 > 0
    c3 = Chain(3)
    g3 = [sympy.diff(c3.nested_expression(), w) for w in c3.weights]
    assert stationary_description(c3)[1] == []
    assert sympy.simplify(g3[2].rewrite(sympy.exp)).is_positive is not False
    # tanh depth 3: two zero weights make every partial vanish
    t3 = Chain(3, activation="tanh")
    gt = [sympy.diff(t3.nested_expression(), w) for w in t3.weights]
    w1, w2, w3 = t3.weights
    for point in ({w1: 0, w2: 0, w3: 5}, {w1: 0, w3: 0, w2: -2}, {w2: 0, w3: 0, w1: 3}):
        assert all(sympy.simplify(g.subs(point)) == 0 for g in gt)
    assert any(sympy.simplify(g.subs({w1: 0, w2: 1, w3: 1})) != 0 for g in gt)
    res = chain_hessian(t3, [Fr(0), Fr(0), Fr(1)], digits=10)
    assert res.stationary and res.verdict.cls == "degenerate: undecided"


def test_not_stationary_point():
    res = chain_hessian(Chain(4), [Fr(1)] * 4, digits=10)
    assert not res.stationary and res.verdict.cls == "not stationary"


def test_small_gradient_regions():
    regs = small_gradient_regions(Chain(5), Fr(1, 1000))
    qualifying = [r for r in regs if r.qualifies]
    assert qualifying and all(r.stationary_free for r in regs)
    assert not regs[0].qualifies  # near w = 1 the gradient is not small
    assert all(float(r.grad_norm_upper) < 1e-3 for r in qualifying)


def test_depth_cap():
    with pytest.raises(SymgradError, match="cap"):
        chain_hessian(Chain(61), [Fr(1)] * 61)


def test_cli(capsys):
    from symgrad.cli import main

    assert main(["hessian", "--depth", "2", "--weights", "0", "--digits", "8"]) == 0
    out = capsys.readouterr().out
    assert "saddle" in out and "0.25000000" in out
    assert main(["hessian", "--depth", "3", "--weights", "1", "--format", "json",
                 "--small-gradient", "1e-3"]) == 0
    assert '"small_gradient"' in capsys.readouterr().out
    assert main(["hessian", "--depth", "2", "--weights", "x"]) == 2
    assert "error" in capsys.readouterr().err
