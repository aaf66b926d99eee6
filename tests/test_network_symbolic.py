"""Backpropagation derived by SymPy (issue 13, item 1), checked independently.

Expected values: the network function and F are written out here, in the test, from the
definitions (z = W o + b, o = act(z) with each activation written as its formula:
sigmoid 1/(1 + e^-t), softplus log(1 + e^t), relu a Piecewise, softmax e^z / sum e^z,
the losses as defined), differentiated by ``sympy.diff`` in the test, and compared
exactly with the module's backpropagation formulas (its named pre-activations written
out with its public ``unname``).  The module's own ``sympy.diff`` is never the expected
value.
"""

from __future__ import annotations

import random

import pytest
import sympy
from sympy import Rational as R

from symgrad.base.errors import InputError, LimitError
from symgrad.core.activation_classes import sigmoid, softplus
from symgrad.core.network import Network
from symgrad.core.network_induction import prove_backprop_induction
from symgrad.core.network_symbolic import (
    jacobian_formula,
    loss_derivatives,
    parameter_symbols,
    prove_backprop,
    unname,
    vanishes,
)

# -- the test's own definitions -----------------------------------------------------------
ACT = {
    "tanh": sympy.tanh,
    "sigmoid": lambda t: 1 / (1 + sympy.exp(-t)),
    "softplus": lambda t: sympy.log(1 + sympy.exp(t)),
    "identity": lambda t: t,
    "relu": lambda t: sympy.Piecewise((t, t > 0), (0, True)),
}


def _weights(widths, bias):
    """The documented names: W^{(l)}_{i,j} (row i = unit i of layer l), b^{(l)}_{i}."""
    ws, bs = [], []
    for layer in range(1, len(widths)):
        ws.append(sympy.Matrix([[sympy.Symbol(f"W^{{({layer})}}_{{{i},{j}}}", real=True)
                                 for j in range(1, widths[layer - 1] + 1)]
                                for i in range(1, widths[layer] + 1)]))
        bs.append(sympy.Matrix([sympy.Symbol(f"b^{{({layer})}}_{{{i}}}", real=True)
                                for i in range(1, widths[layer] + 1)]) if bias else None)
    return ws, bs


def _output(widths, acts, bias, residual, x, loss):
    """(output, logits of the last layer, flat weight symbols) of the test's network."""
    ws, bs = _weights(widths, bias)
    o = sympy.Matrix(x)
    z = o
    for layer, (W, b, act) in enumerate(zip(ws, bs, acts, strict=True), 1):
        z = W * o + (b if bias else sympy.zeros(W.rows, 1))
        if act == "softmax":
            e = z.applyfunc(sympy.exp)
            new = e / sum(e)
        else:
            new = z.applyfunc(ACT[act])
        skip = (residual and widths[layer - 1] == widths[layer]
                and not (loss == "cross-entropy" and layer == len(ws)))
        o = new + o if skip else new
    flat = []
    for W, b in zip(ws, bs, strict=True):
        flat += list(W)
        if bias:
            flat += list(b)
    return o, flat


def _test_F(widths, acts, bias, residual, loss, data):
    total = 0
    for x, y in data:
        o, flat = _output(widths, acts, bias, residual, x, loss)
        if loss == "squared":
            total += sum((a - b) ** 2 for a, b in zip(o, y, strict=True)) / 2
        elif loss == "none":
            total += o[0]
        elif len(o) == 1:
            total += -y[0] * sympy.log(o[0]) - (1 - y[0]) * sympy.log(1 - o[0])
        else:
            total += -sum(yi * sympy.log(oi) for yi, oi in zip(y, o, strict=True))
    return total, flat


def _plain(expr):
    """The module's activation classes replaced by their formulas (the test's definitions)."""
    expr = expr.replace(sigmoid, lambda t: 1 / (1 + sympy.exp(-t)))
    return expr.replace(softplus, lambda t: sympy.log(1 + sympy.exp(t)))


def _exactly_equal(a, b) -> bool:
    d = sympy.expand(_plain(a) - _plain(b))
    return d == 0 or sympy.expand(sympy.numer(sympy.together(d))) == 0


