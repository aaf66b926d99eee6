"""The proof by induction for a symbolic depth L."""

from __future__ import annotations

import pytest
import sympy

from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise, exact_equal
from symgrad.core.induction import (
    I_,
    K_,
    L_,
    indexed_to_named,
    prove_closed_form,
    symbolic_closed_form,
)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("form,bias", [("seed", False), ("general", False), ("general", True)])
@pytest.mark.parametrize("k", [1, 2, 5, K_])
def test_proof_verifies(activation, form, bias, k):
    proof = prove_closed_form(activation, form=form, bias=bias, k=k)
    assert proof.verified
    assert [s.title.split(":")[0] for s in proof.steps] == [
        "derived = stated",
        f"base case L = {k}",
        "inductive step",
        "inductive step",
    ]
    assert "Q.E.D." in str(proof)


def test_proof_has_the_texts_claim():
    proof = prove_closed_form("sigmoid")
    w, o = sympy.IndexedBase("w"), sympy.IndexedBase("o")
    z = w[I_] * o[I_ - 1]
    s = sympy.Function("sigmoid")  # the text: prod_{i=2}^L w_i sigma'(w_i o_{i-1})
    text = sympy.Product(w[I_] * s(z) * (1 - s(z)), (I_, 2, L_))
    # compare structurally after mapping the text's sigma onto symgrad's class
    from symgrad.core.activations import sigmoid

    assert proof.claim.rhs == text.replace(s, sigmoid)


@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_closed_form_instances_equal_concrete_derivation(depth):
    c = Chain(depth)
    expr = symbolic_closed_form("sigmoid", k=1).subs(L_, depth)
    assert exact_equal(indexed_to_named(expr, c), derive_layerwise(c).partial(1))


@pytest.mark.parametrize("k", [1, K_])
def test_steps_name_the_output_at_their_depth(k):
    # the base case differentiates F_k, the inductive step F_{L+1} (not f(w_k))
    from symgrad.present.latex import latex

    proof = prove_closed_form("sigmoid", k=k)
    base, chain_rule = proof.steps[1].statement, proof.steps[2].statement
    kk = latex(sympy.sympify(k))
    assert latex(base.lhs) == rf"\frac{{\partial F_{{{kk}}}}}{{\partial w_{{{kk}}}}}"
    assert latex(chain_rule.lhs) == rf"\frac{{\partial F_{{L + 1}}}}{{\partial w_{{{kk}}}}}"
    # the prose reasons are words and SymPy objects, never code
    for step in proof.steps:
        assert step.reason and all(isinstance(p, (str, sympy.Basic)) for p in step.reason)
        words = " ".join(p for p in step.reason if isinstance(p, str))
        assert "[" not in words and "sympy" not in words and "_" not in words
