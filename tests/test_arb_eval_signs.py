"""The SymPy -> ball interpreter and the sign decision, against independent references.

References: mpmath at 3x the working precision (an independent evaluation of the same
closed form, written here by hand, not through symgrad), classical identities (exact
zeros), and cited constants (Ramanujan's near-integer exp(pi sqrt 163)).
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from flint import arb, ctx

from symgrad.core.activations import sigmoid, softplus
from symgrad.core.parsing import make_symbol, parse_expression
from symgrad.numeric.arb_eval import ArbEvalError, arb_eval, compile_arb
from symgrad.numeric.precision_ladder import PrecisionNotReached, ladder, raise_precision
from symgrad.numeric.signs import decide_sign

X = make_symbol("x")

#: (expression text, the same value written with mpmath by hand)
CASES = [
    ("sigmoid(3/7) + exp(1)", lambda: 1 / (1 + mpmath.exp(-mpmath.mpf(3) / 7)) + mpmath.e),
    ("softplus(-5/2) * tanh(1/3)", lambda: mpmath.log1p(mpmath.exp(mpmath.mpf(-5) / 2))
     * mpmath.tanh(mpmath.mpf(1) / 3)),
    ("log(7, 3) - sqrt(5)", lambda: mpmath.log(7) / mpmath.log(3) - mpmath.sqrt(5)),
    ("asin(1/3) + acos(1/4) + atan(7)", lambda: mpmath.asin(mpmath.mpf(1) / 3)
     + mpmath.acos(mpmath.mpf(1) / 4) + mpmath.atan(7)),
    ("sinh(1)*cosh(2)/sin(3) - tan(1/2)", lambda: mpmath.sinh(1) * mpmath.cosh(2)
     / mpmath.sin(3) - mpmath.tan(mpmath.mpf(1) / 2)),
    ("max(pi, 3, E) - min(E, 3) + abs(1 - pi)", lambda: mpmath.pi - mpmath.e + mpmath.pi - 1),
    ("(2/3)**17 - (3/2)**-5 + pi**-3", lambda: (mpmath.mpf(2) / 3) ** 17
     - (mpmath.mpf(2) / 3) ** 5 + mpmath.pi ** -3),
    ("2**(1/3) + asinh(2) + 1/sqrt(pi)", lambda: mpmath.cbrt(2) + mpmath.asinh(2)
     + 1 / mpmath.sqrt(mpmath.pi)),
    ("exp(pi*sqrt(163)) - 640320**3 - 744", lambda: mpmath.exp(mpmath.pi * mpmath.sqrt(163))
     - 640320**3 - 744),  # cancellation of 30 digits: the radius is relative to 2.6e17
]
CANCELLING = {CASES[-1][0]}


@pytest.mark.parametrize(("text", "reference"), CASES)
@pytest.mark.parametrize("prec", [64, 300])
def test_balls_contain_the_mpmath_value(text, reference, prec):
    b = arb_eval(parse_expression(text), prec=prec)
    assert b.is_finite()
    with mpmath.workprec(3 * prec + 200):
        ref = reference()
        with ctx.workprec(3 * prec + 200):
            assert b.contains(arb(mpmath.nstr(ref, int((3 * prec + 200) / 3.33), strip_zeros=False)
                                  + " +/- " + mpmath.nstr(abs(ref) * mpmath.mpf(2) ** -(3 * prec)
                                                          + mpmath.mpf(2) ** -(3 * prec), 5)))
    scale = arb(10) ** 18 if text in CANCELLING else abs(b.mid()) + 1
    assert b.rad() < scale * arb(2) ** (20 - prec)  # tight


def test_interval_extension_over_a_box():
    f = compile_arb(sigmoid(X) * X**2 - softplus(X), [X])
    box = arb("0.5 +/- 0.25")
    out = f(box, prec=64)
    with mpmath.workdps(30):
        for k in range(41):
            x = mpmath.mpf(0.25) + mpmath.mpf(k) / 80
            v = x**2 / (1 + mpmath.exp(-x)) - mpmath.log1p(mpmath.exp(x))
            assert out.contains(arb(mpmath.nstr(v, 25)))


def test_deep_expression_needs_no_recursion():
    e = X
    for _ in range(5000):  # built unevaluated: SymPy's own assumption queries recurse
        e = sympy.Add(sympy.tanh(e, evaluate=False), sympy.Rational(1, 5), evaluate=False)
    with mpmath.workdps(40):
        v = mpmath.mpf(1)
        for _ in range(5000):
            v = mpmath.tanh(v) + mpmath.mpf(1) / 5
        ref = arb(mpmath.nstr(v, 35))
    b = compile_arb(e, [X])(arb(1), prec=128)
    assert b.overlaps(ref) and b.rad() < arb("1e-25")


def test_ball_around_zero_even_power_and_heaviside():
    assert compile_arb(X**2, [X])(arb("0 +/- 0.5"), prec=64).lower() >= 0
    h = compile_arb(sympy.Heaviside(X), [X])(arb("0 +/- 0.5"), prec=64)
    assert h.contains(0) and h.contains(1) and h.contains(arb("0.5"))
    assert arb_eval(sympy.Heaviside(X, 0), {X: arb(0)}, prec=64) == 0  # H(0) = H0 exactly


def test_what_cannot_be_evaluated_says_so():
    with pytest.raises(ArbEvalError, match="has no value"):
        arb_eval(X + 1, prec=64)
    with pytest.raises(ArbEvalError, match="not real-valued"):
        arb_eval(sympy.I + 1, prec=64)
    assert not arb_eval(sympy.log(-X), {X: arb(1)}, prec=64).is_finite()


def test_crootof_enclosure():
    r = sympy.CRootOf(X**5 - X - 1, 0)
    b = arb_eval(r, prec=200)
    with mpmath.workdps(80):
        ref = mpmath.findroot(lambda t: t**5 - t - 1, 1.1673)
    with ctx.workprec(400):
        assert b.contains(arb(mpmath.nstr(ref, 75))) and b.rad() < arb(2) ** -190


@pytest.mark.parametrize(("expr", "sign"), [
    (sympy.exp(sympy.pi * sympy.sqrt(163)) - 640320**3 - 744, -1),  # -7.4993e-13, cited
    (sympy.pi - sympy.Rational(355, 113), -1),  # pi < 355/113 (Zu Chongzhi)
    (sympy.E - sympy.Rational(2721, 1001), 1),  # 2721/1001 = 2.71828171...
    (sympy.exp(-sympy.Integer(3000)), 1),
    (sigmoid(-sympy.Integer(1000)) - sympy.exp(-sympy.Integer(1000)), -1),  # e^-t/(1+e^-t)
    (sympy.Rational(-3, 7), -1),
])
def test_known_signs(expr, sign):
    assert decide_sign(expr).sign == sign


def test_a_sign_that_needs_high_precision():
    tiny = sympy.Integer(10) ** -500
    r = decide_sign(sympy.exp(tiny) - 1 - tiny)  # = tiny**2/2 + ... > 0, about 1e-1000
    assert r.sign == 1 and r.method == "certified ball" and r.evidence.prec >= 4096
    assert decide_sign(sympy.exp(tiny) - 1 - tiny, cap=1024).sign is None  # cap too low


@pytest.mark.parametrize("expr", [
    sympy.sqrt(2) ** 2 - 2,
    sympy.sin(sympy.pi),
    sympy.sqrt(3 + 2 * sympy.sqrt(2)) - 1 - sympy.sqrt(2),  # denesting
    sympy.log(2) + sympy.log(3) - sympy.log(6),
    sympy.cos(sympy.pi / 5) - (1 + sympy.sqrt(5)) / 4,
    sympy.Add(sympy.sqrt(2) * sympy.sqrt(3), -sympy.sqrt(6), evaluate=False),
])
def test_exact_zeros(expr):
    r = decide_sign(expr)
    assert r.sign == 0 and r.method == "exact"


def test_undecided_is_honest():
    x = sympy.exp(-sympy.Integer(10) ** 4)
    # -x^3/6, about e^-30000: far below 2^-256 (exact=False: SymPy's simplify of it is slow)
    r = decide_sign(sympy.sin(x) - x, cap=256, exact=False)
    assert r.sign in (None, -1)  # undecided, or the true sign; never 0 or 1
    assert decide_sign(sympy.log(-sympy.Integer(1))).sign is None  # not a real number
    assert decide_sign(sympy.zoo).sign is None


def test_precision_ladder():
    assert list(ladder(64, 16384)) == [64, 256, 1024, 4096, 16384]
    value, bits = raise_precision(lambda p: arb(2).sqrt() ** 2 - 2 + arb(2) ** -300,
                                  lambda b: b > 0)
    assert bits == 1024 and value > 0
    before = ctx.prec
    with pytest.raises(PrecisionNotReached, match="maxprec=256"):
        raise_precision(lambda p: arb(0), lambda b: b > 0, cap=256)
    assert ctx.prec == before


@pytest.mark.parametrize("expr", [
    sympy.sqrt(2) - sympy.Rational(7, 5),
    sympy.sqrt(2) ** 2 - 2,
    sympy.sqrt(3 + 2 * sympy.sqrt(2)) - 1 - sympy.sqrt(2),
    sympy.exp(sympy.pi * sympy.sqrt(163)) - 640320**3 - 744,
])
def test_check_and_classify_share_one_decision(expr):
    from symgrad.analysis.claims.common import constant_sign
    from symgrad.analysis.sign_evidence import sign_text
    from symgrad.analysis.stationary.signs import exact_sign

    r = decide_sign(expr)
    assert constant_sign(expr) == (r.sign, r.method, sign_text(r, "lhs - rhs", "the difference"))
    assert exact_sign(expr) == r.sign


@pytest.mark.parametrize("call", [lambda s: arb_eval(s), lambda s: decide_sign(s)])
def test_a_string_is_never_parsed_by_sympify(call):
    """User text goes through symgrad's allow-list parser only; these take SymPy objects."""
    with pytest.raises(sympy.SympifyError):
        call("__import__('os').getcwd()")
