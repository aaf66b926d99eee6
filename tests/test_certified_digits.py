"""Every printed digit is true: property tests against an independent recurrence.

Hypothesis draws chains (activation, form, biases, exact decimal weights including
zeros, huge and tiny magnitudes and near-cancellations such as b_1 = -w_1 x + 10^-k)
and a digit count from 1 to 200, runs every path that prints digits (``reference``
with and without ``--certified``, ``formats``' true value, the Python API), and checks
every printed value against :func:`tests.references.chain_reference` at 3D + 60
digits: the printed D digits must be that value correctly rounded, and a printed
radius must enclose it.  A relative error of 2^-110 anywhere in the certified path
changes some digit beyond the 33rd, which these tests print.
"""

from __future__ import annotations

import contextlib
import io
import json
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symgrad.analysis.precision import formats_table
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.interfaces.cli import main
from symgrad.numeric.certified import certified_values
from symgrad.numeric.reference import reference_values
from tests.references import (
    assert_ball_contains,
    chain_reference,
    correctly_rounded,
    digit_string,
)

ACTIVATIONS = ("sigmoid", "tanh", "softplus")

_plain = st.fractions(min_value=-5, max_value=5, max_denominator=1000)
_decimal = st.builds(lambda n, k: Fraction(n, 10**k), st.integers(-10**6, 10**6),
                     st.integers(0, 8))
_huge = st.builds(lambda s, k: s * Fraction(10) ** k, st.sampled_from([-1, 1]),
                  st.integers(5, 60))
_tiny = st.builds(lambda s, k: s * Fraction(1, 10**k), st.sampled_from([-1, 1]),
                  st.integers(5, 120))
_number = st.one_of(_plain, _decimal, _huge, _tiny, st.just(Fraction(0)))


@st.composite
def chains(draw):
    depth = draw(st.integers(1, 8))
    activation = draw(st.sampled_from(ACTIVATIONS))
    form = draw(st.sampled_from(["seed", "general"]))
    bias = form == "general" and draw(st.booleans())
    weights = [draw(_number) for _ in range(depth)]
    x = draw(_number) if form == "general" else None
    biases = [draw(_number) for _ in range(depth)] if bias else None
    if bias and draw(st.booleans()):  # near (or exact) cancellation of w_1 x + b_1
        k = draw(st.integers(0, 150))
        biases[0] = -weights[0] * x + (Fraction(1, 10**k) if k else 0)
    chain = Chain(depth, activation=activation, form=form, bias=bias)
    return chain, weights, biases, x


def _truth(chain, weights, biases, x, digits):
    F, gw, gb, gx = chain_reference(chain.activation, chain.form, weights, biases,
                                    x, 3 * digits + 60)
    named = [("F", F)] + [(f"dF/dw{k}", g) for k, g in enumerate(gw, 1)]
    if chain.bias:
        named += [(f"dF/db{k}", g) for k, g in enumerate(gb, 1)]
    if chain.form == "general":
        named.append(("dF/dx", gx))
    return dict(named)


def _not_near_tie(value, digits):
    """False when the reference itself cannot round safely (value within 10^-(D+30) of a
    tie): then the test has no independent answer and the example is discarded."""
    if value == 0:
        return True
    tail = digit_string(value, digits + 40)[0][digits:digits + 30]
    return tail.rstrip("0") != "5" and tail.rstrip("9") != "4"


def _check_digits(printed: dict[str, str], truth: dict, digits: int) -> None:
    for name, text in printed.items():
        v = truth[name]
        assume(_not_near_tie(v, digits))
        assert text == correctly_rounded(v, digits), (name, text, mpmath.nstr(v, digits + 5))


def _check_radius(name: str, mid: str, rad: str, value) -> None:
    # the reference is computed at the caller's 3D + 60 digits and so itself rounded: a
    # slack of 10^-(3D + 50) relative to |mid| + rad is allowed, far below the printed
    # radius (which for D digits is about 10^-D relative, or 0 for an exact value: then
    # only the reference's own rounding is tolerated)
    slack = (abs(mpmath.mpf(mid)) + mpmath.mpf(rad)) * mpmath.mpf(10) ** (10 - mpmath.mp.dps)
    assert_ball_contains(mid, rad, value, absolute=slack, what=name)


SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _or_near_tie(compute, chain, weights, biases, x, digits):
    """compute(); a refusal is accepted only when it says a value lies at a rounding
    boundary and the independent reference agrees that one does (then the example is
    discarded: neither side can round it)."""
    try:
        return compute()
    except SymgradError as exc:
        assert "rounding boundary" in str(exc), exc
        truth = _truth(chain, weights, biases, x, digits)
        assert not all(_not_near_tie(v, digits) for v in truth.values()), exc
        assume(False)


