"""Kill tests for the surviving mutants of ``symgrad/numeric/kernels.py`` (issue 10).

Each test pins a value a surviving mutant changed without failing the suite: the float64
log-space values at the branch points of the log kernels (t = 0, subnormal t, the
asymptotic branch of log-softplus), the Arb forms (identity'' at 0, softplus for huge t),
the conditioning kappa(z) that feeds the tolerance model, and the JAX/PyTorch ops that
:func:`framework_op` resolves.  Expected values are mpmath formulas written here at 60
digits (log1p, exp, erf, erfc, sinh), textbook facts (identity'' = 0, log 1 = 0,
log 0 = -inf) or the documented kappa model of ``symgrad/analysis/verify/tolerance.py``
(sigmoid: e^z for z > 0 else 0; tanh: sinh(z)^2; no cancellation: 0).
"""

from __future__ import annotations

import functools
import math

import mpmath
import pytest
from flint import arb

from symgrad.analysis.precision.logspace import log_abs_activation, log_abs_derivative
from symgrad.analysis.verify.tolerance import layer_amplification
from symgrad.base.errors import SymgradError
from symgrad.core.activation_names import ACTIVATION_NAMES
from symgrad.numeric.kernels import derivatives, framework_op, functions, get_kernel
from symgrad.numeric.namespaces import ARB, MATH

DPS = 60


def _mp(f, t: float) -> float:
    """The float of the mpmath expression ``f(mpf(t))`` evaluated at 60 digits."""
    with mpmath.workdps(DPS):
        return float(f(mpmath.mpf(t)))


def _sigma(t):
    return 1 / (1 + mpmath.exp(-t))


def _Phi(t):
    return mpmath.erfc(-t / mpmath.sqrt(2)) / 2


def _phi(t):
    return mpmath.exp(-t * t / 2) / mpmath.sqrt(2 * mpmath.pi)


# --- log-space values at the branch points ---------------------------------------------
@pytest.mark.parametrize("name", ["tanh", "identity", "relu", "silu", "erf"])
def test_log_abs_at_zero_is_minus_infinity(name):
    """sigma(0) = 0 for these: log|sigma(0)| = -inf (not +inf, not a math domain error)."""
    assert log_abs_activation(name, 0.0) == -math.inf


def test_log_abs_relu_derivative_at_zero():
    """relu'(0) = 0 in floats (the frameworks' convention): log|relu'(0)| = -inf."""
    assert log_abs_derivative("relu", 0.0) == -math.inf


@pytest.mark.parametrize(("name", "t", "expr"), [
    ("identity", 1.0, lambda t: mpmath.log(t)),  # log 1 = 0 exactly
    ("identity", 3.0, lambda t: mpmath.log(t)),
    ("relu", 2.0, lambda t: mpmath.log(t)),
    ("silu", 1.0, lambda t: mpmath.log(t * _sigma(t))),
    ("silu", -3.0, lambda t: mpmath.log(abs(t * _sigma(t)))),
])
def test_log_abs_activation_values(name, t, expr):
    assert log_abs_activation(name, t) == pytest.approx(_mp(expr, t), rel=4e-16, abs=0.0)


def test_log_abs_identity_at_one_is_exactly_zero():
    assert log_abs_activation("identity", 1.0) == 0.0


@pytest.mark.parametrize("t", [-1e-20, -1e-300])
def test_log_silu_derivative_just_below_zero(t):
    """silu'(t) = sigma(t)(1 + t(1 - sigma(t))) -> 1/2: the t < 0 form, where the factor
    1 + t/(1 + e^t) rounds to exactly 1 (log 1 = 0, not -inf)."""
    def d1(x):
        s = _sigma(x)
        return mpmath.log(s * (1 + x * (1 - s)))
    assert log_abs_derivative("silu", t) == pytest.approx(_mp(d1, t), rel=4e-16, abs=0.0)


