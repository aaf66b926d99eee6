"""Verification package: tolerance model, verdicts, comparisons, battery, ``symgrad verify``."""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from symgrad.analysis.verify import autodiff
from symgrad.analysis.verify.autodiff import parse_backends, reference_hessian
from symgrad.analysis.verify.battery import run_battery
from symgrad.analysis.verify.tolerance import compare_value, tolerance
from symgrad.analysis.verify.vectorized import gradient_float64
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.interfaces.cli import main
from symgrad.numeric.formats import format_info, parse_formats
from tests._require import require_module

# IEEE 754 constants (textbook values: binary64/32/16 and bfloat16 with 8 exponent bits)
IEEE = {
    "float64": (2.0**-52, 2.0**-1022, 2.0**-1074),
    "float32": (2.0**-23, 2.0**-126, 2.0**-149),
    "float16": (2.0**-10, 2.0**-14, 2.0**-24),
    "bfloat16": (2.0**-7, 2.0**-126, 2.0**-133),
}


@pytest.mark.parametrize("fmt", sorted(IEEE))
def test_format_constants_are_ieee(fmt):
    info = format_info(fmt)
    assert (info.eps, info.tiny, info.smallest_subnormal) == IEEE[fmt]  # exact powers of two


def test_tolerance_grows_linearly_in_depth():
    assert tolerance("float32", 9) == 4 * 10 * 2.0**-23  # powers of two times small ints: exact
    assert tolerance("float64", 99) / tolerance("float64", 9) == pytest.approx(10, rel=1e-12)


def test_verdicts():
    tol = tolerance("float64", 4)
    assert compare_value(1.0 + 4 * 2.0**-52, 1, "float64", tol).verdict == "agree"
    bad = compare_value(1.0 + 1e-9, 1, "float64", tol)
    assert bad.verdict == "disagree" and not bad.ok
    assert compare_value(float("nan"), 1, "float64", tol).verdict == "nonfinite"
    # true value normal in float32 but the framework returned 0: premature underflow, fails
    prem = compare_value(0.0, Fraction(1, 2**100), "float32", tolerance("float32", 3))
    assert prem.verdict == "underflow" and not prem.predicted and not prem.ok
    # true value below float32's normal range: predicted underflow, never "agree"
    pred = compare_value(0.0, Fraction(1, 2**140), "float32", tolerance("float32", 3))
    assert pred.verdict == "underflow" and pred.predicted
    # a subnormal result is an underflow too, even when numerically close
    sub = compare_value(2.0**-140, Fraction(1, 2**140), "float32", tolerance("float32", 3))
    assert sub.verdict == "underflow"
    # flushing backend, IEEE would give a nonzero subnormal
    fl = compare_value(0.0, Fraction(1, 2**140), "float32", 1e-3, flushes=True)
    assert fl.verdict == "flushed"
    assert compare_value(0.0, 0, "float64", tol).verdict == "agree"


def test_ulps_against_hand_count():
    # 1 + 3 ulp of 1 in float32
    c = compare_value(1 + 3 * 2.0**-23, 1, "float32", tolerance("float32", 1))
    assert c.ulps == pytest.approx(3.0, rel=1e-12)


def test_bad_names():
    with pytest.raises(SymgradError, match="unknown backend 'mxnet'"):
        parse_backends("jax,mxnet")
    with pytest.raises(SymgradError, match="unknown format"):
        parse_formats("float8")


def test_reference_hessian_matches_mpmath_diff():
    ws = [Fraction(1, 2), Fraction(-1), Fraction(3, 2)]
    H, err = reference_hessian(Chain(3, activation="tanh"), ws)
    H_fd, err_fd = reference_hessian(Chain(3, activation="tanh"), ws, method="fd")
    assert err < 1e-30 and err_fd < 1e-30

    def F(a, b, c):
        return mpmath.tanh(c * mpmath.tanh(b * a))

    with mpmath.workdps(50):
        for i in range(3):
            for j in range(3):
                order = [0, 0, 0]
                order[i] += 1
                order[j] += 1
                t = mpmath.diff(F, [mpmath.mpf(0.5), -1, 1.5], tuple(order))
                assert abs(H[i][j] - t) < mpmath.mpf(10) ** -30
                assert abs(H_fd[i][j] - t) < mpmath.mpf(10) ** -30


def test_vectorized_float64_matches_mpmath():
    w = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    g = gradient_float64(Chain(3), w)
    for row, grow in zip(w, g):
        with mpmath.workdps(40):
            def F(a, b, c):
                return 1 / (1 + mpmath.exp(-c / (1 + mpmath.exp(-b * a))))

            for k in range(3):
                order = tuple(int(i == k) for i in range(3))
                t = float(mpmath.diff(F, [mpmath.mpf(v) for v in row], order))
                assert abs(grow[k] - t) <= 1e-14 * abs(t)  # 3 layers: a few ulps


