"""Property-based checks (hypothesis, derandomized): symgrad's float64 path, JAX and
PyTorch agree within the tolerance model; Hessians are symmetric and agree."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symgrad.analysis.verify.autodiff import reference_hessian
from symgrad.analysis.verify.tolerance import chain_tolerance, compare_value
from symgrad.analysis.verify.vectorized import gradient_float64
from symgrad.core.chain import Chain
from symgrad.numeric.certified import certified_values
from symgrad.numeric.flint_backend import arb_to_mpf
from tests._require import require_module

# weights: multiples of 1/64 in [-3, 3] (at most 8 significant bits: exact in every format)
weights_st = st.lists(st.integers(-192, 192).map(lambda n: Fraction(n, 64)),
                      min_size=1, max_size=25)
acts = st.sampled_from(["sigmoid", "tanh", "softplus"])
SETTINGS = settings(derandomize=True, max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def max_preactivation(chain, ws) -> float:
    """Largest pre-activation z_i = w_i o_{i-1} (float64 forward pass, independent)."""
    o, best = float(ws[0]), -np.inf
    for w in ws[1:]:
        z = float(w) * o
        best = max(best, z)
        o = np.logaddexp(0.0, z)  # softplus, overflow-free
    return best


def _check_all(grad, chain, weights, fmt="float64"):
    cert = certified_values(chain, list(weights), digits=20)
    tol = chain_tolerance(fmt, chain, list(weights))
    for g, ball in zip(grad, cert.grad_w):
        c = compare_value(float(g), arb_to_mpf(ball.arb.mid()), fmt, tol)
        assert c.ok, (c, chain, weights)


@SETTINGS
@given(weights_st, acts)
def test_symgrad_float64_path_agrees_with_certified(ws, act):
    chain = Chain(len(ws), activation=act)
    g = gradient_float64(chain, np.array([[float(w) for w in ws]]))[0]
    _check_all(g, chain, ws)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_frameworks_agree_with_certified_and_symgrad(backend):
    require_module(backend)
    from symgrad.analysis.verify.autodiff import load_backend

    mod = load_backend(backend)

    @SETTINGS
    @given(weights_st, acts)
    def prop(ws, act):
        chain = Chain(len(ws), activation=act)
        if backend == "torch" and act == "softplus":
            # torch's softplus is linear beyond its documented threshold z > 20 (off by up
            # to 2e-9); test_torch_backend checks that symgrad flags that as a disagreement
            assume(max_preactivation(chain, ws) <= 20)
        r = mod.gradient(chain, ws, "float64")
        _check_all(r.grad_w, chain, ws)
        mine = gradient_float64(chain, np.array([[float(w) for w in ws]]))[0]
        # both within tol of the truth, so within 2 tol of each other
        tol = chain_tolerance("float64", chain, list(ws))
        for a, b in zip(r.grad_w, mine):
            assert abs(a - b) <= 2 * tol * max(abs(a), abs(b)) or (a == 0 == b)

    prop()


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_hessian_symmetric_and_agrees(backend):
    require_module(backend)
    from symgrad.analysis.verify.autodiff import load_backend

    mod = load_backend(backend)

    @settings(derandomize=True, max_examples=8, deadline=None)
    @given(st.lists(st.integers(-128, 128).map(lambda n: Fraction(n, 64)), min_size=2,
                    max_size=6), acts)
    def prop(ws, act):
        chain = Chain(len(ws), activation=act)
        h, used = mod.hessian(chain, ws, "float64")
        ref, _ = reference_hessian(chain, used)
        tol = chain_tolerance("float64", chain, list(used))
        n = chain.depth
        rows = [max(abs(float(v)) for v in ref[i]) for i in range(n)]
        for i in range(n):
            for j in range(n):
                scale = min(rows[i], rows[j])
                # symmetric up to rounding: both orders within the tolerance model
                assert abs(h[i, j] - h[j, i]) <= 2 * tol * scale + 1e-300
                assert abs(h[i, j] - float(ref[i][j])) <= tol * scale + 1e-300

    prop()
