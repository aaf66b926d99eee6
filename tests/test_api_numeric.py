"""The numeric Python API (derive, reference, formats, scan): Python values, the CLI's numbers.

Expected values come from an mpmath recurrence at 60 digits written here (a backward
pass, not symgrad's forward-mode code), from Python's own float/Decimal conversions and
from IEEE 754 bit patterns.
"""

from __future__ import annotations

import json
import struct
from decimal import Decimal
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from symgrad.base.errors import InputError, LimitError, SymgradError
from symgrad.core.chain import Chain, validate_depth
from symgrad.interfaces.api.derive import DeriveResult, derive
from symgrad.interfaces.api.formats import FormatsResult, SmallGradientResult, formats
from symgrad.interfaces.api.reference import ReferenceResult, reference
from symgrad.interfaces.api.scan import ScanResult, scan
from symgrad.numeric.inputs import draw_weights
from symgrad.numeric.reference import reference_values
from tests.references import correctly_rounded


def sigmoid_chain_60(weights) -> tuple[mpmath.mpf, list[mpmath.mpf]]:
    """F and dF/dw_k of the seed sigmoid chain at 60 digits: forward values, then a
    backward pass (dF/dw_i = g sigma'(z_i) o_{i-1}, g <- g sigma'(z_i) w_i)."""
    with mpmath.workdps(60):
        w = [mpmath.mpf(x) for x in weights]  # mpf of a float or an int is exact
        o, z = [w[0]], [None]
        for i in range(1, len(w)):
            z.append(w[i] * o[-1])
            o.append(1 / (1 + mpmath.exp(-z[-1])))
        grads = [mpmath.mpf(0)] * len(w)
        g = mpmath.mpf(1)
        for i in range(len(w) - 1, 0, -1):
            s = 1 / (1 + mpmath.exp(-z[i]))
            d = s * (1 - s)
            grads[i] = g * d * o[i - 1]
            g = g * d * w[i]
        grads[0] = g
        return o[-1], grads


# -- floats are taken exactly ---------------------------------------------------------

def test_issue_example_reference_values_takes_floats():
    # the issue's failing call: AttributeError 'float' object has no attribute 'numerator'
    r = reference_values(Chain(3), [0.5, 1.0, 2.0], digits=20)
    F, grads = sigmoid_chain_60([0.5, 1.0, 2.0])
    assert r.value == correctly_rounded(F, 20)
    assert list(r.grad_w) == [correctly_rounded(g, 20) for g in grads]


def test_reference_depth3_against_mpmath_recurrence():
    r = reference(3, [0.5, 1.0, 2.0], digits=40, certified=True)
    F, grads = sigmoid_chain_60([0.5, 1.0, 2.0])
    assert r.value("F") == correctly_rounded(F, 40)
    for k in (1, 2, 3):
        assert r.value(f"dF/dw{k}") == correctly_rounded(grads[k - 1], 40)
    doc = r.to_json()
    assert doc["schema"] == "symgrad.reference/2"
    assert [row["name"] for row in doc["values"]] == ["F", "dF/dw1", "dF/dw2", "dF/dw3"]
    for row in doc["values"]:
        assert row["ball"]["mid"] == row["value"] and row["certified_digits"] == 40


def test_a_float_is_its_binary_value_a_string_its_decimal():
    # depth 1: F = w1 itself, so the printed F is the weight rounded to 30 digits
    as_float = reference(1, 0.1, digits=30).value("F")
    as_text = reference(1, "0.1", digits=30).value("F")
    with_decimal = Decimal.from_float(0.1)  # Python's exact conversion of the float 0.1
    assert as_float == correctly_rounded(mpmath.mpf(str(with_decimal)), 30)
    assert as_float == "1.00000000000000005551115123126e-1"
    assert as_text == "1.00000000000000000000000000000e-1"


def test_weights_recorded_exactly_with_float64_bits():
    doc = reference(2, [0.1, Fraction(1, 3)], digits=5).to_json()
    first, second = doc["weights"]["values"]
    assert doc["weights"]["spec"] is None
    assert Fraction(Decimal(first["decimal"])) == Fraction(0.1)
    assert first["float64"] == struct.pack(">d", 0.1).hex() == "3fb999999999999a"
    assert second == {"decimal": "1/3"}  # no float64 holds 1/3: no bit pattern


def test_spec_string_is_a_spec_and_its_draws_are_recorded():
    r = reference(3, "normal:0,1,seed=7", digits=10)
    assert len(r.weights) == 3  # not split into 17 characters
    drawn = np.random.default_rng(7).normal(0.0, 1.0, size=3)  # numpy's own draw
    assert r.weights == tuple(Fraction(float(v)) for v in drawn)
    assert r.weights == draw_weights("normal:0,1", 3, seed=7)
    values = r.to_json()["weights"]
    assert values["spec"] == "normal:0,1,seed=7"
    assert [v["float64"] for v in values["values"]] == [
        struct.pack(">d", float(v)).hex() for v in drawn]


# -- every number type -------------------------------------------------------------

