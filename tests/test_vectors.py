"""symgrad.vectors / ``symgrad vectors``: certified test vectors as JSON, CSV and .npz.

Expected values are written here by hand (the depth-2 sigmoid chain F = sigma(w1 w2), its
gradient and Hessian; the depth-1 general chain sigma(w x + b)) and evaluated with mpmath
at 50 digits; bit patterns are IEEE 754 constants.
"""

from __future__ import annotations

import csv
import io
import json

import mpmath
import numpy as np
import pytest

from symgrad.base.errors import InputError, LimitError
from symgrad.interfaces.api.vectors import CSV_COLUMNS, MAX_SPECS, read_specs, vectors
from symgrad.interfaces.cli import main
from tests.json_contract import assert_valid

W1, W2 = 0.75, -1.5  # floats: each weight carries its bit pattern


def _sigmoid_depth2(w1, w2):
    """F, [dF/dw1, dF/dw2], Hessian of F = s(w1 w2), by hand: s' = s(1-s), s'' = s'(1-2s)."""
    with mpmath.workdps(50):
        w1, w2 = mpmath.mpf(w1), mpmath.mpf(w2)
        s = 1 / (1 + mpmath.exp(-w1 * w2))
        d1 = s * (1 - s)
        d2 = d1 * (1 - 2 * s)
        grad = [w2 * d1, w1 * d1]
        hess = [[w2 * w2 * d2, d1 + w1 * w2 * d2], [d1 + w1 * w2 * d2, w1 * w1 * d2]]
        return s, grad, hess


def _contains(ball: dict, true) -> bool:
    with mpmath.workdps(60):
        return abs(mpmath.mpf(ball["mid"]) - true) <= mpmath.mpf(ball["rad"])


def _within_digits(ball: dict, true) -> bool:
    """mid agrees with the true value to ``digits`` significant digits (half a unit)."""
    with mpmath.workdps(60):
        mid = mpmath.mpf(ball["mid"])
        unit = mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(abs(true))) - ball["digits"] + 1)
        return abs(mid - true) <= unit / 2


@pytest.fixture(scope="module")
def result():
    return vectors([{"depth": 2, "weights": [W1, W2]},
                    {"depth": 1, "form": "general", "bias": True, "weights": "0.5",
                     "biases": ["0.1"], "x": "-2"}], digits=25, hessian=True)


def test_values_against_the_hand_formulas(result):
    rec = result.to_json()["vectors"][0]
    F, grad, hess = _sigmoid_depth2(W1, W2)
    assert _contains(rec["F"], F) and _within_digits(rec["F"], F)
    assert rec["F"]["digits"] == 25
    for ball, true in zip(rec["gradient"]["w"], grad):
        assert _contains(ball, true) and _within_digits(ball, true)
    for row, true_row in zip(rec["hessian"], hess):
        for ball, true in zip(row, true_row):
            assert _contains(ball, true) and ball["digits"] == 25
    assert rec["gradient"]["b"] == [] and rec["gradient"]["x"] is None


def test_general_form_with_bias_and_x(result):
    rec = result.to_json()["vectors"][1]
    with mpmath.workdps(50):  # F = s(z), z = w x + b = 0.5*(-2) + 0.1 = -0.9
        z = mpmath.mpf("-0.9")
        s = 1 / (1 + mpmath.exp(-z))
        d = s * (1 - s)
        assert _contains(rec["F"], s)
        assert _contains(rec["gradient"]["w"][0], -2 * d)  # x s'(z)
        assert _contains(rec["gradient"]["b"][0], d)
        assert _contains(rec["gradient"]["x"], mpmath.mpf("0.5") * d)  # w s'(z)
    assert rec["x"] == {"decimal": "-2e+0", "float64": "c000000000000000"}
    assert rec["biases"]["values"] == [{"decimal": "1e-1"}]  # 1/10 is no float64 number


def test_exact_weights_and_bit_patterns():
    rec = vectors({"depth": 2, "weights": [0.1, "0.1"]}, digits=5).to_json()["vectors"][0]
    as_float, as_text = rec["weights"]["values"]
    # the double nearest 0.1: 0x3FB999999999999A, exactly 0.1000000000000000055511151231257827...
    assert as_float == {"float64": "3fb999999999999a",
                        "decimal": "1.000000000000000055511151231257827021181583404541015625e-1"}
    assert as_text == {"decimal": "1e-1"}
    assert rec["weights"]["spec"] is None
    drawn = vectors({"depth": 3, "weights": "normal:0,1,seed=5"}).to_json()["vectors"][0]
    assert drawn["weights"]["spec"] == "normal:0,1,seed=5"
    for v in drawn["weights"]["values"]:  # a draw is a float64: its bits give the decimal back
        bits = np.frombuffer(bytes.fromhex(v["float64"])[::-1], dtype="<f8")[0]
        assert mpmath.mpf(float(bits)) == mpmath.mpf(v["decimal"])


def test_json_validates_against_the_published_schema(result):
    assert_valid(result.render("json"))
    doc = result.to_json()
    assert doc["schema"] == "symgrad.vectors/1" and doc["count"] == 2 and doc["hessian"] is True
    doc["vectors"][0]["F"]["mid"] = 0.5  # a JSON float is not a decimal string
    with pytest.raises(Exception, match="is not of type 'string'"):
        assert_valid(doc)


