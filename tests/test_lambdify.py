"""sympy.lambdify on symgrad's derived gradients: NumPy, mpmath, math, JAX (jit) and PyTorch.

The expected values never come from symgrad's numeric code: each one is an mpmath forward
pass of the chain, written here from the textbook definitions of the activations, and
differentiated by ``mpmath.diff`` at 50 digits.  The JAX test also compares the jitted
gradient with symgrad's certified values (the second, independent check asked by the issue).
"""

from __future__ import annotations

import functools
import math
import warnings
from fractions import Fraction

import mpmath
import pytest
import sympy

from symgrad.core.activations import ACTIVATIONS
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise
from symgrad.numeric.lambdify_modules import lambdify, lambdify_modules
from tests._require import require_module

DEPTH = 4
#: moderate weights: every pre-activation is away from 0 (the ReLU kink) by > 0.1
POINT_POSITIVE = (1.1, 0.8, 1.7, 0.6)
POINT_MIXED = (0.7, -1.3, 0.9, 1.6)  # negative pre-activations (not for relu: o2 = 0, z3 = 0)


def _textbook(name: str):
    """sigma(t) in mpmath, from the definitions (not from symgrad)."""
    return {
        "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
        "tanh": mpmath.tanh,
        "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
        "identity": lambda t: t,
        "relu": lambda t: t if t > 0 else 0 * t,
        "leaky_relu": lambda t: t if t > 0 else t / 100,
        "elu": lambda t: t if t > 0 else mpmath.exp(t) - 1,
        "gelu": lambda t: t * (1 + mpmath.erf(t / mpmath.sqrt(2))) / 2,
        "silu": lambda t: t / (1 + mpmath.exp(-t)),
        "erf": mpmath.erf,
    }[name]


@functools.cache
def _mpmath_gradient(name: str, point: tuple) -> list:
    """dF/dw_k by mpmath.diff of the forward pass o_1 = w_1, o_i = sigma(w_i o_(i-1))."""
    act = _textbook(name)

    def forward(*w):
        o = w[0]
        for wi in w[1:]:
            o = act(wi * o)
        return o

    with mpmath.workdps(50):
        w = [mpmath.mpf(v) for v in point]  # the floats' exact values
        return [mpmath.diff(forward, w, tuple(int(i == k) for i in range(DEPTH)))
                for k in range(DEPTH)]


@functools.cache
def _derived(name: str):
    chain = Chain(DEPTH, activation=name)
    d = derive_layerwise(chain)
    return chain.weights, [d.expanded(d.partial(k)) for k in range(1, DEPTH + 1)]


def _points(name: str):
    return [POINT_POSITIVE] if name == "relu" else [POINT_POSITIVE, POINT_MIXED]


def _close(got, want, rel: float) -> None:
    with mpmath.workdps(50):
        for k, (g, t) in enumerate(zip(got, want), 1):
            assert abs(mpmath.mpf(g) - t) <= rel * abs(t) + rel * 1e-3, (k, g, t)


ACTS = sorted(ACTIVATIONS)


@pytest.mark.parametrize("name", ACTS)
@pytest.mark.parametrize("backend", ["numpy", "math"])
def test_plain_sympy_lambdify_float(name, backend):
    w, grads = _derived(name)
    f = sympy.lambdify(w, grads, backend)  # the call, without symgrad's modules
    for point in _points(name):
        _close(f(*point), _mpmath_gradient(name, point), 1e-12)


@pytest.mark.parametrize("name", ACTS)
def test_plain_sympy_lambdify_mpmath(name):
    w, grads = _derived(name)
    f = sympy.lambdify(w, grads, "mpmath")
    for point in _points(name):
        with mpmath.workdps(40):
            got = f(*[mpmath.mpf(v) for v in point])
        _close(got, _mpmath_gradient(name, point), 1e-35)


@pytest.mark.parametrize("name", ACTS)
def test_numpy_arrays_through_modules(name):
    np = pytest.importorskip("numpy")
    w, grads = _derived(name)
    f = lambdify(w, grads, "numpy")
    batch = np.array(_points(name)).T  # one column per point
    got = f(*batch)
    for j, point in enumerate(_points(name)):
        want = _mpmath_gradient(name, point)
        _close([np.broadcast_to(g, batch.shape[1:])[j] for g in got], want, 1e-12)


@pytest.mark.jax
@pytest.mark.parametrize("name", ACTS)
def test_jax_jit_matches_mpmath_and_certified(name):
    jax = require_module("jax", install="pip install 'symgrad[jax]'")
    from symgrad.numeric.reference import reference_values

    w, grads = _derived(name)
    f = jax.jit(lambdify(w, grads, "jax"))
    for point in _points(name):
        with jax.enable_x64(True):
            got = [float(g) for g in f(*[jax.numpy.float64(v) for v in point])]
        _close(got, _mpmath_gradient(name, point), 1e-12)
        cert = reference_values(Chain(DEPTH, activation=name), [Fraction(v) for v in point],
                                digits=17)
        _close(got, [mpmath.mpf(g) for g in cert.grad_w], 1e-12)


