"""Dual numbers over Arb balls: forward-mode tangents for the shared recurrence.

A :class:`Dual` is ``val + eps * tan`` with ``eps**2 = 0``.  ``val`` is an
``arb`` ball; ``tan`` is ``None`` (a zero tangent, stored for free), an
``arb``, or an ``arb_mat`` column vector (several directions at once: vector
forward mode).  Running :func:`symgrad.numeric.recurrence.evaluate_chain` -- the
reverse sweep that gives grad F -- with :class:`DualArbOps` differentiates the
gradient once more in the seeded directions (forward over reverse): with
weight j seeded with tangent e_j, the tangent of ``grad_w[i]`` is the Hessian
entry d^2F / dw_i dw_j.  Everything stays in ball arithmetic, so the tangents
are certified enclosures too.

The activations use sigma, sigma', sigma'' in forms without cancellation, the kernels of
:mod:`symgrad.numeric.kernels` (:func:`activation_derivatives`):

    f(a + eps*t)  = f(a)  + eps * f'(a) t,
    df(a + eps*t) = f'(a) + eps * f''(a) t.

>>> from fractions import Fraction
>>> from flint import arb
>>> from symgrad.core.chain import Chain
>>> from symgrad.numeric.recurrence import evaluate_chain
>>> ops = DualArbOps()
>>> w = [ops.seed(Fraction(0), arb(1)), ops.convert(Fraction(0))]  # direction e_1
>>> v = evaluate_chain(Chain(2), w, ops)
>>> v.grad_w[1].tan  # d/dw1 (dF/dw2) = sigma'(0) = 1/4
0.250000000000000
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from flint import arb, fmpq

from symgrad.base.errors import SymgradError
from symgrad.numeric.kernels import KERNELS, derivatives, get_kernel
from symgrad.numeric.namespaces import ARB

__all__ = ["EXACT_AT_ZERO", "Dual", "DualArbOps", "activation_derivatives"]


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _scale(t, s):
    """t * s for a tangent t (None stays None)."""
    return None if t is None else t * s


class Dual:
    """``val + eps*tan`` (eps**2 = 0); ``tan is None`` means a zero tangent.

    >>> d = Dual(arb(3), arb(1))
    >>> p = d * d + 1
    >>> (p.val, p.tan)  # x**2 + 1 at 3: value 10, derivative 6
    (10.0000000000000, 6.00000000000000)
    """

    __slots__ = ("tan", "val")

    def __init__(self, val: Any, tan: Any = None) -> None:
        self.val = val
        self.tan = tan

    @staticmethod
    def _scalar(x: Any) -> Any:
        if isinstance(x, Fraction):
            return fmpq(x.numerator, x.denominator)
        return x

    def __add__(self, other: Any) -> Dual:
        if isinstance(other, Dual):
            return Dual(self.val + other.val, _add(self.tan, other.tan))
        return Dual(self.val + self._scalar(other), self.tan)

    __radd__ = __add__

    def __neg__(self) -> Dual:
        return Dual(-self.val, None if self.tan is None else -self.tan)

    def __sub__(self, other: Any) -> Dual:
        return self + (-other)

    def __rsub__(self, other: Any) -> Dual:
        return (-self) + other

    def __mul__(self, other: Any) -> Dual:
        if isinstance(other, Dual):
            a, b = self.val, other.val
            return Dual(a * b, _add(_scale(self.tan, b), _scale(other.tan, a)))
        s = self._scalar(other)
        return Dual(self.val * s, _scale(self.tan, s))

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Dual:
        if isinstance(other, Dual):
            b = other.val
            q = self.val / b
            # (a/b)' = (a' - q b') / b
            num = _add(self.tan, None if other.tan is None else -(other.tan * q))
            return Dual(q, None if num is None else num / b)
        s = self._scalar(other)
        return Dual(self.val / s, None if self.tan is None else self.tan / s)

    def __rtruediv__(self, other: Any) -> Dual:
        q = self._scalar(other) / self.val
        # (c/b)' = -c b' / b**2 = -q b' / b
        return Dual(q, None if self.tan is None else -(self.tan * q) / self.val)

    def __repr__(self) -> str:
        return f"Dual({self.val!r}, {self.tan!r})"


def _fmpq(q: Fraction | None) -> fmpq | None:
    return None if q is None else fmpq(q.numerator, q.denominator)


#: sigma(0), sigma'(0), sigma''(0) exactly where rational (``None``: log 2 is irrational,
#: relu'(0) is the Clarke interval); from :mod:`symgrad.numeric.kernels`, checked against SymPy
EXACT_AT_ZERO = {name: tuple(_fmpq(q) for q in k.exact_at_zero) for name, k in KERNELS.items()}


def activation_derivatives(name: str, z) -> tuple:
    """sigma(z), sigma'(z), sigma''(z) as balls, without cancellation (the kernels' forms in
    the :data:`~symgrad.numeric.namespaces.ARB` namespace); at an exact 0 (``fmpq``), the
    exact rationals where they are rational, and the Clarke interval at a kink.

    >>> [v.str(5) for v in activation_derivatives("tanh", arb(0))]
    ['0', '1.0000', '0']
    >>> activation_derivatives("sigmoid", fmpq(0))
    (1/2, 1/4, 0)
    >>> activation_derivatives("relu", fmpq(0))[1]  # relu'(0): the interval [0, 1]
    [+/- 1.01]
    """
    kernel = get_kernel(name)
    if isinstance(z, fmpq):
        if z == 0:
            exact = EXACT_AT_ZERO[name]
            if all(e is not None for e in exact):
                return exact
            balls = derivatives(name, ARB, arb(0))
            return tuple(b if e is None else e for e, b in zip(exact, balls))
        z = arb(z)
    return kernel.value(ARB, z), kernel.d1(ARB, z), kernel.d2(ARB, z)


class DualArbOps:
    """Ops table of dual numbers over ``arb`` for :func:`symgrad.numeric.recurrence.evaluate_chain`.

    ``convert(Fraction)`` gives a dual with zero tangent whose value stays an exact
    rational (``fmpq``) until an activation needs a ball, so exact cancellations and
    exact zeros stay exact (as in :class:`symgrad.numeric.flint_backend.ExactBallOps`);
    a :class:`Dual` passes through unchanged, so seeded weights (:meth:`seed`) can be
    handed to the recurrence directly.  Works at flint's current precision.
    """

    def __init__(self) -> None:
        self._last: tuple[Dual, str, tuple[arb, arb, arb]] | None = None

    def convert(self, value: Any) -> Dual:
        if isinstance(value, Dual):
            return value
        if isinstance(value, (arb, fmpq)):
            return Dual(value)
        q = Fraction(value)
        return Dual(fmpq(q.numerator, q.denominator))

    def seed(self, value: Any, tangent: Any) -> Dual:
        """``value`` (Fraction or arb) with the given tangent (arb or arb_mat column)."""
        return Dual(self.convert(value).val, tangent)

    def _derivs(self, name: str, z: Dual) -> tuple[arb, arb, arb]:
        # the recurrence calls f(z) then df(z) on the same object: evaluate once
        # (keyed by the activation too: a network applies several to the same object)
        last = self._last
        if last is not None and last[0] is z and last[1] == name:
            return last[2]
        out = activation_derivatives(name, z.val)
        self._last = (z, name, out)
        return out

    def activation(self, name: str):
        activation_derivatives(name, arb(0))  # validates the name

        def f(z: Dual) -> Dual:
            s, d1, _ = self._derivs(name, z)
            return Dual(s, _scale(z.tan, d1))

        def df(z: Dual) -> Dual:
            _, d1, d2 = self._derivs(name, z)
            if z.tan is not None and isinstance(d2, arb) and not d2.is_finite():
                raise SymgradError(
                    f"{name}'' at a pre-activation exactly at the kink (0) is no number and no "
                    f"interval: the Hessian there is not defined",
                    hint="move the weights off the kink (z = 0)")
            return Dual(d1, _scale(z.tan, d2))

        return f, df