def _check_against_test_diff(net, data, widths, acts):
    proof = prove_backprop(net, data)
    pts = [(tuple(map(sympy.sympify, x)), tuple(map(sympy.sympify, y))) for x, y in data]
    F, flat = _test_F(widths, acts, net.bias, net.residual, net.loss, pts)
    assert _exactly_equal(proof.objective, F)
    assert len(proof.entries) == len(flat) == net.n_parameters
    by_symbol = dict(zip(flat, proof.entries, strict=True))
    params = parameter_symbols(net)
    for sym, entry in by_symbol.items():
        idx = entry.index if len(entry.index) == 2 else (entry.index[0], 0)
        assert params[entry.tensor][idx] == sym  # the documented naming
        assert entry.proven, (entry.tensor, entry.index)
        assert _exactly_equal(unname(entry.formula, proof.named), sympy.diff(F, sym)), sym
    assert proof.verified
    return proof


# -- the networks --------------------------------------------------------------------------
def test_221_tanh_sigmoid_bias_two_points():
    net = Network((2, 2, 1), ("tanh", "sigmoid"), loss="squared")
    _check_against_test_diff(net, [((1, R(-1, 2)), (1,)), ((0, 2), (0,))], (2, 2, 1),
                             ("tanh", "sigmoid"))


def test_221_softplus_identity_without_bias():
    net = Network((2, 2, 1), ("softplus", "identity"), bias=False, loss="squared")
    _check_against_test_diff(net, [((R(1, 3), -1), (R(1, 2),))], (2, 2, 1),
                             ("softplus", "identity"))


def test_1221_residual():
    acts = ("softplus", "tanh", "identity")
    net = Network((1, 2, 2, 1), acts, residual=True, loss="squared")
    assert [net.is_residual(k) for k in (1, 2, 3)] == [False, True, False]
    _check_against_test_diff(net, [((2,), (1,))], (1, 2, 2, 1), acts)


@pytest.mark.parametrize("bias", [True, False])
def test_softmax_cross_entropy_three_classes(bias):
    net = Network((2, 3), "softmax", bias=bias, loss="cross-entropy")
    _check_against_test_diff(net, [((1, -2), (0, 1, 0)), ((R(1, 2), 1), (1, 0, 0))], (2, 3),
                             ("softmax",))


def test_softmax_after_a_hidden_layer():
    net = Network((1, 2, 3), ("tanh", "softmax"), bias=False, loss="cross-entropy")
    _check_against_test_diff(net, [((1,), (R(1, 2), R(1, 2), 0))], (1, 2, 3),
                             ("tanh", "softmax"))


def test_loss_none_symbolic_data():
    net = Network((2, 1), "identity", loss="none")
    proof = prove_backprop(net, None)
    x1, x2 = (sympy.Symbol(f"x_{{1,{j}}}", real=True) for j in (1, 2))
    F, flat = _test_F((2, 1), ("identity",), True, False, "none", [((x1, x2), ())])
    for sym, entry in zip(flat, proof.entries, strict=True):
        assert sympy.expand(unname(entry.formula, proof.named) - sympy.diff(F, sym)) == 0
    assert proof.verified


def test_relu_heaviside_derivative_without_bias():
    """relu' = Heaviside(z, 0); the test's relu is a Piecewise, differentiated by SymPy, and
    both are evaluated exactly at rational weights, including a kink (z = 0 exactly)."""
    acts = ("relu", "identity")
    net = Network((2, 2, 1), acts, bias=False, loss="squared")
    data = [((1, -1), (1,)), ((2, 1), (0,))]
    proof = prove_backprop(net, data)
    assert proof.verified
    F, flat = _test_F((2, 2, 1), acts, False, False, "squared",
                      [(tuple(map(sympy.sympify, x)), tuple(map(sympy.sympify, y)))
                       for x, y in data])
    assert any(a.has(sympy.Heaviside) for a in (e.formula for e in proof.entries))
    rng = random.Random(13)
    points = [{s: R(rng.randint(-9, 9), rng.randint(1, 5)) for s in flat} for _ in range(6)]
    kink = {s: R(1) for s in flat}  # z^{(1)} = W11 - W12 = 0 at the first point: a kink
    for at in [*points, kink]:
        for sym, entry in zip(flat, proof.entries, strict=True):
            mine = unname(entry.formula, proof.named).xreplace(at)
            assert mine == sympy.diff(F, sym).xreplace(at), (sym, at)


def test_jacobian_entries_against_the_test_jacobian():
    acts = ("sigmoid", "tanh", "identity")
    net = Network((2, 2, 2, 1), acts, residual=True, loss="squared")
    x = sympy.Matrix(sympy.symbols("u v", real=True))
    out, _ = _output((2, 2, 2, 1), acts, True, True, x, "squared")
    named: dict = {}
    J = jacobian_formula(net, parameter_symbols(net), x, named=named)
    expected = out.jacobian(x)
    assert J.shape == expected.shape == (1, 2)
    for a, b in zip(J, expected, strict=True):
        assert _exactly_equal(unname(a, named), b)
    assert all(e.proven for e in prove_backprop(net, [((1, 2), (0,))]).jacobian)


