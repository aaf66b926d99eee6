"""Networks (issue 13): the file, certified values, the chain as a special case, bad input.

Expected values: ``tests.references.network_objective`` (the network written out from its
definitions in mpmath) differentiated by ``mpmath.diff`` at 60 digits, and the chain's own
certified path for the chain special case (an independent code path: the chain recurrence).
"""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from symgrad import reference
from symgrad.base.errors import InputError, SymgradError
from symgrad.core.chain import Chain
from symgrad.core.network import Network
from symgrad.interfaces.cli import main
from symgrad.numeric.certified import certified_values
from symgrad.numeric.network_certified import certified_network
from symgrad.numeric.network_file import load_network, network_from_dict
from tests.json_contract import assert_valid
from tests.references import correctly_rounded, network_objective

XOR = {"layers": [2, 2, 1], "activation": "sigmoid", "loss": "squared",
       "data": {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]},
       "weights": {"W1": [["0.5", "-1.2"], ["0.3", "0.8"]], "b1": ["0.1", "-0.1"],
                   "W2": [["1.5", "-2"]], "b2": ["0.25"]}}


def _mp_params(spec):
    return {k: [[mpmath.mpf(v.numerator) / v.denominator for v in row] for row in w]
            if k.startswith("W") else [mpmath.mpf(v.numerator) / v.denominator for v in w]
            for k, w in spec.weights.items()}


def _reference_values(spec, dps=60):
    """F and every dF/dparameter by mpmath.diff of the written-out objective."""
    net = spec.network
    with mpmath.workdps(dps):
        data = [([mpmath.mpf(v.numerator) / v.denominator for v in x],
                 [mpmath.mpf(v.numerator) / v.denominator for v in y]) for x, y in spec.data]
        params = _mp_params(spec)

        def F(p):
            return network_objective(net.widths, net.activations, p, data, net.loss,
                                     net.residual)

        out = {"F": F(params)}
        for name, idx in net.entries():
            def f(t, name=name, idx=idx):
                p = {k: [list(r) if isinstance(r, list) else r for r in v]
                     for k, v in params.items()}
                if len(idx) == 2:
                    p[name][idx[0]][idx[1]] = t
                else:
                    p[name][idx[0]] = t
                return F(p)

            at = params[name][idx[0]][idx[1]] if len(idx) == 2 else params[name][idx[0]]
            label = f"dF/d{name}[{idx[0]}]" + (f"[{idx[1]}]" if len(idx) == 2 else "")
            out[label] = mpmath.diff(f, at)
        return out


def _assert_digits(cert, ref, digits):
    for name, ball in cert.balls():
        if name.startswith("||"):
            continue
        want = ref[name]
        assert ball.decided, name
        assert ball.mid == correctly_rounded(want, digits), (name, ball.mid, want)


NETWORKS = [
    XOR,
    {"layers": [3, 2, 2], "activation": ["tanh", "identity"], "bias": False,
     "loss": "squared", "data": {"x": [["0.5", "-1", "2"], ["1.5", "0.25", "-0.75"]],
                                 "y": [["1", "0"], ["-0.5", "2"]]},
     "weights": {"init": "normal:0,1,seed=3"}},
    {"layers": [2, 3, 3, 1], "activation": ["gelu", "silu", "sigmoid"], "residual": True,
     "loss": "cross-entropy", "data": {"x": [["0.3", "-0.7"], ["1", "2"], ["-1.5", "0.5"]],
                                       "y": [["1"], ["0"], ["0.25"]]},
     "weights": {"init": "uniform:-1,1,seed=11"}},
    {"layers": [2, 2, 3], "activation": ["softplus", "softmax"], "loss": "cross-entropy",
     "data": {"x": [["1", "-1"], ["0.5", "0.5"]], "y": [["1", "0", "0"], ["0", "0.5", "0.5"]]},
     "weights": {"init": "normal:0,0.8,seed=5"}},
    {"layers": [2, 2, 2, 1], "activation": ["elu", "erf", "identity"], "residual": True,
     "loss": "squared", "data": {"x": [["0.2", "0.4"]], "y": [["3"]]},
     "weights": {"init": "xavier:seed=2"}},
    {"layers": [1, 2, 1], "activation": ["leaky_relu", "tanh"], "loss": "none",
     "data": {"x": [["0.75"], ["-2"]]}, "weights": {"init": "he:seed=4", "b1": ["0.5", "-0.25"]}},
]


@pytest.mark.parametrize("raw", NETWORKS, ids=lambda r: "-".join(map(str, r["layers"])))
@pytest.mark.parametrize("digits", [5, 25])
def test_every_printed_digit_against_mpmath_diff(raw, digits):
    spec = network_from_dict(raw)
    cert = certified_network(spec, digits=digits)
    _assert_digits(cert, _reference_values(spec), digits)
    assert not cert.kinks and not cert.undecided


