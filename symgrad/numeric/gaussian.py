"""Certified Gaussian expectations E[f(sqrt(q) z)], z ~ N(0, 1), for the mean-field theory.

Five quantities of an activation phi at pre-activation variance q (:data:`QUANTITIES`):

* ``second``: E[phi(t)^2], t = sqrt(q) z (the variance map is q -> s_w E[phi^2] + s_b);
* ``slope``: E[phi'(t)^2] (chi_1 = s_w E[phi'^2] at q*);
* ``curvature``: E[phi'(t)^2 + phi(t) phi''(t)] = d/dq E[phi(t)^2] (Gaussian integration
  by parts; the slope of the variance map, Schoenholz et al.'s e^{-1/xi_q} / s_w);
* ``slope_derivative``: d/dq E[phi'(t)^2] = E[z phi'(t) phi''(t)] / sqrt(q) (q > 0);
* ``slope4``: E[phi'(t)^4] (Pennington et al.'s mu_2).

Where :mod:`symgrad.core.meanfield` has a SymPy closed form (identity, relu, leaky_relu,
erf) it is evaluated in Arb (:func:`symgrad.numeric.arb_eval.compile_arb`).  Otherwise
the integral is **certified quadrature**: python-flint's ``acb.integral`` (rigorous:
the integrand is evaluated on complex balls, each piece analytic) over [-T, 0] and
[0, T] (split at the kink of relu-type activations), plus a rigorous bound of the two
tails |z| > T.  The tail bound uses an envelope |integrand| <= A z^2 + B |z| + C valid
for every z, with ``int_T^oo (A z^2 + B z + C) dN = A (T n(T) + P(T)) + B n(T) + C P(T)``
(n the normal density, P(T) = erfc(T/sqrt 2)/2).  The envelopes:

* |phi(t)| <= 1 for the bounded activations (sigmoid, tanh, erf), |phi(t)| <= |t| + 1 for
  the others (softplus(t) <= log 2 + max(t, 0); |elu| <= max(|t|, 1); |gelu|, |silu| <= |t|);
* |phi'| <= 2 and |phi''| <= 2 for every registry activation (sup|phi'| is derived by
  :func:`symgrad.core.activations.derivative_supremum`: at most 2/sqrt(pi) < 1.13;
  |phi''|: sigmoid, softplus <= 1/4, tanh <= 4/(3 sqrt 3), elu <= 1, erf <= 2 sqrt(2/e/pi),
  gelu = n(t)(2 - t^2) <= 2 n(0), silu = s'(t)(2 + t(1 - 2 s)) <= 1/2 + 1/4; checked in
  ``tests/test_meanfield.py``).

Everything is at the caller's precision (``flint.ctx.workprec``); the result is an
``arb`` ball that contains the exact expectation for every q in the ball ``q``.

>>> from flint import arb, ctx
>>> with ctx.workprec(80):
...     e = expectation("tanh", "second", arb("0.7"))
>>> e.str(12, radius=False), e.rad() < arb("1e-20")
('0.330518799452', True)
>>> with ctx.workprec(80):
...     expectation("relu", "second", arb(3)) == arb(3) / 2  # the closed form q/2, exact
True
"""

from __future__ import annotations

import math
from functools import cache

from flint import acb, arb, ctx

from symgrad.core.meanfield import CLOSED_FORM_ACTIVATIONS, Q, closed_forms
from symgrad.numeric.arb_eval import compile_arb
from symgrad.numeric.kernels import get_kernel

__all__ = ["QUANTITIES", "expectation", "float_expectation", "tail_bound"]

QUANTITIES = ("second", "slope", "curvature", "slope_derivative", "slope4")

#: universal bounds on |phi'| and |phi''| of every registry activation (module docstring)
K1 = 2
K2 = 2


def _sigmoid(t):
    s = 1 / (1 + (-t).exp())
    d1 = s * (1 - s)
    return s, d1, d1 * (1 - 2 * s)


def _tanh(t):
    y = t.tanh()
    d1 = 1 - y * y
    return y, d1, -2 * y * d1


def _softplus(t, analytic):
    w = 1 + t.exp()
    if analytic and not w.real > 0:  # the principal log is analytic on Re w > 0
        return acb("nan"), acb("nan"), acb("nan")
    s = 1 / (1 + (-t).exp())
    return w.log(), s, s * (1 - s)


def _gelu(t):
    n = (-t * t / 2).exp() / (2 * arb.pi()).sqrt()
    big_phi = (1 + (t / arb(2).sqrt()).erf()) / 2
    return t * big_phi, big_phi + t * n, n * (2 - t * t)


def _silu(t):
    s, ds, _ = _sigmoid(t)
    return t * s, s + t * ds, ds * (2 + t * (1 - 2 * s))


def _erf(t):
    c = 2 / arb.pi().sqrt()
    e = (-t * t).exp()
    return t.erf(), c * e, -2 * t * c * e


def _linear(slope):
    return lambda t: (slope * t, acb(slope), acb(0))


def _elu_neg(t):
    e = t.exp()
    return e - 1, e, e


#: (piece on t < 0, piece on t > 0): analytic maps t -> (phi, phi', phi'') on acb balls
_PIECES = {
    "sigmoid": (_sigmoid, _sigmoid), "tanh": (_tanh, _tanh), "softplus": (None, None),
    "gelu": (_gelu, _gelu), "silu": (_silu, _silu), "erf": (_erf, _erf),
    "elu": (_elu_neg, _linear(1)),
}


