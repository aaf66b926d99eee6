"""``symgrad hessian --network``: the certified Hessian of a network and the class of the point.

Expected values are independent: every Hessian entry is ``mpmath.diff`` (second order) of
the written-out objective :func:`tests.references.network_objective` at 40 digits, and
the classes are textbook ones: F = (w x - y)^2 / 2 has a strict minimum at w x = y;
(w1 w2 - 1)^2 / 2 has Hessian [[0, -1], [-1, 0]] at 0 (a saddle); (w1 w2 w3 - 1)^2 / 2
has the zero Hessian at 0 and F(t, t, t) = (t^3 - 1)^2 / 2 < 1/2 for small t > 0 (a
degenerate saddle without negative eigenvalue, Kawaguchi 2016), and its zero set
w1 w2 w3 = 1 is the global minimum.
"""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import pytest

from symgrad import hessian
from symgrad.base.errors import InputError, SymgradError
from symgrad.interfaces.cli import main
from symgrad.numeric.network_file import network_from_dict
from symgrad.numeric.network_hessian import line_taylor, network_hessian
from tests.json_contract import assert_valid
from tests.references import network_objective

SMALL = {
    "tanh-sigmoid": {"layers": [2, 2, 1], "activation": ["tanh", "sigmoid"], "loss": "squared",
                     "data": {"x": [["0.5", "-1"], ["1", "2"]], "y": [["1"], ["0"]]},
                     "weights": {"W1": [["0.5", "-1.2"], ["0.3", "0.8"]], "b1": ["0.1", "-0.1"],
                                 "W2": [["1.5", "-2"]], "b2": ["0.25"]}},
    "softmax": {"layers": [2, 2], "activation": "softmax", "loss": "cross-entropy",
                "data": {"x": [["1", "-0.5"], ["0.25", "2"]], "y": [["1", "0"], ["0", "1"]]},
                "weights": {"W1": [["0.3", "-0.7"], ["1.1", "0.2"]], "b1": ["0.5", "-0.25"]}},
    "binary-ce-silu": {"layers": [2, 2, 1], "activation": ["silu", "sigmoid"],
                       "loss": "cross-entropy",
                       "data": {"x": [["1", "-2"], ["0.5", "0.5"]], "y": [["1"], ["0"]]},
                       "weights": {"W1": [["0.2", "-0.4"], ["1", "0.3"]], "b1": ["0", "0.1"],
                                   "W2": [["0.7", "-1.1"]], "b2": ["-0.2"]}},
    "residual-softplus": {"layers": [2, 2, 1], "activation": ["softplus", "identity"],
                          "residual": True, "loss": "squared", "bias": False,
                          "data": {"x": [["0.5", "1"]], "y": [["2"]]},
                          "weights": {"W1": [["0.4", "-0.3"], ["0.2", "0.9"]],
                                      "W2": [["-1.25", "0.75"]]}},
}


def _identity(layers, weights, x="1", y="1"):
    return {"layers": layers, "activation": "identity", "loss": "squared", "bias": False,
            "data": {"x": [[x]], "y": [[y]]}, "weights": weights}


def _mpmath_hessian(spec, dps=40):
    net = spec.network
    entries = net.entries()
    with mpmath.workdps(dps):
        def mp(q):
            return mpmath.mpf(q.numerator) / q.denominator

        data = [([mp(v) for v in x], [mp(v) for v in y]) for x, y in spec.data]
        point = []
        for name, idx in entries:
            v = spec.weights[name]
            for i in idx:
                v = v[i]
            point.append(mp(v))

        def F(*w):
            p = {k: [list(r) if isinstance(r, tuple) else None for r in v]
                 for k, v in spec.weights.items()}
            for (name, idx), t in zip(entries, w):
                if len(idx) == 2:
                    p[name][idx[0]][idx[1]] = t
                else:
                    p[name][idx[0]] = t
            return network_objective(net.widths, net.activations, p, data, net.loss,
                                     net.residual)

        q = len(point)
        out = [[None] * q for _ in range(q)]
        for i in range(q):
            for j in range(i + 1):
                order = [0] * q
                order[i] += 1
                order[j] += 1
                out[i][j] = out[j][i] = mpmath.diff(F, point, tuple(order))
        return out


