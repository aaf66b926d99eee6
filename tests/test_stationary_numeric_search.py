"""The numeric path finds small basins: a vectorised float64 Newton phase seeds mpmath."""

from __future__ import annotations

import math

from symgrad.analysis.stationary import analyse


def test_gaussian_times_x_has_both_extrema():
    # f = x exp(-x^2 - y^2): grad = 0 at (+-1/sqrt(2), 0) (textbook), f = +-1/sqrt(2e);
    # the maximum at x > 0, the minimum at x < 0, both strict; no other stationary point
    res = analyse("x*exp(-x**2-y**2)", box="-3,3")
    got = sorted((float(p.coords[0]), p.verdict.cls) for p in res.points)
    assert [c for _, c in got] == ["local minimum", "local maximum"]
    for x, _ in got:
        assert abs(abs(x) - 1 / math.sqrt(2)) < 1e-15
    assert all(p.certified for p in res.points)


def test_product_of_sines_in_a_box():
    # sin x sin y on [-2, 2]^2: (0, 0) saddle, (+-pi/2, +-pi/2) extrema (by hand)
    res = analyse("sin(x)*sin(y)", box="-2,2")
    classes = sorted(p.verdict.cls for p in res.points)
    assert classes == ["local maximum"] * 2 + ["local minimum"] * 2 + ["saddle"]
