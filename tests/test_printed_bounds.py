"""Every printed bound is a bound: outward rounding, and the boxes of `hessian --small-gradient`.

* :func:`symgrad.present.numbers.format_bound` against Python's ``decimal`` module, whose
  division under ``ROUND_CEILING`` / ``ROUND_FLOOR`` is correctly rounded (an
  independent oracle), for exact rationals and for the ends of Arb balls; the same
  oracle (``ROUND_HALF_EVEN``, ``ROUND_DOWN``, ``ROUND_UP``) for
  :func:`~symgrad.present.numbers.round_fraction` and ``fraction_text``, and Python's
  ``repr`` (shortest round trip, David Gay's algorithm) for ``scalar_text``.
* Each box printed by ``symgrad hessian --small-gradient`` (depths 2-4, every
  activation) is sampled densely -- a grid, every corner, seeded random points --
  and F and grad F are evaluated at 50 digits by the recurrence of
  :mod:`tests.references` (not symgrad's): every sample must respect every printed bound.
"""

from __future__ import annotations

import decimal
import itertools
import json
import random
import re
from fractions import Fraction

import ml_dtypes
import mpmath
import numpy as np
import pytest
from flint import arb, ctx, fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from symgrad.interfaces.cli import main
from symgrad.present.numbers import format_bound, fraction_text, round_fraction, scalar_text
from tests.references import decimal_round, decimal_value, exact_fraction, gradient

# -- the helper against an independent oracle -------------------------------------------


def _value(text: str) -> Fraction:
    """A printed number (shortest form, checked) as an exact rational."""
    assert re.fullmatch(r"-?[0-9](\.[0-9]*[1-9])?e[+-][0-9]+|0", text), text
    return decimal_value(text)


_NEAR = st.sampled_from([Fraction(1), Fraction(99999, 100000), Fraction(999999999, 10**9),
                         Fraction(100001, 100000), Fraction(1, 4), Fraction(124370571, 10**15),
                         Fraction(5, 10**7), Fraction(2, 3)])


@settings(max_examples=400, deadline=None)
@given(num=st.integers(-(10**40), 10**40).filter(bool), den=st.integers(1, 10**40),
       scale=st.integers(-300, 300), near=_NEAR, use_near=st.booleans(),
       digits=st.integers(1, 30), direction=st.sampled_from(["upper", "lower"]))
def test_format_bound_matches_decimal_oracle(num, den, scale, near, use_near, digits,
                                             direction):
    v = (near if use_near else Fraction(num, den)) * Fraction(10) ** scale
    v = -v if (use_near and num < 0) else v
    got = _value(format_bound(v, direction, digits))
    assert got == decimal_round(v, digits, direction)
    assert (got >= v) if direction == "upper" else (got <= v)


@settings(max_examples=300, deadline=None)
@given(num=st.integers(-(10**40), 10**40).filter(bool), den=st.integers(1, 10**40),
       scale=st.integers(-300, 300), digits=st.integers(1, 30),
       rounding=st.sampled_from(["nearest", "toward", "away"]))
def test_round_fraction_matches_decimal_oracle(num, den, scale, digits, rounding):
    v = Fraction(num, den) * Fraction(10) ** scale
    text = round_fraction(v, digits, rounding)
    assert _value(text) == decimal_round(v, digits, rounding)
    if rounding == "nearest":
        assert fraction_text(v, digits) == text


def test_fraction_text_ties_go_to_even():
    assert fraction_text(Fraction(25, 10), 1) == "2e+0"  # 2.5 -> 2
    assert fraction_text(Fraction(35, 10), 1) == "4e+0"  # 3.5 -> 4
    assert fraction_text(Fraction(-9995, 10**7), 3) == "-1e-3"  # carried into a new digit
    with pytest.raises(ValueError, match="rounding"):
        round_fraction(Fraction(1), 3, "up")


@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False).filter(bool))
def test_scalar_text_is_the_shortest_round_trip(x):
    text = scalar_text(np.float64(x), "float64")
    assert float(_value(text)) == x  # reads back as x
    shortest = repr(x).lower().lstrip("-").split("e")[0].replace(".", "").strip("0")
    assert len(text.lstrip("-").split("e")[0].replace(".", "")) == len(shortest)
    for name in ("float32", "float16", "bfloat16"):
        dtype = ml_dtypes.bfloat16 if name == "bfloat16" else getattr(np, name)
        with np.errstate(all="ignore"):
            v = dtype(x)
        if np.isfinite(v) and v != 0:
            assert float(dtype(float(_value(scalar_text(v, name))))) == float(v)