@pytest.mark.parametrize("key", sorted(SMALL))
def test_every_hessian_entry_against_mpmath_diff(key):
    spec = network_from_dict(SMALL[key])
    h = network_hessian(spec, digits=15)
    ref = _mpmath_hessian(spec)
    for i, row in enumerate(h.hessian):
        for j, ball in enumerate(row):
            assert ball.decided
            r = ref[i][j]
            assert ball.contains(Fraction(mpmath.nstr(r, 35))) or abs(r) < mpmath.mpf(10)**-30
            assert mpmath.almosteq(mpmath.mpf(ball.mid), r, rel_eps=1e-14, abs_eps=1e-30)


def test_strict_minimum_of_a_one_weight_identity_network():
    r = hessian(network=_identity([1, 1], {"W1": [["2"]]}, x="2", y="4"), digits=10)
    doc = assert_valid(r.to_json())
    assert doc["hessian"] == [["4.000000000e+0"]]     # d^2/dw^2 (2w - 4)^2 / 2 = 4
    assert doc["exact"] and doc["stationary"] is True and doc["gradient_norm"] == "0"
    assert doc["verdict"]["label"] == "local minimum (strict)"
    assert doc["descent_curve"] is None


def test_saddle_of_w1w2_minus_1_squared_at_zero():
    r = hessian(network=_identity([1, 1, 1], {"W1": [["0"]], "W2": [["0"]]}), digits=8)
    doc = assert_valid(r.to_json())
    assert doc["hessian"] == [["0", "-1.0000000e+0"], ["-1.0000000e+0", "0"]]
    assert doc["inertia"] == {"positive": 1, "negative": 1, "zero": 0}
    assert doc["verdict"]["class"] == "saddle"
    curve = doc["descent_curve"]
    assert curve["power"] == 1 and curve["order"] == 2 and curve["exact"]
    v = [Fraction(s) for s in curve["direction"]]
    assert Fraction(curve["coefficient"]) == -v[0] * v[1] < 0   # F(tv) = (t^2 v1 v2 - 1)^2/2


def test_kawaguchi_degenerate_saddle_and_its_descent_curve():
    zero = {"W1": [["0"]], "W2": [["0"]], "W3": [["0"]]}
    r = hessian(network=_identity([1, 1, 1, 1], zero), digits=8)
    doc = assert_valid(r.to_json())
    assert doc["hessian"] == [["0"] * 3] * 3
    assert doc["inertia"] == {"positive": 0, "negative": 0, "zero": 3}
    assert doc["verdict"]["class"] == "saddle" and doc["verdict"]["degenerate"]
    curve = doc["descent_curve"]
    v = [Fraction(s) for s in curve["direction"]]
    assert curve["power"] == 2 and curve["order"] == 6
    # F(t^2 v) - F(0) = ((t^6 v1 v2 v3 - 1)^2 - 1) / 2 = -v1 v2 v3 t^6 + ...
    assert Fraction(curve["coefficient"]) == -(v[0] * v[1] * v[2]) < 0
    for t in (Fraction(1, 10), Fraction(-1, 10)):
        assert ((t**6 * v[0] * v[1] * v[2] - 1) ** 2 - 1) / 2 < 0


def test_zero_set_is_the_global_minimum():
    one = {"W1": [["2"]], "W2": [["-1"]], "W3": [["-0.5"]]}
    doc = hessian(network=_identity([1, 1, 1, 1], one), digits=8).to_json()
    assert doc["F"] == "0" and doc["verdict"]["class"] == "local minimum"
    assert doc["inertia"]["zero"] == 2 and doc["inertia"]["negative"] == 0


