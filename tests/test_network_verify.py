"""Networks cross-checked against JAX and PyTorch (issue 13, item 5).

Expected values come from computations written here: the Hessian by ``mpmath.diff`` of
``tests.references.network_objective`` (the network written out in mpmath) at 30 digits;
``jax.hessian`` of a JAX objective written in this file in float64 (x64 scoped with
``jax.enable_x64``); the frameworks' float16 rows against the tolerance.
"""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from symgrad.analysis.verify.network_checks import (
    certified_gradient,
    certified_hessian,
    compare_row,
    entry_tolerances,
)
from symgrad.base.errors import InputError
from symgrad.base.verdicts import Verdict
from symgrad.interfaces.api.verify import verify
from symgrad.interfaces.cli import main
from symgrad.numeric.flint_backend import arb_to_mpf
from symgrad.numeric.network_file import network_from_dict
from symgrad.numeric.network_frameworks import rounded_spec, run_network
from tests._require import require_module
from tests.json_contract import assert_valid
from tests.references import network_objective

DATA2 = {"x": [["0.5", "-1"], ["1.25", "0.75"]], "y": [["0.2"], ["0.9"]]}
NETWORKS = {
    "sigmoid-squared": {"layers": [2, 2, 1], "activation": "sigmoid", "loss": "squared",
                        "data": DATA2, "weights": {"W1": [["0.5", "-1.2"], ["0.3", "0.8"]],
                                                   "b1": ["0.1", "-0.1"], "W2": [["1.5", "-2"]],
                                                   "b2": ["0.25"]}},
    "tanh-none-nobias": {"layers": [3, 2, 1], "activation": ["tanh", "identity"],
                         "bias": False, "loss": "none",
                         "data": {"x": [["0.3", "-0.2", "0.7"]]},
                         "weights": {"init": "normal:0,1,seed=4"}},
    "softplus-residual": {"layers": [2, 2, 2, 1], "activation": ["softplus", "tanh", "identity"],
                          "residual": True, "loss": "squared",
                          "data": {"x": [["0.5", "-1"]], "y": [["0.3"]]},
                          "weights": {"init": "normal:0,0.8,seed=2"}},
    "relu-sigmoid-ce": {"layers": [2, 3, 1], "activation": ["relu", "sigmoid"],
                        "loss": "cross-entropy", "data": DATA2,
                        "weights": {"W1": [["0.7", "-0.4"], ["-0.3", "0.9"], ["0.6", "0.5"]],
                                    "b1": ["0.15", "0.2", "-0.35"], "W2": [["1.1", "-0.8", "0.6"]],
                                    "b2": ["0.05"]}},
    "gelu-softmax-residual": {"layers": [2, 2, 3], "activation": ["gelu", "softmax"],
                              "residual": True, "loss": "cross-entropy",
                              "data": {"x": [["0", "1"], ["1", "0.5"]],
                                       "y": [["0.2", "0.3", "0.5"], ["1", "0", "0"]]},
                              "weights": {"init": "normal:0,1,seed=3"}},
}


def _mp(q: Fraction):
    return mpmath.mpf(q.numerator) / q.denominator


def mp_hessian(spec, dps=30):
    """The Hessian by mpmath.diff of the network written out in mpmath."""
    net = spec.network
    entries = net.entries()
    with mpmath.workdps(dps):
        data = [([_mp(v) for v in x], [_mp(v) for v in y]) for x, y in spec.data]
        base = [_mp(spec.weights[n][i[0]][i[1]] if len(i) == 2 else spec.weights[n][i[0]])
                for n, i in entries]

        def F(*flat):
            p, k = {}, 0
            for name, shape in net.parameters():
                if len(shape) == 2:
                    p[name] = [list(flat[k + r * shape[1]: k + (r + 1) * shape[1]])
                               for r in range(shape[0])]
                    k += shape[0] * shape[1]
                else:
                    p[name] = list(flat[k:k + shape[0]])
                    k += shape[0]
            return network_objective(net.widths, net.activations, p, data, net.loss,
                                     net.residual)

        q = len(base)
        H = [[None] * q for _ in range(q)]
        for i in range(q):
            for j in range(i, q):
                order = [0] * q
                order[i] += 1
                order[j] += 1
                H[i][j] = H[j][i] = mpmath.diff(F, base, order)
        return H


