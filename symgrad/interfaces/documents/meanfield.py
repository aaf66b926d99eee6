"""The mean-field derivation document: chi_1 and the critical line from the definitions.

Every equation comes out of :mod:`symgrad.core.meanfield` (SymPy integrates against the
Gaussian density); steps marked verified were checked by SymPy when the document was built.

>>> doc = meanfield_document()
>>> doc.verified, doc.title.split(":")[0]
(True, 'Mean-field signal propagation')
"""

from __future__ import annotations

import sympy
from sympy import Eq, Integral, oo

from symgrad.core.activations import get_activation
from symgrad.core.meanfield import (
    DENSITY,
    Q,
    Z,
    closed_forms,
    linear_coefficient,
    zero_bias_critical,
)
from symgrad.interfaces.documents.model import Document, Section, Step

__all__ = ["meanfield_document"]

_SW, _SB, _QS, _CHI = sympy.symbols("sigma_w^2 sigma_b^2 q^* chi_1", positive=True)
_N = sympy.Symbol("n", positive=True)
_WORDS = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "erf": "erf", "tanh": "tanh"}


def _expect(expr) -> Integral:
    """The Gaussian expectation of ``expr`` (in z) as an unevaluated integral."""
    return Integral(expr * DENSITY, (Z, -oo, oo))


def _definitions() -> Section:
    phi, dphi = sympy.Function("phi"), sympy.Function("phi'")
    t = sympy.sqrt(_QS) * Z
    steps = (
        Step("The variance map of one layer and its fixed point.",
             ("definition: weights of variance ", _SW / _N, ", biases of variance ", _SB),
             Eq(_QS, _SW * _expect(phi(t) ** 2) + _SB)),
        Step("The per-layer factor of the mean squared gradient.", "definition",
             Eq(_CHI, _SW * _expect(dphi(t) ** 2))),
    )
    return Section("Definitions", ("Pre-activations of a wide layer are Gaussian with variance ",
                                   Q, "; ", Z, " is a standard normal variable."), steps)


def _closed_steps(name: str) -> tuple[Step, ...]:
    act, word = get_activation(name), _WORDS[name]
    forms = closed_forms(name)
    t = sympy.sqrt(Q) * Z
    phi = act(t)
    dphi = act.derivative(t)
    return (
        Step(f"{word}: the second moment.", "integrated against the Gaussian density" + (
            " through its derivative (the arcsine kernel, below)" if name == "erf" else ""),
             Eq(_expect(phi ** 2), forms.second_moment), verified=True),
        Step(f"{word}: the mean squared slope.", "integrated against the Gaussian density",
             Eq(_expect(dphi ** 2), forms.slope_moment), verified=True),
        Step(f"{word}: Gaussian integration by parts holds for the closed forms.",
             "the difference simplifies to 0",
             Eq(sympy.Derivative(forms.second_moment, Q),
                forms.slope_moment + forms.curvature_moment, evaluate=False), verified=True),
    )


def _closed_section() -> Section:
    steps: tuple[Step, ...] = ()
    for name in ("relu", "leaky_relu", "erf"):
        steps += _closed_steps(name)
    a = sympy.Symbol("a", positive=True)
    da = sympy.simplify(sympy.integrate(
        sympy.diff(sympy.erf(a * Z) ** 2, a) * DENSITY, (Z, -oo, oo)))
    kernel = 2 / sympy.pi * sympy.asin(2 * a**2 / (1 + 2 * a**2))
    steps += (Step(("erf: the arcsine kernel has the derivative SymPy derives for the second "
                    "moment, and both vanish at ", Eq(a, 0), ", so they are equal (with ",
                    Eq(a, sympy.sqrt(Q)), ")."),
                   "equal derivatives and equal initial values",
                   Eq(sympy.diff(kernel, a), da),
                   verified=sympy.simplify(sympy.diff(kernel, a) - da) == 0),)
    return Section("Closed forms", "Where SymPy integrates the Gaussian expectations exactly.",
                   steps)


def _critical_section() -> Section:
    steps = []
    for name in ("relu", "erf", "tanh"):
        sw, _q = zero_bias_critical(name)
        slope0 = sympy.Function("phi'")(0)
        why = (("the map is linear in ", Q, ", so ", _CHI, " does not depend on it")
               if linear_coefficient(name) is not None else
               ("the activation vanishes at 0, so ", Eq(_QS, 0), " is a fixed point at zero "
                "bias variance, where ", Eq(_CHI, _SW * slope0**2)))
        steps.append(Step(f"{_WORDS[name]}: the critical weight variance at zero bias variance.",
                          why,
                          Eq(_SW, sw, evaluate=False), verified=True))
    h = sympy.Function("h")
    e2, e1 = sympy.Function("E_2")(Q), sympy.Function("E_1")(Q)
    e1s = sympy.Function("E_1")(_QS)
    steps.append(Step(("Away from zero bias variance: ", Eq(_CHI, 1), " gives ",
                       Eq(_SW, 1 / e1s), "; putting it into the fixed-point equation leaves "
                       "one equation in ", _QS, ", solved with a certified sign change."),
                      ("elimination of ", _SW, " (", e2, " and ", e1, ": the second moment "
                       "and the mean squared slope)"), Eq(h(Q), e2 / e1 + _SB - Q)))
    return Section("The critical line", ("The critical line is the set where ", Eq(_CHI, 1),
                                         " at the fixed point."), tuple(steps))


def meanfield_document() -> Document:
    """The document (see the module doc)."""
    intro = ("Mean-field signal propagation in wide random networks (Poole et al. 2016; "
             "Schoenholz et al. 2017): the per-layer gradient factor ", _CHI, " and the "
             "critical line, derived from the definitions.  Gradients vanish for ",
             _CHI < 1, " and explode for ", _CHI > 1, ".")
    return Document("Mean-field signal propagation: the gradient factor and the critical line",
                    (_definitions(), _closed_section(), _critical_section()), intro)