def test_not_stationary_with_the_certified_gradient_norm():
    spec = network_from_dict(SMALL["tanh-sigmoid"])
    doc = assert_valid(hessian(network=SMALL["tanh-sigmoid"], digits=12).to_json())
    assert doc["stationary"] is False and doc["verdict"]["class"] == "not stationary"
    with mpmath.workdps(40):
        net = spec.network

        def F(*w):
            p = {k: [list(r) for r in v] if k.startswith("W") else list(v)
                 for k, v in spec.weights.items()}
            for (name, idx), t in zip(net.entries(), w):
                if len(idx) == 2:
                    p[name][idx[0]][idx[1]] = t
                else:
                    p[name][idx[0]] = t
            data = [([mpmath.mpf(a.numerator) / a.denominator for a in x],
                     [mpmath.mpf(b.numerator) / b.denominator for b in y]) for x, y in spec.data]
            return network_objective(net.widths, net.activations, p, data, net.loss)

        point = []
        for name, idx in net.entries():
            v = spec.weights[name]
            for i in idx:
                v = v[i]
            point.append(mpmath.mpf(v.numerator) / v.denominator)
        grad = [mpmath.diff(F, point, tuple(int(i == k) for i in range(len(point))))
                for k in range(len(point))]
        norm = mpmath.sqrt(mpmath.fsum(g * g for g in grad))
    assert mpmath.almosteq(mpmath.mpf(doc["gradient_norm"]), norm, rel_eps=1e-11)


def test_line_taylor_is_the_expanded_polynomial():
    spec = network_from_dict(_identity([1, 1, 1], {"W1": [["1"]], "W2": [["3"]]}, y="2"))
    # F(1 + t, 3 - 2t) = ((1 + t)(3 - 2t) - 2)^2 / 2 = (1 + t - 2t^2)^2 / 2
    want = [Fraction(1, 2), Fraction(1), Fraction(-3, 2), Fraction(-2), Fraction(2)]
    assert line_taylor(spec, [1, -2], 4) == want


def test_cli_text_json_and_errors(tmp_path, capsys):
    path = tmp_path / "net.json"
    path.write_text(json.dumps(_identity([1, 1, 1], {"W1": [["0"]], "W2": [["0"]]})))
    assert main(["hessian", "--network", str(path), "--digits", "6"]) == 0
    out = capsys.readouterr().out
    assert "class: saddle" in out and "descent curve: w(t) = p + t·(" in out
    assert main(["hessian", "--network", str(path), "--format", "json"]) == 0
    assert_valid(capsys.readouterr().out)
    assert main(["hessian", "--network", str(path), "--weights", "1"]) == 2
    err = capsys.readouterr().err
    assert "--network and --weights" in err and "Traceback" not in err
    assert main(["hessian"]) == 2
    assert "--depth" in capsys.readouterr().err


def test_relu_kink_and_bad_arguments_are_one_line_errors():
    kinked = {"layers": [1, 1, 1], "activation": ["relu", "identity"], "loss": "squared",
              "bias": False, "data": {"x": [["1"]], "y": [["1"]]},
              "weights": {"W1": [["0"]], "W2": [["1"]]}}
    with pytest.raises(SymgradError, match="kink"):
        hessian(network=kinked)
    with pytest.raises(InputError, match="both given"):
        hessian(2, network=kinked)
    with pytest.raises(InputError, match=r"digits must be in 1\.\.1000"):
        hessian(network=kinked, digits=0)


# -- part two: the critical set of a deep linear loss, decomposed exactly ------------------
def _sympy_hessian_inertia(f, gens, at):
    """(positive, negative, zero) eigenvalue counts of SymPy's Hessian at a point."""
    import sympy

    eig = sympy.hessian(f, gens).subs(dict(zip(gens, at))).eigenvals()
    return tuple(sum(m for e, m in eig.items() if cond(e))
                 for cond in (lambda e: e > 0, lambda e: e < 0, lambda e: e == 0))