@SETTINGS
@given(chains(), st.integers(1, 200))
def test_api_reference_digits_are_correctly_rounded(case, digits):
    chain, weights, biases, x = case
    ref = _or_near_tie(lambda: reference_values(chain, weights, digits=digits, biases=biases,
                                                x=x), *case, digits)
    printed = {"F": ref.value, **{f"dF/dw{k}": g for k, g in enumerate(ref.grad_w, 1)},
               **{f"dF/db{k}": g for k, g in enumerate(ref.grad_b, 1)}}
    if ref.grad_x is not None:
        printed["dF/dx"] = ref.grad_x
    _check_digits(printed, _truth(chain, weights, biases, x, digits), digits)


@SETTINGS
@given(chains(), st.integers(1, 200))
def test_certified_balls_enclose_and_round_correctly(case, digits):
    chain, weights, biases, x = case
    cert = _or_near_tie(lambda: certified_values(chain, weights, digits=digits,
                                                 biases=biases, x=x), *case, digits)
    truth = _truth(chain, weights, biases, x, digits)
    with mpmath.workdps(3 * digits + 60):
        for name, ball in cert.balls():
            _check_radius(name, ball.mid, ball.rad, truth[name])
            assert ball.digits == digits
    _check_digits({n: b.mid for n, b in cert.balls()}, truth, digits)


def _rationals_as_decimals(values):
    """Only chains whose inputs have finite decimal expansions go through the CLI."""
    return all(v.denominator == 2 ** _two(v.denominator) * 5 ** _five(v.denominator)
               for v in values)


def _two(n):
    k = 0
    while n % 2 == 0:
        n, k = n // 2, k + 1
    return k


def _five(n):
    k = 0
    while n % 5 == 0:
        n, k = n // 5, k + 1
    return k


def _decimal_text(q: Fraction) -> str:
    """An exact decimal string for a rational whose denominator is 2^a 5^b."""
    k = max(_two(q.denominator), _five(q.denominator))
    n = q * 10**k
    assert n.denominator == 1
    return f"{n.numerator}e-{k}"  # an exact decimal in scientific notation


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(chains(), st.integers(1, 200), st.booleans())
def test_cli_reference_prints_true_digits(case, digits, with_radius):
    chain, weights, biases, x = case
    inputs = [*weights, *(biases or []), *([] if x is None else [x])]
    assume(_rationals_as_decimals(inputs))
    argv = ["reference", "--depth", str(chain.depth), "--activation", chain.activation,
            "--form", chain.form, "--weights", ",".join(map(_decimal_text, weights)),
            "--digits", str(digits), "--format", "json"]
    if chain.bias:
        argv += ["--bias", "--biases", ",".join(map(_decimal_text, biases))]
    if x is not None:
        argv += ["--x", _decimal_text(x)]
    if with_radius:
        argv.append("--certified")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    doc = json.loads(out.getvalue())
    truth = _truth(chain, weights, biases, x, digits)
    _check_digits({r["name"]: r["value"] for r in doc["values"]}, truth, digits)
    if with_radius:
        with mpmath.workdps(3 * digits + 60):
            for r in doc["values"]:
                assert r["ball"]["mid"] == r["value"]
                _check_radius(r["name"], r["value"], r["ball"]["rad"], truth[r["name"]])


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(chains(), st.integers(1, 60))
def test_formats_true_value_is_correct(case, digits):
    chain, weights, biases, x = case
    table = _or_near_tie(lambda: formats_table(chain, weights, digits=digits, biases=biases,
                                               x=x, formats="float64"), *case, digits)
    truth = _truth(chain, weights, biases, x, digits)["dF/dw1"]
    _check_digits({"dF/dw1": table.true.mid}, {"dF/dw1": truth}, digits)
    with mpmath.workdps(3 * digits + 60):
        _check_radius("dF/dw1", table.true.mid, table.true.rad, truth)


# --- the issue's examples, each against a value computed here by another method ---

NINES = "-0." + "9" * 100  # b_1 = -1 + 10^-100, written out


def test_issue_example_tanh_near_cancellation(capsys):
    # F = tanh(w_3 tanh(w_2 tanh(10^-100))) with w = (1, 1e100, 1): the first
    # pre-activation is exactly 10^-100; mpmath at 300 digits gives the truth
    assert main(["reference", "--depth", "3", "--form", "general", "--activation", "tanh",
                 "--x", "1", "--weights", "1,1e100,1", "--bias", "--biases",
                 f"{NINES},0,0", "--digits", "30", "--format", "json"]) == 0
    doc = {r["name"]: r["value"] for r in json.loads(capsys.readouterr().out)["values"]}
    with mpmath.workdps(300):
        t1 = mpmath.tanh(mpmath.mpf(10) ** -100)
        truth = mpmath.tanh(mpmath.tanh(mpmath.mpf(10) ** 100 * t1))
        dw2 = t1 * mpmath.sech(mpmath.mpf(10) ** 100 * t1) ** 2 * mpmath.sech(
            mpmath.tanh(mpmath.mpf(10) ** 100 * t1)) ** 2
    assert doc["F"] == correctly_rounded(truth, 30)
    # 10^100 tanh(10^-100) = 1 - O(10^-200), so F = tanh(tanh(1)) to far more than 30
    # digits: its leading digits, 0.6420149920119998161459792267422..., by mpmath at 40
    # digits (a different expression from the one above)
    assert doc["F"].startswith("6.420149920119998161459792267")
    assert doc["dF/dw2"] == correctly_rounded(dw2, 30) != "0"