def test_symbolic_part_of_battery_passes_and_is_deterministic():
    kw = dict(backends=(), depths=(2, 5), hessian_depths=(), activations=("sigmoid", "tanh"),
              groups=("routes", "induction", "bounds", "finite differences"))
    a, b = run_battery(**kw), run_battery(**kw)
    assert a.passed and a.exit_code == 0
    assert {c.group for c in a.checks} == {"routes", "induction", "bounds", "finite differences"}
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)
    assert "<table>" in a._repr_html_()


def _wrong_gradient(chain, weights, fmt):
    """A framework that is off by 1e-6 relative: the check must fail."""
    from symgrad.numeric import torch_backend

    real = torch_backend.gradient(chain, weights, fmt)
    return type(real)(real.backend, fmt, real.value, real.grad_w * (1 + 1e-6), None, None,
                      real.weights, None, None)


def test_a_wrong_gradient_fails():
    require_module("torch")
    chain, w = Chain(4), [Fraction(1, 2)] * 4
    chk = autodiff.compare_gradient("fake", chain, w, "float64",
                                    result=_wrong_gradient(chain, w, "float64"), flushes=False)
    assert not chk.ok
    assert "disagree" in chk.counts()


def test_cli_missing_backend_is_skipped_not_passed(monkeypatch, capsys):
    monkeypatch.setattr("symgrad.analysis.verify.battery.backend_available", lambda name: False)
    rc = main(["verify", "--depths", "2", "--hessian-depths", "2", "--activations", "sigmoid"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "SKIPPED" in out and "pip install 'symgrad[jax]'" in out
    assert "pip install 'symgrad[torch]'" in out and "0 failed, 0 undecided, 2 skipped" in out


def test_cli_requested_missing_backend_is_an_error(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)
    assert main(["verify", "--backends", "torch"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'symgrad[torch]'" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv, needle", [
    (["verify", "--backends", "jax,foo"], "unknown backend 'foo'"),
    (["verify", "--formats", "float8"], "unknown format 'float8'"),
    (["verify", "--depths", "two"], "whole number"),
    (["verify", "--seed", "-1"], "--seed must be"),
    (["verify", "--activations", "relu6"], "unknown activation"),
])
def test_cli_bad_input_one_line(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_cli_verify_json_small_run(tmp_path, capsys):
    require_module("torch")
    out = tmp_path / "v.json"
    rc = main(["verify", "--backends", "torch", "--formats", "float64,float16",
               "--depths", "3", "--hessian-depths", "3", "--activations", "tanh",
               "--format", "json", "--json", str(out)])
    data = json.loads(out.read_text())
    assert rc == 0 and data["passed"] is True
    assert json.loads(capsys.readouterr().out) == data
    groups = {c["group"] for c in data["checks"]}
    assert {"gradient", "hessian", "flush-to-zero", "routes"} <= groups


def _first_subnormal_depth_by_hand(tiny: float) -> int:
    """Seed sigmoid chain, weights 1: dF/dw1 at depth L = prod_{i=1}^{L-1} s_i (1 - s_i)
    with s_1 = sigma(1), s_{i+1} = sigma(s_i) (written out independently here)."""
    with mpmath.workdps(30):
        s, prod, depth = 1 / (1 + mpmath.exp(-1)), mpmath.mpf(1), 1
        while True:
            depth += 1
            prod *= s * (1 - s)
            if prod < tiny:
                return depth
            s = 1 / (1 + mpmath.exp(-s))


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_flush_to_zero_report(backend):
    require_module(backend)
    for fmt in ("float32", "float16"):
        r = autodiff.flush_to_zero_report(backend, fmt)
        assert r["first_subnormal_depth"] == _first_subnormal_depth_by_hand(IEEE[fmt][1])
        assert r["consistent"]
        # a backend that keeps subnormals never diverges from IEEE here
        assert (r["diverges_at"] is not None) == r["flushes"]


def test_html_is_escaped():
    from symgrad.analysis.verify.battery import Check, VerificationReport

    rep = VerificationReport([Check("g", "<script>", "FAIL", "a & b")], {}, ["<b>"])
    html = rep._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html
    assert rep.exit_code == 1


def test_examples_json_is_byte_identical(capsys):
    main(["check", "--examples", "--format", "json"])
    first = capsys.readouterr().out
    main(["check", "--examples", "--format", "json"])
    assert capsys.readouterr().out == first