@pytest.mark.parametrize("weights", [
    np.array([0.5, 1.0, 2.0]),
    np.array([0.5, 1.0, 2.0], dtype=np.float32),
    np.array([0.5, 1.0, 2.0], dtype=np.float16),
    [Decimal("0.5"), Decimal(1), Decimal("2.0")],
    [Fraction(1, 2), 1, 2],
    [mpmath.mpf(0.5), mpmath.mpf(1), mpmath.mpf(2)],
    [sympy.Rational(1, 2), sympy.Integer(1), sympy.Float(2.0)],
    ["0.5", "1", "2"],
    (np.float64(0.5), np.int64(1), 2.0),
], ids=["np64", "np32", "np16", "Decimal", "Fraction", "mpmath", "sympy", "str", "scalars"])
def test_number_types_agree(weights):
    F, grads = sigmoid_chain_60([0.5, 1.0, 2.0])
    r = reference(3, weights, digits=25)
    assert r.value("F") == correctly_rounded(F, 25)
    assert r.value("dF/dw2") == correctly_rounded(grads[1], 25)


def test_float32_array_is_its_exact_float32_values():
    w = np.array([0.1, 0.3], dtype=np.float32)
    r = reference(2, w, digits=30)
    F, grads = sigmoid_chain_60([float(v) for v in w])  # float32 -> float64 is exact
    assert r.value("F") == correctly_rounded(F, 30)
    assert r.value("dF/dw1") == correctly_rounded(grads[0], 30)
    assert r.weights[0] == Fraction(float(np.float32(0.1))) != Fraction(1, 10)


def test_general_form_with_biases_and_x():
    # o1 = sigma(w1 x + b1), o2 = sigma(w2 o1 + b2): checked against mpmath directly
    r = reference(2, [0.5, -1.5], form="general", bias=True, biases=[0.25, "0.125"], x=2.0,
                  digits=30)
    with mpmath.workdps(60):
        s = lambda t: 1 / (1 + mpmath.exp(-t))  # noqa: E731
        o1 = s(mpmath.mpf("0.5") * 2 + mpmath.mpf("0.25"))
        z2 = mpmath.mpf("-1.5") * o1 + mpmath.mpf("0.125")
        F = s(z2)
        d2 = F * (1 - F)
        d1 = o1 * (1 - o1)
        dx = d2 * mpmath.mpf("-1.5") * d1 * mpmath.mpf("0.5")
    assert r.value("F") == correctly_rounded(F, 30)
    assert r.value("dF/db2") == correctly_rounded(d2, 30)
    assert r.value("dF/dx") == correctly_rounded(dx, 30)
    doc = r.to_json()
    assert doc["x"] == {"decimal": "2e+0", "float64": "4000000000000000"}
    assert doc["biases"]["values"][1] == {"decimal": "1.25e-1", "float64": "3fc0000000000000"}


# -- results ---------------------------------------------------------------------

def test_results_are_result_objects_with_short_reprs():
    r = reference(1000, 1, digits=10, wrt=1)
    assert isinstance(r, ReferenceResult) and "\n" not in repr(r) and len(repr(r)) < 200
    assert r.render("json").startswith("{") and r.render("csv").startswith("name,value\n")
    d = derive(3, wrt=[1, 3])
    assert isinstance(d, DeriveResult) and [p["k"] for p in d.to_json()["partials"]] == [1, 3]
    assert "∂F/∂w3" in d.render("text") and "Derivative(" not in d.render("text")
    f = formats(30, np.ones(30), formats=["float64", "float16"])
    assert isinstance(f, FormatsResult)
    assert [r["status"] for r in f.to_json()["formats"]] == ["normal", "zero"]
    assert isinstance(formats(small_gradient=True), SmallGradientResult)
    s = scan(40, np.ones(40), formats="float64")
    assert isinstance(s, ScanResult) and len(s.to_json()["depths"]) == 40


def test_formats_true_value_against_mpmath():
    f = formats(3, [0.5, 1.0, 2.0], wrt=2, digits=20)
    _, grads = sigmoid_chain_60([0.5, 1.0, 2.0])
    assert f.to_json()["true"]["ball"]["mid"] == correctly_rounded(grads[1], 20)
    row = f.to_json()["formats"][0]
    assert row["format"] == "float64" and row["status"] == "normal"
    assert abs(float(row["value"]) - float(grads[1])) <= 1e-15 * abs(float(grads[1]))


def test_scan_records_the_plotted_values():
    s = scan(60, 1, formats="float16", lr="0.1")
    recs = s.to_json()["depths"]
    # depth 1: dF/dw1 = 1 exactly, log10 = 0; depth n: (sigma'(sigma(...)))... -> the
    # true value of depth 2 is sigma'(1) = e/(1+e)^2
    assert recs[0]["log10_abs_true"] == "0.0"
    with mpmath.workdps(30):
        want = mpmath.log10(mpmath.e / (1 + mpmath.e) ** 2)
    assert abs(float(recs[1]["log10_abs_true"]) - float(want)) < 1e-15
    zero = s.first_depth("float16", "zero")
    assert recs[zero - 1]["log10_abs_computed"]["float16"] == "-inf"
    assert recs[zero - 2]["log10_abs_computed"]["float16"] != "-inf"
    assert all(r["weight"] == "1e+0" for r in recs)
    assert "learning rate 0.1," in s.render("text")


