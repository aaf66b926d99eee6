"""The activations' numerically stable formulas, written once for every number type.

Each :class:`Kernel` holds sigma, sigma', sigma'' (and, for the float64 log-space path,
log|sigma| and log|sigma'|) as functions ``f(ns, t)`` of a *namespace* ``ns`` in the style of
mpmath's ``ctx``: ``ns.exp``, ``ns.expm1``, ``ns.log1p``, ``ns.abs``, ``ns.select`` (a branch;
both sides for arrays), ``ns.kink`` (the value at a kink at 0), ``ns.max0``/``ns.min0``
(max(t, 0), min(t, 0)), ``ns.one`` ... .  The namespaces (:mod:`symgrad.numeric.namespaces`)
are mpmath numbers, Arb balls, numpy scalars of one dtype (every operation rounded in that
dtype, as a program in that format would), float64 numpy arrays and Python floats; dual
numbers (:mod:`symgrad.numeric.dual`) use the Arb values of sigma, sigma', sigma''.  The
name is the key of :data:`symgrad.core.activations.ACTIVATIONS`.

Two things are decided by the namespace, not by the formula: ``ns.interval`` is true for
ball arithmetic, where a form in which t occurs once propagates the exact first-order
radius (sigma(t) = 1/(1+e^{-t}) for every sign; Arb's exp never overflows) and a kink
is the Clarke interval (``arb.union`` of both one-sided values; NaN where sigma'' has a
jump with no enclosure); floats follow the frameworks' convention at a kink
(relu'(0) = 0, leaky_relu'(0) = a).

Facts beside the formulas: ``exact_at_zero`` (sigma(0), sigma'(0), sigma''(0) where
rational), ``linear_pieces``, ``kappa`` (the backward formula's condition), the ops.

>>> from symgrad.numeric.namespaces import MPMATH; import mpmath
>>> f, df = functions("sigmoid", MPMATH)
>>> mpmath.nstr(df(mpmath.mpf(0)), 5)
'0.25'
>>> from symgrad.core.activation_names import ACTIVATION_NAMES
>>> sorted(KERNELS) == sorted(ACTIVATION_NAMES)
True
"""

from __future__ import annotations

import ast
import functools
import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from symgrad.base.errors import SymgradError
from symgrad.core.activation_names import LEAKY_SLOPE as _SLOPE  # SymPy-free
from symgrad.numeric.namespace_math import MATH  # Python floats: no numpy/mpmath/flint

__all__ = ["KERNELS", "Kernel", "derivatives", "framework_op", "functions", "get_kernel"]

Formula = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Kernel:
    """One activation's formulas (``f(ns, t)``) and numeric facts."""

    name: str
    value: Formula
    d1: Formula
    d2: Formula
    log_value: Formula
    log_d1: Formula
    exact_at_zero: tuple[Fraction | None, Fraction | None, Fraction | None]
    kappa: Callable[[float], float]
    jax_op: str
    torch_op: str
    kink_order: int | None = None  # sigma' (1) or sigma'' (2) jumps at 0
    bounded: bool = False  # |sigma| <= 1; else |sigma(z)| <= |z| + 1
    #: slopes (t < 0, t > 0) where sigma(t) = slope * t (None: not linear): exact on rationals
    linear_pieces: tuple[Fraction | None, Fraction | None] = (None, None)


def _log_abs(ns, v, t, tiny_form):
    """log|v| with ``tiny_form()`` (an asymptotic log) where v is 0 or subnormal."""
    if ns.abs(v) >= ns.tiny:
        return ns.log(ns.abs(v))
    return tiny_form()


# --- sigmoid -------------------------------------------------------------------------
def _sigmoid(ns, t):
    if ns.interval:  # one occurrence of t: the exact first-order radius, every sign
        return ns.one / (ns.one + ns.exp(-t))
    e = ns.exp(-ns.abs(t))
    return ns.select(t >= 0, lambda: ns.one / (ns.one + e), lambda: e / (ns.one + e))


def _dsigmoid(ns, t):  # e^{-|t|}/(1+e^{-|t|})^2: no cancellation; even, so |t| is valid
    e = ns.exp(-ns.abs(t))
    return e / ns.sq(ns.one + e)


def _d2sigmoid(ns, t):  # sigma'(1 - 2 sigma) = -sigma' tanh(t/2)
    return -_dsigmoid(ns, t) * ns.tanh(t / ns.two)