def test_exact_zero_partials_are_printed_as_zero(capsys):
    # w_1 x + b_1 = 0.3 * 3 - 0.9 = 0 exactly, so o_1 = tanh(0) = 0, z_2 = b_2 = 0,
    # o_2 = 0: dF/dw_2 = o_1 (...) = 0 and dF/dw_3 = o_2 (...) = 0 exactly
    assert main(["reference", "--depth", "3", "--form", "general", "--bias",
                 "--activation", "tanh", "--x", "3", "--weights", "0.3,1,2",
                 "--biases", "-0.9,0,1", "--digits", "25", "--certified",
                 "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["values"]}
    assert rows["dF/dw2"]["value"] == "0" and rows["dF/dw2"]["ball"] == {"mid": "0", "rad": "0"}
    assert rows["dF/dw3"]["value"] == "0" and rows["dF/dw3"]["ball"] == {"mid": "0", "rad": "0"}
    with mpmath.workdps(80):
        assert rows["F"]["value"] == correctly_rounded(mpmath.tanh(1), 25)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("w", ["-4", "-1", "0.5", "4"])
def test_depth_3000_certifies(activation, w):
    # the certified path must keep its digits on deep contractive (and expansive) chains;
    # reference: the independent mpmath recurrence at 120 digits (the chains lose at most
    # a few digits to rounding over 3000 layers)
    depth, digits = 3000, 30
    weights = [Fraction(w)] * depth
    cert = certified_values(Chain(depth, activation=activation), weights, digits=digits,
                            wrt=[1])
    F, gw, _, _ = chain_reference(activation, "seed", weights, None, None, 120)
    assert cert.value.mid == correctly_rounded(F, digits)
    assert cert.grad_w[0].mid == correctly_rounded(gw[0], digits)


def test_deep_chain_at_200_digits_catches_tiny_errors():
    # 200 digits of dF/dw_1 at depth 50: a relative error of 2^-110 in any sigma'
    # would change the 34th digit on
    weights = [Fraction(3, 2), Fraction(-7, 10)] * 25
    ref = reference_values(Chain(50), weights, digits=200)
    _, gw, _, _ = chain_reference("sigmoid", "seed", weights, None, None, 700)
    assert ref.grad_w[0] == correctly_rounded(gw[0], 200)
    assert ref.grad_w[30] == correctly_rounded(gw[30], 200)


# --- hessian: F, the gradient and every Hessian entry, printed to D digits ---

_moderate = st.one_of(_plain, _decimal, _tiny, st.just(Fraction(0)))


def _sympy_nested(activation, ws):
    """F as a plain SymPy expression (SymPy's own exp/tanh/log, not symgrad's classes)."""
    import sympy

    act = {"sigmoid": lambda t: 1 / (1 + sympy.exp(-t)), "tanh": sympy.tanh,
           "softplus": lambda t: sympy.log(1 + sympy.exp(t))}[activation]
    o = ws[0]
    for w in ws[1:]:
        o = act(w * o)
    return o


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 3), st.sampled_from(ACTIVATIONS), st.data(), st.integers(1, 40))
def test_hessian_entries_are_correctly_rounded(depth, activation, data, digits):
    # reference: SymPy's own differentiation of the written-out F, evaluated by evalf with
    # exact rational inputs at D + 40 digits (evalf raises its working precision itself)
    import sympy

    from symgrad.analysis.stationary.landscape import chain_hessian

    weights = [data.draw(_moderate) for _ in range(depth)]
    res = chain_hessian(Chain(depth, activation=activation), weights, digits=digits,
                        eigenvalues=False)
    ws = sympy.symbols(f"w1:{depth + 1}")
    F = _sympy_nested(activation, ws)
    at = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(ws, weights)}
    exprs = {"F": F}
    for i in range(depth):
        exprs[f"g{i}"] = sympy.diff(F, ws[i])
        for j in range(depth):
            exprs[f"h{i}{j}"] = sympy.diff(F, ws[i], ws[j])
    printed = {"F": res.value, **{f"g{i}": g for i, g in enumerate(res.gradient)},
               **{f"h{i}{j}": res.hessian_text[i][j] for i in range(depth)
                  for j in range(depth)}}
    for name, text in printed.items():
        exact = exprs[name].subs(at)
        if exact.is_zero:
            assert text == "0", (name, text)
            continue
        value = sympy.N(exact, digits + 40, maxn=10**4)
        with mpmath.workdps(digits + 45):
            v = mpmath.mpf(value._mpf_) if hasattr(value, "_mpf_") else mpmath.mpf(str(value))
            assume(_not_near_tie(v, digits))
            assert text == correctly_rounded(v, digits), (name, text, mpmath.nstr(v, 30))