def test_layer_norms_are_the_frobenius_norms_of_the_gradient():
    spec = network_from_dict(NETWORKS[2])
    cert = certified_network(spec, digits=20)
    ref = _reference_values(spec)
    for layer in (1, 2, 3):
        with mpmath.workdps(60):
            norm = mpmath.sqrt(mpmath.fsum(v ** 2 for k, v in ref.items()
                                           if k.startswith(f"dF/dW{layer}[")))
        assert cert.layer_norms[layer - 1].mid == correctly_rounded(norm, 20)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus", "relu", "gelu", "silu", "erf",
                                 "elu", "leaky_relu"])
def test_the_chain_is_the_special_case(act):
    """Widths all 1, input x, loss none: the network path gives the chain path's digits."""
    w, b, x = ["0.5", "-1.25", "2", "0.75"], ["0.1", "-0.2", "0.3", "0.05"], "0.7"
    spec = network_from_dict({"layers": [1] * 5, "activation": act, "loss": "none",
                              "data": {"x": [[x]]},
                              "weights": {**{f"W{k}": [[w[k - 1]]] for k in range(1, 5)},
                                          **{f"b{k}": [b[k - 1]] for k in range(1, 5)}}})
    net = certified_network(spec, digits=30)
    chain = certified_values(Chain(4, activation=act, form="general", bias=True),
                             [Fraction(v) for v in w], digits=30,
                             biases=[Fraction(v) for v in b], x=Fraction(x))
    assert net.value.mid == chain.value.mid
    for k in range(4):
        assert net.grads[f"W{k + 1}"][0][0].mid == chain.grad_w[k].mid
        assert net.grads[f"b{k + 1}"][0].mid == chain.grad_b[k].mid


def test_exact_zero_is_decided_exactly():
    """w x + b = 0.3 * 3 - 0.9 = 0 exactly: tanh(0) = 0, so F and dF/dW2 are exactly 0."""
    spec = network_from_dict({"layers": [1, 1, 1], "activation": ["tanh", "identity"],
                              "loss": "none", "data": {"x": [["3"]]},
                              "weights": {"W1": [["0.3"]], "b1": ["-0.9"], "W2": [["2"]],
                                          "b2": ["0"]}})
    cert = certified_network(spec, digits=40)
    assert cert.value.exact_value == 0 and cert.value.mid == "0"
    assert cert.grads["W2"][0][0].exact_value == 0
    assert cert.grads["W1"][0][0].mid == correctly_rounded(mpmath.mpf(6), 40)  # 2 * 1 * 3


def test_relu_kink_is_an_enclosure_never_digits(capsys):
    """relu at z = 1 * 1 - 1 = 0 exactly: dF/dW1 depends on relu'(0), the interval [0, 1]."""
    raw = {"layers": [1, 1, 1], "activation": ["relu", "identity"], "loss": "none",
           "data": {"x": [["1"]]}, "weights": {"W1": [["1"]], "b1": ["-1"], "W2": [["3"]],
                                              "b2": ["0.5"]}}
    cert = certified_network(network_from_dict(raw), digits=10)
    assert cert.kinks == ((1, 0, 0),)
    assert cert.value.mid == "5.000000000e-1"  # relu(0) = 0 exactly: F = 0.5
    g = cert.grads["W1"][0][0]
    assert not g.decided and "dF/dW1[0][0]" in cert.undecided
    assert g.contains(0) and g.contains(3)  # 3 * [0, 1] * 1
    res = reference(network=raw, digits=10)
    with pytest.raises(KeyError, match="kink"):
        res.value("dF/dW1[0][0]")
    doc = res.to_json()
    assert_valid(doc)
    assert doc["gradient"]["W1"][0][0]["depends_on_kink"] is True
    assert "Clarke interval" in res.render("text")


