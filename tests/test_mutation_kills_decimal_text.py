"""Kill tests for mutmut survivors in symgrad/numeric/decimal_text.py (triage: issue 10).

They pin the digit rules of the module: ties to even in ``round_text`` (digit positions 1
and 2 past the kept ones), exact powers of ten (``_ndigits``/``_decade`` boundaries),
``round_ball`` deciding a ball whose two exact ends round alike (the ``digits + 5`` first
conversion and the full-accuracy second one), the ``≤ B`` bound of ``ball_text`` for tiny
balls touching 0, the zero radius, and the documented conversion of ``printed_radius``
(ends converted with max(20, shown + 10) significant digits, plus the 5 guard digits of
the converter, then the radius rounded up to 2 digits).

Expected values are computed here independently with exact arithmetic: the exact ends of
the ball (``tests/references.arb_ends``: Fractions), Python's ``decimal`` module at a large
precision (ROUND_HALF_EVEN for correct rounding, ROUND_CEILING / ROUND_FLOOR for the
outward grid and the 2-digit upward rounding) and ``fractions.Fraction``.
"""

from __future__ import annotations

import decimal
import signal
from fractions import Fraction

import pytest
from flint import arb, ctx

from symgrad.numeric.decimal_text import (
    ball_text,
    decimal_enclosure,
    printed_radius,
    round_ball,
    round_text,
)
from tests.references import arb_ends, decimal_value


def _dec(v: Fraction, prec: int, rounding: str) -> decimal.Decimal:
    with decimal.localcontext() as c:
        c.prec, c.rounding = prec, rounding
        c.Emax, c.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        c.traps[decimal.Inexact] = c.traps[decimal.Rounded] = False
        return decimal.Decimal(v.numerator) / decimal.Decimal(v.denominator)


def nearest(v: Fraction, digits: int) -> str:
    """v correctly rounded (ties to even) to ``digits`` digits, as ``d.ddde±N``."""
    if v == 0:
        return "0"
    d = _dec(v, digits, decimal.ROUND_HALF_EVEN)
    mant, _, exp = f"{d:.{digits - 1}e}".partition("e")
    return f"{mant}e{int(exp):+d}"


def up2(v: Fraction) -> Fraction:
    """The non-negative v rounded up to 2 significant digits."""
    return Fraction(_dec(v, 2, decimal.ROUND_CEILING)) if v else Fraction(0)


def decade(v: Fraction) -> int:
    """k with 10**(k-1) <= v < 10**k (a floor-rounded quotient never reaches the next power)."""
    return _dec(v, 60, decimal.ROUND_FLOOR).adjusted() + 1


