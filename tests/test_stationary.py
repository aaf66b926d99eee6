"""Stationary points and classes against textbook / literature answers."""

import math

import pytest

from symgrad.analysis.stationary import analyse
from symgrad.analysis.stationary.decimals import decimal_value
from symgrad.base.errors import SymgradError


def classes(text, **kw):
    return [(tuple(decimal_value(c) for c in p.coords), p.verdict.cls, p.verdict.strict)
            for p in analyse(text, **kw).points]


@pytest.mark.parametrize("text,cls,strict", [
    ("x**2 + y**2", "local minimum", True),
    ("-(x**2) - y**2", "local maximum", True),
    ("x**2 - y**2", "saddle", None),
    ("x*y", "saddle", None),
    ("x**4 + y**4", "local minimum", True),          # degenerate, strict minimum
    ("x**3 - 3*x*y**2", "saddle", None),             # monkey saddle
    ("x**2 + y**4", "local minimum", True),
    ("x**2 - y**4", "saddle", None),
    ("x**2 + y**3", "saddle", None),
    ("x**2 - 3*x*y**2 + 2*y**4", "saddle", None),    # Peano: min along every line, no minimum
    ("x**3", "no extremum", None),
    ("x**4", "local minimum", True),
    ("-x**6", "local maximum", True),
    ("x**5", "no extremum", None),
])
def test_origin_textbook(text, cls, strict):
    got = classes(text)
    assert len(got) == 1
    assert all(abs(c) < 1e-30 for c in got[0][0])
    assert got[0][1:] == (cls, strict)


def test_undecided_is_honest():
    # x**2*y**2 + x**4*y**4 ...: the origin lies on a family; x**4 - y**4? decided saddle.
    got = classes("x**2 + y**6 - 2*x*y**3")  # (x - y**3)**2: family, never a wrong strict min
    assert all(c[1] != "local minimum" or c[2] is False for c in got)


HIMMELBLAU = "(x**2 + y - 11)**2 + (x + y**2 - 7)**2"
# literature (e.g. Himmelblau 1972; Wikipedia "Himmelblau's function")
MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
MAXIMUM = (-0.270845, -0.923039)


def _near(p, q, tol=1e-5):
    return all(abs(a - b) < tol for a, b in zip(p, q))


def test_himmelblau_literature():
    got = classes(HIMMELBLAU)
    assert len(got) == 9
    mins = [p for p, c, _ in got if c == "local minimum"]
    maxs = [p for p, c, _ in got if c == "local maximum"]
    sads = [p for p, c, _ in got if c == "saddle"]
    assert len(mins) == 4 and len(maxs) == 1 and len(sads) == 4
    for m in MINIMA:
        assert any(_near(m, p) for p in mins)
    assert _near(MAXIMUM, maxs[0])
    for p in analyse(HIMMELBLAU).points:
        if p.verdict.cls == "local minimum":
            assert p.value == "0"  # exactly zero at the four minima


def test_nine_point_quartic_and_invariants():
    text = "(x**2 - 1)**2 + (y**2 - 1)**2"
    got = {(round(p[0]), round(p[1])): c for p, c, _ in classes(text)}
    expected = {}
    for a in (-1, 0, 1):
        for b in (-1, 0, 1):
            kinds = {abs(a), abs(b)}
            expected[(a, b)] = ("local minimum" if kinds == {1} else
                                "local maximum" if kinds == {0} else "saddle")
    assert got == expected
    # -F swaps minima and maxima
    neg = {(round(p[0]), round(p[1])): c for p, c, _ in classes(f"-({text})")}
    swap = {"local minimum": "local maximum", "local maximum": "local minimum", "saddle": "saddle"}
    assert neg == {k: swap[v] for k, v in expected.items()}


def test_orthogonal_change_keeps_classes():
    # rotate by 90 degrees: (x, y) -> (-y, x), and by the 3-4-5 rotation
    rot = HIMMELBLAU.replace("x", "(-v)").replace("y", "(u)").replace("u", "x").replace("v", "y")
    a = sorted(c for _, c, _ in classes(HIMMELBLAU))
    b = sorted(c for _, c, _ in classes(rot))
    assert a == b
    quartic = "x**4 + y**4 - 4*x*y"  # minima at +-(1, 1), saddle at 0
    rot2 = quartic.replace("x", "((3*u - 4*v)/5)").replace("y", "((4*u + 3*v)/5)")
    rot2 = rot2.replace("u", "x").replace("v", "y")
    assert sorted(c for _, c, _ in classes(quartic)) == ["local minimum"] * 2 + ["saddle"]
    assert sorted(c for _, c, _ in classes(rot2)) == ["local minimum"] * 2 + ["saddle"]