def test_scalar_text_specials():
    assert [scalar_text(v, "float16") for v in (np.inf, -np.inf, np.nan, -0.0, 0.0)] == [
        "inf", "-inf", "nan", "-0", "0"]


@settings(max_examples=200, deadline=None)
@given(num=st.integers(-(10**30), 10**30).filter(bool), den=st.integers(1, 10**30),
       rad=st.integers(0, 10**6), exp=st.integers(-2000, 2000), digits=st.integers(1, 20),
       direction=st.sampled_from(["upper", "lower"]))
def test_format_bound_of_a_ball_uses_its_end(num, den, rad, exp, digits, direction):
    with ctx.workprec(200):
        ball = arb(fmpq(num, den)) * arb(2) ** exp + arb(0, arb(rad) * arb(2) ** (exp - 40))
        end = ball.upper() if direction == "upper" else ball.lower()
        exact_end = exact_fraction(end)
    got = _value(format_bound(ball, direction, digits))
    assert got == decimal_round(exact_end, digits, direction)


def test_format_bound_edges():
    assert format_bound(Fraction(0), "upper") == "0"
    assert format_bound(arb("nan"), "upper") == "inf"
    assert format_bound(arb("nan"), "lower") == "-inf"
    assert format_bound(Fraction(124370571, 10**15), "upper") == "1.2438e-7"  # the issue's case
    assert format_bound(Fraction(99999999, 10**8), "lower") == "9.9999e-1"  # never 1.0000
    assert format_bound(Fraction(99999999, 10**8), "upper") == "1e+0"
    with pytest.raises(ValueError):
        format_bound(Fraction(1), "nearest")
    with pytest.raises(ValueError):
        format_bound(Fraction(1), "upper", 0)
    # an astronomically small ball end (the arb path): still a bound, at most 1 unit off
    with ctx.workprec(64):
        tiny = arb(2) ** (-(10**7))
    with mpmath.workdps(60):
        truth = mpmath.mpf(2) ** (-(10**7))
        up, lo = format_bound(tiny, "upper"), format_bound(tiny, "lower")
        assert mpmath.mpf(up) >= truth >= mpmath.mpf(lo)
        unit = mpmath.mpf(10) ** (int(mpmath.floor(mpmath.log10(truth))) - 4)
        assert mpmath.mpf(up) - truth <= unit and truth - mpmath.mpf(lo) <= unit


def test_format_bound_of_an_astronomical_exponent_is_fast_and_right():
    """2**-(10**30): the exponent itself has 31 digits (10**e is never formed)."""
    import time

    x = arb((1, -(10**30)))  # exactly 2**-(10**30) (mantissa, exponent)
    assert x.is_exact()
    start = time.perf_counter()
    up, lo = format_bound(x, "upper"), format_bound(x, "lower")
    assert time.perf_counter() - start < 5
    with mpmath.workdps(80):
        log10 = -(10**30) * mpmath.log10(2)  # of the truth, exactly known
        e = int(mpmath.floor(log10))
        mant = mpmath.mpf(10) ** (log10 - e)
    for text in (up, lo):
        ex = text.partition("e")[2]
        assert int(ex) == e
    # the mantissas bracket the truth's (known to ~40 digits here), one unit apart at most
    m_up, m_lo = Fraction(up.partition("e")[0]), Fraction(lo.partition("e")[0])
    truth = exact_fraction(mant)
    assert m_lo <= truth - Fraction(1, 10**30) and truth + Fraction(1, 10**30) <= m_up
    assert m_up - m_lo <= Fraction(2, 10**4)


# -- the boxes of `hessian --small-gradient`, sampled -----------------------------------

_INFIMUM = {"sigmoid": 0, "softplus": 0, "tanh": -1}  # lim sigma(t), t -> -oo


def _chain(act: str, w: list) -> tuple:
    """F and grad F of the seed chain (o_1 = w_1, o_i = sigma(w_i o_(i-1))), by hand."""
    F, grad, _, _ = gradient(act, w)
    return F, grad


