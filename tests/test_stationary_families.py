"""Families of stationary points decided by the global sign of f - f(family)."""

from __future__ import annotations

import pytest

from symgrad.analysis.stationary import analyse


@pytest.mark.parametrize(
    "expr,cls",
    [
        # f = x^2 y^2 >= 0 = f on both axes: every axis point is a (global) minimum
        ("x**2*y**2", "local minimum"),
        # f = (x^2+y^2-1)^2 >= 0, zero on the unit circle
        ("(x**2+y**2-1)**2", "local minimum"),
        # f = -(x-y)^2 <= 0, zero on the diagonal: maxima
        ("-(x-y)**2", "local maximum"),
        # x^2 (y^2+1): the second factor is positive everywhere
        ("x**2*(y**2+1)", "local minimum"),
    ],
)
def test_family_classified_by_global_sign(expr, cls):
    res = analyse(expr)
    assert res.families
    for fam in res.families:
        assert fam.verdict.cls == cls
        assert fam.verdict.strict is False


def test_sign_changing_family_stays_undecided():
    # f = x^2 y on x = 0: minima for y > 0, maxima for y < 0, degenerate at y = 0
    res = analyse("x**2*y")
    assert [f.verdict.cls for f in res.families] == ["degenerate: undecided"]


def test_isolated_maximum_beside_minimum_family():
    # (x^2+y^2-1)^2: the origin is a strict local maximum (Hessian -4 I)
    res = analyse("(x**2+y**2-1)**2")
    assert [p.verdict.cls for p in res.points] == ["local maximum"]