def _log_sigmoid(ns, t):  # -softplus(-t)
    return -(ns.max0(-t) + ns.log1p(ns.exp(-ns.abs(t))))


def _log_dsigmoid(ns, t):
    a = ns.abs(t)
    return -a - ns.two * ns.log1p(ns.exp(-a))


# --- tanh ----------------------------------------------------------------------------
def _tanh(ns, t):
    return ns.tanh(t)


def _dtanh(ns, t):  # sech^2: no cancellation for large |t|
    return ns.sq(ns.sech(t))


def _d2tanh(ns, t):
    return -ns.two * ns.tanh(t) * ns.sq(ns.sech(t))


def _log_tanh(ns, t):
    if t == 0:
        return -math.inf
    v = ns.tanh(t)
    return ns.log(ns.abs(v)) if v != 0 else ns.log(ns.abs(t))


def _log_dtanh(ns, t):  # sech t = 2 e^{-|t|}/(1+e^{-2|t|})
    a = ns.abs(t)
    return ns.two * (ns.log(ns.two) - a - ns.log1p(ns.exp(-ns.two * a)))


# --- softplus ------------------------------------------------------------------------
def _softplus(ns, t):
    if ns.interval:  # log1p(e^t): first-order exact radius; e^t may leave Arb's reach > 64
        return t + ns.log1p(ns.exp(-t)) if t > 64 else ns.log1p(ns.exp(t))
    return ns.max0(t) + ns.log1p(ns.exp(-ns.abs(t)))


def _log_softplus(ns, t):
    if t < -30:  # softplus(t) = e^t (1 - e^t/2 + ...): log = t - e^t/2 + O(e^2t)
        return t - ns.exp(t) / ns.two
    return ns.log(_softplus(ns, t))


# --- identity, the ReLU family, elu --------------------------------------------------
def _zero(ns, t):
    return ns.kink(t, lambda: ns.zero, lambda: ns.zero, jump=False)


def _relu_d1(ns, t):
    return ns.kink(t, lambda: ns.zero, lambda: ns.one)


def _relu_d2(ns, t):  # sigma' jumps at 0: sigma'' has no enclosure on a ball touching 0
    return ns.kink(t, lambda: ns.zero, lambda: ns.zero, jump=True)


def _leaky(ns, t):
    return ns.max0(t) + ns.const(_SLOPE) * ns.min0(t)


def _leaky_d1(ns, t):
    return ns.kink(t, lambda: ns.const(_SLOPE), lambda: ns.one)


def _elu(ns, t):
    return ns.max0(t) + ns.expm1(ns.min0(t))


def _elu_d1(ns, t):  # continuous: 1 for t > 0, e^t for t <= 0
    return ns.exp(ns.min0(t))


def _elu_d2(ns, t):  # the Clarke interval [0, 1] at 0 (elu' is Lipschitz)
    return ns.kink(t, lambda: ns.exp(ns.min0(t)), lambda: ns.zero)


def _log_abs_t(ns, t):
    return ns.log(ns.abs(t)) if t != 0 else -math.inf


def _log_of(formula):
    def log_abs(ns, t):
        v = formula(ns, t)
        return ns.log(ns.abs(v)) if v != 0 else -math.inf

    return log_abs


def _log_elu(ns, t):  # |expm1(t)| -> 1 for t -> -oo: no underflow
    return _log_of(_elu)(ns, t)


# --- gelu, silu, erf -----------------------------------------------------------------
def _phi(ns, t):  # the standard normal density
    return ns.exp(-ns.sq(t) / ns.two) / ns.sqrt(ns.two * ns.pi())


def _Phi(ns, t):  # the normal cdf, erfc(-t/sqrt 2)/2: no cancellation for t < 0
    return ns.erfc(-t / ns.sqrt(ns.two)) / ns.two


def _gelu(ns, t):
    return t * _Phi(ns, t)


def _gelu_d1(ns, t):
    return _Phi(ns, t) + t * _phi(ns, t)


def _gelu_d2(ns, t):
    return _phi(ns, t) * (ns.two - ns.sq(t))


def _mills_series(t: float) -> float:
    """sum_k (-1)^k (2k-1)!!/t^2k, so that Phi(t) = phi(t) s/|t| (asymptotic, t <= -25)."""
    s, term, k = 1.0, 1.0, 1
    while abs(term) > 1e-18:
        term *= -(2 * k - 1) / (t * t)
        s += term
        k += 1
    return s


