"""The two derivation routes, the stated product form, and the closed form."""

from __future__ import annotations

import pytest
import sympy

from symgrad.base.errors import SymgradError
from symgrad.core.activations import sigmoid
from symgrad.core.chain import Chain
from symgrad.core.derive import (
    derive_layerwise,
    derive_naive,
    exact_equal,
    verify_routes,
    verify_stated_form,
)
from symgrad.core.induction import indexed_to_named


@pytest.mark.parametrize("depth", range(1, 9))
def test_routes_agree_exactly_seed_sigmoid(depth):
    check = verify_routes(Chain(depth))
    assert check.holds and len(check.per_k) == depth


@pytest.mark.parametrize("depth", range(1, 6))
@pytest.mark.parametrize(
    "kw",
    [
        {"activation": "tanh"},
        {"activation": "softplus"},
        {"form": "general"},
        {"form": "general", "bias": True, "activation": "tanh"},
    ],
)
def test_routes_agree_other_activations_and_forms(depth, kw):
    assert verify_routes(Chain(depth, **kw)).holds


def _text_formula(depth: int, k: int) -> sympy.Expr:
    """The text's formula, typed from the text itself (independent of symgrad.core.derive)."""
    w = sympy.symbols(f"w1:{depth + 1}")
    o = sympy.symbols(f"o1:{depth + 1}")

    def dsig(z):
        return sigmoid(z) * (1 - sigmoid(z))

    prod = sympy.Integer(1)
    for i in range(k + 1, depth + 1):  # i is 1-based
        prod *= w[i - 1] * dsig(w[i - 1] * o[i - 2])
    if k == 1:
        return prod
    return o[k - 2] * dsig(w[k - 1] * o[k - 2]) * prod


@pytest.mark.parametrize("depth", [2, 5, 17, 33, 60])
def test_product_form_up_to_depth_60(depth):
    d = derive_layerwise(Chain(depth))
    for k in sorted({1, 2, depth // 2 or 1, depth}):
        assert exact_equal(d.partial(k), _text_formula(depth, k))


def test_wrong_formula_is_detected():
    d = derive_layerwise(Chain(4))
    assert not exact_equal(d.partial(1), _text_formula(4, 1) * sympy.Symbol("w2"))


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_template_and_per_layer_diff_agree(depth):
    for kw in [{}, {"form": "general", "bias": True}]:
        c = Chain(depth, **kw)
        a, b = derive_layerwise(c), derive_layerwise(c, template=False)
        assert all(a.partial(k) == b.partial(k) for k in range(1, depth + 1))


@pytest.mark.parametrize("depth", [1, 2, 4, 7])
def test_closed_form_equals_product_form(depth):
    for kw in [{}, {"form": "general", "bias": True}, {"activation": "tanh"}]:
        c = Chain(depth, **kw)
        d = derive_layerwise(c)
        for k in range(1, depth + 1):
            assert exact_equal(indexed_to_named(d.closed_form(k), c), d.partial(k))
            assert verify_stated_form(d, k)


def test_bias_and_input_partials_match_naive():
    c = Chain(3, form="general", bias=True)
    d = derive_layerwise(c)
    nested = c.nested_expression()
    subs = d.substitutions()
    for k in range(1, 4):
        naive = sympy.diff(nested, c.biases[k - 1])
        assert exact_equal(naive, d.partial_bias(k).xreplace(subs))
    assert exact_equal(sympy.diff(nested, sympy.Symbol("x")), d.partial_input().xreplace(subs))


def test_deep_chain_no_recursion():
    c = Chain(100_000)
    d = derive_layerwise(c)
    cf = d.closed_form(1)
    assert isinstance(cf, sympy.Product)
    # the last local derivative is built without touching the others
    loc = d.local(100_000)
    assert loc.layer.index == 100_000


def test_naive_route_refuses_deep_chains():
    with pytest.raises(SymgradError, match="naive"):
        derive_naive(Chain(100), 1)


def test_wrt_outside_range():
    with pytest.raises(SymgradError, match="outside"):
        derive_layerwise(Chain(3)).partial(4)


# --- issue 11: local derivatives by renaming a reference layer, and the product form ------
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "relu", "gelu", "elu"])
@pytest.mark.parametrize(("form", "bias"), [("seed", False), ("general", False),
                                            ("general", True)])
def test_renamed_layers_equal_sympy_diff_of_each_layer(activation, form, bias):
    # independent route: template=False differentiates every layer with sympy.diff
    chain = Chain(104, activation=activation, form=form, bias=bias)
    fast, slow = derive_layerwise(chain), derive_layerwise(chain, template=False)
    for i in (1, 2, 3, 9, 10, 11, 99, 100, 101, 104):  # index digit counts change
        a, b = fast.local(i), slow.local(i)
        assert sympy.srepr(a.d_prev) == sympy.srepr(b.d_prev), (i, a.d_prev)
        assert a.d_prev == b.d_prev and hash(a.d_prev) == hash(b.d_prev)
        assert a.d_weight == b.d_weight and a.d_bias == b.d_bias


@pytest.mark.parametrize("k", [1, 2, 7])
def test_product_form_is_the_partial_unevaluated(k):
    d = derive_layerwise(Chain(7, activation="tanh"))
    prod = d.product(k)
    assert prod.doit() == d.partial(k)
    assert exact_equal(prod, d.partial(k))


def test_activation_names_table_matches_the_sympy_registry():
    from symgrad.core.activation_names import ACTIVATION_NAMES, LEAKY_SLOPE
    from symgrad.core.activations import ACTIVATIONS
    from symgrad.core.activations import LEAKY_SLOPE as SYMPY_SLOPE

    assert ACTIVATION_NAMES == tuple(ACTIVATIONS)
    assert sympy.Rational(LEAKY_SLOPE.numerator, LEAKY_SLOPE.denominator) == SYMPY_SLOPE
