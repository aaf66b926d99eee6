"""JAX and PyTorch backends: each framework's own autodiff against independent mpmath values.

Every test runs once per backend (the ``backend`` fixture); tests that need the
framework skip locally when it is missing and fail in CI (SYMGRAD_REQUIRE_ALL=1).
"""

from __future__ import annotations

import importlib
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from symgrad.base.errors import MissingExtraError, SymgradError
from symgrad.core.chain import Chain
from tests._require import require_module
from tests.references import diff_hessian, diff_partials, forward, is_close

BACKENDS = ("jax", "torch")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The symgrad backend module for a framework that is installed."""
    require_module(request.param)
    return importlib.import_module(f"symgrad.numeric.{request.param}_backend")


@pytest.mark.parametrize("name", BACKENDS)
def test_missing_framework_raises_install_hint(monkeypatch, name):
    be = importlib.import_module(f"symgrad.numeric.{name}_backend")
    monkeypatch.setitem(sys.modules, name, None)
    assert not be.available()
    with pytest.raises(MissingExtraError, match=rf"pip install 'symgrad\[{name}\]'"):
        be.gradient(Chain(2), [Fraction(1)] * 2)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus"])
def test_float64_gradient_matches_mpmath_diff(backend, act):
    ws = [Fraction(1, 2), Fraction(-3, 4), Fraction(5, 4), Fraction(2)]
    r = backend.gradient(Chain(4, activation=act), ws, "float64")
    F, ref, _, _ = diff_partials(act, [float(w) for w in ws], dps=40)  # mpmath.diff
    # 4 layers, a few roundings each: 1e-13 relative is ~450 ulp of slack, far above 4*5 eps
    for g, t in zip(r.grad_w, ref):
        assert is_close(g, t, rel="1e-13")
    assert is_close(r.value, F, absolute="1e-15")


def test_depth_one_gradient_is_one(backend):
    r = backend.gradient(Chain(1), [Fraction(3)], "float32")
    assert r.grad_w.tolist() == [1.0]  # F = w1: dF/dw1 = 1 exactly, no rounding involved
    assert r.value == 3.0


def test_general_form_with_bias_and_input(backend):
    chain = Chain(2, activation="tanh", form="general", bias=True)
    ws, bs, x = [Fraction(1, 2), Fraction(3, 2)], [Fraction(1, 4), Fraction(-1, 2)], Fraction(2)
    r = backend.gradient(chain, ws, "float64", biases=bs, x=x)
    _, _, db, dx = diff_partials("tanh", [float(v) for v in ws], "general",
                                 [float(v) for v in bs], 2, dps=40)
    assert is_close(r.grad_x, dx, rel="1e-14")  # 2 layers: few ulps
    assert is_close(r.grad_b[0], db[0], rel="1e-14")
    assert r.x == Fraction(2)


def test_hessian_matches_mpmath_mixed_partials(backend):
    ws = [Fraction(1, 2), Fraction(-1), Fraction(3, 2)]
    h, used = backend.hessian(Chain(3), ws, "float64")
    ref = diff_hessian("sigmoid", [float(v) for v in used], dps=40)  # mixed partials
    for i in range(3):
        for j in range(3):
            # entries are O(0.1); 1e-14 absolute is ~100 ulp at that size
            assert is_close(h[i, j], ref[i][j], absolute="1e-14")


@pytest.mark.parametrize("fmt", ["float32", "float16", "bfloat16"])
def test_low_precision_formats_round_weights(backend, fmt):
    r = backend.gradient(Chain(3), [Fraction(1, 3)] * 3, fmt)
    assert r.format == fmt
    # the weight 1/3 is rounded to the format; it is no longer exactly 1/3
    assert r.weights[0] != Fraction(1, 3)
    assert abs(r.weights[0] - Fraction(1, 3)) <= Fraction(1, 3) * Fraction(1, 2**7)


def test_deep_chain_runs_and_matches_forward(backend):
    L = 3000
    ws = [Fraction(1, 2)] * L
    r = backend.gradient(Chain(L), ws, "float64")
    with mpmath.workdps(30):
        ref = forward("sigmoid", [0.5] * L)
    # F is a fixed point iteration that contracts; the rounding error stays O(eps)
    assert is_close(r.value, ref, absolute="1e-14")
    assert r.grad_w.shape == (L,)


def test_batch_gradient_matches_single(backend):
    rng = np.random.default_rng(3)
    w = rng.normal(size=(4, 6))
    out = backend.gradient_batch(Chain(6), w)
    for row, g in zip(w, out):
        single = backend.gradient(Chain(6), [Fraction(float(v)) for v in row], "float64")
        # same program on the same inputs; vmap may reorder nothing here: allow 4 ulp
        assert np.allclose(g, single.grad_w, rtol=4 * 2.0**-52, atol=0)


def test_unknown_format_is_an_error(backend):
    with pytest.raises(SymgradError, match="unknown format"):
        backend.gradient(Chain(2), [Fraction(1)] * 2, "float8")


def test_flush_measurement_is_consistent_with_ieee(backend):
    for fmt in ("float32", "float16"):
        m = backend.flushes_subnormals(fmt)
        assert m["ieee"] > 0  # the IEEE result of tiny/2 is a nonzero subnormal
        assert m["flushes"] == (m["result"] == 0.0)


def test_softplus_beyond_twenty():
    """JAX's softplus keeps full accuracy for large arguments, while
    torch.nn.functional.softplus(z) returns z (derivative 1) for z > 20 (its documented
    threshold); the exact derivative sigma(25) = 1 - 1.4e-11 differs by ~6e4 float64 ulps,
    and the comparison must catch it."""
    from symgrad.analysis.verify.autodiff import compare_gradient

    require_module("jax")
    chk = compare_gradient("jax", Chain(2, activation="softplus"), [Fraction(5)] * 2, "float64")
    assert chk.ok
    require_module("torch")
    chk = compare_gradient("torch", Chain(2, activation="softplus"), [Fraction(5)] * 2,
                           "float64")
    assert not chk.ok and "disagree" in chk.counts()


def _per_depth_reference(activation: str, fmt: str, weights):
    """The former JAX gradient, kept as the reference: one ``jit(value_and_grad)`` of a
    ``lax.scan`` over exactly ``len(weights)`` layers (compiled per depth and format)."""
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    from symgrad.numeric.formats import format_info
    from symgrad.numeric.kernels import framework_op

    f = framework_op(activation, "jax")

    def fwd(w):
        out, _ = jax.lax.scan(lambda o, wi: (f(wi * o), None), w[0] * jnp.ones((), w.dtype),
                              w[1:])
        return out

    w = np.asarray([float(v) for v in weights]).astype(np.dtype(format_info(fmt).dtype))
    with jax.enable_x64(True):
        val, g = jax.jit(jax.value_and_grad(fwd))(jnp.asarray(w))
        return np.float64(np.asarray(val).astype(np.float64)), np.asarray(g).astype(np.float64)


def test_jax_padded_gradient_is_bit_identical_to_per_depth_compile():
    """Every (activation, format, depth) of ``symgrad verify`` (gradient and emulation rows,
    and the flush-to-zero depths with weights 1): the shared padded compile gives the same
    bits as a scan compiled for that depth alone."""
    require_module("jax")
    from symgrad.analysis.verify.autodiff import first_subnormal_depth
    from symgrad.core.activations import TEXT_ACTIVATIONS
    from symgrad.numeric import jax_backend
    from symgrad.numeric.formats import FORMATS
    from symgrad.numeric.weights import parse_weights

    cases = [(act, fmt, parse_weights("normal:0,1,seed=0", L)) for fmt in FORMATS
             for act in TEXT_ACTIVATIONS for L in (2, 5, 10, 30)]
    cases += [("sigmoid", fmt, [Fraction(1)] * first_subnormal_depth(fmt)[0]) for fmt in FORMATS]
    for act, fmt, w in cases:
        r = jax_backend.gradient(Chain(len(w), activation=act), w, fmt)
        val, g = _per_depth_reference(act, fmt, w)
        where = f"{act} {fmt} L={len(w)}"
        assert np.float64(r.value).tobytes() == val.tobytes(), where
        assert r.grad_w.tobytes() == g.tobytes(), where