def _jax_hessian(spec):
    """jax.hessian in float64 of the objective written here (x64 scoped)."""
    jax = require_module("jax", install="pip install 'symgrad[jax]'")
    jnp = jax.numpy
    net = spec.network
    acts = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "softplus": jax.nn.softplus,
            "relu": jax.nn.relu, "identity": lambda t: t,
            "gelu": lambda t: jax.nn.gelu(t, approximate=False)}
    with jax.enable_x64(True):
        x = jnp.asarray([[float(v) for v in p[0]] for p in spec.data], dtype=jnp.float64)
        y = jnp.asarray([[float(v) for v in p[1]] for p in spec.data], dtype=jnp.float64)

        def F(flat):
            o, k = x, 0
            for layer, act in enumerate(net.activations, 1):
                n_out, n_in = net.widths[layer], net.widths[layer - 1]
                W = flat[k:k + n_out * n_in].reshape(n_out, n_in)
                k += n_out * n_in
                z = o @ W.T
                if net.bias:
                    z = z + flat[k:k + n_out]
                    k += n_out
                if act in ("softmax",) or (net.loss == "cross-entropy" and layer == net.depth):
                    o = z
                    break
                a = acts[act](z)
                o = o + a if net.is_residual(layer) else a
            if net.loss == "none":
                return o.sum()
            if net.loss == "squared":
                return 0.5 * ((o - y) ** 2).sum()
            if o.shape[1] == 1:
                return (jax.nn.softplus(o) - y * o).sum()
            return (y.sum(axis=1) * jax.scipy.special.logsumexp(o, axis=1)).sum() - (y * o).sum()

        flat = []
        for n, i in net.entries():
            v = spec.weights[n]
            for t in i:
                v = v[t]
            flat.append(float(v))
        return np.asarray(jax.jit(jax.hessian(F))(jnp.asarray(flat, dtype=jnp.float64)))


@pytest.mark.parametrize("key", ["sigmoid-squared", "relu-sigmoid-ce", "gelu-softmax-residual"])
def test_certified_hessian_matches_mpmath_diff(key):
    spec = rounded_spec(network_from_dict(NETWORKS[key]), "float64")
    H = certified_hessian(spec)
    ref = mp_hessian(spec)
    with mpmath.workdps(30):
        for i, row in enumerate(ref):
            for j, want in enumerate(row):
                ball = H[i][j]
                got = _mp(Fraction(int(ball.p), int(ball.q))) if hasattr(ball, "p") else arb_to_mpf(
                    ball.mid())
                assert abs(got - want) <= mpmath.mpf(10) ** -20 * (1 + abs(want)), (i, j)


@pytest.mark.parametrize("key", ["tanh-none-nobias", "softplus-residual", "relu-sigmoid-ce"])
def test_jax_hessian_float64_agrees_with_mpmath_within_tolerance(key):
    spec = rounded_spec(network_from_dict(NETWORKS[key]), "float64")
    got = _jax_hessian(spec)
    ref = mp_hessian(spec)
    tol = entry_tolerances(spec, "float64")["hessian"]
    worst = 0.0
    for i, row in enumerate(ref):
        for j, want in enumerate(row):
            err = float(abs(mpmath.mpf(float(got[i, j])) - want))
            assert err <= tol[i][j], (i, j, err, tol[i][j])
            worst = max(worst, err)
    assert worst < 1e-13  # and the tolerance is not vacuous in float64
    assert max(max(r) for r in tol) < 1e-12


@pytest.mark.parametrize("backend", ["torch", "jax"])
@pytest.mark.parametrize("key", sorted(NETWORKS))
def test_float16_rows_within_tolerance(backend, key):
    require_module(backend)
    spec = network_from_dict(NETWORKS[key])
    run = run_network(backend, spec, "float16")
    names, balls = certified_gradient(run.spec)
    tols = entry_tolerances(run.spec, "float16")
    row = compare_row(backend, "float16", "gradient", names, [run.value, *run.grad], balls,
                      [tols["F"], *tols["gradient"]])
    assert row.verdict is Verdict.PASS, row.summary()
    q = len(run.grad)
    h = compare_row(backend, "float16", "hessian", [str(k) for k in range(q * q)],
                    list(run.hessian.ravel()), [b for r in certified_hessian(run.spec) for b in r],
                    [t for r in tols["hessian"] for t in r])
    assert h.verdict is Verdict.PASS, h.summary()
    # the data and weights the framework saw are float16 numbers
    assert all(float(np.float16(float(v))) == float(v) for v in run.spec.data[0][0])