@pytest.mark.parametrize("t", [-30.5, -31.0, -33.0])
def test_log_softplus_asymptotic_branch(t):
    """t < -30: log softplus(t) = t - e^t/2 + O(e^2t); a sign or factor slip in the e^t
    term moves the result by ~e^t, several ulps of |t| here."""
    expected = _mp(lambda x: mpmath.log(mpmath.log1p(mpmath.exp(x))), t)
    assert log_abs_activation("softplus", t) == pytest.approx(expected, rel=2.5e-16, abs=0.0)


@pytest.mark.parametrize("t", [1e-310, 5e-324, -2.5e-320])
def test_log_erf_subnormal(t):
    """|erf(t)| below the smallest normal float: the asymptotic form log(2/sqrt(pi)) + log|t|
    (erf(t) = 2t/sqrt(pi) (1 - t^2/3 + ...))."""
    expected = _mp(lambda x: mpmath.log(abs(mpmath.erf(x))), t)
    assert log_abs_activation("erf", t) == pytest.approx(expected, rel=4e-16, abs=0.0)


# --- float64 values -------------------------------------------------------------------
@pytest.mark.parametrize("t", [700.0, -700.0, 30.0])
def test_sigmoid_derivative_far_out_in_float64(t):
    """sigma'(t) = e^{-|t|}/(1 + e^{-|t|})^2 ~ 1e-304 at |t| = 700: the form in e^{+|t|}
    overflows (0 or an OverflowError)."""
    want = _mp(lambda x: 1 / (4 * mpmath.cosh(x / 2) ** 2), t)  # sigma' = sech^2(t/2)/4
    assert derivatives("sigmoid", MATH, t)[1] == pytest.approx(want, rel=1e-14, abs=0.0)
    assert functions("sigmoid", MATH)[1](t) == pytest.approx(want, rel=1e-14, abs=0.0)


def test_unknown_activation_error_lists_the_names():
    """The error a user sees names the activation and lists the known ones, sorted."""
    with pytest.raises(SymgradError) as info:
        get_kernel("swish2")
    err = info.value
    assert err.message == "unknown activation 'swish2'"
    assert err.hint == "choose one of: " + ", ".join(sorted(ACTIVATION_NAMES))
    for name in ACTIVATION_NAMES:
        assert get_kernel(name).name == name


# --- Arb forms -------------------------------------------------------------------------
def test_identity_second_derivative_at_zero_is_exact_zero_in_arb():
    """identity'' = 0 everywhere; identity' has no jump at 0, so the ball is exactly 0
    (not NaN, the 'no enclosure' of a jump)."""
    value, d1, d2 = derivatives("identity", ARB, arb(0))
    assert d2 == 0 and d1 == 1 and value == 0


def test_softplus_huge_argument_in_arb():
    """softplus(2^200) = 2^200 + log1p(e^{-2^200}): the ball must be tight around 2^200
    (log1p(e^t) of such t is the whole real line in Arb)."""
    sigma, _ = functions("softplus", ARB)
    t = arb(2) ** 200
    v = sigma(t)
    assert v.is_finite()
    assert v.contains(t)
    assert float(v.rad()) <= 2.0**200 * 2.0**-40


# --- the conditioning kappa(z) of the tolerance model ----------------------------------
def _cancel_kappa(value, parts, z: float) -> float:
    with mpmath.workdps(DPS):
        x = mpmath.mpf(z)
        return float(parts(x) / abs(value(x)) - 1)


@pytest.mark.parametrize("z", [-1.0, -0.3, 0.7, -3.0])
def test_gelu_kappa(z):
    """gelu' = Phi + z phi: kappa = (Phi + |z| phi)/|Phi + z phi| - 1."""
    expected = _cancel_kappa(lambda x: _Phi(x) + x * _phi(x),
                             lambda x: _Phi(x) + abs(x) * _phi(x), z)
    assert get_kernel("gelu").kappa(z) == pytest.approx(expected, rel=1e-12, abs=0.0)


