"""Checks that cannot fail are not passes: NOT CHECKABLE, MEASURED, the emulation check.

Expected values come from IEEE 754 constants and hand computation (written out
below), never from symgrad's output.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from symgrad.analysis.verify.battery import Check, VerificationReport, run_battery
from symgrad.analysis.verify.emulation import emulate, format_rounding
from symgrad.analysis.verify.tolerance import compare_value, row_verdict
from symgrad.base.verdicts import (
    CHECK_EXIT_CODES,
    EXIT_INTERNAL_ERROR,
    Verdict,
    verify_exit_code,
    verify_summary,
)
from symgrad.core.chain import Chain
from symgrad.interfaces.cli import main
from symgrad.numeric.weights import parse_weights
from tests._require import require_module
from tests.references import IEEE


def ulp(x: float, fmt: str) -> float:
    """The gap above |x| between numbers of ``fmt`` (normal range), from the IEEE 754
    significand precision p of :data:`tests.references.IEEE` (bfloat16 8, float16 11)."""
    return 2.0 ** (math.floor(math.log2(abs(x))) - IEEE[fmt][0] + 1)


# -- the vocabulary ---------------------------------------------------------------------------

def test_one_vocabulary_words_styles_and_exit_codes():
    assert [v.word for v in Verdict] == ["PASS", "FAIL", "UNDECIDED", "NOT CHECKABLE",
                                         "MEASURED", "SKIPPED", "TRUE", "FALSE"]
    green = {v for v in Verdict if v.style == "ok"}
    assert green == {Verdict.PASS, Verdict.TRUE}  # nothing else is ever green
    assert Verdict.NOT_CHECKABLE.style == Verdict.MEASURED.style == "info"
    assert CHECK_EXIT_CODES == {"TRUE": 0, "FALSE": 1, "UNDECIDED": 3}
    assert EXIT_INTERNAL_ERROR == 4 and EXIT_INTERNAL_ERROR not in CHECK_EXIT_CODES.values()


def test_check_exit_codes_follow_the_vocabulary(capsys):
    assert main(["check", "x**2 >= 0"]) == CHECK_EXIT_CODES[Verdict.TRUE]
    assert main(["check", "x**2 >= 1"]) == CHECK_EXIT_CODES[Verdict.FALSE]  # x = 0
    out = capsys.readouterr().out
    assert out.startswith("TRUE:") and "\nFALSE:" in out


def test_verify_exit_code_counts_not_checkable_and_measured_apart():
    P, F, N, M, S = (Verdict.PASS, Verdict.FAIL, Verdict.NOT_CHECKABLE, Verdict.MEASURED,
                     Verdict.SKIPPED)
    assert verify_exit_code([P, N, M]) == 0
    assert verify_exit_code([N, M]) == 1  # nothing was checked: not a success
    assert verify_exit_code([P, N, F]) == 1 and verify_exit_code([P, S]) == 1
    assert verify_exit_code([P, Verdict.UNDECIDED]) == 1
    line = verify_summary([P, P, N, M])
    assert line.startswith("EVERY CHECKABLE CHECK PASSED: 2 passed, 0 failed")
    assert line.endswith("counted apart: 1 not checkable, 1 measured")
    assert verify_summary([P]).startswith("ALL CHECKS PASSED")


def test_report_counts_and_styles_apart():
    rep = VerificationReport([Check("g", "a", Verdict.PASS, ""),
                              Check("g", "b", Verdict.NOT_CHECKABLE, "tolerance 0.9"),
                              Check("m", "c", Verdict.MEASURED, "")], {}, [])
    assert rep.exit_code == 0 and rep.counts()["NOT CHECKABLE"] == 1
    assert "1 not checkable, 1 measured" in rep.summary()
    assert "ALL CHECKS PASSED" not in rep.summary()
    assert [c["status"] for c in rep.to_json()["checks"]] == ["PASS", "NOT CHECKABLE",
                                                              "MEASURED"]

    from symgrad.interfaces.report.verification import cells

    cell = cells(Check("g", "c", Verdict.NOT_CHECKABLE, "s", {"method": "m"}))[-1].html
    assert cell == '<span class="badge info">NOT CHECKABLE</span>'  # neutral, never green


# -- the tolerance model: NOT CHECKABLE -------------------------------------------------------

def test_tolerance_at_or_above_one_half_is_not_checkable():
    # 1.25 vs 1 is within a relative tolerance of 1/2: such a "pass" checks no digit
    c = compare_value(1.25, 1, "float64", 0.5)
    assert c.verdict == "agree"
    verdict, reason = row_verdict([c], 0.5)
    assert verdict is Verdict.NOT_CHECKABLE and "0.5" in reason
    assert row_verdict([compare_value(1.25, 1, "float64", 0.4)], 0.4)[0] is Verdict.PASS
    # a value that breaks even a weak (valid) bound is still a failure
    assert row_verdict([compare_value(3.0, 1, "float64", 0.6)], 0.6)[0] is Verdict.FAIL


def test_row_with_every_value_underflowed_is_not_checkable():
    # 2^-140 is below float32's smallest normal 2^-126: an underflow there is predicted
    comps = [compare_value(0.0, Fraction(1, 2**140), "float32", 1e-5) for _ in range(3)]
    assert all(c.ok and c.verdict == "underflow" for c in comps)
    verdict, reason = row_verdict(comps, 1e-5)
    assert verdict is Verdict.NOT_CHECKABLE and "underflowed" in reason


def test_framework_row_that_compared_nothing_is_not_checkable():
    require_module("torch")
    from symgrad.analysis.verify.autodiff import compare_gradient

    # tanh, depth 30, N(0,1) weights (seed 0): every float16 value is below 2^-14
    g = compare_gradient("torch", Chain(30, activation="tanh"),
                         parse_weights("normal:0,1,seed=0", 30), "float16")
    assert g.tolerance < 0.5 and not any(c.compared for c in g.comparisons)
    assert g.verdict is Verdict.NOT_CHECKABLE and "underflowed" in g.reason


# -- the emulation: hand-computed values, and a check that can fail ---------------------------

def test_rounding_into_bfloat16_is_single_and_correct():
    rn = format_rounding("bfloat16")
    # 1 + 2^-8 is the midpoint of 1 and 1 + 2^-7; 2^-30 above it rounds up (through float32
    # first, the 2^-30 would be lost and the tie would go to even, 1)
    assert rn(1 + 2.0**-8 + 2.0**-30) == 1 + 2.0**-7
    assert rn(1 + 2.0**-8) == 1.0 and rn(1 + 3 * 2.0**-8) == 1 + 2 * 2.0**-7  # ties to even
    assert format_rounding("float16")(65520.0) == math.inf  # float16 max 65504, midpoint 65520


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_emulation_of_a_two_layer_chain_by_hand(backend):
    # sigma(1) = 0.7310585786...; in bfloat16 (spacing 2^-8 on [1/2, 1)): 187.15/256 -> 187/256.
    # jax: RN(exp(-1)) = 188/512, RN(1 + 188/512) = 175/128 (exact), RN(128/175) = 187/256 too.
    # sigma'(1) as both compute it: (1 - y) y = (69/256)(187/256) = 0.196884...; spacing 2^-10
    # on [1/8, 1/4): 201.6/1024 -> 202/1024.  dF/dw1 = RN(dz * w2) = dz, dF/dw2 = RN(dz * o1) = dz.
    e = emulate(backend, Chain(2), [Fraction(1), Fraction(1)], "bfloat16")
    assert e.value == {187 / 256}
    assert e.grad_w[0] == {202 / 1024} and e.grad_w[1] == {202 / 1024}
    require_module(backend)
    from symgrad.analysis.verify.autodiff import load_backend

    r = load_backend(backend).gradient(Chain(2), [Fraction(1), Fraction(1)], "bfloat16")
    assert (r.value, *r.grad_w) == (187 / 256, 202 / 1024, 202 / 1024)


def test_float16_emulation_by_hand():
    # float16 (spacing 2^-11 on [1/2, 1)): sigma(1) * 2048 = 1497.2 -> y = 1497/2048;
    # (1 - y) y = 551 * 1497 / 2^22 = 0.1966595...; spacing 2^-13: 1611.03 -> 1611/8192
    e = emulate("torch", Chain(2), [Fraction(1), Fraction(1)], "float16")
    assert e.value == {1497 / 2048} and e.grad_w[0] == {1611 / 8192}


@pytest.mark.parametrize("backend, fmt", [("torch", "bfloat16"), ("jax", "bfloat16"),
                                          ("torch", "float16"), ("jax", "float16")])
def test_low_precision_rows_check_something_that_can_fail(backend, fmt):
    require_module(backend)
    import numpy as np

    from symgrad.analysis.verify.autodiff import compare_gradient, load_backend
    from symgrad.analysis.verify.emulation_check import compare_emulation

    chain = Chain(30, activation="sigmoid")
    w = parse_weights("normal:0,1,seed=0", 30)
    r = load_backend(backend).gradient(chain, w, fmt)
    if fmt == "bfloat16":  # the tolerance model has no digit left here (tolerance >= 1/2)
        assert compare_gradient(backend, chain, w, fmt, result=r).verdict is \
            Verdict.NOT_CHECKABLE
    good = compare_emulation(backend, chain, w, fmt, result=r)
    assert good.verdict is Verdict.PASS, good.summary()
    # one value one ulp off (beyond the candidates, which hold that value alone): FAIL
    k = max(range(30), key=lambda i: abs(r.grad_w[i]))
    assert good.candidates[1 + k] == {r.grad_w[k]}
    gw = np.array(r.grad_w)
    gw[k] += ulp(gw[k], fmt)
    bad = compare_emulation(backend, chain, w, fmt, result=type(r)(
        r.backend, r.format, r.value, gw, r.grad_b, r.grad_x, r.weights, r.biases, r.x))
    assert bad.verdict is Verdict.FAIL
    assert [(n, u) for n, _, u in bad.misses()] == [(f"dF/dw{k + 1}", 1.0)]
    # and F two ulps off
    worse = compare_emulation(backend, chain, w, fmt, result=type(r)(
        r.backend, r.format, r.value + 2 * ulp(r.value, fmt), r.grad_w, r.grad_b, r.grad_x,
        r.weights, r.biases, r.x))
    assert worse.verdict is Verdict.FAIL and worse.misses()[0][0] == "F"


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_emulation_agrees_with_the_frameworks_on_varied_chains(backend):
    """No false FAIL: seed and general form (biases, input), three activations, wide weights."""
    require_module(backend)
    from symgrad.analysis.verify.emulation_check import compare_emulation

    for fmt in ("float16", "bfloat16"):
        for act in ("sigmoid", "tanh", "softplus"):
            for L, spec in ((5, "normal:0,3,seed=1"), (40, "uniform:-3,3,seed=2")):
                w = parse_weights(spec, L)
                ch = Chain(L, activation=act, form="general", bias=True)
                b = parse_weights("normal:0,1,seed=9", L)
                c = compare_emulation(backend, ch, w, fmt, biases=b, x=Fraction(3, 4))
                assert c.verdict is not Verdict.FAIL, (fmt, act, L, c.summary())
                if c.verdict is Verdict.NOT_CHECKABLE:
                    assert c.reason  # always with the reason


# -- verify: the rows and the summary ---------------------------------------------------------

def test_verify_counts_not_checkable_and_measured_apart():
    require_module("torch")
    rep = run_battery(backends=("torch",), formats=("bfloat16",), depths=(30,),
                      hessian_depths=(), activations=("sigmoid",),
                      groups=("gradient", "emulation", "flush-to-zero"))
    status = {c.group: c.status for c in rep.checks}
    assert status == {"gradient": Verdict.NOT_CHECKABLE, "emulation": Verdict.PASS,
                      "flush-to-zero": Verdict.MEASURED}
    nc = next(c for c in rep.checks if c.group == "gradient")
    assert "no significant digit" in nc.evidence  # the reason is shown
    assert rep.exit_code == 0
    assert rep.summary() == ("EVERY CHECKABLE CHECK PASSED: 1 passed, 0 failed, 0 undecided, "
                             "0 skipped; counted apart: 1 not checkable, 1 measured")


def test_report_rows_show_not_checkable_neutral_and_the_emulation_row():
    require_module("torch")
    from symgrad.analysis.verify.chain_checks import autodiff_checks
    from symgrad.interfaces.report.verification import cells

    # weights 1, depth 12: 4 (1 + sum a_i) 2^-7 with a_i ~ 1 + 0.66 + 2 e^0.66 ~ 5.5: tol ~ 2
    rows, missing = autodiff_checks(Chain(12), (Fraction(1),) * 12, ("torch",), ("bfloat16",))
    assert missing == [] and [r.status for r in rows] == [Verdict.NOT_CHECKABLE, Verdict.PASS]
    assert "no significant digit" in rows[0].evidence  # the reason is shown
    assert cells(rows[0])[-1].html == '<span class="badge info">NOT CHECKABLE</span>'
    assert cells(rows[1])[-1].html == '<span class="badge ok">PASS</span>'
