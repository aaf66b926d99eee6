"""Certified balls (python-flint) against values computed separately at much higher precision.

The reference values here come from a hand-written mpmath recurrence in this
file (the closed product form dF/dw_k = o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i),
with sigma' = sigma(1 - sigma) evaluated directly), at 3x the requested digits,
and from mpmath.diff (numerical differentiation at high precision) for a
small chain -- never from symgrad's own recurrence.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
from flint import ctx

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.certified import Ball, certified_values, initial_precision
from symgrad.numeric.flint_backend import decimal_enclosure, evaluate
from symgrad.numeric.weights import parse_weights


def _act(name, t):
    if name == "sigmoid":
        return 1 / (1 + mpmath.exp(-t))
    if name == "tanh":
        return mpmath.tanh(t)
    return mpmath.log(1 + mpmath.exp(t))


def _dact(name, t):
    if name == "sigmoid":
        s = 1 / (1 + mpmath.exp(-t))
        return s * (1 - s)
    if name == "tanh":
        return 1 - mpmath.tanh(t) ** 2
    return 1 / (1 + mpmath.exp(-t))


def _reference(chain, weights, biases, x, dps):
    """F, [dF/dw_k], [dF/db_k], dF/dx by the explicit product formula (mpmath, dps digits)."""
    with mpmath.workdps(dps):
        w = [mpmath.mpf(v.numerator) / v.denominator for v in weights]
        b = [mpmath.mpf(v.numerator) / v.denominator for v in biases] if biases else None
        o = [mpmath.mpf(1) if x is None else mpmath.mpf(x.numerator) / x.denominator]
        d = []
        for i in range(chain.depth):
            z = w[i] * o[-1] + (b[i] if b else 0)
            if i == 0 and chain.form == "seed":
                o.append(z)
                d.append(mpmath.mpf(1))
            else:
                o.append(_act(chain.activation, z))
                d.append(_dact(chain.activation, z))
        gw, gb = [], []
        for k in range(chain.depth):
            tail = mpmath.fprod(w[i] * d[i] for i in range(k + 1, chain.depth))
            gb.append(d[k] * tail)
            gw.append(o[k] * d[k] * tail)
        gx = mpmath.fprod(w[i] * d[i] for i in range(chain.depth))
        return o[-1], gw, gb, gx


def _printed_contains(ball: Ball, value) -> bool:
    """The decimal strings mid ± rad (as exact rationals) enclose ``value``."""
    mid, rad = Fraction(Decimal(ball.mid)), Fraction(Decimal(ball.rad))
    sign, man, exp, _ = value._mpf_
    v = Fraction(int(man)) * Fraction(2) ** int(exp) * (-1 if sign else 1)
    return mid - rad <= v <= mid + rad


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
    value, gw, gb, gx = _reference(chain, weights, biases, x, dps=3 * digits)
    assert cert.value.contains(value) and _printed_contains(cert.value, value)
    for ball, ref in zip(cert.grad_w, gw, strict=True):
        assert ball.contains(ref), (ball, ref)
        assert _printed_contains(ball, ref)
        assert ball.digits >= digits
    for ball, ref in zip(cert.grad_b, gb if chain.bias else [], strict=True):
        assert ball.contains(ref) and _printed_contains(ball, ref)
    if chain.form == "general":
        assert cert.grad_x.contains(gx) and _printed_contains(cert.grad_x, gx)
    else:
        assert cert.grad_x is None


def test_small_chain_against_mpmath_diff():
    chain = Chain(4, activation="tanh", form="general", bias=True)
    weights = (Fraction(1, 2), Fraction(-3, 2), Fraction(2), Fraction(7, 10))
    biases = (Fraction(1, 5), Fraction(0), Fraction(-1, 3), Fraction(1))
    x = Fraction(3, 4)
    cert = certified_values(chain, weights, digits=20, biases=biases, x=x)

    def f(*w):
        o = mpmath.mpf(3) / 4
        for wi, bi in zip(w, biases):
            o = mpmath.tanh(wi * o + mpmath.mpf(bi.numerator) / bi.denominator)
        return o

    with mpmath.workdps(60):
        point = [mpmath.mpf(v.numerator) / v.denominator for v in weights]
        for k in range(4):
            order = [0] * 4
            order[k] = 1
            d = mpmath.diff(f, point, tuple(order))
            # mpmath.diff at 60 digits is accurate far beyond 20 digits; compare to 1e-20 rel.
            assert abs(d - mpmath.mpf(cert.grad_w[k].mid)) <= mpmath.mpf(10) ** -19 * abs(d)


def test_depth_1000_matches_cited_value():
    # Reference from the issue text: computed independently by mpmath at 58 digits.
    cited = Fraction(Decimal("1.543614736380711525657852642382477056937e-648"))
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
            assert _printed_contains(ball, third)
            assert not ball.contains(third + mpmath.mpf(10) ** -50)
    from flint import arb

    assert decimal_enclosure(arb(0), 5) == ("0", "0")
    m, r = decimal_enclosure(arb("0.99999999"), 3)  # rounding carries to 1.00
    assert m == "1.00e+0" and Fraction(Decimal(r)) >= Fraction(1, 10**8)
