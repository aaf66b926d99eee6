"""The per-entry tolerance of a network's F, gradient and Hessian in a float format.

Higham's standard model (*Accuracy and Stability of Numerical
Algorithms*, 2nd ed., 2.4 and 3.1): every +, -, *, / of the format gives
fl(a op b) = (a op b)(1 + delta), |delta| <= u = eps/2, plus an absolute eta <= lambda/2
(lambda the smallest subnormal) for * and / where the result underflows.  For a sum of k
terms in *any* order (a matmul's fan-in, the sum over the data set)
|fl(sum x_i) - sum x_i| <= gamma_{k-1} sum |x_i|, gamma_n = n u / (1 - n u); a dot product
of length n (fan-in n) costs gamma_n sum |x_i y_i|.  The bound is carried through the whole
computation as an error coefficient E (in units of u, first order) of every intermediate,
in a number type (:class:`ErrorBound`) that runs the *same* network code
(:func:`~symgrad.numeric.network_values.network_values`, forward and backward, and on dual
numbers for the Hessian):

* a maximal sum of k terms x_i with inherited errors E_i: E = sum E_i + (k - 1) sum |x_i|;
* a product: E(ab) = |b| E(a) + |a| E(b) + |ab|; a quotient likewise;
* an activation: E(sigma(a)) = |sigma'(a)| E(a) + c |sigma(a)|;  the derivative the backward
  pass uses: E(sigma'(a)) = |sigma''(a)| E(a) + c (1 + 2 kappa(a)) |sigma'(a)|, with kappa
  the cancellation of the frameworks' backward formula (sigma' = y(1-y), tanh' = 1-y^2:
  the registry's :attr:`~symgrad.numeric.kernels.Kernel.kappa`, as in
  :mod:`~symgrad.analysis.verify.tolerance`);  the second derivative (Hessian only):
  E(sigma''(a)) = |sigma'''(a)| E(a) + c (|sigma''(a)| + (1 + 2 kappa(a)) |sigma'(a)|);
  exp and log (softmax): relative c, resp. absolute c (1 + |log a|).

The tolerance of an entry is ``SAFETY * u * E`` (+ the eta terms).  Assumptions, stated:
(1) the standard model holds in every format (float16/bfloat16 computed in float32 and
rounded once satisfy it with a smaller error); (2) the frameworks' elementary functions and
their backward formulas are accurate to ``C_FUNC`` = 4 units of u (2 ulps) beyond the
cancellation kappa names; (3) the framework evaluates the same mathematical expression
(the loss in any stable form) with the operations above; (4) first order: terms O(u^2) are
dropped, covered by ``SAFETY`` = 2 while the relative tolerance is small -- an entry whose
tolerance is >= half its size checks no digit, and a row with no other entry is
``NOT CHECKABLE`` (:mod:`symgrad.analysis.verify.network_checks`); (5) no overflow.  The
sum bound is the worst order's, so it is loose for the frameworks' blocked/pairwise sums:
on the test networks (tests/test_network_verify.py) the largest error seen was about 0.1
of the tolerance in every format, while an error of a few thousand ulp in float64 fails,
and so does PyTorch's softplus above its threshold 20 (it returns z: an error of e^-20).

>>> from symgrad.numeric.network_file import network_from_dict
>>> spec = network_from_dict({"layers": [1, 1], "activation": "identity", "loss": "squared",
...     "bias": False, "data": {"x": [["2"]], "y": [["1"]]}, "weights": {"W1": [["3"]]}})
>>> tols = entry_tolerances(spec, "float64")   # F = (2w - 1)^2 / 2
>>> 0 < tols["gradient"][0] < 1e-13, tols["hessian"][0][0] > 0
(True, True)
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath

from symgrad.numeric.dual import Dual
from symgrad.numeric.formats import format_info
from symgrad.numeric.kernels import get_kernel
from symgrad.numeric.namespaces import MATH, MPMATH
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_values import network_values

__all__ = ["C_FUNC", "SAFETY", "ErrorBound", "entry_tolerances"]

#: accuracy of the frameworks' elementary functions, in units of u (2 ulps)
C_FUNC = 4.0
#: factor over the first-order bound (assumption 4 of the module docstring)
SAFETY = 2.0


def _weights(spec: NetworkSpec):
    return {k: [list(r) if isinstance(r, tuple) else r for r in w]
            for k, w in spec.weights.items()}

class ErrorBound:
    """A true value ``v`` (float) with a first-order error coefficient, in units of u, of
    the value a format computes for it; an open sum keeps its terms' error ``e``, the sum of
    their magnitudes ``m`` and their count ``k`` until it is used (:meth:`bound`)."""

    __slots__ = ("e", "eta", "k", "m", "v")

    def __init__(self, v: float, e: float = 0.0, m: float | None = None, k: int = 1,
                 eta: float = 0.0) -> None:
        self.v, self.e, self.k, self.eta = v, e, k, eta
        self.m = abs(v) if m is None else m

    def bound(self) -> float:
        """E: the error coefficient of the value (the sum closed in any order)."""
        return self.e + (self.k - 1) * self.m

    def _lift(self, other) -> ErrorBound:
        if isinstance(other, ErrorBound):
            return other
        return ErrorBound(float(Fraction(other) if isinstance(other, Fraction) else
                                float(other)), eta=self.eta)

    def __add__(self, other) -> ErrorBound:
        if isinstance(other, Dual):
            return NotImplemented
        o = self._lift(other)
        return ErrorBound(self.v + o.v, self.e + o.e, self.m + o.m, self.k + o.k, self.eta)

    __radd__ = __add__

    def __neg__(self) -> ErrorBound:
        return ErrorBound(-self.v, self.e, self.m, self.k, self.eta)

    def __sub__(self, other) -> ErrorBound:
        if isinstance(other, Dual):
            return NotImplemented
        return self + (-self._lift(other))

    def __rsub__(self, other) -> ErrorBound:
        if isinstance(other, Dual):
            return NotImplemented
        return self._lift(other) + (-self)

    def __mul__(self, other) -> ErrorBound:
        if isinstance(other, Dual):
            return NotImplemented
        o = self._lift(other)
        v = self.v * o.v
        e = abs(o.v) * self.bound() + abs(self.v) * o.bound() + abs(v) + self.eta
        return ErrorBound(v, e, eta=self.eta)

    __rmul__ = __mul__

    def __truediv__(self, other) -> ErrorBound:
        if isinstance(other, Dual):
            return NotImplemented
        o = self._lift(other)
        v = self.v / o.v
        e = self.bound() / abs(o.v) + abs(v) * o.bound() / abs(o.v) + abs(v) + self.eta
        return ErrorBound(v, e, eta=self.eta)

    def __rtruediv__(self, other) -> ErrorBound:
        if isinstance(other, Dual):
            return NotImplemented
        return self._lift(other) / self


class _Vec:
    """A tangent: a list of :class:`ErrorBound` (None = an exact zero)."""

    __slots__ = ("items",)

    def __init__(self, items) -> None:
        self.items = items

    def _map(self, fn) -> _Vec:
        return _Vec([None if t is None else fn(t) for t in self.items])

    def __add__(self, other: _Vec) -> _Vec:
        return _Vec([b if a is None else a if b is None else a + b
                     for a, b in zip(self.items, other.items, strict=True)])

    def __neg__(self) -> _Vec:
        return self._map(lambda t: -t)

    def __mul__(self, s) -> _Vec:
        return self._map(lambda t: t * s)

    def __truediv__(self, s) -> _Vec:
        return self._map(lambda t: t / s)


def _d3(name: str, z: float) -> float:
    if name == "identity" or get_kernel(name).kink_order == 1:
        return 0.0
    k = get_kernel(name)
    return float(mpmath.diff(lambda t: k.d2(MPMATH, t), mpmath.mpf(z)))


class _ModelOps:
    """The ops table of :func:`network_values` for the error model (duals when ``q``)."""

    def __init__(self, eta: float) -> None:
        self.eta = eta

    def convert(self, value):
        if isinstance(value, (ErrorBound, Dual)):
            return value
        return ErrorBound(float(Fraction(value)), eta=self.eta)

    def _fn(self, a: ErrorBound, value: float, slope: float, magnitude: float) -> ErrorBound:
        e = abs(slope) * a.bound() + C_FUNC * magnitude + self.eta
        return ErrorBound(value, e, eta=self.eta)

    def activation(self, name: str):
        k = get_kernel(name)

        def parts(z: float):
            s, d1, d2 = (float(k.value(MATH, z)), float(k.d1(MATH, z)), float(k.d2(MATH, z)))
            return s, d1, d2, 1 + 2 * k.kappa(z)

        def f(a):
            if isinstance(a, Dual):
                s, d1, d2, kap = parts(a.val.v)
                val = self._fn(a.val, s, d1, abs(s))
                slope = self._fn(a.val, d1, d2, kap * abs(d1))
                return Dual(val, None if a.tan is None else a.tan * slope)
            s, d1, _, _ = parts(a.v)
            return self._fn(a, s, d1, abs(s))

        def df(a):
            if isinstance(a, Dual):
                _, d1, d2, kap = parts(a.val.v)
                val = self._fn(a.val, d1, d2, kap * abs(d1))
                curv = self._fn(a.val, d2, _d3(name, a.val.v), abs(d2) + kap * abs(d1))
                return Dual(val, None if a.tan is None else a.tan * curv)
            _, d1, d2, kap = parts(a.v)
            return self._fn(a, d1, d2, kap * abs(d1))

        return f, df

    def exp(self, a):
        if isinstance(a, Dual):
            val = self.exp(a.val)
            return Dual(val, None if a.tan is None else a.tan * val)
        v = math.exp(a.v)
        return self._fn(a, v, v, abs(v))

    def log(self, a):
        if isinstance(a, Dual):
            return Dual(self.log(a.val), None if a.tan is None else a.tan / a.val)
        v = math.log(a.v)
        return self._fn(a, v, 1 / a.v, 1 + abs(v))


def entry_tolerances(spec: NetworkSpec, fmt: str, *, hessian: bool = True) -> dict:
    """Absolute tolerances of F, of the flat gradient and (``hessian``) of the Hessian
    (entries() order) in ``fmt``: ``SAFETY * u * E`` of the error model."""
    info = format_info(fmt)
    u = info.eps / 2
    eta = info.smallest_subnormal / 2 / u
    ops = _ModelOps(eta)
    net = spec.network
    entries = net.entries()
    q = len(entries)
    index = {e: k for k, e in enumerate(entries)}

    def weight(name, idx, v):
        if not hessian:
            return ErrorBound(float(v), eta=eta)
        items = [None] * q
        items[index[(name, idx)]] = ErrorBound(1.0, eta=eta)
        return Dual(ErrorBound(float(v), eta=eta), _Vec(items))

    weights = {name: ([[weight(name, (i, j), v) for j, v in enumerate(row)]
                       for i, row in enumerate(w)] if name.startswith("W") else
                      [weight(name, (i,), v) for i, v in enumerate(w)])
               for name, w in _weights(spec).items()}
    vals = network_values(net, weights, spec.data, ops)

    def tol(b) -> float:
        return 0.0 if b is None else SAFETY * u * b.bound()

    def val(b):
        return b.val if isinstance(b, Dual) else b

    grads, rows = [], []
    for name, idx in entries:
        g = vals.grads[name]
        for i in idx:
            g = g[i]
        grads.append(tol(val(g)))
        if hessian:
            rows.append([tol(t) for t in (g.tan.items if isinstance(g, Dual) and g.tan
                                          is not None else [None] * q)])
    return {"F": tol(val(vals.value)), "gradient": grads, "hessian": rows if hessian else None}


