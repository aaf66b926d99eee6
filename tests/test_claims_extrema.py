"""One-variable claims decided by the extrema of the difference (symgrad.analysis.claims.extrema).

Every expected verdict comes from mathematics (the reason is in the comment), and
every FALSE verdict's witness is re-checked here with mpmath at 60 digits, outside
symgrad's own arithmetic.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
import sympy
from flint import arb

from symgrad.analysis.claims import check_claim
from symgrad.analysis.claims.extrema import METHOD_BISECT, METHOD_EXACT, decide_extrema
from symgrad.analysis.claims.pieces import BallFn, point_ball, simplest_between, split
from symgrad.core.parsing import make_symbol, parse_expression
from symgrad.interfaces.cli import main

x = make_symbol("x")


def _witness_value(claim: str, witness: str) -> mpmath.mpf:
    """lhs - rhs at the witness, by mpmath at 60 digits (SymPy's evalf of the parsed text)."""
    lhs, rhs = claim.split(next(op for op in ("<=", ">=", "<", ">") if op in claim))
    point = parse_expression(witness.split(" ")[0])
    diff = parse_expression(lhs) - parse_expression(rhs)
    with mpmath.workdps(60):
        return mpmath.mpf(str(sympy.N(diff.xreplace({x: point}), 60)))


# -- the issue's examples ------------------------------------------------------------------

def test_issue_abs_and_max_claims_are_true():
    # |tanh x| < 1 for every real x; max(x, 0) >= x by definition; for c = 1e-90 > 0,
    # max(0, c x) = c max(0, x) <= c |x|
    for claim in ("abs(tanh(x)) < 1", "Max(x, 0) >= x", "Max(0, 10**-90*x) <= 10**-90*abs(x)"):
        r = check_claim(claim)
        assert r.verdict == "TRUE", (claim, r)
        assert r.method.startswith("extrema")


def test_issue_sin_below_099999_is_false_at_pi_half():
    # sin(pi/2) = 1 > 0.99999
    r = check_claim("sin(x) <= 0.99999")
    assert r.verdict == "FALSE" and r.method == METHOD_EXACT
    assert r.counterexample == {"x": "pi/2"}
    assert "-1/100000 exactly" in r.evidence  # 0.99999 - sin(pi/2), exact
    assert _witness_value("sin(x) <= 0.99999", "pi/2") > 0


def test_issue_x_tanh_x_nonnegative_with_exact_zero():
    # x and tanh(x) have the same sign; the minimum 0 at x = 0 is exact, and decided
    # exactly (SymPy), not by a ball that contains 0
    r = check_claim("x*tanh(x) >= 0")
    assert r.verdict == "TRUE" and r.method == METHOD_BISECT
    assert "0 exactly" in r.evidence
    # with > the exact zero at 0 makes it FALSE
    assert check_claim("x*tanh(x) > 0").verdict == "FALSE"


def test_issue_cosh_above_taylor_quadratic():
    # cosh x - 1 - x^2/2 = sum_{k>=2} x^(2k)/(2k)! >= 0, zero (to fourth order) at x = 0
    r = check_claim("cosh(x) >= 1 + x**2/2")
    assert r.verdict == "TRUE" and r.method.startswith("extrema")
    assert "0 exactly" in r.evidence


def test_issue_quartic_false_at_three_quarters():
    # x^4 - x^3 has its minimum -27/256 at x = 3/4 (derivative x^2 (4x - 3)): equality
    r = check_claim("x**4 - x**3 > -27/256")
    assert r.verdict == "FALSE" and r.method == METHOD_EXACT
    assert r.counterexample == {"x": "3/4"}
    assert "= 0 exactly" in r.evidence
    assert check_claim("x**4 - x**3 >= -27/256").verdict == "TRUE"


# -- more claims, each category -----------------------------------------------------------

@pytest.mark.parametrize("claim", [
    "sin(x) + cos(x) <= sqrt(2)",            # = sqrt(2) sin(x + pi/4); equality at pi/4
    "Max(sin(x), cos(x)) >= -sqrt(2)/2",      # both equal -sqrt(2)/2 at 5 pi/4 (periodic, max)
    "abs(x - 1) + abs(x + 1) >= 2",           # triangle inequality, equality on [-1, 1]
    "Min(x, 1) <= 1",                         # by definition
    "sqrt(x**2 + 1) - abs(x) > 0",            # = 1/(sqrt(x^2+1) + |x|) > 0; limit 0 not attained
    "log(1 + x**2) <= x**2",                  # log(1 + u) <= u for u >= 0
    "x**2/(1 + x**4) <= 1/2",                 # 2 x^2 <= 1 + x^4 (AM-GM); equality at x = +-1
    "x**6 - 3*x**2 + 2 >= 0",                 # = (x^2 - 1)^2 (x^2 + 2); zeros at +-1 exactly
    "sigmoid(x)*(1 - sigmoid(x)) <= 1/4",     # p (1 - p) <= 1/4, equality at x = 0
    "softplus(x) >= relu(x)",                 # log(1 + e^x) > max(0, x)
    "x*sin(x) <= x**2",                       # x (x - sin x) >= 0 since |sin x| <= |x|
    "cos(x) >= 1 - x**2/2",                   # Taylor with remainder; equality only at 0
    "abs(x) >= sin(x)",                       # |sin x| <= |x|
    "sin(x**2) <= 1",                         # not periodic, attains 1 at sqrt(pi/2)
])
def test_true_claims(claim):
    r = check_claim(claim)
    assert r.verdict == "TRUE", r


@pytest.mark.parametrize("claim", [
    "sin(x) < 1",                             # sin(pi/2) = 1
    "sin(x) + cos(x) < sqrt(2)",              # equality at pi/4
    "x**4 - x**3 >= -0.1",                    # minimum -27/256 = -0.10546875 at 3/4
    "x**6 - x + 1/2 >= 0",                    # at x = 6^(-1/5) ~ 0.6988 the value is ~ -0.0824
    "abs(x - 1/3) > 0",                       # 0 at x = 1/3 (a non-smooth point)
    "Max(sin(x), cos(x)) > -sqrt(2)/2",       # equality at 5 pi/4
    "x**2/(1 + x**4) < 1/2",                  # equality at x = 1
    "x**4 - x**3 >= -27/256 + 10**-30",       # the minimum misses by 1e-30
    "sin(x) <= 1 - 10**-40",                  # sin(pi/2) = 1 exceeds it by 1e-40
])
def test_false_claims_with_checked_witness(claim):
    r = check_claim(claim)
    assert r.verdict == "FALSE", r
    assert r.counterexample, r
    value = _witness_value(claim, r.counterexample["x"])
    need_strict = (">" in claim and ">=" not in claim) or ("<" in claim and "<=" not in claim)
    upward = ">" in claim
    holds = (value > 0 if need_strict else value >= 0) if upward else (
        value < 0 if need_strict else value <= 0)
    assert not holds, (claim, r.counterexample, value)


@pytest.mark.parametrize("claim", [
    "relu(x) - relu(-x) == x",                # max(0, x) - max(0, -x) = x on both sides of 0
    "abs(x) == Max(x, -x)",                   # the definition of |x|
    "Max(x, 1/3) + Min(x, 1/3) == x + 1/3",   # max + min = sum
])
def test_identities_with_kinks(claim):
    # lhs - rhs >= 0 and rhs - lhs >= 0 everywhere, each by the extrema
    r = check_claim(claim)
    assert r.verdict == "TRUE" and r.method.startswith("extrema"), r


@pytest.mark.parametrize("claim, witness_near", [
    # a narrow dip: x (x - 1/30) < -1/10000 only for x in (0.0033, 0.030); no sample there
    ("x*tanh(x - 1/30) + 1/10000 >= 0", (0.0033, 0.030)),
    # a tangency at 1/7 (value 0 exactly, to second order): the strict claim fails there
    ("(x - 1/7)*tanh(x - 1/7) > 0", (1 / 7, 1 / 7)),
    # cosh(10 (x - 7/3)) < 2 - 1/100 only for |x - 7/3| < 0.132; beyond R = 1 the ladder must
    # not be taken as a proof (it fails at R = 1: the derivative there is negative)
    ("cosh(10*(x - 7/3)) + tanh(x)/100 >= 2", (2.2, 2.47)),
])
def test_false_by_bisection(claim, witness_near):
    r = check_claim(claim)
    assert r.verdict == "FALSE" and r.method == METHOD_BISECT, r
    point = float(sympy.N(parse_expression(r.counterexample["x"])))
    assert witness_near[0] - 1e-12 <= point <= witness_near[1] + 1e-12
    value = _witness_value(claim, r.counterexample["x"])
    assert value < 0 or (value == 0 and ">" in claim and ">=" not in claim)


def test_tangency_away_from_zero_is_true():
    # (x - 1/7) tanh(x - 1/7) >= 0 with its exact zero at 1/7, found as an exact critical point
    r = check_claim("(x - 1/7)*tanh(x - 1/7) >= 0")
    assert r.verdict == "TRUE" and r.method == METHOD_BISECT and "1/7" in r.evidence


def test_not_equal_claims():
    # sigmoid(|x|) >= 1/2 > 1/4: never equal; sin(pi/6) = 1/2 exactly
    r = check_claim("sigmoid(abs(x)) != 1/4")
    assert r.verdict == "TRUE" and r.method.startswith("extrema")
    r = check_claim("sin(x) != 1/2")
    assert r.verdict == "FALSE"
    assert sympy.sin(parse_expression(r.counterexample["x"])) == sympy.Rational(1, 2)


def test_near_misses_are_not_called_false():
    # the minimum -27/256 clears -27/256 - 1e-30 by 1e-30; x tanh x >= 0 > -1e-100
    assert check_claim("x**4 - x**3 >= -27/256 - 10**-30").verdict == "TRUE"
    assert check_claim("x*tanh(x) >= -10**-100").verdict == "TRUE"


def test_undefined_somewhere_stays_undecided():
    # log(x) is undefined for x <= 0: "for all real x" cannot be decided TRUE
    r = check_claim("log(x) <= x - 1")
    assert r.verdict == "UNDECIDED"
    assert "undefined" in r.evidence


def test_decide_extrema_directly():
    out, why = decide_extrema(parse_expression("x**2 - 2*x + 1"), x, strict=False)
    assert out.verdict == "TRUE" and why == ""
    out, _ = decide_extrema(parse_expression("x**2 - 2*x + 1"), x, strict=True)
    assert out.verdict == "FALSE" and out.witness == {"x": "1"}  # (x - 1)^2 = 0 at 1
    out, why = decide_extrema(parse_expression("log(x)"), x, strict=False)
    assert out is None and "undefined" in why


# -- building blocks -----------------------------------------------------------------------

def test_simplest_between():
    assert simplest_between(Fraction(7, 10), Fraction(4, 5)) == Fraction(3, 4)
    assert simplest_between(Fraction(-1, 3), Fraction(1, 7)) == 0
    assert simplest_between(Fraction(2), Fraction(5, 2)) == Fraction(7, 3)
    assert simplest_between(Fraction(-5, 2), Fraction(-2)) == Fraction(-7, 3)
    assert simplest_between(None, Fraction(-3)) == -4
    assert simplest_between(Fraction(5, 2), None) == 3
    lo, hi = Fraction(314159, 100000), Fraction(314160, 100000)
    q = simplest_between(lo, hi)
    assert lo < q < hi and q.denominator <= 113  # 355/113 is not in it; something simpler is


def test_point_balls_enclose_exact_numbers():
    root = sympy.CRootOf(x**5 - x + 1, 0)  # the only real root, ~ -1.1673039782614187
    b = point_ball(root, 128)
    with mpmath.workdps(60):
        ref = mpmath.findroot(lambda t: t**5 - t + 1, -1.17)
        assert abs(mpmath.mpf(b.mid().str(40, radius=False)) - ref) < mpmath.mpf(10) ** -35
    assert b.rad() < arb("1e-35")
    c = point_ball(sympy.pi / 2, 64)
    assert abs(mpmath.mpf(c.mid().str(30, radius=False)) - mpmath.pi / 2) < 1e-15
    assert c.rad() < arb("1e-17")
    # a real number written with I (as solveset sometimes returns them)
    w = sympy.I * (sympy.I - 1) + sympy.I  # = -1
    assert point_ball(w, 64).contains(-1)


def test_ballfn_encloses_range_of_interval():
    f = BallFn(parse_expression("x*tanh(x) + abs(x - 1/2)"), x)
    box = arb("0.5 +/- 0.5")  # [0, 1]
    v = f(box, 64)
    for k in range(11):
        t = mpmath.mpf(k) / 10
        assert v.contains(arb(str(t * mpmath.tanh(t) + abs(t - mpmath.mpf(1) / 2))))


def test_ballfn_integer_powers_of_balls_around_zero():
    # python-flint's ** gives nan for a ball containing 0; BallFn multiplies instead
    f = BallFn(parse_expression("(x - 1/7)**2 + (x - 1/7)**3"), x)
    v = f(arb("0.142857142857142857142857 +/- 1e-20"), 128)
    assert v.is_finite() and v.contains(0) and v.rad() < arb("1e-30")
    assert BallFn(x**2, x)(arb("0 +/- 1"), 64).lower() >= 0  # even powers are >= 0


def test_split_finds_kinks_and_period():
    sp = split(parse_expression("abs(x - 1) + abs(x + 1) - 2"), x)
    assert sp.period is None and sp.points == [-1, 1]
    assert [p.branch for p in sp.pieces] == [-2 * x - 2, sympy.S.Zero, 2 * x - 2]
    sp = split(parse_expression("Max(sin(x), cos(x))"), x)
    assert sp.period == 2 * sympy.pi
    assert sp.points == [0, sympy.pi / 4, 5 * sympy.pi / 4, 2 * sympy.pi]
    # x + sin(x) is not periodic, even though sin is
    assert split(parse_expression("x + sin(x)"), x).period is None


# -- the command line ----------------------------------------------------------------------

def test_cli_exit_code_of_true_abs_claim(capsys):
    assert main(["check", "abs(tanh(x)) < 1"]) == 0
    assert main(["check", "x**4 - x**3 > -27/256"]) == 1
    capsys.readouterr()


def test_cli_true_max_claim_in_a_subprocess():
    # the crash of the issue: a traceback and exit 1 (= FALSE) for a TRUE claim
    p = subprocess.run([sys.executable, "-m", "symgrad", "check", "Max(x, 0) >= x"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr and p.stdout.startswith("TRUE")


def test_internal_error_exits_4_with_one_line(monkeypatch, capsys):
    import symgrad.analysis.claims

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure\ninside the checker")

    monkeypatch.setattr(symgrad.analysis.claims, "check_claim", broken)
    assert main(["check", "x**2 >= 0"]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "RuntimeError" in err
    assert "Traceback" not in err


def test_internal_error_deep_inside_the_analysis_exits_4(monkeypatch, capsys):
    import symgrad.analysis.claims.pieces

    def broken(*args, **kwargs):
        raise ZeroDivisionError("simulated")

    monkeypatch.setattr(symgrad.analysis.claims.pieces, "simplest_between", broken)
    monkeypatch.setattr("symgrad.analysis.claims.extrema.simplest_between", broken)
    status = main(["check", "x*tanh(x) >= 0"])  # needs bisection, hence simplest_between
    err = capsys.readouterr().err
    assert status == 4 and "internal error" in err and err.count("\n") == 1


def test_claim_budget_gives_undecided_with_reason(monkeypatch):
    import time

    import symgrad.analysis.claims
    from symgrad.analysis.claims import deciders

    def slow(case):  # stands for a SymPy call that does not return
        time.sleep(60)

    monkeypatch.setattr(symgrad.analysis.claims, "CLAIM_BUDGET", 1.0)
    monkeypatch.setattr(deciders, "DECIDERS", (slow, *deciders.DECIDERS))
    t0 = time.monotonic()
    r = check_claim("x*tanh(x) >= 0")
    assert time.monotonic() - t0 < 30
    assert r.verdict == "UNDECIDED" and "60" not in r.evidence and "1 s budget" in r.evidence
