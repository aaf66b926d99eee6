"""Numeric evaluation against computations written independently in the tests."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.mpmath_backend import format_significant
from symgrad.numeric.reference import reference_values
from symgrad.numeric.weights import parse_weights
from tests.references import diff_partials, is_close, prefix_gradients


def _agree(s: str, ref, digits: int) -> bool:
    # D correct significant digits: error at most one unit in the D-th digit
    return is_close(s, ref, rel=Fraction(1, 10 ** (digits - 1)))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("spec", ["normal:0,1.5,seed=3", "uniform:-2,2,seed=11", "0.75"])
def test_fifty_digits_against_mpmath_diff(activation, spec):
    depth = 7
    weights = parse_weights(spec, depth)
    ref = reference_values(Chain(depth, activation=activation), weights, digits=50)
    F, grads, _, _ = diff_partials(activation, weights, dps=90)  # mpmath.diff, 90 digits
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
    # mpmath.diff of F written out by hand, at 90 digits
    _, _, gb, gx = diff_partials("sigmoid", weights, "general", biases, x, dps=90)
    for k in range(depth):
        assert _agree(ref.grad_b[k], gb[k], 40)
    assert _agree(ref.grad_x, gx, 40)


def test_depth_1000_issue_example():
    # the issue's example: dF/dw_1 ~ 1.5436...e-648 with all weights 1
    ref = reference_values(Chain(1000), [Fraction(1)] * 1000, digits=40)
    want = prefix_gradients("sigmoid", [1] * 1000, 120)[-1]  # hand-written product
    assert ref.grad_w[0].startswith("1.5436")
    assert ref.grad_w[0].endswith("e-648")
    assert _agree(ref.grad_w[0], want, 40)


def test_depth_100000_runs_without_recursion():
    ref = reference_values(Chain(100_000), [Fraction(1)] * 100_000, digits=12)
    want = prefix_gradients("sigmoid", [1] * 100_000, 40)[-1]
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
