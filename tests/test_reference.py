"""Numeric evaluation against computations written independently in the tests."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.certified import reference_values
from symgrad.numeric.mpmath_backend import format_significant
from symgrad.numeric.weights import parse_weights

ACT = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "tanh": mpmath.tanh,
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
}


def _forward(ws, act, form="seed", bs=None, x=1):
    """F written out directly (the test's own forward pass)."""
    f = ACT[act]
    o = ws[0] if form == "seed" else f(ws[0] * x + (bs[0] if bs else 0))
    for i in range(1, len(ws)):
        o = f(ws[i] * o + (bs[i] if bs else 0))
    return o


def _numeric_gradient(weights, act, digits, **kw):
    """dF/dw_k by mpmath.diff (numerical differentiation) at much higher precision."""
    with mpmath.workdps(digits + 40):
        ws = [mpmath.mpf(w.numerator) / w.denominator for w in weights]
        grads = []
        for k in range(len(ws)):

            def g(v, k=k):
                w2 = list(ws)
                w2[k] = v
                return _forward(w2, act, **kw)

            grads.append(mpmath.diff(g, ws[k]))
        return _forward(ws, act, **kw), grads


def _agree(s: str, ref, digits: int) -> bool:
    with mpmath.workdps(digits + 30):
        val = mpmath.mpf(s)
        # D correct significant digits: error at most one unit in the D-th digit
        return abs(val - ref) <= abs(ref) * mpmath.mpf(10) ** (1 - digits)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("spec", ["normal:0,1.5,seed=3", "uniform:-2,2,seed=11", "0.75"])
def test_fifty_digits_against_mpmath_diff(activation, spec):
    depth = 7
    weights = parse_weights(spec, depth)
    ref = reference_values(Chain(depth, activation=activation), weights, digits=50)
    F, grads = _numeric_gradient(weights, activation, 50)
    assert _agree(ref.value, F, 50)
    for got, want in zip(ref.grad_w, grads):
        assert _agree(got, want, 50)


def test_general_form_with_bias_and_input():
    depth = 4
    weights = parse_weights("normal:0,1,seed=5", depth)
    biases = parse_weights("uniform:-1,1,seed=6", depth)
    x = Fraction(3, 7)
    ref = reference_values(
        Chain(depth, form="general", bias=True), weights, digits=40, biases=biases, x=x
    )
    with mpmath.workdps(90):
        ws = [mpmath.mpf(w.numerator) / w.denominator for w in weights]
        bs = [mpmath.mpf(b.numerator) / b.denominator for b in biases]
        xs = mpmath.mpf(3) / 7
        for k in range(depth):

            def gb(v, k=k):
                b2 = list(bs)
                b2[k] = v
                return _forward(ws, "sigmoid", "general", b2, xs)

            assert _agree(ref.grad_b[k], mpmath.diff(gb, bs[k]), 40)
        gx = mpmath.diff(lambda v: _forward(ws, "sigmoid", "general", bs, v), xs)
        assert _agree(ref.grad_x, gx, 40)


def _hand_recurrence_w1(depth: int, w: int = 1):
    """dF/dw_1 for all weights w: prod_{i>=2} w*s(w*o_{i-1})(1-s), written separately."""
    o = mpmath.mpf(w)
    prod = mpmath.mpf(1)
    for _ in range(2, depth + 1):
        s = 1 / (1 + mpmath.exp(-w * o))
        prod *= w * s * (1 - s)
        o = s
    return prod


def test_depth_1000_issue_example():
    # the issue's example: dF/dw_1 ~ 1.5436...e-648 with all weights 1
    ref = reference_values(Chain(1000), [Fraction(1)] * 1000, digits=40)
    with mpmath.workdps(120):
        want = _hand_recurrence_w1(1000)
    assert ref.grad_w[0].startswith("1.5436")
    assert ref.grad_w[0].endswith("e-648")
    assert _agree(ref.grad_w[0], want, 40)


def test_depth_100000_runs_without_recursion():
    ref = reference_values(Chain(100_000), [Fraction(1)] * 100_000, digits=12)
    with mpmath.workdps(40):
        want = _hand_recurrence_w1(100_000)
    assert _agree(ref.grad_w[0], want, 12)


def test_format_significant_rounds_correctly():
    with mpmath.workdps(50):
        assert format_significant(mpmath.mpf(2) / 3, 4) == "6.667e-1"
        assert format_significant(mpmath.mpf("12345.5"), 3) == "1.23e+4"
    assert format_significant(mpmath.mpf(0), 5) == "0"


@pytest.mark.parametrize("digits", [0, -3, 10**6, True, 2.5])
def test_bad_digits(digits):
    with pytest.raises(SymgradError, match="digits"):
        reference_values(Chain(2), [Fraction(1)] * 2, digits=digits)


def test_precision_does_not_leak():
    before = mpmath.mp.dps
    reference_values(Chain(5), [Fraction(1)] * 5, digits=80)
    assert mpmath.mp.dps == before