def _piece(name: str, negative: bool):
    if name == "softplus":
        return _softplus
    if name in _PIECES:
        f = _PIECES[name][0 if negative else 1]
    else:
        pieces = get_kernel(name).linear_pieces
        f = _linear(arb(pieces[0 if negative else 1].numerator)
                    / pieces[0 if negative else 1].denominator)
    return lambda t, analytic: f(t)


def _combine(quantity: str, v, z, root_q):
    phi, d1, d2 = v
    if quantity == "second":
        return phi * phi
    if quantity == "slope":
        return d1 * d1
    if quantity == "curvature":
        return d1 * d1 + phi * d2
    if quantity == "slope4":
        return (d1 * d1) ** 2
    return z * d1 * d2 / root_q


def _envelope(name: str, quantity: str, q: arb) -> tuple[arb, arb, arb]:
    """(A, B, C): |integrand(z)| <= A z^2 + B |z| + C for every z and every q in the ball."""
    hi = arb(q.upper())
    root = hi.sqrt()
    bounded = get_kernel(name).bounded
    if quantity == "second":
        return (arb(0), arb(0), arb(1)) if bounded else (hi, 2 * root, arb(1))
    if quantity == "slope":
        return arb(0), arb(0), arb(K1 * K1)
    if quantity == "slope4":
        return arb(0), arb(0), arb(K1 ** 4)
    if quantity == "curvature":
        if bounded:
            return arb(0), arb(0), arb(K1 * K1 + K2)
        return arb(0), K2 * root, arb(K1 * K1 + K2)
    return arb(0), K1 * K2 / arb(q.lower()).sqrt(), arb(0)


def tail_bound(T: arb, a: arb, b: arb, c: arb) -> arb:
    """An upper bound of int_{|z| > T} (a z^2 + b |z| + c) n(z) dz (n the normal density).

    >>> tail_bound(arb(10), arb(0), arb(0), arb(1)) < arb("1.6e-23")
    True
    """
    n = (-T * T / 2).exp() / (2 * arb.pi()).sqrt()
    upper = (T / arb(2).sqrt()).erfc() / 2
    return 2 * (a * (T * n + upper) + b * n + c * upper)


def _cutoff(prec: int, q: arb) -> int:
    """T with e^{-T^2/2} far below 2^-prec even after the envelope's factors."""
    grow = math.log(2 + float(q.upper()))
    return math.ceil(math.sqrt(2 * ((prec + 30) * math.log(2) + grow))) + 1


def _quadrature(name: str, quantity: str, q: arb) -> arb:
    if quantity == "slope_derivative" and not q > 0:
        return arb("nan")
    root = q.sqrt()
    total = arb(0)
    T = _cutoff(ctx.prec, q)
    for lo, hi, negative in ((-T, 0, True), (0, T, False)):
        piece = _piece(name, negative)

        def integrand(z, analytic, piece=piece):
            v = piece(root * z, analytic)
            return _combine(quantity, v, z, root) * (-z * z / 2).exp()

        total += acb.integral(integrand, lo, hi).real
    total /= (2 * arb.pi()).sqrt()
    tail = tail_bound(arb(T), *_envelope(name, quantity, q))
    return total + tail * arb(0, 1)


@cache
def _closed_program(name: str, quantity: str):
    forms = closed_forms(name)
    expr = {"second": forms.second_moment, "slope": forms.slope_moment,
            "curvature": forms.map_derivative, "slope4": forms.slope_fourth_moment,
            "slope_derivative": forms.slope_derivative}[quantity]
    return compile_arb(expr, [Q])


def expectation(name: str, quantity: str, q: arb) -> arb:
    """A ball containing the expectation ``quantity`` of activation ``name`` at every
    variance in the ball ``q`` (q >= 0), at the current precision."""
    if quantity not in QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}")
    get_kernel(name)  # the error for an unknown name
    if name in CLOSED_FORM_ACTIVATIONS:
        return _closed_program(name, quantity)(q)
    if q.is_exact() and q == 0 and quantity != "slope_derivative":  # E[f(0)] = f(0)
        v = _piece(name, False)(acb(0), False)
        return _combine(quantity, v, acb(0), acb(0)).real
    return _quadrature(name, quantity, q)


@cache
def _nodes():
    import numpy as np

    x, w = np.polynomial.hermite_e.hermegauss(240)
    return x, w / math.sqrt(2 * math.pi)


def float_expectation(name: str, quantity: str, q: float) -> float:
    """The same expectation in float64 by Gauss-Hermite (240 nodes): a *start* for the
    certified solves and the shading of the phase diagram, never a printed digit."""
    import numpy as np

    from symgrad.numeric.namespaces import ARRAY

    x, w = _nodes()
    k = get_kernel(name)
    t = math.sqrt(max(q, 0.0)) * x
    with np.errstate(all="ignore"):
        v = (k.value(ARRAY, t), k.d1(ARRAY, t), k.d2(ARRAY, t))
        if quantity == "slope_derivative":
            vals = x * v[1] * v[2] / math.sqrt(q)
        else:
            vals = _combine(quantity, v, x, 1.0)
    return float(np.dot(w, np.broadcast_to(vals, x.shape)))
