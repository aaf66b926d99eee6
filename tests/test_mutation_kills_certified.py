"""Kill tests for the surviving mutants of the certified path (issue 10, second mutmut run).

Each test pins a behaviour that a surviving mutant of ``symgrad/numeric/certified.py`` or
``symgrad/numeric/flint_backend.py`` changed without failing the suite: a printed digit, a
refusal, or the limit named in a refusal (see ``docs/mutation.md``, "Second run").
Expected digits come from mpmath at several hundred digits or from exact rationals
(``tests/references.py``); the precision limits come from the formulas documented in the
docstrings of :func:`initial_precision`, :func:`precision_cap` and :func:`tie_cap`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
from flint import arb

from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.numeric.certified import (
    certified_values,
    initial_precision,
    precision_cap,
    tie_cap,
)
from symgrad.numeric.decimal_text import ball_text, printed_radius, radius_text, round_rational
from symgrad.numeric.flint_backend import MAX_DEPTH_DIGITS, MAX_DIGITS, arb_to_fraction
from symgrad.numeric.reference import reference_values
from tests.references import (
    arb_ends,
    correctly_rounded,
    decimal_round,
    decimal_value,
    exact_fraction,
    mpf_of,
)

F = Fraction


def _rational(x, decimals: int) -> Fraction:
    """The mpf ``x`` rounded to ``decimals`` decimal places, as an exact rational."""
    return F(int(mpmath.nint(x * 10**decimals)), 10**decimals)


def _start(digits: int, depth: int, magnitude_bits: int) -> int:
    """Documented first precision: digits in bits, 2 guard bits per doubling of the depth,
    16 more, and log2 of the largest |input| (when it is above 1)."""
    return (math.ceil(digits * math.log2(10)) + 2 * math.ceil(math.log2(depth + 1)) + 16
            + max(0, magnitude_bits))


def _cap(digits: int, depth: int, magnitude_bits: int) -> int:
    """Documented default cap: 4*start + 256 + 4*min(depth, 10**4)."""
    return 4 * _start(digits, depth, magnitude_bits) + 256 + 4 * min(depth, 10**4)


def _near_quarter() -> Fraction:
    """t with sigma(t) = 1/4 + 1.875e-136: 1/4 is the 1-digit rounding boundary (0.2|0.3)."""
    with mpmath.workdps(300):
        return _rational(mpmath.log(mpmath.mpf(1) / 3), 140) + F(1, 10**135)


def _sigma(t: Fraction):
    with mpmath.workdps(400):
        return 1 / (1 + mpmath.exp(-mpmath.mpf(t.numerator) / t.denominator))


def _tanh_one(decimals: int) -> Fraction:
    with mpmath.workdps(decimals + 50):
        return _rational(mpmath.tanh(1), decimals)


# --- the precision limits, as documented -------------------------------------------------

@pytest.mark.parametrize("depth", [1, 7, 3000, 7000, 10**4, 20_000])
def test_caps_follow_their_documented_formulas(depth):
    assert tie_cap(depth) == min(2**18, 3 * 10**8 // depth)
    assert isinstance(tie_cap(depth), int)
    for start in (24, 101):
        assert precision_cap(start, depth) == 4 * start + 256 + 4 * min(depth, 10**4)
    for digits, mag in ((1, 0), (30, 0), (30, 20), (200, -5)):
        assert initial_precision(digits, depth, mag) == _start(digits, depth, mag)


# --- near ties: decided up to tie_cap, refused at an explicit max_prec -------------------

def test_near_tie_is_decided_beyond_the_default_cap():
    """sigma(t) - 1/4 is 1.9e-136 (about 450 bits): beyond precision_cap (360 bits here)
    but within tie_cap, so the default path decides it; the digit is the true one."""
    t = _near_quarter()
    want = _sigma(t)
    assert 0 < want - mpmath.mpf(1) / 4 < mpmath.mpf(10) ** -135
    c = certified_values(Chain(1, form="general"), [t], digits=1, x=F(1))
    assert c.prec > _cap(1, 1, 0)
    assert decimal_value(c.value.mid) == decimal_round(exact_fraction(want), 1) == F(3, 10)
    assert c.value.digits == 1


@pytest.mark.parametrize("digits, boundary", [(1, F(1, 4)), (2, F(245, 1000))])
def test_near_tie_refusal_names_the_boundary_and_the_cap(digits, boundary):
    with mpmath.workdps(300):
        p = mpmath.mpf(boundary.numerator) / boundary.denominator
        t = _rational(mpmath.log(p / (1 - p)), 140) + F(1, 10**135)
    with pytest.raises(SymgradError) as err:
        certified_values(Chain(1, form="general"), [t], digits=digits, x=F(1), max_prec=200)
    msg = str(err.value)
    assert msg.startswith("F lies within 2^-")
    bits = int(msg.split("2^-")[1].split(" ")[0])
    assert math.ceil(digits * math.log2(10)) + 8 <= bits <= 200
    other = f" or {digits - 1}" if digits > 1 else ""
    assert msg.endswith(
        f" (relative) of a rounding boundary at {digits} digits, so its correctly rounded "
        f"value is not decided; the precision cap is 200 bits (ask for {digits + 1} digits"
        f"{other})")


# --- a value that still contains 0 at the cap --------------------------------------------

@pytest.mark.parametrize("x, w1, mag", [(F(1), F(1), 0), (F(2**20), F(1, 2**20), 20)])
def test_zero_containing_value_is_refused_at_the_default_cap(x, w1, mag):
    """F = tanh(tanh(1) - b) with b = tanh(1) to 200 decimals: |F| < 1e-200, not 0.  The
    default cap (360 or 440 bits) cannot separate it from 0; the cap counts the largest
    input's magnitude (x = 2**20), and a near tie's larger cap does not apply."""
    chain = Chain(2, activation="tanh", form="general", bias=True)
    cap = _cap(1, 2, mag)
    with pytest.raises(SymgradError) as err:
        certified_values(chain, [w1, F(1)], biases=[F(0), -_tanh_one(200)], x=x, digits=1)
    assert str(err.value) == (
        f"F still contains 0 at {cap} bits (it is not exactly 0: exact zeros are decided "
        f"exactly); the precision cap is {cap} bits (ask for fewer digits, or pass a higher "
        f"max_prec)")


def test_value_not_accurate_at_the_cap_is_refused():
    """F = tanh(z) with z = tanh(1) - b ~ 1e-31: at 120 bits z is known to ~17 bits, fewer
    than the 42 that 10 digits need, and not near a boundary."""
    chain = Chain(2, activation="tanh", form="general", bias=True)
    with pytest.raises(SymgradError) as err:
        certified_values(chain, [F(1), F(1)], biases=[F(0), -_tanh_one(30)], x=F(1),
                         digits=10, max_prec=120)
    assert str(err.value) == (
        "F is not decided to 10 digits at 120 bits; the precision cap is 120 bits "
        "(ask for fewer digits, or pass a higher max_prec)")


def test_wrt_decides_only_the_requested_partials():
    """dF/dw3 = tanh'(z3) tanh(z2) with |tanh(z2)| < 1e-200 cannot be decided at 256 bits;
    with wrt=[1] it is not required, and F, dF/dw1, dF/db1, dF/dx are the true digits."""
    chain = Chain(3, activation="tanh", form="general", bias=True)
    w, b = [F(1), F(1), F(1)], [F(0), -_tanh_one(200), F(1)]
    c = certified_values(chain, w, biases=b, x=F(1), digits=20, wrt=[1], max_prec=256)
    with mpmath.workdps(400):
        z2 = mpmath.tanh(1) - mpmath.mpf(-b[1].numerator) / b[1].denominator
        h2 = mpmath.tanh(z2)
        d = [mpmath.sech(z) ** 2 for z in (mpmath.mpf(1), z2, h2 + 1)]
        want = {"F": mpmath.tanh(h2 + 1), "dF/dw1": d[0] * d[1] * d[2]}
    balls = dict(c.balls())
    assert balls["F"].mid == correctly_rounded(want["F"], 20)
    for name in ("dF/dw1", "dF/db1", "dF/dx"):
        assert balls[name].mid == correctly_rounded(want["dF/dw1"], 20)
        assert balls[name].digits == 20
    with pytest.raises(SymgradError, match=r"^dF/dw3 still contains 0 at 256 bits"):
        certified_values(chain, w, biases=b, x=F(1), digits=20, max_prec=256)


# --- the budget and max_prec checks ------------------------------------------------------

def test_max_digits_is_accepted():
    digits = MAX_DIGITS
    c = certified_values(Chain(1, form="general"), [F(1)], digits=digits, x=F(1))
    with mpmath.workdps(digits + 60):  # |mid - sigma(1)| <= half a unit in the last place
        err = abs(mpf_of(decimal_value(c.value.mid)) - 1 / (1 + mpmath.exp(-1)))
        assert err <= mpmath.mpf(5) / 10 ** (digits + 1)
    assert len(c.value.mid.split("e")[0].replace(".", "")) == digits
    with pytest.raises(SymgradError) as err:
        certified_values(Chain(1, form="general"), [F(1)], digits=digits + 1, x=F(1))
    assert str(err.value) == (f"digits must be a whole number in 1..{MAX_DIGITS}, got "
                              f"{digits + 1} (ask for e.g. 30 digits)")


def test_depth_times_digits_budget_is_inclusive():
    """depth x digits = 10**8 passes the budget (then max_prec=8 is too low: that error),
    10**8 + 10**4 does not (the budget error, naming the limit)."""
    assert MAX_DEPTH_DIGITS == 10**8
    depth = digits = 10**4
    need = _start(digits, depth, 0)
    with pytest.raises(SymgradError) as err:
        certified_values(Chain(depth), [F(1)] * depth, digits=digits, max_prec=8)
    assert str(err.value) == (f"{digits} digits at depth {depth} need at least {need} bits, "
                              f"above max_prec=8 (raise max_prec to {need} or more)")
    with pytest.raises(SymgradError) as err:
        certified_values(Chain(depth + 1), [F(1)] * (depth + 1), digits=digits, max_prec=8)
    assert str(err.value) == (
        f"depth {depth + 1} x {digits} digits is above the budget of depth x digits <= 1e+08 "
        "for one certified evaluation (ask for fewer digits or a shallower chain)")


def test_max_prec_equal_to_the_start_is_allowed():
    start = _start(10, 1, 0)
    c = certified_values(Chain(1, form="general"), [F(1)], digits=10, x=F(1), max_prec=start)
    with mpmath.workdps(60):
        assert c.value.mid == correctly_rounded(1 / (1 + mpmath.exp(-1)), 10)


def test_reference_values_reports_digits_and_precision():
    r = reference_values(Chain(2), [F(1), F(1)], digits=15)
    assert r.digits == 15
    assert isinstance(r.working_precision_bits, int)
    assert r.working_precision_bits >= math.ceil(15 * math.log2(10))


# --- flint_backend ------------------------------------------------------------------------

def test_arb_to_fraction_positive_exponents():
    assert arb_to_fraction(arb(6)) == 6  # mantissa 3, exponent 1
    assert arb_to_fraction(arb(3) * 2**100) == 3 * 2**100
    assert arb_to_fraction(arb(-5) / 8) == F(-5, 8)


def test_softplus_above_the_switch_keeps_the_tiny_correction():
    """softplus(100) = 100 + log1p(e^-100) = 100 + 3.7e-44: 50 digits see the correction."""
    c = certified_values(Chain(1, activation="softplus", form="general"), [F(1)], digits=50,
                         x=F(100))
    with mpmath.workdps(200):
        want = mpmath.log1p(mpmath.exp(100))
    assert c.value.mid == correctly_rounded(want, 50)
    assert c.value.mid.startswith("1.0000")


def test_sigmoid_of_exact_zero_stays_exact():
    """z1 = 1 - 1 = 0, sigma(0) = 1/2, z2 = (3/5)(1/2) - 3/10 = 0 exactly: every value is
    an exact rational, decided even on the 2-digit ties 1/8, 1/4 and 3/80."""
    chain = Chain(2, form="general", bias=True)
    c = certified_values(chain, [F(1), F(3, 5)], biases=[F(-1), F(-3, 10)], x=F(1),
                         digits=2, max_prec=256)
    want = {"F": F(1, 2), "dF/dw1": F(3, 80), "dF/dw2": F(1, 8), "dF/db1": F(3, 80),
            "dF/db2": F(1, 4), "dF/dx": F(3, 80)}
    for name, ball in c.balls():
        assert decimal_value(ball.mid) == decimal_round(want[name], 2), name
        assert ball.exact, name


# --- decimal_text: ties to even, the carry to the next decade, radii rounded up ------------

@pytest.mark.parametrize("value, digits", [
    (F(3, 20), 1), (F(11, 20), 1), (F(25, 100), 1), (F(35, 1000), 1), (F(-55, 10), 1),
    (F(96, 100), 1), (F(996, 100), 2), (F(-9995, 10**6), 3), (F(1, 3), 4),
    (F(1, 10), 2), (F(1000), 3), (F(10**40), 1), (F(1, 10**40), 5)])
def test_round_rational_ties_to_even_and_carries(value, digits):
    text = round_rational(value, digits)
    assert decimal_value(text) == decimal_round(value, digits)
    assert len(text.lstrip("-").split("e")[0].replace(".", "")) == digits


@pytest.mark.parametrize("value", [F(991, 10000), F(1, 3), F(9999, 10**8), F(12, 10**30), F(1, 10),
                                   F(10**40), F(1, 10**40)])
def test_radius_text_rounds_up_to_two_digits(value):
    text = radius_text(value)
    assert decimal_value(text) == decimal_round(value, 2, "upper")
    assert len(text.split("e")[0].replace(".", "")) == 2


@pytest.mark.parametrize("printed", ["1.1e+0", "9e-1", "1.0e+0"])
def test_printed_radius_covers_both_ends(printed):
    """[1 - 1/4, 1 + 1/4] around a printed value off its centre: the radius is the larger
    distance to an end, rounded up to 2 digits."""
    ball = arb(1, 0.25)
    lo, hi = arb_ends(ball)
    p = decimal_value(printed)
    assert decimal_value(printed_radius(ball, printed)) == decimal_round(
        max(hi - p, p - lo), 2, "upper")


def test_ball_text_digits_and_bounds():
    assert ball_text(arb(0), 3) == "0"
    assert ball_text(arb("nan"), 3) == "nan"
    # [0.1224, 0.1244] decides 2 digits (0.12), not 3
    assert ball_text(arb("0.1234 +/- 0.001"), 3) == "1.2e-1"
    lo, hi = arb_ends(arb(1, 3))  # [-2, 4]: no digit decided, |value| <= 4
    text = ball_text(arb(1, 3), 3)
    assert text.startswith("≤ ")
    assert decimal_value(text[2:]) == decimal_round(max(abs(lo), abs(hi)), 2, "upper")