def _samples(center: Fraction, half: Fraction, n: int, seed: int) -> list[list]:
    lo, hi = center - half, center + half
    per = {2: 9, 3: 6, 4: 4}[n]
    axis = [lo + (hi - lo) * Fraction(k, per - 1) for k in range(per)]
    pts = [list(p) for p in itertools.product(axis, repeat=n)]  # includes every corner
    pts += [list(p) for p in itertools.product((lo, hi), repeat=n)]
    rng = random.Random(seed)
    pts += [[lo + (hi - lo) * Fraction(rng.randrange(10**6), 10**6) for _ in range(n)]
            for _ in range(40)]
    return pts


_LINE = re.compile(r"^  w = (\S+)·\(1, …, 1\) ± (\S+): \|\|grad F\|\| ≤ (\S+), "
                   r"F - inf F ≥ (\S+): (yes|no|undecided)$")


def _run(capsys, args: list[str]) -> str:
    assert main(["hessian", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("depth", [2, 3, 4])
def test_every_printed_box_bound_holds_at_dense_samples(capsys, act, depth):
    c = "1e-3"
    base = ["--depth", str(depth), "--activation", act, "--weights", "1",
            "--small-gradient", c, "--no-eigenvalues", "--digits", "5"]
    text = _run(capsys, base)
    doc = json.loads(_run(capsys, [*base, "--format", "json"]))["small_gradient"]
    assert doc["F_infimum"] == str(_INFIMUM[act]) and doc["F_infimum_attained"] is False
    assert f"(inf F = {_INFIMUM[act]}, approached but not attained" in text
    lines = [m.groups() for m in map(_LINE.match, text.splitlines()) if m]
    assert len(lines) == len(doc["regions"]) == 7
    inf_f = mpmath.mpf(_INFIMUM[act])
    cut, far = mpmath.mpf(c), mpmath.mpf(1) / 10
    checked = 0
    for (s, half, up_text, low_text, verdict), reg in zip(lines, doc["regions"], strict=True):
        # text and JSON print the same bounds
        assert (up_text, low_text) == (reg["gradient_norm_upper"], reg["F_minus_inf_lower"])
        assert verdict == {True: "yes", False: "no", None: "undecided"}[reg["qualifies"]]
        center, hw = Fraction(s), Fraction(half)
        assert reg["center"] == [s] * depth and Fraction(reg["halfwidth"]) == hw
        # the printed bounds as exact rationals (mpf("1.1983") would round them)
        upper = None if up_text == "inf" else _value(up_text)
        lower = None if low_text == "-inf" else _value(low_text)
        with mpmath.workdps(50):
            for p in _samples(center, hw, depth, seed=int(center) * 10 + depth):
                w = [mpmath.mpf(x.numerator) / x.denominator for x in p]
                f, g = _chain(act, w)
                norm = mpmath.sqrt(mpmath.fsum(v * v for v in g))
                where = (act, depth, s, p, norm, f, up_text, low_text)
                assert upper is None or exact_fraction(norm) <= upper, where
                assert lower is None or exact_fraction(f - inf_f) >= lower, where
                if verdict == "yes":  # proved on the box: holds at every sample
                    assert norm < cut and f - inf_f > far and g[-1] != 0
                checked += 1
            if verdict == "no":  # refuted at the centre
                f, g = _chain(act, [mpmath.mpf(center.numerator) / center.denominator] * depth)
                norm = mpmath.sqrt(mpmath.fsum(v * v for v in g))
                assert norm >= cut or f - inf_f <= far
    assert checked > 7 * 40
    if act != "softplus":  # sigmoid/tanh: far boxes have tiny gradients, proved
        assert any(r["qualifies"] is True for r in doc["regions"])


def test_the_issue_example_box():
    """Sigmoid, depth 3, box 16*(1,1,1) +/- 1/10: the corner 15.9 gives 1.24370571e-7."""
    from symgrad.analysis.stationary.chain import small_gradient_regions
    from symgrad.core.chain import Chain

    reg = next(r for r in small_gradient_regions(Chain(3), Fraction(1, 1000))
               if r.center[0] == 16)
    with mpmath.workdps(50):
        _, g = _chain("sigmoid", [mpmath.mpf("15.9")] * 3)
        norm = mpmath.sqrt(mpmath.fsum(v * v for v in g))
        assert Fraction(12437, 10**11) < exact_fraction(norm) <= _value(reg.grad_norm_upper)
        f, _ = _chain("sigmoid", [mpmath.mpf("15.9")] * 3)
        # "F - inf F >= 1.0000" was printed (false)
        assert f < 1 and _value(reg.gap_lower) <= exact_fraction(f)
    assert reg.qualifies is True and reg.stationary_free


# -- `classify`: "certified unique root within +/- r" of the *printed* point -----------


@pytest.mark.parametrize("digits", [8, 20])
def test_classify_root_radius_covers_the_printed_point(digits):
    """The roots of 4x^3 - 6x + 1 and sinh(y) = 1, found here by mpmath at 60 digits, lie
    within the printed radius of the printed coordinates (rounding of the midpoint included:
    the enclosure's own radius is far smaller than that rounding)."""
    from symgrad.analysis.stationary import analyse

    res = analyse("x**4 - 3*x**2 + x + cosh(y) - y", box="-3,3", digits=digits)
    assert len(res.points) == 3
    with mpmath.workdps(60):
        y = mpmath.asinh(1)
        for p in res.points:
            assert p.certified and p.radius is not None
            x = mpmath.findroot(lambda t: 4 * t**3 - 6 * t + 1, mpmath.mpf(p.coords[0]))
            r = _value(p.radius)
            for truth, shown in ((x, p.coords[0]), (y, p.coords[1])):
                assert abs(exact_fraction(truth) - decimal_value(shown)) <= r, (shown, r)


# -- `verify`: the bound rows print the bound rounded up ----------------------------------


def test_verify_bound_rows_print_upper_bounds():
    """Each row "L=n: |dF/dw1| = g <= b" of the battery: b is at least the exact bound
    prod_{i>=2} |w_i| * sup^(L-1) (sup = 1/4, 1, 1), computed here with Fractions, and
    at most one unit in its 4th digit above it."""
    from symgrad.analysis.verify.battery import run_battery
    from symgrad.numeric.weights import parse_weights

    sup = {"sigmoid": Fraction(1, 4), "tanh": Fraction(1), "softplus": Fraction(1)}
    rep = run_battery(backends=(), depths=(2, 5, 10, 30), activations=tuple(sup),
                      groups=("bounds",))
    rows = [c for c in rep.checks if c.name.endswith("sup^(L-1)")]
    assert len(rows) == 3
    for check in rows:
        act = check.name.split(":")[0]
        for line in check.data["rows"]:
            depth, shown = re.fullmatch(r"L=([0-9]+): \|dF/dw1\| = \S+ ≤ (\S+)", line).groups()
            w = parse_weights("normal:0,1,seed=0", int(depth))
            exact = sup[act] ** (int(depth) - 1)
            for v in w[1:]:
                exact *= abs(v)
            b = decimal_value(shown)
            assert exact <= b, (act, line, float(exact))
            assert b - exact <= Fraction(10) ** (decimal.Decimal(shown).adjusted() - 3)


# -- `check`: "lhs - rhs in [v ± r] (certified enclosure)" holds for the printed v ------


@pytest.mark.parametrize(("claim", "truth"), [
    ("exp(1) > 2.718281828459045235360287471352",
     lambda: mpmath.e - mpmath.mpf("2.718281828459045235360287471352")),
    ("pi < 3.1415926535897932384626433832795028842",
     lambda: mpmath.pi - mpmath.mpf("3.1415926535897932384626433832795028842")),
    ("log(2) > 0.6931471805599452", lambda: mpmath.log(2) - mpmath.mpf("0.6931471805599452")),
])
def test_check_enclosure_contains_the_truth(claim, truth):
    """A 15-digit midpoint of a 256-bit ball is off by far more than the ball's radius: the
    printed radius must cover that rounding (the truth by mpmath at 80 digits, exact
    decimal input)."""
    from symgrad.analysis.claims import check_claim

    res = check_claim(claim)
    m = re.search(r"lhs - rhs in \[(\S+) ± (\S+)\]", res.evidence)
    assert res.verdict == "TRUE" and m, res.evidence
    with mpmath.workdps(80):
        t = exact_fraction(truth())
    v, r = decimal_value(m.group(1)), decimal_value(m.group(2))
    assert v - r <= t <= v + r, (res.evidence, float(t))