def test_cli_text_json_csv_and_determinism(tmp_path, capsys):
    path = tmp_path / "xor.json"
    path.write_text(json.dumps(XOR), encoding="utf-8")
    assert main(["reference", "--network", str(path), "--digits", "12"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("network 2-2-1, sigmoid, biases, squared loss, 4 data points")
    assert main(["reference", "--network", str(path), "--digits", "12", "--format", "json",
                 "--certified"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert_valid(doc)
    ref = _reference_values(load_network(path))
    assert doc["F"]["value"] == correctly_rounded(ref["F"], 12)
    assert doc["gradient"]["W1"][1][0]["value"] == correctly_rounded(ref["dF/dW1[1][0]"], 12)
    assert main(["reference", "--network", str(path), "--digits", "12", "--format", "csv"]) == 0
    first = capsys.readouterr().out
    assert main(["reference", "--network", str(path), "--digits", "12", "--format", "csv"]) == 0
    assert capsys.readouterr().out == first
    assert first.splitlines()[0] == "name,value,radius,certified_digits"


def test_toml_numbers_are_exact_decimals(tmp_path):
    (tmp_path / "n.toml").write_text(
        'layers = [1, 1]\nactivation = "identity"\nloss = "none"\nbias = false\n'
        "[data]\nx = [[0.1]]\n[weights]\nW1 = [[3]]\n", encoding="utf-8")
    spec = load_network(tmp_path / "n.toml")
    assert spec.data[0][0] == (Fraction(1, 10),)  # the decimal 0.1, not the binary float
    assert certified_network(spec, digits=5).value.exact_value == Fraction(3, 10)


def test_csv_and_npz_data(tmp_path):
    (tmp_path / "p.csv").write_text("x1,x2,y\n0,1,1\n1,1,0.5\n", encoding="utf-8")
    base = {**XOR, "data": "p.csv"}
    (tmp_path / "a.json").write_text(json.dumps(base), encoding="utf-8")
    spec = load_network(tmp_path / "a.json")
    assert spec.data == (((0, 1), (1,)), ((1, 1), (Fraction(1, 2),)))
    np.savez(tmp_path / "p.npz", x=np.array([[0.0, 1.0], [1.0, 1.0]]), y=np.array([1.0, 0.5]))
    (tmp_path / "b.json").write_text(json.dumps({**XOR, "data": "p.npz"}), encoding="utf-8")
    assert load_network(tmp_path / "b.json").data == spec.data


def test_initialisers_are_seeded_and_have_their_laws():
    net = {"layers": [4, 3, 2], "activation": "tanh", "data": {"x": [[0, 0, 0, 0]],
                                                                "y": [[0, 0]]}}
    x1 = network_from_dict({**net, "weights": {"init": "xavier:seed=1"}})
    assert x1 == network_from_dict({**net, "weights": {"init": "xavier:seed=1"}})
    a = (6 / (4 + 3)) ** 0.5
    assert all(abs(v) <= a for row in x1.weights["W1"] for v in row)
    assert x1.weights["b1"] == (0, 0, 0)
    orth = network_from_dict({**net, "weights": {"init": "orthogonal:seed=3"}})
    m = np.array([[float(v) for v in row] for row in orth.weights["W1"]])  # 3 x 4
    assert np.allclose(m @ m.T, np.eye(3), rtol=0, atol=1e-14)
    he = network_from_dict({**{**net, "layers": [400, 300, 1]}, "weights": {"init": "he:seed=0"},
                            "data": {"x": [[0] * 400], "y": [[0]]}})
    sd = np.std([float(v) for row in he.weights["W1"] for v in row])
    assert abs(sd - (2 / 400) ** 0.5) < 0.02 * (2 / 400) ** 0.5  # 120000 draws


@pytest.mark.parametrize(("raw", "needle"), [
    ({**XOR, "layers": [2, 0, 1]}, "layers must list"),
    ({**XOR, "activation": "swish"}, "unknown activation 'swish'"),
    ({**XOR, "activation": ["tanh"]}, "1 names for 2 layers"),
    ({**XOR, "loss": "hinge"}, "unknown loss"),
    ({**XOR, "loss": "cross-entropy", "activation": "tanh"}, "needs a sigmoid output"),
    ({**XOR, "weights": {**XOR["weights"], "W1": [["1", "2", "3"], ["4", "5", "6"]]}},
     "weights.W1 must be 2 x 2, got 2 x 3"),
    ({**XOR, "weights": {**XOR["weights"], "W3": [["1"]]}}, "weights.W3 is not a parameter"),
    ({**XOR, "weights": {"W1": [["1", "2"], ["3", "4"]]}}, "weights.b1 is missing"),
    ({**XOR, "weights": {**XOR["weights"], "b2": ["nan"]}}, "weights.b2[0]"),
    ({**XOR, "data": {"x": [[0, 0, 1]], "y": [[0]]}}, "data.x must be 1 x 2, got 1 x 3"),
    ({**XOR, "data": {"x": [[0, 0]]}}, "data.y is missing"),
    ({**XOR, "colour": "red"}, "unknown key 'colour'"),
    ({**XOR, "bias": "yes"}, "bias must be true or false"),
    ({**XOR, "weights": {"init": "xavier"}}, "expected seed=N"),
    ({**XOR, "layers": [2, 2, 2], "loss": "none"}, "loss 'none' needs one output"),
])
def test_bad_network_files_are_one_line_errors(raw, needle, tmp_path, capsys):
    with pytest.raises(InputError, match=None) as exc:
        network_from_dict(raw)
    assert needle in str(exc.value)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert main(["reference", "--network", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert needle in captured.err and "Traceback" not in captured.err


def test_bad_syntax_and_missing_file(tmp_path, capsys):
    (tmp_path / "x.toml").write_text("layers = [2, 2\n", encoding="utf-8")
    assert main(["reference", "--network", str(tmp_path / "x.toml")]) == 2
    assert "is not valid TOML" in capsys.readouterr().err
    assert main(["reference", "--network", str(tmp_path / "none.toml")]) == 2
    assert "not found" in capsys.readouterr().err


def test_network_and_chain_options_are_exclusive(capsys):
    with pytest.raises(InputError, match="network and a depth"):
        reference(3, network=XOR)
    assert main(["reference", "--network", "x.toml", "--weights", "1"]) == 2
    assert "--network and --weights" in capsys.readouterr().err


def test_network_model_facts():
    net = Network((3, 3, 3, 1), ("tanh", "tanh", "identity"), residual=True)
    assert [net.is_residual(k) for k in (1, 2, 3)] == [True, True, False]
    assert net.n_parameters == 3 * 3 + 3 + 3 * 3 + 3 + 3 + 1
    with pytest.raises(SymgradError):
        Network((2, 3), ("softmax",), loss="squared")


@pytest.mark.parametrize("name", ["xor.toml", "deep_tanh.toml"])
def test_documented_example_files_follow_the_schema_and_run(name, capsys):
    from decimal import Decimal
    from pathlib import Path

    import jsonschema
    import tomllib

    from symgrad.base.schemas import load_schema

    path = Path(__file__).resolve().parent.parent / "docs" / "examples" / name
    raw = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    jsonschema.Draft202012Validator(load_schema("symgrad.network/1")).validate(raw)
    assert main(["reference", "--network", str(path), "--digits", "8"]) == 0
    assert "||dF/dW1||" in capsys.readouterr().out


def test_schema_rejects_what_the_parser_rejects():
    import jsonschema

    from symgrad.base.schemas import load_schema

    validator = jsonschema.Draft202012Validator(load_schema("symgrad.network/1"))
    assert validator.is_valid(XOR)
    for bad in ({**XOR, "layers": [2]}, {**XOR, "loss": "hinge"}, {**XOR, "colour": 1},
                {**XOR, "weights": {"init": "xavier"}}, {**XOR, "activation": "swish"}):
        assert not validator.is_valid(bad)
        with pytest.raises(InputError):
            network_from_dict(bad)


def test_certified_forward_is_the_same_f():
    from symgrad.numeric.network_certified import certified_forward

    for raw in NETWORKS[:4]:
        spec = network_from_dict(raw)
        assert certified_forward(spec, digits=20).mid == certified_network(spec,
                                                                           digits=20).value.mid


@pytest.mark.parametrize("raw", [NETWORKS[1], NETWORKS[2], NETWORKS[3], NETWORKS[4]],
                         ids=["tanh-linear", "residual-sigmoid", "softmax", "elu-erf-residual"])
def test_jacobian_singular_values_against_mpmath_diff_and_svd(raw):
    """J = d y_hat/dx by mpmath.diff of the written-out forward pass, its singular values by
    mpmath.svd_r at 40 digits; symgrad's printed values must be those, correctly rounded."""
    from tests.references import activation

    spec = network_from_dict(raw)
    net = spec.network
    res = reference(network=raw, digits=15)
    with mpmath.workdps(40):
        params = _mp_params(spec)

        def phi(xs):
            o = list(xs)
            z = o
            for layer in range(1, net.depth + 1):
                W, b = params[f"W{layer}"], params.get(f"b{layer}")
                z = [mpmath.fsum(W[i][j] * o[j] for j in range(len(o))) + (b[i] if b else 0)
                     for i in range(len(W))]
                act = net.activations[layer - 1]
                if act == "softmax":
                    e = [mpmath.exp(t) for t in z]
                    return [v / mpmath.fsum(e) for v in e]
                a = [activation(act, t) for t in z]
                o = [u + v for u, v in zip(o, a)] if net.is_residual(layer) else a
            return o

        for p, (x, _) in enumerate(spec.data):
            xs = [mpmath.mpf(v.numerator) / v.denominator for v in x]
            J = mpmath.matrix(net.widths[-1], net.widths[0])
            for j in range(net.widths[0]):
                for i in range(net.widths[-1]):
                    def f(t, i=i, j=j, xs=xs):
                        return phi([*xs[:j], t, *xs[j + 1:]])[i]
                    J[i, j] = mpmath.diff(f, xs[j])
            sv = sorted(mpmath.svd_r(J, compute_uv=False), reverse=True)
            got = [b for b in res.singular[p]]
            k = min(net.widths[0], net.widths[-1])
            assert len(got) == k
            for b, want in zip(got, sv[:k]):
                assert b.decided and b.mid == correctly_rounded(want, 15), (p, b.mid, want)