def test_family_line():
    res = analyse("(x - y)**2")
    assert not res.points
    assert len(res.families) == 1
    fam = res.families[0]
    assert fam.dimension == 1 and "x = y" in fam.description
    assert fam.verdict.cls == "local minimum" and fam.verdict.strict is False


def test_algebraic_coordinates_exact():
    res = analyse("x**4/4 - x**2", digits=30)  # stationary at 0 and +-sqrt(2)
    coords = sorted(float(p.coords[0]) for p in res.points)
    assert [round(c, 12) for c in coords] == [round(-math.sqrt(2), 12), 0.0,
                                              round(math.sqrt(2), 12)]
    assert "sqrt(2)" in str(res.points[-1].exact[0])
    assert res.points[0].coords[0].startswith("-1.41421356237309504880168872421")  # rounded


def test_six_variable_quadratic():
    # blocks [[1,-1/2],[-1/2,1]], [[1,1/2],[1/2,1]], [[1,-3/2],[-3/2,1]] (times 2 in the Hessian):
    # eigenvalues 1/2, 3/2, 1/2, 3/2, -1/2, 5/2 -> inertia (5, 1, 0), a saddle
    text = "+".join(f"x{i}**2" for i in range(6)) + " - x0*x1 + x2*x3 - 3*x4*x5"
    res = analyse(text)
    assert len(res.points) == 1 and not res.families
    assert res.points[0].inertia == (5, 1, 0)
    assert res.points[0].verdict.cls == "saddle"
    # (x4 - x5)**2 part is singular: a family, never an isolated strict minimum
    sing = analyse("+".join(f"x{i}**2" for i in range(4)) + " + (x4 - x5)**2")
    assert not sing.points and sing.families[0].dimension == 1
    assert sing.families[0].verdict.strict is False


def test_numeric_path_sin_cos():
    res = analyse("sin(x)*cos(y)", box="-2,2", digits=15)
    assert res.path.startswith("numeric")
    pts = {(round(decimal_value(p.coords[0]), 9), round(decimal_value(p.coords[1]), 9)): p
           for p in res.points}
    h = round(math.pi / 2, 9)
    assert pts[(h, 0.0)].verdict.cls == "local maximum"
    assert pts[(-h, 0.0)].verdict.cls == "local minimum"
    assert pts[(0.0, h)].verdict.cls == "saddle"
    assert all(p.certified for p in res.points)


def test_numeric_degenerate_never_minimum():
    res = analyse("sin(x)**4", box="-1,1", digits=10)
    for p in res.points:
        assert p.verdict.cls != "local minimum"


def test_max_zero_cx_text_example():
    res = analyse("max(0, 1e-90*x)")
    assert [f.description for f in res.families] == ["x in (-∞, 0]"]
    assert res.families[0].verdict.cls == "local minimum"
    assert res.families[0].verdict.strict is False
    right = next(pc for pc in res.pieces if pc.interval == "(0, ∞)")
    assert str(right.derivative) == "1/" + "1" + "0" * 90
    assert "no stationary point" in right.note


@pytest.mark.parametrize("text,cls,strict", [
    ("abs(x)", "local minimum", True),
    ("-abs(x)", "local maximum", True),
    ("abs(x)**3", "local minimum", True),
    ("max(x, -x**3)", "local minimum", True),
    ("x + abs(x)/2", None, None),  # subdifferential [1/2, 3/2]: not stationary
])
def test_kinks(text, cls, strict):
    pts = analyse(text).points
    if cls is None:
        assert not pts
    else:
        assert [(p.verdict.cls, p.verdict.strict) for p in pts] == [(cls, strict)]


@pytest.mark.parametrize("kw,match", [
    (dict(expr="sin(x)"), "search box"),
    (dict(expr="sin(x)", box="1,1"), "empty box"),
    (dict(expr="sin(x)", box="-inf,1"), "unbounded"),
    (dict(expr="x+z", variables="x,y"), "unknown variable"),
    (dict(expr="x*y", box="x=0:1"), "no range"),
    (dict(expr="abs(x)+abs(y)+abs(x-1)+abs(y-1)+abs(x+y)+abs(x-y)+abs(x+2)"),
     "too many Max/Min/Abs/relu nodes"),
    (dict(expr="7"), "no variables"),
    (dict(expr="x**2", digits=0), "digits"),
])
def test_bad_input(kw, match):
    kw = dict(kw)  # a copy: the parameter dict is shared between runs in one process
    expr = kw.pop("expr")
    with pytest.raises(SymgradError, match=match):
        analyse(expr, **kw)


def test_cli(capsys):
    from symgrad.interfaces.cli import main

    assert main(["classify", "x**2 - y**2", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"class": "saddle"' in out
    assert main(["classify", "x**4", "--format", "latex"]) == 0
    assert "begin{align*}" in capsys.readouterr().out
    assert main(["classify", "__import__('os')"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refused" in err