def test_loss_derivatives_against_hand_derivation():
    z, y = sympy.symbols("z y", real=True)
    ld = loss_derivatives(Network((1, 1), "sigmoid", loss="cross-entropy"))
    stated = ld.stated[0].xreplace({ld.variables[0]: z, sympy.IndexedBase("y", real=True)[1]: y})
    assert ld.verified and _exactly_equal(stated, 1 / (1 + sympy.exp(-z)) - y)
    ld = loss_derivatives(Network((3, 3), "softmax", loss="cross-entropy"))
    zs, ys = sympy.symbols("a0:3", real=True), sympy.symbols("c0:3", real=True)
    sub = dict(zip(ld.variables, zs, strict=True))
    sub.update({sympy.IndexedBase("y", real=True)[i + 1]: ys[i] for i in range(3)})
    total = sum(sympy.exp(t) for t in zs)
    for k in range(3):
        hand = sum(ys) * sympy.exp(zs[k]) / total - ys[k]
        assert _exactly_equal(ld.stated[k].xreplace(sub), hand)
    assert ld.verified


def test_vanishes_refuses_a_wrong_formula():
    t = sympy.Symbol("t")
    assert vanishes(sympy.tanh(t) ** 2 + 1 - 1 / sympy.cosh(t) ** 2)[0] is False
    assert vanishes(sigmoid(t) - 1 / (1 + sympy.exp(-t)))[0] is True


@pytest.mark.parametrize(("activation", "residual"),
                         [(None, False), (None, True), ("tanh", False), ("relu", True)])
def test_induction_for_symbolic_widths(activation, residual):
    proof = prove_backprop_induction(activation, residual=residual)
    assert proof.verified and len(proof.steps) == 7
    assert "Q.E.D." in str(proof)
    assert ("g_l" in str(proof.claim[3])) is residual


def test_bad_input_is_refused_in_one_line():
    with pytest.raises(LimitError, match="above the symbolic cap"):
        prove_backprop(Network((15, 15, 1), "tanh"), None)
    with pytest.raises(InputError, match=r"data point 1 has widths \(1, 1\)"):
        prove_backprop(Network((2, 1), "tanh"), [((1,), (0,))])
    with pytest.raises(InputError, match="not a finite number"):
        prove_backprop(Network((1, 1), "tanh"), [(("oo",), (0,))])


def test_document_is_standard_and_verified():
    from symgrad.interfaces.documents.standard import STANDARD

    doc = STANDARD["network-backprop"]()
    assert doc.verified and len(doc.steps) > 40
    tex = doc.render("latex")
    assert r"\frac{\partial F}{\partial W^{(1)}_{1,1}}" in tex
    assert "Proof by induction on the depth: residual layers" in tex


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus"])
def test_the_chain_is_the_special_case_symbolically(act):
    """Widths all 1, input x, biases, loss none: the network's backpropagated dF/dW_l and
    dF/db_l are exactly the chain's own sympy.diff of its nested F (symgrad.core.derive)."""
    import sympy

    from symgrad.core.chain import Chain
    from symgrad.core.derive import derive_naive
    from symgrad.core.network import Network
    from symgrad.core.network_symbolic import backprop, parameter_symbols, symbolic_data

    L = 3
    net = Network((1,) * (L + 1), act, bias=True, loss="none")
    chain = Chain(L, activation=act, form="general", bias=True)
    params = parameter_symbols(net)
    data = symbolic_data(net, None, 1)
    grads = backprop(net, params, data)
    (x_sym,) = [s for s in data[0][0]]
    rename = {x_sym: chain.input}
    for k in range(1, L + 1):
        rename[params[f"W{k}"][0, 0]] = chain.weights[k - 1]
        rename[params[f"b{k}"][0, 0]] = chain.biases[k - 1]
    F = chain.nested_expression()
    for k in range(1, L + 1):
        net_w = grads[f"W{k}"][0, 0].xreplace(rename)
        net_b = grads[f"b{k}"][0, 0].xreplace(rename)
        assert sympy.simplify((net_w - derive_naive(chain, k)).rewrite(sympy.exp)) == 0
        assert sympy.simplify((net_b - sympy.diff(F, chain.biases[k - 1])).rewrite(sympy.exp)) == 0
