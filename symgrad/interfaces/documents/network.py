"""The derivation document of backpropagation in a fully connected network.

:func:`network_backprop_document` -- a small network written out in full, the loss
gradients derived by SymPy, backpropagation in matrix form with every entry of
dF/dW_l, dF/db_l and of the input-output Jacobian proven equal to SymPy's derivative of
the written-out F (:func:`symgrad.core.network_symbolic.prove_backprop`), the same for
further networks (residual, softmax cross-entropy, ReLU without biases), and the proof
by induction on the depth for symbolic widths
(:func:`symgrad.core.network_induction.prove_backprop_induction`).  Every equation comes
from those computations; nothing is typed in.

>>> doc = network_backprop_document()
>>> doc.verified, doc.title.split(":")[0]
(True, 'Backpropagation in a fully connected network')
"""

from __future__ import annotations

from functools import cache

import sympy

from symgrad.core.activations import get_activation
from symgrad.core.network import Network
from symgrad.core.network_induction import matrix_claim, prove_backprop_induction
from symgrad.core.network_symbolic import (
    BackpropProof,
    loss_derivatives,
    parameter_symbols,
    prove_backprop,
)
from symgrad.interfaces.documents.latex_layout import fits
from symgrad.interfaces.documents.model import Document, Section, Step

__all__ = ["EXAMPLE", "MORE", "network_backprop_document"]

F_ = sympy.Symbol("F")
#: the network written out entry by entry, and its one data point (x, y)
EXAMPLE = (Network((2, 2, 1), "tanh", loss="squared"), [((1, "-1/2"), (1,))])
#: further networks proven entry by entry (summarised): (description, network, data)
MORE = (
    ("a residual network with widths 1, 2, 2, 1 (sigmoid, softplus, identity), two data "
     "points", Network((1, 2, 2, 1), ("sigmoid", "softplus", "identity"), residual=True),
     [((1,), (0,)), (("1/2",), (2,))]),
    ("a softmax output with three classes and cross-entropy, widths 2, 3",
     Network((2, 3), "softmax", loss="cross-entropy"), [((1, 2), (0, 1, 0))]),
    ("a ReLU layer without biases and a sigmoid output with cross-entropy, widths 2, 2, 1",
     Network((2, 2, 1), ("relu", "sigmoid"), bias=False, loss="cross-entropy"),
     [((1, -1), (1,)), ((2, 1), (0,))]),
)


def _symbol_name(name: str, idx: tuple[int, ...], params: dict) -> sympy.Symbol:
    return params[name][idx if len(idx) == 2 else (idx[0], 0)]


def _network_section(proof: BackpropProof) -> Section:
    net, params = proof.network, parameter_symbols(proof.network)
    x = proof.data[0][0]
    steps = []
    zs = list(proof.named)
    for layer in range(1, net.depth + 1):
        rows = params[f"W{layer}"].rows
        mine = [s for s in zs if s.name.startswith(f"z^{{({layer})}}")][:rows]
        lhs = sympy.ImmutableMatrix(mine)
        rhs = sympy.ImmutableMatrix([proof.named[s] for s in mine])
        steps.append(Step(("Layer ", sympy.Integer(layer), ": the pre-activations."),
                          ("the affine map of the layer's input (the data point for the "
                           "first layer, ", sympy.ImmutableMatrix(x.T), ")") if layer == 1 else
                          "the affine map of the previous layer's output",
                          sympy.Eq(lhs, rhs, evaluate=False)))
    steps.append(Step("The empirical error, the squared loss of the output at the point.",
                      "definition: half the squared distance of the output to the target",
                      sympy.Eq(F_, _named_objective(proof), evaluate=False)))
    full = sympy.Eq(F_, proof.objective, evaluate=False)
    if fits(full):
        steps.append(Step("Written out in the weights.", "substitution of the layers", full))
    else:
        steps.append(Step("Written out in the weights, the error was computed; its nested "
                          "arguments are too wide to print on a page.",
                          "substitution of the layers"))
    return Section("The network and its error",
                   ("A network with two inputs, two tanh units and one tanh output, biases "
                    "and the squared loss, at one data point. The weights are symbols."),
                   tuple(steps))


def _named_objective(proof: BackpropProof) -> sympy.Expr:
    net = proof.network
    z_out = [s for s in proof.named if s.name.startswith(f"z^{{({net.depth})}}")]
    y = proof.data[0][1]
    act = get_activation(net.activations[-1]).func
    out = [act(z) for z in z_out]
    return sum((o - t) ** 2 for o, t in zip(out, y, strict=True)) / 2


def _loss_section() -> Section:
    steps = []
    cases = (("The squared loss, three outputs.", Network((3, 3), "identity")),
             ("Cross-entropy with a sigmoid output.",
              Network((1, 1), "sigmoid", loss="cross-entropy")),
             ("Cross-entropy with a softmax output, three classes.",
              Network((3, 3), "softmax", loss="cross-entropy")))
    for title, net in cases:
        ld = loss_derivatives(net)
        steps.append(Step(title, "definition of the loss at one data point",
                          sympy.Eq(sympy.Symbol("L"), ld.loss, evaluate=False)))
        for v, stated in zip(ld.variables, ld.stated, strict=True):
            steps.append(Step(("Its derivative with respect to ", v, "."),
                              "SymPy's derivative of the loss, proven equal to the stated "
                              "form (the difference vanishes exactly)",
                              sympy.Eq(sympy.Derivative(sympy.Symbol("L"), v), stated,
                                       evaluate=False), ld.verified))
    return Section("The loss gradients, derived",
                   ("The backward pass starts from the derivative of the loss: with respect "
                    "to the output for the squared loss, with respect to the pre-activations "
                    "of the output layer for cross-entropy. Each is obtained by "
                    "differentiating the loss with SymPy."), tuple(steps))


