"""Kill tests for the surviving mutants of ``symgrad/numeric/flint_backend.py`` (issue 10).

Each test pins a value returned by a public function of the module that a surviving (or
untested) mutant changed: the exact values at 0 (``EXACT_AT_ZERO``, built at import), the
plain ball ops (:class:`FlintOps`), :func:`forward`, the layers :func:`exact_kinks` reports,
the digit count of :func:`certified_digits` and the exact conversion :func:`arb_to_mpf`.

Expected values are independent of symgrad: exact rationals worked out by hand (sigma(0) =
1/2, sigma'(0) = 1/4, pre-activations z = w o + b by hand), the textbook chain written in
mpmath at 60 digits (:func:`tests.references.forward`), and floor(b log10 2) from mpmath at
50 digits for the digits certified by ``b`` bits of relative accuracy (Arb's own
``rel_accuracy_bits``).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from flint import arb, ctx, fmpq

from symgrad.core.chain import Chain
from symgrad.numeric.flint_backend import (
    EXACT_AT_ZERO,
    FlintOps,
    arb_to_mpf,
    certified_digits,
    evaluate,
    exact_kinks,
    forward,
)
from tests.references import activation, arb_ends, derivative, exact_fraction
from tests.references import forward as reference_forward

F = Fraction


def _contains(ball, value) -> bool:
    """The exact ends of ``ball`` enclose the mpf / Fraction ``value`` (compared exactly)."""
    lo, hi = arb_ends(ball)
    v = value if isinstance(value, Fraction) else exact_fraction(value)
    return lo <= v <= hi


def _rel_rad(ball) -> Fraction:
    lo, hi = arb_ends(ball)
    return (hi - lo) / 2 / abs((hi + lo) / 2)


# -- EXACT_AT_ZERO (built at import by _fmpq) ----------------------------------------------


def test_exact_values_at_zero_are_the_textbook_rationals():
    # sigma(0) = 1/2, sigma'(0) = 1/4; tanh(0) = 0, tanh'(0) = 1; softplus(0) = log 2 is
    # irrational (None), softplus'(0) = sigma(0) = 1/2; relu'(0) is an interval (None)
    assert EXACT_AT_ZERO["sigmoid"] == (fmpq(1, 2), fmpq(1, 4))
    assert EXACT_AT_ZERO["tanh"] == (fmpq(0), fmpq(1))
    assert EXACT_AT_ZERO["softplus"] == (None, fmpq(1, 2))
    assert EXACT_AT_ZERO["relu"] == (fmpq(0), None)
    for name in ("sigmoid", "tanh", "relu"):
        assert isinstance(EXACT_AT_ZERO[name][0], fmpq), name


def test_evaluate_at_an_exact_zero_gives_exact_rationals():
    # seed form: o_1 = w_1 = 0, z_2 = w_2 o_1 = 0, so F = sigma(0) = 1/2 and
    # dF/dw_1 = sigma'(0) w_2 = 1/4, dF/dw_2 = sigma'(0) o_1 = 0, all exact
    v = evaluate(Chain(2), [F(0), F(1)], prec=64)
    assert isinstance(v.value, fmpq) and v.value == fmpq(1, 2)
    assert isinstance(v.grad_w[0], fmpq) and v.grad_w[0] == fmpq(1, 4)
    assert isinstance(v.grad_w[1], fmpq) and v.grad_w[1] == 0


# -- FlintOps --------------------------------------------------------------------------------


def test_flint_ops_convert_rounds_the_rational_into_a_ball():
    ops = FlintOps()
    with ctx.workprec(64):
        third = ops.convert(F(1, 3))
        half = ops.convert(F(-7, 2))
        two = ops.convert(2)
    assert isinstance(third, arb)
    assert _contains(third, F(1, 3))
    assert _rel_rad(third) < F(1, 2**60)
    assert half.is_exact() and arb_ends(half) == (F(-7, 2), F(-7, 2))
    assert two.is_exact() and arb_ends(two) == (F(2), F(2))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
def test_flint_ops_activation_is_the_ball_pair(name):
    f, df = FlintOps().activation(name)
    with ctx.workprec(128):
        t = arb(3) / 4
        y, dy = f(t), df(t)
    with mpmath.workdps(60):
        t_ref = mpmath.mpf(3) / 4
        want, dwant = activation(name, t_ref), derivative(name, t_ref)
    # the ball is guaranteed to enclose 3/4 rounded at 128 bits, hence sigma(3/4) to 1e-35
    for ball, ref in ((y, want), (dy, dwant)):
        lo, hi = arb_ends(ball)
        r = exact_fraction(ref)
        assert lo - abs(r) / 10**35 <= r <= hi + abs(r) / 10**35, (name, ball)
        assert _rel_rad(ball) < F(1, 10**30)


# -- forward ---------------------------------------------------------------------------------


def test_forward_seed_chain_against_mpmath():
    weights = [F(1, 2), F(2), F(-3, 2)]
    got = forward(Chain(3, activation="tanh"), weights, prec=200)
    with mpmath.workdps(80):
        want = reference_forward("tanh", weights)
    assert _contains(got, want)
    assert _rel_rad(got) < F(1, 2**190)  # computed at 200 bits, not at the ambient 53


def test_forward_general_chain_uses_biases_and_x():
    chain = Chain(2, activation="sigmoid", form="general", bias=True)
    weights, biases, x = [F(3, 2), F(-1)], [F(1, 4), F(2, 3)], F(-5, 7)
    got = forward(chain, weights, prec=128, biases=biases, x=x)
    with mpmath.workdps(60):
        want = reference_forward("sigmoid", weights, "general", biases, x)
        without_x = reference_forward("sigmoid", weights, "general", biases)
    assert _contains(got, want)
    assert not _contains(got, without_x)
    assert _rel_rad(got) < F(1, 2**110)


def test_forward_exact_output_is_a_rational():
    # tanh(w_2 * 0) = tanh(0) = 0 exactly
    got = forward(Chain(2, activation="tanh"), [F(0), F(3)], prec=64)
    assert isinstance(got, fmpq) and got == 0


# -- exact_kinks -----------------------------------------------------------------------------


def test_exact_kinks_default_order_is_the_first_derivative():
    # elu' is continuous at 0 (only elu'' jumps): no kink for order 1, layer 2 for order 2
    # (seed form: o_1 = w_1 = 0, z_2 = w_2 * 0 = 0)
    chain = Chain(2, activation="elu")
    assert exact_kinks(chain, [F(0), F(1)]) == []
    assert exact_kinks(chain, [F(0), F(1)], order=2) == [2]


def test_exact_kinks_counts_layers_from_one_in_the_general_form():
    # general form, x = 0: z_1 = w_1 * 0 = 0 (layer 1), o_1 = relu(0) = 0, z_2 = 0 (layer 2)
    chain = Chain(2, activation="relu", form="general")
    assert exact_kinks(chain, [F(1), F(1)], x=F(0)) == [1, 2]
    # seed form: layer 1 is the identity; z_2 = -1 * 1, z_3 = 2 * relu(-1) = 0
    assert exact_kinks(Chain(3, activation="relu"), [F(1), F(-1), F(2)]) == [3]


def test_exact_kinks_uses_biases_and_x():
    chain = Chain(2, activation="relu", form="general", bias=True)
    # x = 2: z_1 = 1*2 - 2 = 0 (layer 1), z_2 = 1*relu(0) + 0 = 0 (layer 2)
    assert exact_kinks(chain, [F(1), F(1)], biases=[F(-2), F(0)], x=F(2)) == [1, 2]
    # x = 1 (the default): z_1 = -1, z_2 = relu(-1) + 0 = 0 (layer 2 only)
    assert exact_kinks(chain, [F(1), F(1)], biases=[F(-2), F(0)]) == [2]


# -- certified_digits ------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [64, 721071, 1116995])
def test_certified_digits_is_floor_of_bits_times_log10_2(bits):
    # a ball 1 +- 2^-(bits+1) has Arb relative accuracy ``bits``; the certified digits are
    # the largest d with 10^-d >= 2^-bits, i.e. floor(bits log10 2).  721071 and 1116995
    # are where bits*log10(2) lies within bits*3e-12 above an integer.
    with ctx.workprec(bits + 64):
        ball = arb(1, arb(2) ** (-(bits + 1)))
    b = ball.rel_accuracy_bits()
    assert b == bits
    with mpmath.workdps(50):
        want = int(mpmath.floor(b * mpmath.log10(2)))
    assert certified_digits(ball) == want


# -- arb_to_mpf ------------------------------------------------------------------------------


def test_arb_to_mpf_is_exact():
    zero = arb_to_mpf(arb(0))
    assert isinstance(zero, mpmath.mpf) and zero == 0
    assert exact_fraction(arb_to_mpf(arb(-3) / 8)) == F(-3, 8)
    m = 2**100 + 1  # 101 significant bits: more than a double holds
    with ctx.workprec(256):
        big = arb(m) / arb(2) ** 50
    assert big.is_exact()
    assert exact_fraction(arb_to_mpf(big)) == F(m, 2**50)