def ceil_to(v: Fraction, unit: Fraction) -> Fraction:
    return -(-v // unit) * unit


def spec_printed_radius(ball, printed: str) -> Fraction:
    """printed_radius as documented: ends on a grid of max(20, shown+10) + 5 significant
    digits of the larger |end| (floor below, ceiling above), then the distance to the
    printed value rounded up to 2 digits."""
    lo, hi = arb_ends(ball)
    shown = len(printed.partition("e")[0].replace("-", "").replace(".", ""))
    top = max(abs(lo), abs(hi))
    e = (decade(top) if top else 0) - max(20, shown + 10) - 5
    unit = Fraction(10) ** e
    lo_g, hi_g = (lo // unit) * unit, ceil_to(hi, unit)
    p = decimal_value(printed)
    return up2(max(hi_g - p, p - lo_g, Fraction(0)))


def _high_prec2100(fn):
    old = ctx.prec
    ctx.prec = 2100
    try:
        return fn()
    finally:
        ctx.prec = old


def _high_prec(fn):
    old = ctx.prec
    ctx.prec = 240
    try:
        return fn()
    finally:
        ctx.prec = old


# --- round_text: powers of ten and ties ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digits"),
    [("1.0e+1", 1), ("1.00e+2", 2), ("1.000e+3", 1), ("1.5e+0", 1), ("2.5e+0", 1),
     ("3.5e+0", 1), ("1.50e+0", 1), ("2.50e+0", 1), ("3.50e+0", 1), ("1.10e+0", 1),
     ("1.110e+0", 2), ("1.150e+0", 2), ("1.050e+0", 2), ("1.250e+0", 2), ("1.350e+0", 2),
     ("-7.50e-3", 1), ("-1.2500e+4", 2), ("9.50e+0", 1), ("1.1500e+0", 2)],
)
def test_round_text_is_correct_rounding(text, digits):
    assert round_text(text, digits) == nearest(decimal_value(text), digits)


# --- round_ball ------------------------------------------------------------------------


def test_round_ball_zero():
    assert round_ball(arb(0), 3) == "0"


def _decided(ball, digits):
    lo, hi = arb_ends(ball)
    want = nearest(lo, digits)
    assert want == nearest(hi, digits)  # both exact ends round alike: the ball decides
    return want


def test_round_ball_decides_at_the_ball_accuracy():
    # 53-bit ball for 1/3: 15 digits are decided by the first (digits + 5) conversion
    ball = arb(1) / 3
    assert round_ball(ball, 15) == _decided(ball, 15)


def test_round_ball_second_conversion_uses_the_full_accuracy():
    # 5/4 + 10**-57 at 240 bits: 2 digits are a near tie (1.25) decided only by ~70 digits
    ball = _high_prec(lambda: arb(5) / 4 + arb(10) ** -57)
    assert round_ball(ball, 2) == _decided(ball, 2) == "1.3e+0"
    below = _high_prec(lambda: arb(5) / 4 - arb(10) ** -57)
    assert round_ball(below, 2) == _decided(below, 2) == "1.2e+0"


def _near_tie(rexp, k):
    # exact ends 5/4 + 10**-k (rounded at 1200 bits, still above 5/4) and that + 2 * 2**-rexp
    def build():
        y = arb(0, 2.0**-rexp)
        return arb(5) / 4 + arb(10) ** -k + y.rad() + y
    old = ctx.prec
    ctx.prec = 1200
    try:
        return build()
    finally:
        ctx.prec = old


@pytest.mark.parametrize(("rexp", "k"), [(8, 6), (8, 9), (20, 14), (50, 16), (50, 22), (100, 37)])
def test_round_ball_decides_a_ball_just_above_a_tie(rexp, k):
    # the lower end is within 10**-k of the tie 1.25; the ball has ~rexp bits of accuracy
    ball = _near_tie(rexp, k)
    assert arb_ends(ball)[0] > Fraction(5, 4)
    assert round_ball(ball, 2) == _decided(ball, 2) == "1.3e+0"


def test_round_ball_exact_value_with_exponent_at_the_exact_path_limit():
    # an exact ball m * 2**-100000 (m odd) 1e-40 (relative) above the tie 1.25e-30063:
    # only exact rational rounding decides it
    den = 2**100000
    m = (125 * den) // (100 * 10**30063)
    m += 3 - m % 2
    old = ctx.prec
    ctx.prec = 400
    try:
        ball = arb(m) * arb(2) ** -100000
    finally:
        ctx.prec = old
    assert ball.is_exact() and int(ball.mid().man_exp()[1]) == -100000
    assert round_ball(ball, 2) == nearest(Fraction(m, den), 2) == "1.3e-30063"


# --- ball_text "≤ B" -------------------------------------------------------------------


def _touching_zero(sign, rad):
    y = arb(0, rad)  # the radius is a mag; + keeps it exactly, so one end is exactly 0
    return _high_prec(lambda: sign * y.rad() + y)


@pytest.mark.parametrize(
    "make",
    [lambda: arb(0.0, 2.0**-100), lambda: _touching_zero(1, 2.0**-130),
     lambda: _touching_zero(-1, 2.0**-130), lambda: arb(0.0, 3.0e5),
     lambda: arb(2.0**-130, 2.0**-130), lambda: arb(-(2.0**-130), 2.0**-130)],
)
def test_ball_text_bound_of_tiny_balls_touching_zero(make):
    ball = make()
    lo, hi = arb_ends(ball)
    text = ball_text(ball, 3)
    assert text.startswith("≤ ")
    assert decimal_value(text[2:]) == up2(max(abs(lo), abs(hi)))


# --- printed_radius --------------------------------------------------------------------


def _ten_minus(rad_float):
    # a ball whose upper end is exactly 10 (the radius is a mag, kept exactly by +)
    def build():
        y = arb(0, rad_float)
        return (arb(10) - y.rad()) + y
    return _high_prec(build)


CASES = [
    (lambda: arb(0.5), "5e-1"),  # radius 0
    (lambda: arb(0.5), "5.00e-1"),
    (lambda: _high_prec(lambda: arb(0.5) + arb(2) ** -100), "5e-1"),  # 1 unit of the grid
    (lambda: _high_prec(lambda: arb(0.25) + arb(2) ** -80), "2.5e-1"),
    (lambda: _high_prec(lambda: arb(0.25) + arb(2) ** -80), "2.50000000000e-1"),
    (lambda: _high_prec(lambda: arb(0.25) + arb(2) ** -90), "2.50000000000e-1"),
    (lambda: _ten_minus(2.0**-76), "1.0e+1"),  # top exactly 10: decade 2
    (lambda: arb(1), "1e-50"),
    (lambda: arb(-1), "1e-50"),
    (lambda: arb(1) / 3, "3.33e-1"),
    (lambda: _high_prec2100(lambda: arb(0.5) + arb(2) ** -2000), "5e-1"),  # exponent 2000
]


@pytest.mark.parametrize(("make", "printed"), CASES)
def test_printed_radius_follows_its_documented_conversion(make, printed):
    ball = make()
    got = decimal_value(printed_radius(ball, printed))
    assert got == spec_printed_radius(ball, printed)
    lo, hi = arb_ends(ball)
    p = decimal_value(printed)
    assert p - got <= lo and hi <= p + got  # and it encloses the ball


def test_printed_radius_of_exact_zero_returns():
    def alarm(*_):
        raise TimeoutError("printed_radius(arb(0), '0') did not return")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        assert printed_radius(arb(0), "0") == "0"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --- decimal_enclosure -----------------------------------------------------------------


@pytest.mark.parametrize("digits", [3, 10, 14])
def test_decimal_enclosure_mid_is_the_rounded_midpoint(digits):
    ball = arb(1) / 3
    mid, rad = decimal_enclosure(ball, digits)
    m = arb_ends(ball)[0] + (arb_ends(ball)[1] - arb_ends(ball)[0]) / 2
    assert mid == nearest(m, digits)
    lo, hi = arb_ends(ball)
    p, r = decimal_value(mid), decimal_value(rad)
    assert p - r <= lo and hi <= p + r


@pytest.mark.parametrize("digits", [5, 10])
def test_decimal_enclosure_radius_is_the_distance_rounded_up(digits):
    ball = arb(1) / 3
    mid, rad = decimal_enclosure(ball, digits)
    lo, hi = arb_ends(ball)
    p = decimal_value(mid)
    assert decimal_value(rad) == up2(max(hi - p, p - lo))


def test_decimal_enclosure_exact_mid_has_zero_radius():
    assert decimal_enclosure(arb(0.5), 3) == ("5.00e-1", "0")