def _matrix_section() -> Section:
    claim = matrix_claim()
    whys = ("the gradient with respect to a layer's weights is the outer product of its "
            "delta and its input, summed over the data",
            "the gradient with respect to a layer's bias is its delta, summed over the data",
            "the delta is the adjoint of the layer's output times the activation's "
            "derivative, a diagonal matrix",
            "the adjoint is passed back through the transposed weights",
            "the Jacobian of the network is the product of the layer factors")
    steps = tuple(Step("Backpropagation.", why, eq) for eq, why in zip(claim, whys,
                                                                         strict=True))
    res = matrix_claim(residual=True)
    steps += (Step("Residual layers.", "the skip connection adds the adjoint itself", res[3]),
              Step("Residual layers.", "the skip connection adds the identity to the factor",
                   res[4]))
    return Section("Backpropagation in matrix form",
                   ("For one data point, with the adjoint of the output equal to the loss "
                    "gradient above; the sections below prove these formulas entry by "
                    "entry for concrete networks, and for every depth and width by "
                    "induction."), steps)


def _entries_section(proof: BackpropProof) -> Section:
    params = parameter_symbols(proof.network)
    steps = []
    for e in proof.entries:
        sym = _symbol_name(e.tensor, e.index, params)
        steps.append(Step(("The entry for ", sym, "."),
                          ("backpropagation; with the pre-activations written out in the "
                           "weights it equals SymPy's derivative of the written-out error "
                           f"(the difference vanishes: {e.method})"),
                          sympy.Eq(sympy.Derivative(F_, sym), e.formula, evaluate=False),
                          e.proven))
    x = sympy.IndexedBase("x")
    for e in proof.jacobian:
        i, j = e.index
        steps.append(Step(("The Jacobian entry ", sympy.Tuple(i + 1, j + 1),
                           ", at a symbolic input."),
                          ("the product of the layer factors; equal to SymPy's derivative of "
                           "the written-out output with respect to the input "
                           f"(the difference vanishes: {e.method})"),
                          sympy.Eq(sympy.Derivative(sympy.Symbol("o^{(L)}_{%d}" % (i + 1)),
                                                    x[j + 1]), e.formula, evaluate=False),
                          e.proven))
    return Section("Every entry against SymPy's derivative",
                   ("Each formula is the backpropagation formula in the pre-activations; "
                    "each was proven equal to the derivative SymPy takes of the error "
                    "written out in the weights."), tuple(steps))


def _more_section() -> Section:
    steps = []
    for words, net, data in MORE:
        p = prove_backprop(net, data)
        n_j = len(p.jacobian)
        steps.append(Step(
            (f"For {words}: all {len(p.entries)} entries of the gradient and all {n_j} "
             "entries of the Jacobian.",),
            ("backpropagation, and the loss gradient derived above, proven equal entry by "
             "entry to SymPy's derivative of the written-out error and output",),
            None, p.verified))
    return Section("More networks", "The same proof, for networks of other kinds.",
                   tuple(steps))


def _induction_section(residual: bool) -> Section:
    proof = prove_backprop_induction(residual=residual)
    steps = [Step("Claim, for every depth and all widths.",
                  "proved by the steps below" if proof.verified else "proof incomplete",
                  eq, proof.verified) for eq in proof.claim]
    steps += [Step((f"{s.title[:1].upper()}{s.title[1:]}.",), s.reason or s.justification,
                   s.statement, s.verified) for s in proof.steps]
    kind = "residual layers" if residual else "plain layers"
    return Section(f"Proof by induction on the depth: {kind}",
                   ("The widths are symbols and the activation is an unspecified "
                    "differentiable function. SymPy differentiates one generic layer written "
                    "with sums over its symbolic width; the multivariable chain rule "
                    "contracts those derivatives, and the inductive step applies the "
                    "hypothesis to the output function composed with the new layer. A primed "
                    "o is the layer's output, g the adjoint of that output, and a delta with "
                    "two indices is Kronecker's delta."),
                   tuple(steps))


@cache
def network_backprop_document() -> Document:
    """The document (see the module doc); built in a few seconds, then cached (it depends
    on nothing)."""
    net, data = EXAMPLE
    proof = prove_backprop(net, data)
    sections = (_network_section(proof), _loss_section(), _matrix_section(),
                _entries_section(proof), _more_section(), _induction_section(False),
                _induction_section(True))
    intro = ("Every equation below was produced by symgrad's computation (SymPy); steps "
             "marked as verified were checked by SymPy when this document was built.")
    return Document("Backpropagation in a fully connected network: every entry proven, and "
                    "every depth and width by induction", sections, intro)
