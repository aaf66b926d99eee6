"""Certified balls (python-flint) against values computed separately at much higher precision.

The reference values come from :mod:`tests.references`: the hand-written mpmath
product form dF/dw_k = o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i) at 3x the
requested digits, mpmath.diff (numerical differentiation at high precision) for a
small chain, and a cited 40-digit value -- never from symgrad's own recurrence.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
from flint import ctx, fmpq

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.certified import Ball, certified_values, initial_precision
from symgrad.numeric.flint_backend import decimal_enclosure, evaluate
from symgrad.numeric.weights import parse_weights
from tests.references import (
    DEPTH_1000_GRAD_W1,
    assert_ball_contains,
    chain_reference,
    diff_partials,
    is_close,
)

CASES = [
    (Chain(60), "1", None, None),
    (Chain(40, activation="tanh"), "normal:0,1.5,seed=3", None, None),
    (Chain(30, activation="softplus", form="general", bias=True), "uniform:-1,1,seed=5",
     "normal:0,1,seed=9", Fraction(-7, 3)),
    (Chain(25, form="general", bias=True), "0.1", "normal:0,2,seed=1", Fraction(1, 3)),
]


@pytest.mark.parametrize(("chain", "wspec", "bspec", "x"), CASES)
def test_balls_contain_high_precision_reference(chain, wspec, bspec, x):
    digits = 25
    weights = parse_weights(wspec, chain.depth)
    biases = parse_weights(bspec, chain.depth) if bspec else None
    cert = certified_values(chain, weights, digits=digits, biases=biases, x=x)
    value, gw, gb, gx = chain_reference(chain.activation, chain.form, weights, biases, x,
                                        dps=3 * digits)
    assert cert.value.contains(value)
    assert_ball_contains(cert.value.mid, cert.value.rad, value, what="F")
    for ball, ref in zip(cert.grad_w, gw, strict=True):
        assert ball.contains(ref), (ball, ref)
        assert_ball_contains(ball.mid, ball.rad, ref)
        assert ball.digits >= digits
    for ball, ref in zip(cert.grad_b, gb if chain.bias else [], strict=True):
        assert ball.contains(ref)
        assert_ball_contains(ball.mid, ball.rad, ref)
    if chain.form == "general":
        assert cert.grad_x.contains(gx)
        assert_ball_contains(cert.grad_x.mid, cert.grad_x.rad, gx)
    else:
        assert cert.grad_x is None


def test_small_chain_against_mpmath_diff():
    chain = Chain(4, activation="tanh", form="general", bias=True)
    weights = (Fraction(1, 2), Fraction(-3, 2), Fraction(2), Fraction(7, 10))
    biases = (Fraction(1, 5), Fraction(0), Fraction(-1, 3), Fraction(1))
    x = Fraction(3, 4)
    cert = certified_values(chain, weights, digits=20, biases=biases, x=x)

    # mpmath.diff at 60 digits is accurate far beyond 20 digits; compare to 1e-19 rel.
    _, grads, _, _ = diff_partials("tanh", weights, "general", biases, x, dps=60)
    for k in range(4):
        assert is_close(cert.grad_w[k].mid, grads[k], rel="1e-19"), k


def test_depth_1000_matches_cited_value():
    # cited (issue 2; 40 digits by a separate mpmath product, see tests.references)
    cited = Fraction(Decimal(DEPTH_1000_GRAD_W1))
    cert = certified_values(Chain(1000), [Fraction(1)] * 1000, digits=30)
    ball = cert.grad_w[0]
    mid, rad = Fraction(Decimal(ball.mid)), Fraction(Decimal(ball.rad))
    # the cited value is rounded at 40 digits: allow that rounding beside the radius
    assert abs(mid - cited) <= rad + cited * Fraction(1, 10**39)
    assert ball.digits >= 30


def test_precision_is_raised_for_deep_chains():
    # the issue: at 100 bits a depth-10^5 chain keeps only about 24 of 30 digits
    depth = 100_000
    weights = [Fraction(1)] * depth
    low = evaluate(Chain(depth), weights, prec=100)
    b100 = Ball(low.grad_w[0], 30, 100)
    assert 20 <= b100.digits < 30
    cert = certified_values(Chain(depth), weights, digits=30)
    assert cert.prec > 100
    assert min(b.digits for _, b in cert.balls()) >= 30


def test_exact_zeros_are_certified_exactly():
    # tanh chain with input 0: every output is exactly 0, so dF/dw_k = 0 exactly
    chain = Chain(5, activation="tanh", form="general")
    cert = certified_values(chain, [Fraction(2)] * 5, digits=15, x=Fraction(0))
    assert cert.value.exact and cert.value.to_json() == {
        "value": "0", "radius": "0", "certified_digits": "15"}
    for ball in cert.grad_w:
        assert ball.exact and ball.mid == "0" and ball.contains(0)
    assert not cert.grad_x.contains_zero  # dF/dx = prod w_i sech^2(0) = 2^5
    assert cert.grad_x.contains(32) and cert.grad_x.mid.startswith("3.2")


def test_exact_cancellation_is_decided_exactly():
    # z_1 = 3 * (1/3) - 1 is exactly 0: inputs stay exact, so tanh(z_1) = 0 exactly and
    # F = tanh(0) = 0, dF/dw_1 = x * tanh'(0) = 1/3, dF/db_1 = 1, dF/dx = w_1 = 3 (exact)
    chain = Chain(1, activation="tanh", form="general", bias=True)
    cert = certified_values(chain, [Fraction(3)], digits=10, biases=[Fraction(-1)],
                            x=Fraction(1, 3))
    assert cert.value.exact and cert.value.mid == "0"
    assert cert.grad_w[0].exact_value == Fraction(1, 3)
    assert cert.grad_w[0].mid == "3.333333333e-1"
    assert cert.grad_b[0].mid == "1.000000000e+0" and cert.grad_b[0].rad == "0"
    assert cert.grad_x.exact_value == 3


def test_nonzero_ball_near_zero_is_refused_not_guessed():
    # z_2 = tanh(1) - b with b = tanh(1) cut to 60 digits: about 1e-61, not zero.  With a
    # cap below the ~200 bits that needs, the answer is a one-line refusal, never a guessed
    # 0; with the default cap it is decided (sign and digits), against mpmath at 100 digits.
    with mpmath.workdps(100):
        b = -Fraction(mpmath.nstr(mpmath.tanh(1), 60, strip_zeros=False))
        truth = mpmath.tanh(mpmath.tanh(1) + mpmath.mpf(b.numerator) / b.denominator)
    chain = Chain(2, activation="tanh", form="general", bias=True)
    args = dict(digits=10, biases=[Fraction(0), b], x=Fraction(1))
    with pytest.raises(SymgradError, match="precision cap") as info:
        certified_values(chain, [Fraction(1)] * 2, max_prec=120, **args)
    assert "\n" not in str(info.value)
    cert = certified_values(chain, [Fraction(1)] * 2, **args)
    assert cert.value.contains(truth) or mpmath.almosteq(
        mpmath.mpf(Fraction(cert.value.mid).numerator) / Fraction(cert.value.mid).denominator,
        truth, rel_eps=mpmath.mpf(10) ** -10)


def test_max_prec_too_low_says_what_to_raise():
    need = initial_precision(30, 1000)
    with pytest.raises(SymgradError, match="max_prec"):
        certified_values(Chain(1000), [Fraction(1)] * 1000, digits=30, max_prec=need - 1)


@pytest.mark.parametrize("digits", [0, -1, 10_001, 2.5, True])
def test_bad_digits(digits):
    with pytest.raises(SymgradError, match="digits"):
        certified_values(Chain(2), [Fraction(1)] * 2, digits=digits)


def test_json_strings_and_precision_scoped():
    before = ctx.prec
    cert = certified_values(Chain(3), [Fraction(1, 2)] * 3, digits=12)
    assert ctx.prec == before
    doc = cert.to_json()
    assert set(doc["value"]) == {"value", "radius", "certified_digits"}
    assert all(isinstance(v, str) for v in doc["value"].values())
    assert all(isinstance(v, str) for g in doc["grad_w"] for v in g.values())
    assert int(doc["grad_w"][0]["certified_digits"]) >= 12


def test_decimal_enclosure_is_an_enclosure():
    with mpmath.workdps(80):
        third = mpmath.mpf(1) / 3
        for digits in (1, 2, 5, 17):
            ball = Ball(evaluate(Chain(1), [Fraction(1, 3)], prec=200).value, digits, 200)
            assert_ball_contains(ball.mid, ball.rad, third)
            assert not ball.contains(third + mpmath.mpf(10) ** -50)
    from flint import arb

    assert decimal_enclosure(arb(0), 5) == ("0", "0")
    m, r = decimal_enclosure(arb("0.99999999"), 3)  # rounding carries to 1.00
    assert m == "1.00e+0" and Fraction(Decimal(r)) >= Fraction(1, 10**8)


def test_piecewise_linear_activations_stay_exact_on_rationals():
    """relu(1/3) is exactly 1/3: a later exact cancellation (z_2 = 3 * 1/3 - 1 = 0) is then
    seen as the kink it is, whatever the denominators (found by mutation testing: with 1/3
    rounded to a ball the kink was missed and F = relu(0) = 0 was refused as undecided)."""
    from symgrad.numeric.certified import certified_values
    from symgrad.numeric.flint_backend import evaluate, exact_kinks

    c = Chain(2, activation="relu", form="general", bias=True)
    w, b = [Fraction(1), Fraction(3)], [Fraction(-2, 3), Fraction(-1)]
    assert exact_kinks(c, w, biases=b, x=Fraction(1)) == [2]
    v = evaluate(c, w, prec=64, biases=b, x=Fraction(1))
    assert v.value == 0 and type(v.value).__name__ == "fmpq"
    with pytest.raises(SymgradError, match="depends on relu'\\(0\\) at layer 2"):
        certified_values(c, w, digits=10, biases=b, x=Fraction(1))
    leaky = Chain(2, activation="leaky_relu", form="general", bias=True)
    v = evaluate(leaky, w, prec=64, biases=[Fraction(-4, 3), Fraction(1, 7)], x=Fraction(1))
    # z1 = -1/3 -> -1/300; z2 = -1/100 + 1/7 = 93/700 -> 93/700, all exact rationals
    assert v.value == fmpq(93, 700) and v.grad_w[1] == fmpq(-1, 300)
