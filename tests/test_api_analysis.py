"""The Python API of hessian, classify, check, verify, report and derivations.

Python values in (floats taken exactly, Fractions, numpy arrays, SymPy expressions,
dicts), the same numbers as the command line out, values checked against independent
mpmath computations, and bad input as one-line ``SymgradError`` subclasses worded in
Python (``digits=0``, never ``--digits``).
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from symgrad.base.errors import InputError, LimitError, SymgradError
from symgrad.interfaces.api.check import check
from symgrad.interfaces.api.classify import classify
from symgrad.interfaces.api.derivations import derivations
from symgrad.interfaces.api.hessian import hessian
from symgrad.interfaces.api.report import report
from symgrad.interfaces.api.verify import verify
from symgrad.interfaces.cli import main


def _cli(capsys, *argv: str, status: int = 0) -> str:
    assert main(list(argv)) == status
    return capsys.readouterr().out


def _sigmoid_hessian_2(w1, w2):
    """F = sigma(w1 w2) (seed chain of depth 2): F, grad, Hessian by hand in mpmath."""
    z = w1 * w2
    s = 1 / (1 + mpmath.exp(-z))
    d1, d2 = s * (1 - s), s * (1 - s) * (1 - 2 * s)
    return s, [w2 * d1, w1 * d1], [[w2 * w2 * d2, d1 + z * d2], [d1 + z * d2, w1 * w1 * d2]]


@pytest.mark.parametrize("weights", [[0.5, -1.25], (Fraction(1, 2), Fraction(-5, 4)),
                                     np.array([0.5, -1.25]), np.array([0.5, -1.25], np.float32),
                                     "0.5,-1.25", [sympy.Rational(1, 2), mpmath.mpf(-1.25)]],
                         ids=["floats", "fractions", "numpy", "float32", "spec", "sympy-mpmath"])
def test_hessian_takes_python_numbers_and_matches_the_cli_and_mpmath(capsys, weights):
    result = hessian(2, weights, digits=20)
    cli = json.loads(_cli(capsys, "hessian", "--depth", "2", "--weights", "0.5,-1.25",
                          "--format", "json"))
    assert result.to_json() == cli
    assert result.render("text") == _cli(capsys, "hessian", "--depth", "2", "--weights",
                                         "0.5,-1.25")
    with mpmath.workdps(50):
        f, g, h = _sigmoid_hessian_2(mpmath.mpf(0.5), mpmath.mpf(-1.25))
        doc = result.to_json()
        for shown, exact in [(doc["F"], f), *zip(doc["gradient"], g),
                             *zip([e for row in doc["hessian"] for e in row],
                                  [e for row in h for e in row])]:
            # 20 significant digits, correctly rounded: within half a unit of the 20th
            assert abs(mpmath.mpf(shown) - exact) <= abs(exact) * mpmath.mpf(10) ** -19 / 2
        trace, det = h[0][0] + h[1][1], h[0][0] * h[1][1] - h[0][1] ** 2
        lams = sorted([(trace - mpmath.sqrt(trace**2 - 4 * det)) / 2,
                       (trace + mpmath.sqrt(trace**2 - 4 * det)) / 2])
        for ball, lam in zip(doc["eigenvalue_enclosures"], lams, strict=True):
            assert abs(mpmath.mpf(ball["mid"]) - lam) <= mpmath.mpf(ball["rad"])


def test_a_float_weight_is_its_exact_binary_value(capsys):
    tenth = "3602879701896397/36028797018963968"  # the float 0.1, exactly
    result = hessian(2, [0.1, 1], digits=12)
    assert result.to_json()["weights"] == [tenth, "1"]
    cli = json.loads(_cli(capsys, "hessian", "--depth", "2", "--weights", f"{tenth},1",
                          "--digits", "12", "--format", "json"))
    assert result.to_json() == cli
    assert hessian(2, ["0.1", 1], digits=12).to_json()["weights"] == ["1/10", "1"]


def test_hessian_general_form_and_small_gradient_from_python_values(capsys):
    result = hessian(2, 1, form="general", bias=True, biases=[0.5, Fraction(1, 2)], x=2.0)
    cli = _cli(capsys, "hessian", "--depth", "2", "--form", "general", "--bias", "--biases",
               "0.5", "--x", "2", "--weights", "1", "--format", "json")
    assert result.to_json() == json.loads(cli)
    sg = hessian(3, 1, small_gradient=Fraction(1, 1000), digits=5, eigenvalues=False)
    cli = _cli(capsys, "hessian", "--depth", "3", "--weights", "1", "--small-gradient",
               "0.001", "--digits", "5", "--no-eigenvalues", "--format", "json")
    assert sg.to_json() == json.loads(cli)
    assert sg.render("latex") == sg.to_latex() and r"\begin{pmatrix}" in sg.to_latex()


def test_classify_takes_sympy_and_python_boxes(capsys):
    x, y = sympy.symbols("x y")
    text = classify("x**3 - 3*x")
    assert classify(x**3 - 3 * x).to_json() == text.to_json()
    # f'(x) = 3x^2 - 3: x = -1 a maximum (f'' = -6), x = 1 a minimum (f'' = 6), by hand
    got = [(p["exact"]["x"], p["verdict"]["class"]) for p in text.to_json()["points"]]
    assert got == [("-1", "local maximum"), ("1", "local minimum")]
    assert text.to_json() == json.loads(_cli(capsys, "classify", "x**3 - 3*x", "--format",
                                             "json"))
    boxed = classify(sympy.sin(x) * sympy.cos(y), box={"x": (-2, 2.0), "y": (Fraction(-1), 1)},
                     digits=12, starts=16)
    cli = _cli(capsys, "classify", "sin(x)*cos(y)", "--box", "x=-2:2,y=-1:1", "--digits", "12",
               "--starts", "16", "--format", "json")
    assert boxed.to_json() == json.loads(cli)
    # grad = (cos x cos y, -sin x sin y) = 0 in the box: x = ±pi/2, y = 0 (saddles), by hand
    pts = [(mpmath.mpf(p["point"]["x"]), p["point"]["y"]) for p in boxed.to_json()["points"]]
    assert sorted(round(float(px / (mpmath.pi / 2))) for px, _ in pts) == [-1, 1]
    for _, py in pts:  # y = 0, printed as 0 or as a ball {mid: 0, rad} around it
        assert py == "0" or (py["mid"] == "0" and mpmath.mpf(py["rad"]) < 1e-11)
    assert classify("x**2 + y**2", variables=["y", "x"]).to_json()["variables"] == ["y", "x"]


def test_check_takes_python_values(capsys):
    r = check("x*y > 1", at={"x": Fraction(3, 2), "y": 2.0})
    assert r.to_json() == json.loads(_cli(capsys, "check", "x*y > 1", "--at", "x=1.5,y=2",
                                          "--format", "json"))
    assert r.render("text") == _cli(capsys, "check", "x*y > 1", "--at", "x=1.5,y=2")
    # sigmoid(1) = 0.73105857863000487925... (mpmath at 30 digits): one claim each side
    with mpmath.workdps(30):
        s1 = 1 / (1 + mpmath.exp(-1))
    below, above = mpmath.nstr(s1 - mpmath.mpf("1e-12"), 20), mpmath.nstr(s1 + 1e-12, 20)
    assert check(f"sigmoid(x) > {below}", at={"x": 1}).verdict == "TRUE"
    assert check(f"sigmoid(x) > {above}", at={"x": 1}).exit_code == 1
    assert check("x + y > 0").exit_code == 1


def test_verify_and_derivations_take_sequences(capsys, tmp_path):
    a = verify(groups="routes", activations="sigmoid", backends="none", seed="0")
    b = verify(groups=["routes"], activations=("sigmoid",), backends=(), seed=0)
    assert a.to_json() == b.to_json() and a.exit_code == 0
    assert a.render("text").splitlines()[-1] == a.summary()
    d1 = derivations(tmp_path / "a", only=["gradient"], documents=["markdown"])
    d2 = derivations(tmp_path / "b", only="gradient", documents="markdown")
    assert [p.read_text() for p in d1.paths] == [p.read_text() for p in d2.paths]


def test_report_takes_python_weights_and_learning_rate(tmp_path):
    r = report(tmp_path / "r", depth=2, weights=[0.5, Fraction(1, 3)], lr=0.25, backends=(),
               steps=("derivation",))
    assert r.report.options.weights == "1/2,1/3" and r.report.options.lr == "1/4"
    assert (tmp_path / "r" / "index.html").is_file() and r.index.name == "index.html"
    assert r.to_json()["left_out"] == [] or all("fix" in lo for lo in r.to_json()["left_out"])


BAD = [  # (call, exception class or None for any SymgradError)
    (lambda: hessian(2, [1, 2, 3]), InputError),
    (lambda: hessian(1001, 1), LimitError),
    (lambda: hessian(200, 1, digits=501), LimitError),
    (lambda: hessian(2, 1, digits=0), InputError),
    (lambda: hessian(2, 1, digits=2.5), InputError),
    (lambda: hessian(2, 1, small_gradient=-1), InputError),
    (lambda: hessian(2, 1, x=2), InputError),
    (lambda: hessian(2, 1, biases=1), InputError),
    (lambda: hessian(2, float("nan")), InputError),
    (lambda: hessian(2, True), InputError),
    (lambda: hessian(2, np.zeros((2, 2))), InputError),
    (lambda: hessian(2, 1, form="general", small_gradient=1), InputError),
    (lambda: classify("x**2", digits=0), InputError),
    (lambda: classify("x +"), None),
    (lambda: classify("__import__('os')"), None),
    (lambda: classify("sin(x)"), InputError),
    (lambda: classify("x**2", box=(2, 1)), InputError),
    (lambda: classify("x**2", box=(1, 2, 3)), InputError),
    (lambda: classify("x**2", time_budget=0), InputError),
    (lambda: classify(42), InputError),
    (lambda: classify("x**2", method="fast"), InputError),
    (lambda: classify("x**2 + y", variables="x"), None),
    (lambda: check("x >"), None),
    (lambda: check(None), InputError),
    (lambda: check("x > 0", at={"y": 1}), InputError),
    (lambda: check("x > 0", examples=True), InputError),
    (lambda: check("x > 0", at=5), InputError),
    (lambda: check("x > 0", at={"x": float("inf")}), InputError),
    (lambda: verify(depths=[0]), InputError),
    (lambda: verify(hessian_depths=[41]), LimitError),
    (lambda: verify(groups=["nope"]), InputError),
    (lambda: verify(seed=-1), InputError),
    (lambda: verify(backends="nope"), InputError),
    (lambda: verify(formats="float8"), None),
    (lambda: report("/nonexistent-dir/r", backends="cuda"), InputError),
    (lambda: report("/nonexistent-dir/r", depth=0), InputError),
    (lambda: derivations("/nonexistent-dir/d", documents="pdf"), InputError),
    (lambda: derivations("/nonexistent-dir/d", only="nope"), None),
]


@pytest.mark.parametrize(("call", "kind"), BAD, ids=range(len(BAD)))
def test_bad_input_is_one_python_worded_line(call, kind):
    with pytest.raises(SymgradError) as info:
        call()
    if kind is not None:
        assert isinstance(info.value, kind)
    text = str(info.value)
    assert "--" not in text and "\n" not in text and text


_LEAKS = re.compile(r"\+/-|\+-|Interval\(|\boo\b|\['|\{'|Fraction\(|mpf\(|\bS\.Reals|->|R\^n")


@pytest.mark.parametrize("argv", [
    ["hessian", "--depth", "3", "--weights", "1", "--small-gradient", "1e-3", "--digits", "5"],
    ["hessian", "--depth", "1", "--weights", "1", "--small-gradient", "1"],
    ["hessian", "--depth", "3", "--activation", "tanh", "--weights", "1,0,1", "--digits", "8"],
    ["classify", "x**4 + y**4 - x*y"],
    ["classify", "relu(x)"],
    ["classify", "max(x, 0) - x**2"],
    ["classify", "abs(x) + abs(y)"],
    ["classify", "relu(x)*relu(y)"],
    ["classify", "x**2*y**2"],
    ["classify", "sin(x)", "--box=-4,4"],
    ["check", "Max(x, 0) >= x"],
    ["check", "x*y > 1", "--at", "x=1.5,y=2"],
    ["check", "exp(-x**2) <= 1"],
    ["verify", "--groups", "routes,bounds", "--activations", "tanh", "--backends", "none",
     "--depths", "2"],
], ids=lambda a: " ".join(a[:3]))
def test_text_output_has_no_python_or_arb_notation(capsys, argv):
    status = main(argv)
    assert status in (0, 1)
    out = capsys.readouterr().out
    assert out and not [line for line in out.splitlines() if _LEAKS.search(line)]
