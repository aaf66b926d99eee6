"""Tests written to kill mutants that survived ``make mutation`` (see docs/mutation.md).

Every expected value comes from mathematics (exact rationals, textbook eigenvalues and
Taylor expansions), never from symgrad's own output.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy
from flint import arb, arb_mat, fmpq

from symgrad.analysis.stationary.rules import (
    MAX_ORDER_1D,
    MAX_ORDER_ND,
    higher_order_1d,
    numeric_verdict,
    splitting_verdict,
)
from symgrad.analysis.stationary.splitting import form_sign_pattern
from symgrad.core.chain import Chain
from symgrad.numeric.certified import Ball, certified_values
from symgrad.numeric.decimal_text import decimal_enclosure, round_text
from symgrad.numeric.eigen_enclosures import gershgorin
from symgrad.numeric.flint_backend import certified_digits
from tests.references import arb_ends, decimal_value

# --- decimal text -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "digits", "expected"), [
    ("0", 3, "0"),
    ("1e+0", 1, "1e+0"),
    ("1e+0", 3, "1.00e+0"),
    ("-1.2345e-3", 3, "-1.23e-3"),
    ("-1.25e+0", 2, "-1.2e+0"),  # a tie goes to the even digit
    ("-9.96e+0", 2, "-1.0e+1"),
])
def test_round_text(text, digits, expected):
    assert round_text(text, digits) == expected




@pytest.mark.parametrize("ball", [
    arb(1) / 3,
    -arb(2) / 7,
    arb("0.5 +/- 1e-30"),
    arb("-0.5 +/- 1e-30"),
    arb("1e-100 +/- 1e-130"),
    arb(1) / 3 + arb(0, 1e-3),
    -(arb(10) ** 40) / 7,
])
def test_decimal_enclosure_encloses(ball):
    mid, rad = decimal_enclosure(ball, 5)
    lo, hi = arb_ends(ball)
    m, r = decimal_value(mid), decimal_value(rad)
    assert m - r <= lo and hi <= m + r, (mid, rad)
    assert (mid.startswith("-")) == (lo < 0)
    assert len(mid.partition("e")[0].lstrip("-").replace(".", "")) == 5
    # not wildly wide: within 2 units of the 5th digit plus the ball's own radius
    assert r <= (hi - lo) + 2 * abs(m) * Fraction(1, 10**4)


def test_decimal_enclosure_of_exact_half_pads_digits():
    # 0.5 +/- 1e-30 to 5 digits: "5.0000e-1"; the radius covers 1e-30 and Arb's decimal
    # conversion unit (digits + 10 digits), nothing like a unit of the 5th digit
    mid, rad = decimal_enclosure(arb("0.5 +/- 1e-30"), 5)
    assert mid == "5.0000e-1"
    assert Fraction(1, 10**30) <= decimal_value(rad) <= Fraction(1, 10**13)


def test_decimal_enclosure_midpoint_zero_and_nan():
    mid, rad = decimal_enclosure(arb(0, 0.001), 5)
    assert mid == "0"
    assert Fraction(1, 1000) <= decimal_value(rad) <= Fraction(11, 10000)
    assert decimal_enclosure(arb("nan"), 5) == ("nan", "inf")


# --- certified digits and balls -----------------------------------------------------------


def test_certified_digits_bounds():
    assert certified_digits(arb("nan")) == 0
    assert certified_digits(arb(0, 1)) == 0  # contains 0
    assert certified_digits(arb(1, 0.5)) == 0  # about 1 bit: not one digit
    assert certified_digits(arb("1 +/- 0.5")) == 0
    for bits in (10, 53, 100, 333, 1000):
        ball = arb(1) + arb(0, 2.0 ** -bits)
        b = ball.rel_accuracy_bits()
        # the largest d with 10**-d >= 2**-b, by exact integer comparison
        d = max(k for k in range(b + 1) if 10**k <= 2**b)
        assert certified_digits(ball) == d, bits


@pytest.mark.parametrize("bits", [325147, 579517])
def test_certified_digits_never_overclaims_near_a_decade(bits):
    # b * log10(2) lies within 1e-5 of an integer for these b: a constant even 1e-11 above
    # log10(2) claims, at b = 579517, one digit more than 2**-b guarantees
    import mpmath
    from flint import ctx

    with ctx.workprec(bits + 64):
        balls = [arb(1) + arb(0, arb(2) ** -k) for k in range(bits - 3, bits + 4)]
    ball = next(x for x in balls if x.rel_accuracy_bits() == bits)
    with mpmath.workdps(60):
        d = int(mpmath.floor(bits * mpmath.log10(2)))  # the largest d with 10**-d >= 2**-b
    assert d - 1 <= certified_digits(ball) <= d  # never more; at most one digit fewer


def test_ball_contains_edges():
    b = Ball(arb(Fraction(1, 2).numerator) / 2 + arb(0, 2.0 ** -10), 3, 64)
    lo, hi = arb_ends(b.value)
    assert b.contains(lo) and b.contains(hi)  # closed ball
    assert not b.contains(lo - Fraction(1, 2**80)) and not b.contains(hi + Fraction(1, 2**80))
    import mpmath

    assert b.contains(mpmath.mpf(0.5))
    assert not b.contains(mpmath.mpf(-0.5))  # the sign of an mpf is read
    assert not b.contains(mpmath.inf)
    inf_ball = Ball(arb(0, float("inf")), 3, 64)
    assert inf_ball.contains(Fraction(7))
    neg = Ball(-arb(1) / 3, 3, 64)
    assert neg.contains(mpmath.mpf(-1) / 3) and not neg.contains(mpmath.mpf(1) / 3)


def test_certified_balls_and_json_names():
    # general form with biases, depth 2, tanh: all quantity names and JSON keys
    c = certified_values(Chain(2, activation="tanh", form="general", bias=True),
                         [Fraction(1), Fraction(1, 2)], digits=5,
                         biases=[Fraction(0), Fraction(0)], x=Fraction(0))
    names = [n for n, _ in c.balls()]
    assert names == ["F", "dF/dw1", "dF/dw2", "dF/db1", "dF/db2", "dF/dx"]
    j = c.to_json()
    assert set(j) == {"certified_digits", "working_precision_bits", "value", "grad_w",
                      "grad_b", "grad_x"}
    assert set(j["value"]) == {"value", "radius", "certified_digits"}
    # x = 0, b = 0: z_1 = 0 exactly, o_1 = tanh(0) = 0, F = tanh(0) = 0 exactly;
    # dF/db1 = tanh'(0) w_2 tanh'(0) = 1/2, dF/dx = w_1 * dF/db1 = 1/2 exactly
    assert j["value"] == {"value": "0", "radius": "0", "certified_digits": "5"}
    assert j["certified_digits"] == "5"
    assert j["working_precision_bits"] == str(c.prec) and c.prec >= 5 * math.log2(10)
    assert j["grad_b"][0]["value"] == "5.0000e-1"
    assert j["grad_x"]["value"] == "5.0000e-1"
    seed = certified_values(Chain(1), [Fraction(1)], digits=3)
    assert seed.to_json()["grad_x"] is None and seed.to_json()["grad_b"] == []


# --- classification: one variable -------------------------------------------------------


def _only(order: int, sign: int):
    return lambda k: sign if k == order else 0


@pytest.mark.parametrize(("order", "sign", "cls", "strict", "degenerate"), [
    (2, 1, "local minimum", True, False),
    (2, -1, "local maximum", True, False),
    (3, 1, "no extremum", None, True),
    (3, -1, "no extremum", None, True),
    (4, 1, "local minimum", True, True),
    (6, -1, "local maximum", True, True),
    (MAX_ORDER_1D, 1, "local minimum", True, True),
])
def test_higher_order_1d(order, sign, cls, strict, degenerate):
    v = higher_order_1d(_only(order, sign))
    assert (v.cls, v.strict, v.degenerate) == (cls, strict, degenerate)
    assert v.method == "higher-order derivative test"
    assert f"order {order}:" in v.evidence[0]
    assert f"f^({order})(p) {'>' if sign > 0 else '<'} 0" in v.evidence[0]


def test_higher_order_1d_ignores_orders_below_start_and_above_max():
    # f(p) and f'(p) (orders 0, 1) do not take part; order 4 decides
    v = higher_order_1d(lambda k: 1 if k in (0, 1, 4) else 0)
    assert (v.cls, v.degenerate) == ("local minimum", True) and "order 4" in v.evidence[0]
    v = higher_order_1d(_only(MAX_ORDER_1D + 1, 1))
    assert (v.cls, v.strict, v.degenerate) == ("degenerate: undecided", None, True)
    assert v.method == "higher-order derivative test"
    assert f"orders 2..{MAX_ORDER_1D}" in v.evidence[0]
    v = higher_order_1d(_only(5, -1), start=5, max_order=5, describe=lambda k: f"D{k}")
    assert v.cls == "no extremum" and "D5" in v.evidence[0]


# --- classification: certified eigenvalues ---------------------------------------------


@pytest.mark.parametrize(("eigs", "cls", "inertia"), [
    ([arb(1), arb(2)], "local minimum", "2 positive, 0 negative"),
    ([arb("0.5"), arb(2)], "local minimum", "2 positive, 0 negative"),
    ([arb(-1), arb(2)], "saddle", "1 positive, 1 negative"),
    ([arb(-1), arb(-2)], "local maximum", "0 positive, 2 negative"),
    ([arb(-1), arb(-2), arb(3)], "saddle", "1 positive, 2 negative"),
])
def test_numeric_verdict(eigs, cls, inertia):
    v = numeric_verdict(eigs, "m")
    assert v.cls == cls and v.method == "certified eigenvalues (m)"
    assert inertia in v.evidence[0]


def test_numeric_verdict_zero_in_enclosure_is_undecided():
    v = numeric_verdict([arb(0, 1e-3), arb(1)], "m")
    assert (v.cls, v.strict, v.degenerate, v.method) == ("degenerate: undecided", None, None, "m")
    assert "contains 0" in v.evidence[0]


def test_gershgorin_zero_matrix():
    discs = gershgorin(arb_mat([[0, 0], [0, 0]]))
    assert len(discs) == 2 and all(d.is_zero() for d in discs)


@pytest.mark.parametrize(("rows", "eigenvalues"), [
    # [[1, 2], [2, 5]]: 3 -+ 2*sqrt(2) = 0.17..., 5.83...; plain Gershgorin discs contain 0
    ([[1, 2], [2, 5]], [3 - 2 * math.sqrt(2), 3 + 2 * math.sqrt(2)]),
    ([[2, 1], [1, 2]], [1.0, 3.0]),
    ([[3]], [3.0]),
    ([[0.002, 0.001], [0.001, 0.002]], [0.001, 0.003]),
])
def test_gershgorin_discs_after_diagonalisation(rows, eigenvalues):
    discs = sorted(gershgorin(arb_mat(rows)), key=lambda b: float(b.mid()))
    for disc, lam in zip(discs, eigenvalues, strict=True):
        assert abs(float(disc.mid()) - lam) < 1e-9 * max(1.0, abs(lam))
        assert not disc.contains(0)
        assert float(disc.rad()) < 1e-9 * max(1.0, abs(lam))
    # the exact eigenvalues of [[1, 2], [2, 5]] lie inside (checked with the exact surd)
    if rows == [[1, 2], [2, 5]]:
        s = arb(8).sqrt()
        assert discs[0].overlaps(3 - s) and discs[1].overlaps(3 + s)


# --- classification: forms and the splitting lemma --------------------------------------

x, y, z = sympy.symbols("x y z")


@pytest.mark.parametrize(("expr", "gens", "pattern"), [
    (x**4, (x,), "positive definite"),
    (-x**4, (x,), "negative definite"),
    (x**3, (x,), "indefinite"),
    (x**4 + y**4, (x, y), "positive definite"),
    (-(x**2 + y**2) ** 2, (x, y), "negative definite"),
    (y**4 - x**4, (x, y), "indefinite"),
    (x**4 - 4 * x**2 * y**2 + 5 * y**4, (x, y), "positive definite"),  # no real root
    (x**3 * y + x * y**3, (x, y), "indefinite"),  # sign change only at s = 0
    (-(x**3 * y + x * y**3), (x, y), "indefinite"),
    (x**3 * y, (x, y), "indefinite"),
    # negative only for 1 < x/y < 1.001: found by the midpoint between the two roots
    ((x - y) * (1000 * x - 1001 * y) * (x**2 + y**2), (x, y), "indefinite"),
    ((x**2 - 2 * y**2) ** 2, (x, y), "semidefinite/unknown"),  # zero along x = sqrt(2) y
    (x**2 * y**2, (x, y), "semidefinite/unknown"),
    (y**2 * (x**2 + y**2), (x, y), "semidefinite/unknown"),  # zero along y = 0 (s at inf)
    (x**4 + y**4 - z**4, (x, y, z), "indefinite"),
    (x**4 + y**4 + z**4, (x, y, z), "semidefinite/unknown"),
])
def test_form_sign_pattern(expr, gens, pattern):
    assert form_sign_pattern(sympy.Poly(expr, *gens)) == pattern


def _split(f, variables, inertia):
    # the stationary point: the origin, or (1, 2) for the shifted example
    point = [sympy.Integer(0)] * len(variables)
    if f.subs(dict(zip(variables, point))) != 0:
        point = [sympy.Integer(1), sympy.Integer(2)]
    h = sympy.hessian(f, variables).subs(dict(zip(variables, point)))
    return splitting_verdict(f, variables, point, h, inertia)


@pytest.mark.parametrize(("f", "variables", "inertia", "cls", "strict", "order"), [
    (x**2 + y**4, (x, y), (1, 0, 1), "local minimum", True, 4),
    (-x**2 - y**4, (x, y), (0, 1, 1), "local maximum", True, 4),
    (x**2 - y**4, (x, y), (1, 0, 1), "saddle", None, 4),
    (-x**2 + y**4, (x, y), (0, 1, 1), "saddle", None, 4),
    (x**2 + y**3, (x, y), (1, 0, 1), "saddle", None, 3),
    (x**3, (x,), (0, 0, 1), "no extremum", None, 3),
    (x**4 - y**4, (x, y), (0, 0, 2), "saddle", None, 4),
    # negative only in the thin sector 1 < x/y < 1.001 (was "undecided" before the fix)
    ((x - y) * (1000 * x - 1001 * y) * (x**2 + y**2), (x, y), (0, 0, 2), "saddle", None, 4),
    # (x - y^2)^2 + y^6: on x = y^2 (the valley) f = y^6, so the reduced function starts
    # at order 6 (setting x = 0 would give y^4, the wrong order): a strict minimum
    ((x - y**2) ** 2 + y**6, (x, y), (1, 0, 1), "local minimum", True, 6),
    ((x - y**2) ** 2 - y**6, (x, y), (1, 0, 1), "saddle", None, 6),
    # along the valley x = -y^2 of the maximum, f = -y^8: the highest order examined
    (-((x + y**2) ** 2) - y**8, (x, y), (0, 1, 1), "local maximum", True, 8),
    # f(p) != 0 and p != 0: the same minimum as above, moved to (1, 2) and lifted by 3
    (3 + (x - 1 - (y - 2) ** 2) ** 2 + (y - 2) ** 6, (x, y), (1, 0, 1), "local minimum", True,
     6),
])
def test_splitting_verdict(f, variables, inertia, cls, strict, order):
    v = _split(f, variables, inertia)
    assert (v.cls, v.strict, v.degenerate) == (cls, strict, True)
    assert v.method == "higher-order terms on the Hessian kernel (splitting lemma)"
    assert f"order-{order} form" in v.evidence[-2]
    pos, neg, zero = inertia
    assert f"{pos} positive, {neg} negative, {zero} zero" in v.evidence[0]


@pytest.mark.parametrize(("f", "variables", "inertia"), [
    ((x - y**2) ** 2, (x, y), (1, 0, 1)),  # a curve of minima: not strict, not decided
    (x**2 + y**2 * z**2, (x, y, z), (1, 0, 2)),  # semidefinite form with zero directions
    ((x - y**2) ** 2 + y**10, (x, y), (1, 0, 1)),  # beyond MAX_ORDER_ND
])
def test_splitting_verdict_undecided(f, variables, inertia):
    v = _split(f, variables, inertia)
    assert (v.cls, v.strict, v.degenerate) == ("degenerate: undecided", None, True)
    assert v.method == "higher-order terms on the Hessian kernel (splitting lemma)"
    assert len(v.evidence) >= 2 and "zero eigenvalue" in v.evidence[0]


def test_max_order_nd_is_eight():
    # the undecided case above relies on y^10 being beyond the examined orders
    assert MAX_ORDER_ND == 8
    assert isinstance(fmpq(1, 2), fmpq)
