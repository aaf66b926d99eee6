"""Stable log-space evaluation against a separate high-precision computation (mpmath)."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from symgrad.analysis.precision import log10_gradient, log10_prefix_gradient
from symgrad.analysis.precision.logspace import log_abs_activation, log_abs_derivative
from symgrad.core.chain import Chain
from symgrad.numeric import numpy_backend as nb
from symgrad.numeric.weights import parse_weights
from tests.references import activation, chain_reference, derivative

EPS = float(np.finfo(np.float64).eps)


# The references' textbook formulas at 1000 digits for the single terms (every reference
# is also checked to be finite).
HIGH = 1000


def _true_log10(chain, weights, biases=None, x=None, dps=50):
    """log10|dF/dw_k| for all k: the explicit product in mpmath (no underflow in mpf)."""
    _, gw, _, _ = chain_reference(chain.activation, chain.form, weights, biases, x, dps)
    with mpmath.workdps(dps):
        out = [mpmath.log10(abs(g)) for g in gw]
    assert all(mpmath.isfinite(v) for v in out)
    return out


def test_all_ones_depth_1000_where_the_product_underflows():
    depth = 1000
    chain, weights = Chain(depth), [Fraction(1)] * depth
    logs = log10_gradient(chain, weights)
    true = _true_log10(chain, weights)
    direct = nb.evaluate(chain, weights, "float64").grad_w
    zero_depths = [k for k, v in enumerate(direct) if v == 0]
    assert len(zero_depths) > 400  # the direct product is 0 for the first ~500 weights
    for k in range(depth):
        # each term has relative error ~eps and the sums are compensated: the result is
        # within a few eps of |log10| (relative); 16 eps leaves room for the log10 scaling
        assert abs(logs[k] - true[k]) <= 16 * EPS * abs(true[k]) + 4 * EPS


@pytest.mark.parametrize(("chain", "wspec", "bspec", "x"), [
    (Chain(60, activation="tanh"), "normal:0,2,seed=1", None, None),
    (Chain(40, activation="softplus", form="general", bias=True), "uniform:-2,2,seed=2",
     "normal:0,3,seed=4", Fraction(1, 2)),
    (Chain(50, form="general", bias=True), "normal:0,4,seed=5", "normal:-30,5,seed=6",
     Fraction(3)),
])
def test_other_activations_and_forms(chain, wspec, bspec, x):
    weights = parse_weights(wspec, chain.depth)
    biases = parse_weights(bspec, chain.depth) if bspec else None
    logs = log10_gradient(chain, weights, biases=biases, x=x)
    true = _true_log10(chain, weights, biases, x)
    for lv, tv in zip(logs, true, strict=True):
        # terms of both signs (log|w| > 0 or < 0) may cancel: bound the error by the size
        # of the terms (at most ~|log10| + 200 here) times a few eps; 1e-12 absolute is ample
        assert abs(lv - tv) <= 1e-12 * max(1.0, abs(tv))


def test_prefix_equals_per_depth_logspace():
    weights = parse_weights("normal:0,1,seed=8", 70)
    prefix = log10_prefix_gradient(weights)
    for n in (1, 2, 5, 33, 70):
        assert prefix[n - 1] == pytest.approx(log10_gradient(Chain(n), weights[:n])[0],
                                              rel=64 * EPS, abs=64 * EPS)


def test_exact_zero_gives_minus_infinity():
    weights = [Fraction(1), Fraction(0), Fraction(2)]
    assert log10_gradient(Chain(3), weights)[0] == -math.inf
    assert log10_prefix_gradient(weights)[2] == -math.inf


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
@pytest.mark.parametrize("t", [-900.0, -40.0, -1.5, 1e-3, 0.7, 35.0, 800.0])
def test_log_terms_never_overflow(name, t):
    with mpmath.workdps(HIGH):
        ta = mpmath.mpf(t)
        want_act = mpmath.log(abs(activation(name, ta)))
        want_der = mpmath.log(abs(derivative(name, ta)))
    assert mpmath.isfinite(want_act) and mpmath.isfinite(want_der)
    # absolute error of a few eps times the magnitude (float64 evaluation of each term)
    assert abs(log_abs_activation(name, t) - want_act) <= 8 * EPS * max(1.0, abs(want_act))
    assert abs(log_abs_derivative(name, t) - want_der) <= 8 * EPS * max(1.0, abs(want_der))