def test_derive_wrt_all_is_the_default():
    assert derive(3).wrt == (1, 2, 3)
    assert [p["k"] for p in derive(3).to_json()["partials"]] == [1, 2, 3]


def test_chain_object_or_depth():
    c = Chain(3, activation="tanh")
    assert reference(c, 1, digits=5).chain is c
    with pytest.raises(InputError, match="belong to the Chain"):
        reference(c, 1, activation="sigmoid", form="general")


# -- bad input: InputError in Python's words ------------------------------------------

BAD = [
    (lambda: Chain("3"), "depth must be an int"),
    (lambda: Chain(3, bias="yes"), "bias must be True or False"),
    (lambda: Chain(2.0), "depth must be an int"),
    (lambda: Chain(True), "depth must be an int"),
    (lambda: Chain(0), "depth must be >= 1"),
    (lambda: reference(3, [1, 2], digits=5), "2 weights given for depth 3"),
    (lambda: reference(3, [1, float("nan"), 1]), "finite"),
    (lambda: reference(3, [1, True, 1]), "bool"),
    (lambda: reference(3, np.ones((3, 1))), "one-dimensional"),
    (lambda: reference(3, 1, digits=0), "digits=0 is outside"),
    (lambda: reference(3, 1, digits="30"), "digits must be a whole number"),
    (lambda: reference(3, 1, wrt=5), "wrt=5 is outside 1..3"),
    (lambda: reference(3, 1, x=2), "x needs the general form"),
    (lambda: reference(3, 1, biases=[1, 2, 3]), "biases needs a chain with biases"),
    (lambda: reference(3, 1, certified="yes"), "certified must be True or False"),
    (lambda: reference(3, "bogus"), "weight"),
    (lambda: derive(3, wrt="x"), "is not a layer number"),
    (lambda: derive(3, symbolic_depth=1), "symbolic_depth must be True or False"),
    (lambda: formats(), "formats needs depth and weights"),
    (lambda: formats(3, 1, wrt="all"), "one partial derivative at a time"),
    (lambda: formats(3, 1, formats="float8"), "float8"),
    (lambda: formats(small_gradient=True, c=0), "c must be > 0"),
    (lambda: scan(10, 1, lr=0), "lr must be > 0"),
    (lambda: scan(10, 1, threshold=-1.0), "threshold must be > 0"),
    (lambda: scan("10", 1), "max_depth must be a whole number"),
    (lambda: scan(10, 1, plot="out.txt"), "png"),
]


@pytest.mark.parametrize("call,match", BAD, ids=[m for _, m in BAD])
def test_bad_input_is_an_input_error_in_python_words(call, match):
    with pytest.raises(SymgradError) as info:
        call()
    exc = info.value
    assert isinstance(exc, InputError | LimitError), type(exc)
    assert match in str(exc)
    assert "--" not in str(exc), str(exc)
    assert "\n" not in str(exc)


def test_cli_converts_text_first():
    assert Chain(validate_depth("3")).depth == 3
    with pytest.raises(LimitError):
        validate_depth(10**9)


# -- the CLI's output convention: -o, --force, empty path, stdout limit ---------------

OUTPUT_COMMANDS = [
    ["derive", "--depth", "2", "--wrt", "1"],
    ["reference", "--depth", "3", "--weights", "1", "--digits", "10"],
    ["formats", "--depth", "5", "--weights", "1", "--formats", "float16"],
    ["scan", "--max-depth", "8", "--weights", "1", "--formats", "float64"],
]


@pytest.mark.parametrize("argv", OUTPUT_COMMANDS, ids=[a[0] for a in OUTPUT_COMMANDS])
def test_output_file_force_and_empty_path(capsys, tmp_path, argv):
    from symgrad.interfaces.cli import main

    assert main([*argv, "--format", "json"]) == 0
    shown = capsys.readouterr().out
    target = tmp_path / "out.json"
    assert main([*argv, "--format", "json", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8") == shown
    target.write_text("keep me", encoding="utf-8")
    assert main([*argv, "--format", "json", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "exists" in err and "--force" in err and err.count("\n") == 1
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main([*argv, "--format", "json", "-o", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == shown
    assert main([*argv, "-o", ""]) == 2
    assert "empty path" in capsys.readouterr().err
    assert not [p.name for p in tmp_path.iterdir() if p.name != "out.json"]  # no temp files


def test_stdout_limit_asks_for_a_file_or_wrt(capsys, tmp_path):
    from symgrad.interfaces.cli import main

    argv = ["reference", "--depth", "10000", "--weights", "1", "--digits", "2", "--format",
            "json"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "1 MB limit" in captured.err and "-o FILE" in captured.err
    assert "--wrt" in captured.err
    assert main([*argv, "--wrt", "1", "-o", str(tmp_path / "r.json")]) == 0
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(doc["weights"]["values"]) == 10000 and len(doc["values"]) == 2