@pytest.mark.jax
def test_plain_jax_lambdify_of_sigmoid_jits():
    """The issue's failing call: sympy.lambdify(w, expr, "jax") on the sigmoid chain."""
    jax = require_module("jax", install="pip install 'symgrad[jax]'")
    w, grads = _derived("sigmoid")
    f = jax.jit(sympy.lambdify(w, grads[0], "jax"))
    with jax.enable_x64(True):
        got = float(f(*POINT_MIXED))
    _close([got], _mpmath_gradient("sigmoid", POINT_MIXED)[:1], 1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(set(ACTS) - {"relu", "leaky_relu", "gelu", "erf"}))
def test_plain_sympy_lambdify_torch(name):
    """Where lambdify_modules documents that plain ``sympy.lambdify(..., "torch")`` works."""
    torch = require_module("torch", install="pip install 'symgrad[torch]'")
    w, grads = _derived(name)
    f = sympy.lambdify(w, grads, "torch")
    got = f(*[torch.tensor(v, dtype=torch.float64) for v in POINT_MIXED])
    _close([float(g) for g in got], _mpmath_gradient(name, POINT_MIXED), 1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("name", ACTS)
def test_torch_double_matches_mpmath(name):
    torch = require_module("torch", install="pip install 'symgrad[torch]'")
    w, grads = _derived(name)
    f = lambdify(w, grads, "torch")
    for point in _points(name):
        got = f(*[torch.tensor(v, dtype=torch.float64) for v in point])
        _close([float(torch.as_tensor(g)) for g in got], _mpmath_gradient(name, point), 1e-12)


# sigma at arguments where a naive formula overflows, underflows to 0/0 or cancels
EXTREMES = [("sigmoid", -30.0), ("sigmoid", 800.0), ("sigmoid", -800.0),
            ("softplus", -40.0), ("softplus", 800.0), ("silu", -30.0), ("silu", -800.0),
            ("gelu", -10.0), ("elu", -800.0), ("elu", 800.0), ("leaky_relu", -3.0)]


def _extreme_cases(backend):
    t = sympy.Symbol("t")
    for name, x in EXTREMES:
        f = lambdify([t], ACTIVATIONS[name](t), backend)
        with mpmath.workdps(50):
            want = _textbook(name)(mpmath.mpf(x))
        yield name, x, f, want


def _check_extreme(got: float, want, name, x) -> None:
    assert math.isfinite(got), (name, x, got)
    if abs(want) < 1e-300:  # below double's normal range: 0 or a subnormal is right
        assert abs(got) < 1e-300, (name, x, got)
    else:
        _close([got], [want], 1e-13)


@pytest.mark.parametrize("backend", ["numpy", "math"])
def test_no_overflow_and_no_cancellation(backend):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, x, f, want in _extreme_cases(backend):
            got = float(f(x))
            _check_extreme(got, want, name, x)


@pytest.mark.torch
def test_no_overflow_torch():
    torch = require_module("torch", install="pip install 'symgrad[torch]'")
    for name, x, f, want in _extreme_cases("torch"):
        _check_extreme(float(f(torch.tensor(x, dtype=torch.float64))), want, name, x)


@pytest.mark.jax
def test_no_overflow_jax():
    jax = require_module("jax", install="pip install 'symgrad[jax]'")
    with jax.enable_x64(True):
        for name, x, f, want in _extreme_cases("jax"):
            _check_extreme(float(f(jax.numpy.float64(x))), want, name, x)


def test_printed_size_is_linear_in_depth():
    """An argument used twice is evaluated once (a lambda), so nesting does not double."""
    t = sympy.Symbol("t")
    sizes = []
    for depth in (4, 8):
        e = t
        for _ in range(depth):
            e = ACTIVATIONS["silu"](e)
        sizes.append(len(sympy.pycode(e)))
    assert sizes[1] < 2.5 * sizes[0]


def test_modules_names_the_backends():
    from symgrad.base.errors import InputError

    assert lambdify_modules("mpmath") == ["mpmath"]
    with pytest.raises(InputError, match="unknown lambdify backend 'tensorflow'"):
        lambdify_modules("tensorflow")


def test_numpy_piecewise_overflow_in_the_branch_not_taken_is_quiet():
    """elu' is SymPy's Piecewise((1, t > 0), (exp(t), True)): NumPy computes exp(t) for
    t = 1800 too; symgrad's lambdify keeps that overflow (not taken) from warning."""
    w, grads = _derived("elu")
    f = lambdify(w, grads[0], "numpy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = float(f(30.0, 30.0, 2.0, 1.0))  # z2 = 900, z3 = 1800, z4 = 1800: all > 0
    assert got == 30.0 * 2.0 * 1.0  # dF/dw1 = w2 w3 w4 elu'(z2) elu'(z3) elu'(z4) = w2 w3 w4
