"""Non-smooth functions of several variables: Clarke-stationary points and their classes.

Every expected answer is derived by hand in the comments; in addition, the
classes of isolated points are cross-checked by *exact* evaluation of f at
rational points on small circles around the point (an independent method:
plain substitution, no subdifferentials).
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
import sympy

from symgrad.analysis.stationary.analyse import analyse
from symgrad.analysis.stationary.nonsmooth_multi import curvature, zero_in_hull
from symgrad.base.errors import SymgradError
from symgrad.core.parsing import parse_expression

# rational unit vectors (Pythagorean triples) in several directions
_Q = sympy.Rational
_DIRS2 = [(1, 0), (0, 1), (-1, 0), (0, -1), (_Q(3, 5), _Q(4, 5)), (_Q(-3, 5), _Q(4, 5)),
          (_Q(3, 5), _Q(-4, 5)), (_Q(-4, 5), _Q(-3, 5)), (_Q(5, 13), _Q(12, 13)),
          (_Q(-12, 13), _Q(5, 13))]
_RADIUS = _Q(1, 1000)


def _around(expr: str, point, radius=_RADIUS):
    """Exact values f(p + r*d) - f(p) on a circle (independent of the method under test)."""
    f = parse_expression(expr)
    xs = sorted(f.free_symbols, key=str)
    at = dict(zip(xs, point))
    f0 = f.subs(at)
    return [sympy.simplify(f.subs({x: at[x] + radius * di for x, di in zip(xs, d)}) - f0)
            for d in _DIRS2]


def _labels(a):
    return [(tuple(p.exact), p.verdict.label) for p in a.points]


def test_abs_plus_abs_strict_minimum():
    # |x| + |y| >= 0 with equality only at the origin: strict (global) minimum there.
    # Pieces +-x +-y have gradients (+-1, +-1) != 0: no other stationary point.
    a = analyse("Abs(x) + Abs(y)")
    assert _labels(a) == [((0, 0), "local minimum (strict)")]
    assert a.families == []
    assert a.points[0].kind == "kink" and a.points[0].extra["clarke_stationary"] is True
    assert all(v > 0 for v in _around("Abs(x) + Abs(y)", (0, 0)))


def test_max_has_no_stationary_point():
    # Max(x, y): pieces x, y have gradients (1,0), (0,1); on the kink x = y the
    # Clarke subdifferential is the segment between them, which misses 0.
    a = analyse("Max(x, y)")
    assert a.points == [] and a.families == []


def test_abs_minus_abs_is_stationary_but_no_extremum():
    # At 0 the active gradients are (+-1, +-1): 0 = average of all four, so 0 is
    # Clarke stationary; f(t, 0) = |t| > 0 and f(0, t) = -|t| < 0: no extremum.
    a = analyse("Abs(x) - Abs(y)")
    assert _labels(a) == [((0, 0), "no extremum")]
    vals = _around("Abs(x) - Abs(y)", (0, 0))
    assert any(v > 0 for v in vals) and any(v < 0 for v in vals)


def test_abs_plus_shifted_square():
    # |x| + (y - 1)**2 >= 0, equal to 0 only at (0, 1): strict minimum.
    a = analyse("Abs(x) + (y - 1)**2")
    assert _labels(a) == [((0, 1), "local minimum (strict)")]
    assert a.families == []
    assert all(v > 0 for v in _around("Abs(x) + (y - 1)**2", (0, 1)))


def test_relu_plus_square_family():
    # relu(x) + y**2 = y**2 for x <= 0 (minimum value 0 on the half line y = 0,
    # x <= 0) and >= x > 0 for x > 0: a family of non-strict minima {x <= 0, y = 0};
    # no isolated stationary point (on x > 0 the gradient is (1, 2y) != 0).
    a = analyse("relu(x) + y**2")
    assert a.points == []
    assert len(a.families) == 1
    fam = a.families[0]
    assert fam.equations == ("y = 0",)
    assert fam.description.endswith("x in (-∞, 0]")
    assert fam.verdict.label == "local minimum (non-strict)"


def test_max_of_squares_strict_minimum():
    # Max(x**2, y**2) >= (x**2 + y**2)/2 > 0 away from 0: strict minimum at 0 only
    # (the piece x**2 has critical line x = 0, where y**2 > x**2, i.e. outside its region).
    a = analyse("Max(x**2, y**2)")
    assert _labels(a) == [((0, 0), "local minimum (strict)")]
    assert a.families == []


def test_min_of_convex_pieces():
    # f = Min(x**2 + 1, y**2).
    # * piece y**2 (region y**2 < x**2 + 1): critical line y = 0, inside for every x;
    #   f >= 0 = f there: non-strict minima, the whole line.
    # * piece x**2 + 1 (region x**2 + 1 < y**2): critical line x = 0 with |y| > 1;
    #   locally f = x**2 + 1 >= 1: non-strict minima.
    # * kinks y**2 = x**2 + 1: gradients (2x, 0), (0, 2y) with y != 0; 0 in the hull
    #   only with weight 1 on (2x, 0) and x = 0: points (0, +-1).  There
    #   f(0, 1 - t) = (1 - t)**2 < 1 and f(t, 1 + t) = min(1 + t**2, (1 + t)**2) = 1 + t**2 > 1:
    #   no extremum (and symmetrically at (0, -1)).
    a = analyse("Min(x**2 + 1, y**2)")
    assert _labels(a) == [((0, -1), "no extremum"), ((0, 1), "no extremum")]
    fams = {f.equations: f for f in a.families}
    assert set(fams) == {("y = 0",), ("x = 0",)}
    assert fams[("y = 0",)].description.endswith("x in (-∞, ∞)")
    assert fams[("x = 0",)].description.endswith("y in (-∞, -1) ∪ (1, ∞)")
    assert all(f.verdict.label == "local minimum (non-strict)" for f in a.families)
    for p in ((0, 1), (0, -1)):
        vals = _around("Min(x**2 + 1, y**2)", p)
        assert any(v > 0 for v in vals) and any(v < 0 for v in vals)


def test_abs_of_difference_is_a_line_of_minima():
    # |x - y| >= 0 with equality exactly on the line x = y: non-strict minima.
    a = analyse("Abs(x - y)")
    assert a.points == []
    assert [(f.equations, f.verdict.label) for f in a.families] == [
        (("x = y",), "local minimum (non-strict)")]


def test_three_pieces_and_three_variables():
    # Max(x, y, -x - y) >= (x + y + (-x - y))/3 = 0, with equality iff all three
    # are equal, i.e. x = y = 0: strict minimum.
    assert _labels(analyse("Max(x, y, -x - y)")) == [((0, 0), "local minimum (strict)")]
    # |x| + |y| + |z|: strict minimum at the origin only.
    a = analyse("Abs(x) + Abs(y) + Abs(z)")
    assert _labels(a) == [((0, 0, 0), "local minimum (strict)")]


def test_smooth_interior_point_of_a_piece():
    # Abs(x) + y**2 - 2*y: on x != 0 the gradient (+-1, 2y - 2) never vanishes; the
    # only stationary point is the kink (0, 1), a strict minimum (f = |x| + (y-1)**2 - 1).
    # Max(x**2 + y**2 - 2*x, -5): piece (x-1)**2 + y**2 - 1 has a critical point (1, 0)
    # with value -1 > -5, i.e. strictly inside its region: smooth strict minimum; the
    # constant piece -5 lives on the disc-complement where (x-1)**2 + y**2 < -4: empty.
    assert _labels(analyse("Abs(x) + y**2 - 2*y")) == [((0, 1), "local minimum (strict)")]
    a = analyse("Max(x**2 + y**2 - 2*x, -5)")
    assert _labels(a) == [((1, 0), "local minimum (strict)")]
    assert a.points[0].kind == "exact"


@pytest.mark.parametrize("expr", ["Abs(x) + Abs(y)", "Abs(x) - Abs(y)", "relu(x) + y**2",
                                  "Min(x**2 + 1, y**2)", "Abs(x) + (y - 1)**2"])
def test_negation_swaps_minima_and_maxima(expr):
    # -F has the same stationary points as F; minima and maxima swap, strictness and
    # "no extremum" are kept (metamorphic check, no expected value from the code).
    swap = {"local minimum": "local maximum", "local maximum": "local minimum"}
    a, b = analyse(expr), analyse(f"-({expr})")
    assert [p.exact for p in a.points] == [p.exact for p in b.points]
    for p, q in zip(a.points, b.points):
        assert swap.get(p.verdict.cls, p.verdict.cls) == q.verdict.cls
        assert p.verdict.strict == q.verdict.strict
    assert sorted((f.description, swap.get(f.verdict.cls, f.verdict.cls)) for f in a.families) \
        == sorted((f.description, f.verdict.cls) for f in b.families)


def test_zero_in_hull_and_curvature_helpers():
    # hand: (1,0),(0,1) lie in the half plane x + y > 0; (1,0),(-1,0),(0,1) contain 0
    # only on the boundary (weights 1/2, 1/2, 0); (2,1),(-1,1),(-1,-2) surround 0
    # (weights 1/3 each sum to (0, 0)); (2,1),(-1,1),(1,3) all have y > 0.
    assert zero_in_hull([(1, 0), (0, 1)]) is False
    assert zero_in_hull([(1, 0), (-1, 0), (0, 1)]) is True
    assert zero_in_hull([(2, 1), (-1, 1), (-1, -2)]) is True
    assert zero_in_hull([(2, 1), (-1, 1), (1, 3)]) is False
    x, y = sympy.symbols("x y", real=True)
    assert curvature(sympy.Abs(x) + sympy.Max(x**2, y), (x, y)) == 1
    assert curvature(-sympy.Abs(x - y) + sympy.Min(-y**2, x), (x, y)) == -1
    assert curvature(sympy.Abs(x) - sympy.Abs(y), (x, y)) is None
    assert curvature(sympy.Max(x * y, 0), (x, y)) is None  # x*y is indefinite


@pytest.mark.parametrize("expr,match", [
    ("Abs(x) + Abs(y) + Abs(x - 1) + Abs(y - 1) + Abs(x + y) + Abs(x - y) + Abs(x + 2)",
     "too many Max/Min/Abs/relu nodes"),
    ("Max(sin(x), y)", "polynomial pieces"),
])
def test_bad_input(expr, match):
    with pytest.raises(SymgradError, match=match):
        analyse(expr)


def test_cli_subprocess():
    exprs = ["Abs(x)+Abs(y)", "Abs(x)-Abs(y)",
             "Abs(x)+Abs(y)+Abs(x-1)+Abs(y-1)+Abs(x+y)+Abs(x-y)+Abs(x+2)"]
    code = ("import sys\nfrom symgrad.interfaces.cli import main\n"
            f"for e in {exprs!r}:\n"
            "    print('rc', main(['classify', e]), flush=True)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    text = out.stdout
    assert "local minimum (strict)" in text and "no extremum" in text
    assert text.count("rc 0") == 2 and "rc 2" in text
    err = out.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("symgrad: error: too many Max/Min/Abs/relu")
    assert "Traceback" not in out.stderr


def test_exhaustive_sign_check_on_grid():
    # Independent check of |x| + |y| - |x + y| (>= 0 by the triangle inequality, = 0 on
    # the closed quadrants x*y >= 0): every point there is a non-strict minimum.  The
    # method must not call the origin a strict minimum.
    a = analyse("Abs(x) + Abs(y) - Abs(x + y)")
    for p in a.points:
        assert p.verdict.label != "local minimum (strict)"
    f = parse_expression("Abs(x) + Abs(y) - Abs(x + y)")
    xs = sorted(f.free_symbols, key=str)
    grid = [sympy.Rational(k, 4) for k in range(-4, 5)]
    assert all(f.subs(dict(zip(xs, q))) >= 0 for q in itertools.product(grid, grid))


def test_non_convex_kinks():
    # relu(x)*relu(y) >= 0 everywhere and = 0 on the closed third quadrant, which
    # touches the origin: non-strict minimum at 0 (f is neither convex nor concave).
    a = analyse("Max(x, 0)*Max(y, 0)")
    assert _labels(a) == [((0, 0), "local minimum (non-strict)")]
    # |x|*y: f(t, t) = t**2 > 0 and f(t, -t) = -t**2 < 0: the origin is no extremum.
    a = analyse("Abs(x)*y")
    assert _labels(a) == [((0, 0), "no extremum")]
    vals = _around("Abs(x)*y", (0, 0))
    assert any(v > 0 for v in vals) and any(v < 0 for v in vals)


def test_empty_regions_are_not_reported():
    # Max(x, y) - Min(x, y) = |x - y|: the selection giving the piece 0 needs x >= y and
    # y >= x at once, i.e. the line x = y, where f = 0 is the minimum: one family of
    # non-strict minima, and no two-dimensional "constant" family.
    a = analyse("Max(x, y) - Min(x, y)")
    assert a.points == []
    assert [(f.equations, f.verdict.label) for f in a.families] == [
        (("x = y",), "local minimum (non-strict)")]
    # relu(x) + relu(y) = 0 exactly on the closed third quadrant (f > 0 elsewhere): the
    # open quadrant is a constant family, its two edges are non-strict minima.
    a = analyse("relu(x) + relu(y)")
    assert a.points == []
    labels = sorted((f.description, f.verdict.label) for f in a.families)
    assert labels == [("every point where (-x > 0 and -y > 0)", "constant"),
                      ("x = 0, y in (-∞, 0]", "local minimum (non-strict)"),
                      ("y = 0, x in (-∞, 0]", "local minimum (non-strict)")]