_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _log_gelu(ns, t):
    if t <= -25:  # log|t Phi(t)| = log phi(t) + log s
        return -t * t / 2 - _LOG_SQRT_2PI + math.log(_mills_series(t))
    return _log_of(_gelu)(ns, t)


def _log_gelu_d1(ns, t):
    if t <= -25:  # gelu' = phi(t) (t + s/|t|): |t + s/|t|| ~ |t|, no cancellation
        return -t * t / 2 - _LOG_SQRT_2PI + math.log(abs(t - _mills_series(t) / t))
    return _log_of(_gelu_d1)(ns, t)


def _silu(ns, t):
    return t * _sigmoid(ns, t)


def _silu_d1(ns, t):  # sigma + t sigma'
    return _sigmoid(ns, t) + t * _dsigmoid(ns, t)


def _silu_d2(ns, t):  # sigma' (2 - t tanh(t/2))
    return _dsigmoid(ns, t) * (ns.two - t * ns.tanh(t / ns.two))


def _log_silu(ns, t):
    return _log_abs_t(ns, t) + _log_sigmoid(ns, t) if t != 0 else -math.inf


def _log_silu_d1(ns, t):
    if t < 0:  # sigma (1 + t (1 - sigma)), with log sigma and 1 - sigma = 1/(1+e^t)
        v = ns.one + t / (ns.one + ns.exp(t))
        return _log_sigmoid(ns, t) + (ns.log(ns.abs(v)) if v != 0 else -math.inf)
    return ns.log(_silu_d1(ns, t))


def _erf(ns, t):
    return ns.erf(t)


def _erf_d1(ns, t):
    return ns.two / ns.sqrt(ns.pi()) * ns.exp(-ns.sq(t))


def _erf_d2(ns, t):
    return -ns.two * t * _erf_d1(ns, t)


def _log_erf(ns, t):
    return _log_abs(ns, ns.erf(t), t, lambda: math.log(2 / math.sqrt(math.pi)) + _log_abs_t(ns, t))


def _log_erf_d1(ns, t):
    return math.log(2 / math.sqrt(math.pi)) - t * t


def _identity(ns, t):
    return t


def _cancel(value: Formula, parts: Formula) -> Callable[[float], float]:
    """kappa(z) = sum|parts| / |sum| - 1 of a derivative formula that is a sum."""
    def kappa(z: float) -> float:
        v = abs(value(MATH, z))
        return math.inf if v == 0 else parts(MATH, z) / v - 1.0

    return kappa


def _no_cancellation(z: float) -> float:
    return 0.0


def _sigmoid_kappa(z: float) -> float:  # sigma' = y(1-y) formed from the output y
    return math.exp(min(z, 700.0)) if z > 0 else 0.0


def _tanh_kappa(z: float) -> float:  # tanh' = 1 - y^2 formed from the output y
    return math.sinh(min(abs(z), 350.0)) ** 2