def test_csv_one_row_per_record(result):
    rows = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 2
    recs = result.to_json()["vectors"]
    assert rows[0]["weights_float64"] == "3fe8000000000000;bff8000000000000"  # 0.75, -1.5
    assert rows[0]["grad_w"].split(";") == [b["mid"] for b in recs[0]["gradient"]["w"]]
    assert len(rows[0]["hessian"].split(";")) == 4
    assert rows[1]["bias"] == "true" and rows[1]["x"] == "-2e+0"
    assert rows[1]["grad_x"] == recs[1]["gradient"]["x"]["mid"]


def test_npz_arrays_and_decimal_strings(result, tmp_path):
    path = result.save_npz(tmp_path / "v.npz")
    with np.load(path) as z:
        F, grad, hess = _sigmoid_depth2(W1, W2)
        assert z["r0_weights"].tolist() == [W1, W2]
        assert z["r0_weights_float64"].tolist() == ["3fe8000000000000", "bff8000000000000"]
        assert z["r0_grad_w"] == pytest.approx([float(g) for g in grad], rel=1e-15)
        assert z["r0_hessian"].shape == (2, 2)
        assert z["r0_hessian"].ravel() == pytest.approx([float(h) for r in hess for h in r],
                                                         rel=1e-15)
        assert float(z["r0_F"]) == pytest.approx(float(F), rel=1e-15)
        assert z["r0_grad_w_decimal"].dtype.kind == "U"
        doc = json.loads(str(z["json"]))
        assert z["r0_grad_w_decimal"].tolist() == [b["mid"] for b in
                                                  doc["vectors"][0]["gradient"]["w"]]
        assert z["r1_grad_b"].shape == (1,) and z["depth"].tolist() == [2, 1]


def test_bad_specs():
    with pytest.raises(InputError, match="unknown spec keys: width"):
        vectors([{"depth": 2, "width": 3}])
    with pytest.raises(InputError, match="needs a depth"):
        vectors([{"weights": "1"}])
    with pytest.raises(InputError, match="depth must be a whole number, got '3'"):
        vectors([{"depth": "3"}])
    with pytest.raises(InputError, match="no specs"):
        vectors([])
    with pytest.raises(InputError, match="bias must be true or false"):
        vectors({"depth": 2, "form": "general", "bias": "yes"})
    with pytest.raises(InputError, match="3 weights given for depth 2"):
        vectors({"depth": 2, "weights": [1, 2, 3]})
    with pytest.raises(LimitError, match="above the cap"):
        vectors([{"depth": 1}] * (MAX_SPECS + 1))
    with pytest.raises(InputError, match="binary"):
        vectors({"depth": 1}).render("npz")


def _cli(capsys, *argv):
    status = main(["vectors", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_one_spec_and_spec_files(capsys, tmp_path):
    status, out, _ = _cli(capsys, "--depth", "2", "--weights", "0.75,-1.5", "--format", "json",
                          "--digits", "25")
    assert status == 0
    _, grad, _ = _sigmoid_depth2(W1, W2)
    doc = assert_valid(out)
    assert _contains(doc["vectors"][0]["gradient"]["w"][1], grad[1])
    spec = tmp_path / "specs.json"
    spec.write_text(json.dumps({"digits": 12, "specs": [{"depth": 2, "weights": [W1, W2]},
                                                        {"depth": 3, "activation": "tanh"}]}))
    status, out, _ = _cli(capsys, "--specs", str(spec), "--format", "csv", "--hessian")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["activation"] for r in rows] == ["sigmoid", "tanh"] and rows[0]["digits"] == "12"
    assert len(rows[1]["hessian"].split(";")) == 9
    toml = tmp_path / "specs.toml"
    toml.write_text('digits = 15\n[[specs]]\ndepth = 2\nweights = [0.75, -1.5]\n')
    assert read_specs(toml)["specs"][0]["weights"] == [W1, W2]
    status, out, _ = _cli(capsys, "--specs", str(toml), "--format", "npz", "-o",
                          str(tmp_path / "v.npz"))
    with np.load(tmp_path / "v.npz") as z:
        assert z["digits"].tolist() == [15]


@pytest.mark.parametrize("argv, message", [
    (["--depth", "2", "--format", "npz"], "--format npz is binary and needs a file"),
    ([], "give one spec with --depth L"),
    (["--depth", "2", "--weights", "1,2,3"], "--weights lists 3 numbers but the depth is 2"),
    (["--specs", "/nonexistent/specs.json"], "cannot read the spec file"),
])
def test_cli_errors_are_one_line(capsys, argv, message):
    status, out, err = _cli(capsys, *argv)
    assert status == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_refuses_bad_files_and_overwrite(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    status, _, err = _cli(capsys, "--specs", str(bad))
    assert status == 2 and "is not valid JSON" in err
    bad.write_text('{"specs": [{"depth": 2}], "colour": 1}')
    assert "unknown keys" in _cli(capsys, "--specs", str(bad))[2]
    target = tmp_path / "v.json"
    target.write_text("keep")
    status, _, err = _cli(capsys, "--depth", "1", "-o", str(target))
    assert status == 2 and "--force" in err and target.read_text() == "keep"