@pytest.mark.parametrize("z", [-2.0, -0.5, 1.5])
def test_silu_kappa(z):
    """silu' = sigma + z sigma': kappa = (sigma + |z| sigma')/|sigma + z sigma'| - 1."""
    def ds(x):
        return _sigma(x) * (1 - _sigma(x))
    expected = _cancel_kappa(lambda x: _sigma(x) + x * ds(x),
                             lambda x: _sigma(x) + abs(x) * ds(x), z)
    assert get_kernel("silu").kappa(z) == pytest.approx(expected, rel=1e-12, abs=0.0)


def test_gelu_kappa_where_sigma_prime_is_one():
    """gelu'(10) rounds to exactly 1.0 in float64; the true kappa is ~2e-21 (no cancellation)."""
    expected = _cancel_kappa(lambda x: _Phi(x) + x * _phi(x),
                             lambda x: _Phi(x) + abs(x) * _phi(x), 10.0)
    assert expected < 1e-20
    assert get_kernel("gelu").kappa(10.0) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(("name", "z"), [("gelu", -40.0), ("silu", -800.0)])
def test_cancel_kappa_where_derivative_underflows(name, z):
    """sigma'(z) underflows to 0 in float64: the backward value has no correct digit,
    kappa = inf (no ZeroDivisionError), and the layer amplification is inf."""
    assert get_kernel(name).kappa(z) == math.inf
    assert layer_amplification(name, z) == math.inf


@pytest.mark.parametrize("name", ["softplus", "identity", "relu", "leaky_relu", "elu", "erf"])
@pytest.mark.parametrize("z", [-2.0, 0.0, 3.0])
def test_no_cancellation_kappa_is_zero(name, z):
    assert get_kernel(name).kappa(z) == 0.0
    assert layer_amplification(name, z) == 1.0 + abs(z)


@pytest.mark.parametrize(("z", "expected"), [
    (1.0, lambda: mpmath.e),
    (0.5, lambda: mpmath.exp(mpmath.mpf(1) / 2)),
    (3.0, lambda: mpmath.exp(3)),
    (0.0, lambda: 0),  # "e^z for z > 0": none at 0
    (-1.0, lambda: 0),
    (-50.0, lambda: 0),
])
def test_sigmoid_kappa(z, expected):
    with mpmath.workdps(DPS):
        want = float(expected())
    assert get_kernel("sigmoid").kappa(z) == pytest.approx(want, rel=4e-16, abs=0.0)


@pytest.mark.parametrize("z", [1.0, -2.0, 0.25, 5.0])
def test_tanh_kappa(z):
    """tanh' = 1 - y^2 formed from y: kappa = y^2/(1 - y^2) = sinh(z)^2."""
    want = _mp(lambda x: mpmath.sinh(x) ** 2, z)
    assert get_kernel("tanh").kappa(z) == pytest.approx(want, rel=1e-14, abs=0.0)


# --- framework ops ---------------------------------------------------------------------
def test_framework_op_jax():
    jax_nn = pytest.importorskip("jax.nn")
    jnp = pytest.importorskip("jax.numpy")

    assert framework_op("sigmoid", "jax") is jax_nn.sigmoid
    assert framework_op("tanh", "jax") is jnp.tanh
    gelu = framework_op("gelu", "jax")
    assert isinstance(gelu, functools.partial)
    assert gelu.func is jax_nn.gelu and gelu.keywords == {"approximate": False}
    # the exact gelu t Phi(t), not the tanh approximation (0.8411919906 at 1)
    want = _mp(lambda t: t * _Phi(t), 1.0)
    assert float(gelu(1.0)) == pytest.approx(want, rel=1e-6)


def test_framework_op_torch():
    torch = pytest.importorskip("torch")
    functional = pytest.importorskip("torch.nn.functional")

    assert framework_op("sigmoid", "torch") is torch.sigmoid
    assert framework_op("tanh", "torch") is torch.tanh
    assert framework_op("gelu", "torch") is functional.gelu