def test_deep_linear_critical_set_is_decomposed_exactly():
    import sympy

    from symgrad import classify

    res = classify("(w1*w2*w3 - 1)**2")
    doc = assert_valid(res.to_json())
    assert doc["path"].startswith("exact: critical set decomposition")
    fams = {tuple(f["equations"]): f for f in doc["families"]}
    assert set(fams) == {("w1*w2*w3 - 1 = 0",), ("w1 = 0", "w2 = 0"), ("w1 = 0", "w3 = 0"),
                         ("w2 = 0", "w3 = 0")}
    surface = fams[("w1*w2*w3 - 1 = 0",)]
    assert surface["dimension"] == 2 and surface["verdict"]["class"] == "local minimum"
    w1, w2, w3 = gens = sympy.symbols("w1 w2 w3", real=True)
    f = (w1 * w2 * w3 - 1) ** 2
    # independent checks: f = 0 on the surface, f = 1 on the axes; at (a, 0, 0), a != 0,
    # the Hessian has eigenvalues 0, +-2a (a saddle); at 0 it vanishes
    assert f.subs({w1: 1 / (w2 * w3)}) == 0
    for eqs, fam in fams.items():
        if len(eqs) == 2:
            assert fam["dimension"] == 1 and fam["verdict"]["class"] == "saddle"
            assert "f = 1 on it" in fam["description"]
    assert _sympy_hessian_inertia(f, gens, (2, 0, 0)) == (1, 1, 1)
    assert _sympy_hessian_inertia(f, gens, (0, 0, 0)) == (0, 0, 3)
    [origin] = doc["points"]
    assert origin["exact"] == {"w1": "0", "w2": "0", "w3": "0"}
    assert origin["verdict"]["class"] == "saddle"   # f(t, t, t) = (t^3 - 1)^2 < 1 for t > 0


def test_depth_four_linear_loss_and_paths_left_alone():
    from symgrad.analysis.stationary.analyse import analyse

    a = analyse("(w1*w2*w3*w4 - 1)**2")
    dims = sorted((f.dimension, f.verdict.cls) for f in a.families)
    # six planes {w_i = w_j = 0} of saddles, the 3-fold w1 w2 w3 w4 = 1 of minima
    assert dims == [(2, "saddle")] * 6 + [(3, "local minimum")]
    assert analyse("x**4 + y**4").path.startswith("exact:")   # the exact path as before
    assert "critical set" not in analyse("x**4 + y**4").path


def test_tanh_chain_degenerate_saddle_by_exact_taylor_series():
    net = {"layers": [1, 1, 1, 1], "activation": "tanh", "loss": "none", "bias": False,
           "data": {"x": [["1"]]}, "weights": {"W1": [["0"]], "W2": [["0"]], "W3": [["0"]]}}
    doc = assert_valid(hessian(network=net, digits=8).to_json())
    assert doc["hessian"] == [["0"] * 3] * 3 and doc["stationary"] is True
    assert doc["verdict"]["class"] == "saddle"
    curve = doc["descent_curve"]
    v = [Fraction(s) for s in curve["direction"]]
    assert (curve["power"], curve["order"]) == (2, 6)
    # F(w) = tanh(w3 tanh(w2 tanh(w1))) = w1 w2 w3 + higher order: along t^2 v the
    # leading term is v1 v2 v3 t^6, checked with mpmath at small t
    assert Fraction(curve["coefficient"]) == v[0] * v[1] * v[2] < 0
    with mpmath.workdps(50):
        t = mpmath.mpf("1e-3")
        w = [t**2 * mpmath.mpf(x.numerator) / x.denominator for x in v]
        val = mpmath.tanh(w[2] * mpmath.tanh(w[1] * mpmath.tanh(w[0])))
        assert mpmath.almosteq(val / t**6, mpmath.mpf(curve["coefficient"]), rel_eps=1e-5)


def test_congruence_enclosures_above_sixty_parameters():
    import numpy as np

    net = {"layers": [3, 8, 4, 1], "activation": ["tanh", "tanh", "identity"],
           "loss": "squared", "data": {"x": [["0.5", "-1", "0.25"], ["1", "0", "-0.5"]],
                                       "y": [["1"], ["-1"]]},
           "weights": {"init": "normal:0,1,seed=5"}}
    doc = assert_valid(hessian(network=net, digits=10).to_json())
    assert len(doc["parameters"]) == 73 and "congruence" in doc["eigenvalue_method"]
    h = np.array([[float(v) for v in row] for row in doc["hessian"]])
    want = np.linalg.eigvalsh(h)   # float64 eigenvalues of the printed 10-digit matrix
    for text, lam in zip(doc["eigenvalue_enclosures"], want):
        mid, _, rad = text.partition(" ± ")
        assert abs(float(mid) - lam) <= float(rad or 0) + 1e-8 * max(1, abs(lam))
