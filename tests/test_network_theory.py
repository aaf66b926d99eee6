"""The theory of vanishing gradients in networks: derived statements against textbook values,
the measured variance ratios, and the certified gradient bound against an independent bound.

Expected values: Var(U[-a, a]) = a^2/3 and Glorot & Bengio (2010, eq. 12-16): standard
initialisation n Var(W) = 1/3, normalised initialisation Var(W) = 2/(n_in + n_out); the
bound recomputed here in mpmath with numpy's SVD spectral norms (<= symgrad's norm bound)
and ||dF/dW_l|| by mpmath.diff of tests.references.network_objective.
"""

from __future__ import annotations

import json

import mpmath
import numpy as np
import pytest
import sympy

from symgrad import theory
from symgrad.analysis.network_bounds import gradient_bounds, variance_experiment
from symgrad.core.network_theory import (
    backward_variance_factor,
    forward_variance_factor,
    glorot_variance,
    layer_factor,
    standard_variance,
    uniform_variance,
)
from symgrad.interfaces.cli import main
from symgrad.numeric.network_file import network_from_dict
from tests.json_contract import assert_valid
from tests.references import activation, network_objective


def test_derived_variances_are_the_textbook_ones():
    a, n, m = sympy.symbols("a n m", positive=True)
    assert sympy.simplify(uniform_variance() - a**2 / 3) == 0
    assert standard_variance(10) == sympy.Rational(1, 30)
    assert forward_variance_factor(123) == sympy.Rational(1, 3)
    assert backward_variance_factor(64, 128) == sympy.Rational(2, 3)
    assert glorot_variance(100, 300) == sympy.Rational(2, 400)
    assert sympy.simplify(glorot_variance(n, m) - 2 / (n + m)) == 0


def test_layer_factors_use_the_derived_suprema():
    w = sympy.Symbol("w", nonnegative=True)
    assert layer_factor("sigmoid") == (0, w / 4)
    assert layer_factor("tanh", residual=True) == (1 - w, 1 + w)


@pytest.mark.parametrize(("widths", "want"), [((128,) * 4, 1 / 3), ((64, 128, 64), None)])
def test_measured_variance_ratios_agree_with_the_derivation(widths, want):
    rows = variance_experiment(widths, trials=150, seed=1)
    for r in rows:
        derived = widths[r.layer] / (3 * widths[r.layer - 1])
        assert float(r.derived) == derived and (want is None or derived == want)
        assert r.consistent and 0 < r.standard_error < 0.05 * derived


def test_a_wrong_law_is_not_consistent():
    rows = variance_experiment((128,) * 3, trials=150, seed=2)
    assert all(abs(r.measured - 0.5) > 4 * r.standard_error for r in rows)


def _independent_bound(raw):
    """sum_D Delta_l ||o_(l-1)|| with exact spectral norms (numpy SVD), in mpmath."""
    spec = network_from_dict(raw)
    net = spec.network
    W = [np.array([[float(v) for v in row] for row in spec.weights[f"W{k}"]])
         for k in range(1, net.depth + 1)]
    sn = [np.linalg.svd(w, compute_uv=False)[0] for w in W]
    sups = {"sigmoid": 0.25, "tanh": 1.0, "identity": 1.0, "softplus": 1.0}
    total = [0.0] * net.depth
    for x, y in spec.data:
        os_, o = [], [float(v) for v in x]
        for k in range(net.depth):
            os_.append(o)
            b = spec.weights.get(f"b{k + 1}", [0] * len(W[k]))
            z = W[k] @ np.array(o) + np.array([float(v) for v in b])
            o = [float(activation(net.activations[k], mpmath.mpf(t))) for t in z]
        G = np.linalg.norm(np.array(o) - np.array([float(v) for v in y]))
        for k in range(net.depth - 1, -1, -1):
            delta = sups[net.activations[k]] * G
            total[k] += delta * np.linalg.norm(os_[k])
            G = sn[k] * delta
    return spec, total


RAW = {"layers": [3, 4, 4, 2], "activation": ["sigmoid", "tanh", "identity"],
       "loss": "squared", "data": {"x": [["0.5", "-1", "2"], ["1", "0.25", "-0.5"]],
                                   "y": [["1", "0"], ["0", "1"]]},
       "weights": {"init": "normal:0,1,seed=4"}}


def test_certified_bound_holds_and_is_no_smaller_than_the_svd_bound():
    spec, svd_bound = _independent_bound(RAW)
    rows = gradient_bounds(spec, digits=12)
    net = spec.network
    data = [([mpmath.mpf(float(v)) for v in x], [mpmath.mpf(float(v)) for v in y])
            for x, y in spec.data]
    params = {k: [[mpmath.mpf(float(v)) for v in row] for row in w] if k.startswith("W")
              else [mpmath.mpf(float(v)) for v in w] for k, w in spec.weights.items()}
    for r in rows:
        assert r.verdict == "holds"
        assert float(r.bound.upper()) >= svd_bound[r.layer - 1] * (1 - 1e-12)
        W = params[f"W{r.layer}"]
        with mpmath.workdps(40):
            sq = 0
            for i in range(len(W)):
                for j in range(len(W[0])):
                    def f(t, i=i, j=j, layer=r.layer):
                        p = {k: [list(row) if isinstance(row, list) else row for row in v]
                             for k, v in params.items()}
                        p[f"W{layer}"][i][j] = t
                        return network_objective(net.widths, net.activations, p, data)
                    sq += mpmath.diff(f, W[i][j]) ** 2
            assert abs(mpmath.sqrt(sq) - mpmath.mpf(r.norm.mid)) <= 1e-11 * mpmath.sqrt(sq)


def test_cli_json_is_valid_and_deterministic(tmp_path, capsys):
    path = tmp_path / "n.json"
    path.write_text(json.dumps(RAW), encoding="utf-8")
    argv = ["theory", "--network", str(path), "--width", "32", "--depth", "2", "--trials", "20",
            "--format", "json"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    doc = json.loads(first)
    assert_valid(doc)
    assert [b["verdict"] for b in doc["bounds"]] == ["holds"] * 3
    assert main(argv) == 0
    assert capsys.readouterr().out == first
    assert main(["theory", "--trials", "one"]) == 2
    assert "--trials must be a whole number" in capsys.readouterr().err


def test_api_without_network():
    r = theory(width=16, depth=2, trials=10)
    assert r.to_json()["network"] is None and r.to_json()["bounds"] == []
    assert "Glorot" in r.render("text")