_H = Fraction(1, 2)
_K = Kernel
KERNELS: dict[str, Kernel] = {k.name: k for k in (
    _K("sigmoid", _sigmoid, _dsigmoid, _d2sigmoid, _log_sigmoid, _log_dsigmoid,
       (_H, Fraction(1, 4), Fraction(0)), _sigmoid_kappa, "jax.nn.sigmoid", "torch.sigmoid",
       bounded=True),
    _K("tanh", _tanh, _dtanh, _d2tanh, _log_tanh, _log_dtanh,
       (Fraction(0), Fraction(1), Fraction(0)), _tanh_kappa, "jax.numpy.tanh", "torch.tanh",
       bounded=True),
    _K("softplus", _softplus, _sigmoid, _dsigmoid, _log_softplus, _log_sigmoid,
       (None, _H, Fraction(1, 4)), _no_cancellation, "jax.nn.softplus",
       "torch.nn.functional.softplus"),
    _K("identity", _identity, lambda ns, t: ns.one, _zero, _log_abs_t, lambda ns, t: 0.0,
       (Fraction(0), Fraction(1), Fraction(0)), _no_cancellation, "jax.numpy.positive",
       "torch.positive", linear_pieces=(Fraction(1), Fraction(1))),
    _K("relu", lambda ns, t: ns.max0(t), _relu_d1, _relu_d2, _log_of(lambda ns, t: ns.max0(t)),
       _log_of(_relu_d1), (Fraction(0), None, None), _no_cancellation, "jax.nn.relu",
       "torch.relu", 1, linear_pieces=(Fraction(0), Fraction(1))),
    _K("leaky_relu", _leaky, _leaky_d1, _relu_d2, _log_of(_leaky), _log_of(_leaky_d1),
       (Fraction(0), None, None), _no_cancellation, "jax.nn.leaky_relu",
       "torch.nn.functional.leaky_relu", 1, linear_pieces=(_SLOPE, Fraction(1))),
    _K("elu", _elu, _elu_d1, _elu_d2, _log_elu, lambda ns, t: ns.min0(t),
       (Fraction(0), Fraction(1), None), _no_cancellation, "jax.nn.elu",
       "torch.nn.functional.elu", 2, linear_pieces=(None, Fraction(1))),
    _K("gelu", _gelu, _gelu_d1, _gelu_d2, _log_gelu, _log_gelu_d1,
       (Fraction(0), _H, None),
       _cancel(_gelu_d1, lambda ns, z: _Phi(ns, z) + abs(z) * _phi(ns, z)),
       "jax.nn.gelu(approximate=False)", "torch.nn.functional.gelu"),
    _K("silu", _silu, _silu_d1, _silu_d2, _log_silu, _log_silu_d1,
       (Fraction(0), _H, _H),
       _cancel(_silu_d1, lambda ns, z: _sigmoid(ns, z) + abs(z) * _dsigmoid(ns, z)),
       "jax.nn.silu", "torch.nn.functional.silu"),
    _K("erf", _erf, _erf_d1, _erf_d2, _log_erf, _log_erf_d1,
       (Fraction(0), None, Fraction(0)), _no_cancellation, "jax.scipy.special.erf",
       "torch.erf", bounded=True),
)}


def get_kernel(name: str) -> Kernel:
    """The kernel of activation ``name`` (an error listing the known names otherwise).

    >>> get_kernel("tanh").exact_at_zero
    (Fraction(0, 1), Fraction(1, 1), Fraction(0, 1))
    """
    if name not in KERNELS:
        raise SymgradError(f"unknown activation '{name}'",
                           hint=f"choose one of: {', '.join(sorted(KERNELS))}")
    return KERNELS[name]


def functions(name: str, ns) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """(sigma, sigma') of ``name`` in namespace ``ns``: the pair the recurrence calls.

    >>> from symgrad.numeric.namespaces import MATH
    >>> f, df = functions("softplus", MATH)
    >>> round(f(0.0), 12) == round(math.log(2), 12), df(0.0)
    (True, 0.5)
    """
    k = get_kernel(name)
    value, d1 = k.value, k.d1
    return (lambda t: value(ns, t)), (lambda t: d1(ns, t))


def derivatives(name: str, ns, t) -> tuple[Any, Any, Any]:
    """(sigma(t), sigma'(t), sigma''(t)) in namespace ``ns``.

    >>> from symgrad.numeric.namespaces import MATH
    >>> derivatives("erf", MATH, 0.0)
    (0.0, 1.1283791670955126, -0.0)
    """
    k = get_kernel(name)
    return k.value(ns, t), k.d1(ns, t), k.d2(ns, t)


def framework_op(name: str, framework: str) -> Callable[[Any], Any]:
    """The JAX (``framework="jax"``) or PyTorch (``"torch"``) op of activation ``name``,
    resolved from the kernel's dotted name (keyword arguments bound, e.g. GELU's exact
    form ``jax.nn.gelu(approximate=False)``).  Import the framework first (through
    :func:`symgrad.base.optional.require`, which names the extra to install).

    >>> get_kernel("gelu").jax_op, get_kernel("gelu").torch_op  # what is resolved
    ('jax.nn.gelu(approximate=False)', 'torch.nn.functional.gelu')
    """
    k = get_kernel(name)
    spec = k.jax_op if framework == "jax" else k.torch_op
    path, _, args = spec.partition("(")
    module, _, attr = path.rpartition(".")
    op = getattr(importlib.import_module(module), attr)
    if not args:
        return op
    kwargs = {}
    for item in args.rstrip(")").split(","):
        key, _, value = item.partition("=")
        kwargs[key.strip()] = ast.literal_eval(value.strip())
    return functools.partial(op, **kwargs)
