"""Mean-field signal propagation (Poole et al. 2016; Schoenholz et al. 2017): the Gaussian
expectations of an activation in closed form, derived by SymPy and proven equal.

For a wide network with W_ij ~ N(0, s_w/n), b_i ~ N(0, s_b) (s_w = sigma_w^2, s_b =
sigma_b^2) the pre-activations of a layer are N(0, q), and with z ~ N(0, 1), t = sqrt(q) z:

* the variance map q -> s_w E[phi(t)^2] + s_b, its fixed point q*;
* chi_1 = s_w E[phi'(t)^2] at q*, the per-layer factor of the mean squared gradient;
* the slope of the map, s_w E[phi'(t)^2 + phi(t) phi''(t)] = s_w d/dq E[phi(t)^2]
  (Gaussian integration by parts), so xi_q = -1/ln(slope at q*);
* E[phi'(t)^4], Pennington et al.'s mu_2 of the spectrum of J J^T.

:func:`closed_forms` derives these expectations with ``sympy.integrate`` against the
Gaussian density where SymPy can (:data:`CLOSED_FORM_ACTIVATIONS`): the piecewise-linear
activations piece by piece on z < 0 and z > 0, and erf, whose E[erf(a z)^2] SymPy derives
through its derivative in a (then proven equal to the arcsine kernel
(2/pi) asin(2 a^2/(1 + 2 a^2)): equal derivatives and equal values at a = 0).  Every
other activation goes to certified quadrature (:mod:`symgrad.numeric.gaussian`).

>>> closed_forms("relu").second_moment
q/2
>>> closed_forms("erf").second_moment
2*asin(2*q/(2*q + 1))/pi
>>> zero_bias_critical("erf")
(pi/4, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy
from sympy import Expr, S, oo

from symgrad.core.activations import get_activation

__all__ = [
    "CLOSED_FORM_ACTIVATIONS",
    "DENSITY",
    "ClosedForms",
    "Q",
    "Z",
    "closed_forms",
    "gaussian_expectation",
    "linear_coefficient",
    "zero_bias_critical",
]

#: the variance q >= 0 of the pre-activations and the standard normal variable z
Q = sympy.Symbol("q", positive=True)
Z = sympy.Symbol("z", real=True)
#: the standard normal density
DENSITY = sympy.exp(-Z**2 / 2) / sympy.sqrt(2 * sympy.pi)
#: the activations whose expectations SymPy derives in closed form
CLOSED_FORM_ACTIVATIONS = ("identity", "relu", "leaky_relu", "erf")

_T = sympy.Symbol("t", positive=True)  # |t| on one side of the kink at 0


def gaussian_expectation(expr: Expr, lo=-oo, hi=oo) -> Expr:
    """int_lo^hi expr(z) n(z) dz with n the standard normal density (SymPy).

    >>> gaussian_expectation(Z**2)
    1
    """
    return sympy.simplify(sympy.integrate(expr * DENSITY, (Z, lo, hi)))


@dataclass(frozen=True)
class ClosedForms:
    """The expectations of one activation as expressions in :data:`Q`, and how each was
    derived (``steps``: one line each, all checked by SymPy)."""

    activation: str
    second_moment: Expr
    slope_moment: Expr
    curvature_moment: Expr  # E[phi phi'']
    slope_fourth_moment: Expr
    steps: tuple[str, ...]

    @property
    def map_derivative(self) -> Expr:
        """d/dq E[phi^2] (proven equal to E[phi'^2] + E[phi phi''] in the derivation)."""
        return sympy.diff(self.second_moment, Q)

    @property
    def slope_derivative(self) -> Expr:
        """d/dq E[phi'^2]."""
        return sympy.diff(self.slope_moment, Q)


def _sides(name: str):
    """phi, phi', phi'' on t > 0 and t < 0 as expressions in |t| (:data:`_T`)."""
    act = get_activation(name)
    out = []
    for sign in (1, -1):
        arg = sign * _T
        f = act(arg).rewrite(sympy.Piecewise)
        d1 = act.derivative(arg).rewrite(sympy.Piecewise)
        d2 = sympy.diff(act.derivative(_T * sign), _T) * sign
        out.append((f, d1, d2))
    return out


def _piecewise_forms(name: str) -> ClosedForms:
    """Integrate each quantity on z > 0 (t = sqrt(q) z) and on z < 0 (t = -sqrt(q) z)."""
    pos, neg = _sides(name)
    sub = {1: sympy.sqrt(Q) * Z, -1: -sympy.sqrt(Q) * Z}

    def expect(make):
        return sympy.simplify(
            gaussian_expectation(make(*pos).subs(_T, sub[1]), 0, oo)
            + gaussian_expectation(make(*neg).subs(_T, sub[-1]), -oo, 0))

    f0 = {sympy.limit(pos[0], _T, 0), sympy.limit(neg[0], _T, 0)}
    if f0 != {S.Zero}:
        raise ValueError(f"{name}: phi(0) = 0 is needed for the kink term")
    steps = (f"{name}: integrate each piece against the Gaussian density on z < 0 and z > 0",
             "phi'' has a Dirac mass at 0 only where phi' jumps; it is multiplied by "
             "phi(0) = 0 (checked), so E[phi phi''] is the sum of the pieces")
    return ClosedForms(name, expect(lambda f, d1, d2: f**2), expect(lambda f, d1, d2: d1**2),
                       expect(lambda f, d1, d2: f * d2), expect(lambda f, d1, d2: d1**4),
                       steps)


def _erf_forms() -> ClosedForms:
    a = sympy.Symbol("a", positive=True)
    t = sympy.Dummy("t")
    phi = sympy.erf(t)
    d1, d2 = sympy.diff(phi, t), sympy.diff(phi, t, 2)
    at = {t: sympy.sqrt(Q) * Z}
    # d/da E[erf(a z)^2] = E[2 erf(a z) erf'(a z) z], derived by SymPy
    da = gaussian_expectation(sympy.diff(sympy.erf(a * Z) ** 2, a))
    kernel = 2 / sympy.pi * sympy.asin(2 * a**2 / (1 + 2 * a**2))
    if sympy.simplify(sympy.diff(kernel, a) - da) != 0 or kernel.subs(a, 0) != 0:
        raise ArithmeticError("the arcsine kernel of erf is not proven")
    second = kernel.subs(a, sympy.sqrt(Q))
    steps = (f"d/da E[erf(a z)^2] = {da} (SymPy)",
             "(2/pi) asin(2a^2/(1+2a^2)) has the same derivative and the same value 0 at a = 0"
             " as E[erf(a z)^2], so they are equal; a = sqrt(q)")
    return ClosedForms("erf", sympy.simplify(second),
                       gaussian_expectation((d1**2).subs(at)),
                       gaussian_expectation((phi * d2).subs(at)),
                       gaussian_expectation((d1**4).subs(at)), steps)


@cache
def closed_forms(name: str) -> ClosedForms:
    """The derived expectations of ``name`` (one of :data:`CLOSED_FORM_ACTIVATIONS`), with
    Gaussian integration by parts d/dq E[phi^2] = E[phi'^2] + E[phi phi''] proven on them.

    >>> closed_forms("leaky_relu").slope_moment
    10001/20000
    """
    if name not in CLOSED_FORM_ACTIVATIONS:
        raise ValueError(f"no closed form for {name!r}: use certified quadrature")
    forms = _erf_forms() if name == "erf" else _piecewise_forms(name)
    ibp = sympy.simplify(forms.map_derivative - forms.slope_moment - forms.curvature_moment)
    if ibp != 0:
        raise ArithmeticError(f"{name}: integration by parts not proven ({ibp})")
    steps = (*forms.steps, "d/dq E[phi^2] = E[phi'^2] + E[phi phi''] (Gaussian integration "
             "by parts) holds for these closed forms: the difference simplifies to 0")
    return ClosedForms(forms.activation, forms.second_moment, forms.slope_moment,
                       forms.curvature_moment, forms.slope_fourth_moment, steps)


def linear_coefficient(name: str) -> sympy.Rational | None:
    """c when E[phi(sqrt(q) z)^2] = c q with c rational (the map is then linear in q).

    >>> linear_coefficient("relu"), linear_coefficient("erf")
    (1/2, None)
    """
    if name not in CLOSED_FORM_ACTIVATIONS:
        return None
    c = sympy.simplify(closed_forms(name).second_moment / Q)
    return c if c.is_Rational else None


def zero_bias_critical(name: str) -> tuple[Expr, Expr | None] | None:
    """(critical s_w, q*) at s_b = 0, exactly, where a closed argument gives it:

    * a map linear in q (identity, relu, leaky_relu): chi_1 = s_w E[phi'^2] does not depend
      on q, so s_w = 1/E[phi'^2]; there the map is the identity and every q is a fixed
      point (q* is ``None``);
    * phi(0) = 0 and phi smooth at 0: q* = 0 is a fixed point of q -> s_w E[phi^2], where
      chi_1 = s_w phi'(0)^2, so s_w = 1/phi'(0)^2 (erf: pi/4, tanh: 1).

    ``None`` when neither applies (phi(0) != 0: sigmoid, softplus).

    >>> zero_bias_critical("relu"), zero_bias_critical("tanh"), zero_bias_critical("sigmoid")
    ((2, None), (1, 0), None)
    """
    if linear_coefficient(name) is not None:
        return 1 / closed_forms(name).slope_moment, None
    act = get_activation(name)
    if act(S.Zero) != 0 or (act.kink_order is not None and act.kink_order <= 1):
        return None
    slope0 = sympy.simplify(act.derivative(S.Zero))
    if name in CLOSED_FORM_ACTIVATIONS:  # the closed form agrees in the limit q -> 0
        lim = sympy.limit(closed_forms(name).slope_moment, Q, 0)
        if sympy.simplify(lim - slope0**2) != 0:
            raise ArithmeticError(f"{name}: E[phi'^2] -> phi'(0)^2 not proven")
    return sympy.simplify(1 / slope0**2), S.Zero