def test_wrong_value_is_a_fail_and_tolerance_is_tight_enough():
    spec = rounded_spec(network_from_dict(NETWORKS["sigmoid-squared"]), "float64")
    names, balls = certified_gradient(spec)
    tols = entry_tolerances(spec, "float64", hessian=False)
    true = [float(arb_to_mpf(b.mid())) if not hasattr(b, "p") else int(b.p) / int(b.q)
            for b in balls]
    tol_list = [tols["F"], *tols["gradient"]]
    ok = compare_row("x", "float64", "gradient", names, true, balls, tol_list)
    assert ok.verdict is Verdict.PASS
    bad = list(true)
    bad[3] *= 1 + 1e-12  # an error of about 4500 ulp
    row = compare_row("x", "float64", "gradient", names, bad, balls, tol_list)
    assert row.verdict is Verdict.FAIL
    nan = compare_row("x", "float64", "gradient", names, [float("nan"), *true[1:]], balls,
                      tol_list)
    assert nan.verdict is Verdict.FAIL


def test_torch_softplus_threshold_is_caught():
    """PyTorch's softplus returns z for z > 20 (threshold 20): an error of about e^-20 in
    the value, far above float64's tolerance; JAX's softplus is accurate there."""
    require_module("torch")
    net = {"layers": [1, 1], "activation": "softplus", "loss": "none", "bias": False,
           "data": {"x": [["1"]]}, "weights": {"W1": [["21"]]}}
    r = verify(network=net, backends="torch", formats="float64")
    assert r.rows[0].verdict is Verdict.FAIL
    assert r.exit_code == 1


def test_api_and_json_contract():
    require_module("torch")
    net = NETWORKS["tanh-none-nobias"]
    r = verify(network=net, backends="torch", formats="float64,float32")
    assert [row.verdict for row in r.rows] == [Verdict.PASS] * 4
    assert r.exit_code == 0
    doc = assert_valid(r.to_json())
    assert doc["counts"]["PASS"] == 4
    assert "ALL CHECKS PASSED" in r.render("text")


def test_bfloat16_may_be_not_checkable_with_reason():
    require_module("torch")
    r = verify(network=NETWORKS["gelu-softmax-residual"], backends="torch", formats="bfloat16")
    for row in r.rows:
        assert row.verdict in (Verdict.PASS, Verdict.NOT_CHECKABLE)
        if row.verdict is Verdict.NOT_CHECKABLE:
            assert "no significant digit" in row.reason


def test_cli(tmp_path, capsys):
    require_module("torch")
    path = tmp_path / "net.json"
    path.write_text(json.dumps(NETWORKS["sigmoid-squared"]))
    code = main(["verify", "--network", str(path), "--backends", "torch",
                 "--formats", "float16", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    doc = assert_valid(out)
    assert [row["verdict"] for row in doc["rows"]] == ["PASS", "PASS"]
    code = main(["verify", "--network", str(path), "--backends", "torch", "--formats",
                 "float32"])
    text = capsys.readouterr().out
    assert code == 0 and "torch float32 hessian" in text and "ALL CHECKS PASSED" in text


def test_bad_input(tmp_path, capsys):
    code = main(["verify", "--network", str(tmp_path / "missing.toml")])
    err = capsys.readouterr().err
    assert code == 2 and "not found" in err and "Traceback" not in err
    with pytest.raises(InputError):
        verify(network=NETWORKS["sigmoid-squared"], formats="float8")
    with pytest.raises(InputError):
        verify(network=NETWORKS["sigmoid-squared"], backends="tensorflow")


def test_kink_is_undecided_and_hessian_not_checkable():
    require_module("torch")
    net = {"layers": [1, 2, 1], "activation": ["relu", "identity"], "loss": "squared",
           "data": {"x": [["1"]], "y": [["0.5"]]},
           "weights": {"W1": [["1"], ["0.5"]], "b1": ["-1", "0.25"], "W2": [["1", "2"]],
                       "b2": ["0"]}}
    seen = []
    r = verify(network=net, backends="torch", formats="float64", on_check=seen.append)
    grad, hess = r.rows
    assert seen == list(r.rows)
    assert grad.verdict is Verdict.UNDECIDED  # relu'(0) is the Clarke interval [0, 1]
    assert hess.verdict is Verdict.NOT_CHECKABLE and "kink" in hess.reason
    assert r.exit_code == 1
    assert_valid(r.to_json())
