"""SymPy expressions as MathML for the report page.

The page shows mathematics as MathML (rendered natively by browsers, no
network, no JavaScript).  :func:`to_mathml` uses SymPy's presentation MathML
printer, extended with the few objects symgrad needs that SymPy does not print
well: ``Product`` (a big pi with limits, as SymPy prints ``Sum``) and the
activation classes (sigma, softplus, ReLU, ..., SiLU), named by the registry's
``mathml_name``.

>>> import sympy
>>> from symgrad.core.activations import sigmoid
>>> t = sympy.Symbol("t")
>>> to_mathml(sigmoid(t), display="inline").split('">', 1)[1]
'<mrow><mi>&#x3C3;</mi><mrow><mo>(</mo><mi>t</mi><mo>)</mo></mrow></mrow></math>'
>>> print(to_mathml(sigmoid(t)).split(" alttext=")[1].split(">")[0])
"\\sigma\\left(t\\right)"
"""

from __future__ import annotations

import html as _html

import sympy
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import precedence_traditional

from symgrad.core.activation_classes import ActivationFunction
from symgrad.core.activations import ACTIVATIONS
from symgrad.core.parsing import as_expr
from symgrad.present.latex import latex

__all__ = ["MATHML_NS", "SymgradMathMLPrinter", "to_mathml"]

MATHML_NS = "http://www.w3.org/1998/Math/MathML"


class SymgradMathMLPrinter(MathMLPresentationPrinter):
    """SymPy's presentation MathML printer plus Product, the activations and partial d."""

    def mathml_tag(self, e):
        # dF/dw_k is a partial derivative: F depends on every weight
        if isinstance(e, sympy.Derivative):
            return "&#x2202;"
        return super().mathml_tag(e)

    def _named_function(self, name: str, e) -> object:
        mrow = self.dom.createElement("mrow")
        mi = self.dom.createElement("mi")
        mi.appendChild(self.dom.createTextNode(name))
        mrow.appendChild(mi)
        mrow.appendChild(self._paren_comma_separated(*e.args))
        return mrow

    def _print_activation(self, e):
        return self._named_function(_MATHML_NAMES[type(e).__name__], e)

    def _print_Product(self, e):
        # the same layout SymPy uses for Sum, with a big pi (nested products nest)
        mrow = self.dom.createElement("mrow")
        for var, low, up in e.limits:
            under = self.dom.createElement("munderover")
            op = self.dom.createElement("mo")
            op.appendChild(self.dom.createTextNode("&#x220F;"))
            lower = self.dom.createElement("mrow")
            lower.appendChild(self._print(var))
            eq = self.dom.createElement("mo")
            eq.appendChild(self.dom.createTextNode("="))
            lower.appendChild(eq)
            lower.appendChild(self._print(low))
            under.appendChild(op)
            under.appendChild(lower)
            under.appendChild(self._print(up))
            mrow.appendChild(under)
        mrow.appendChild(self.parenthesize(e.function, precedence_traditional(e)))
        return mrow


# SymPy's printer dispatches on the class's own name (``_print_sigmoid``), not on a base
# class: one method per registered activation class, each showing the registry's MathML
# name; tanh and erf are SymPy's own functions and keep SymPy's printing
_MATHML_NAMES = {a.func.__name__: a.mathml_name for a in ACTIVATIONS.values()
                 if isinstance(a.func, type) and issubclass(a.func, ActivationFunction)}
for _name in _MATHML_NAMES:
    setattr(SymgradMathMLPrinter, f"_print_{_name}", SymgradMathMLPrinter._print_activation)


def to_mathml(expr: sympy.Basic, *, display: str = "block") -> str:
    """``expr`` as one ``<math>`` element (presentation MathML).

    ``display`` is ``"block"`` (an equation on its own line) or ``"inline"``.
    """
    if display not in ("block", "inline"):
        raise ValueError(f"display must be 'block' or 'inline', got {display!r}")
    expr = as_expr(expr)  # plain numbers only; strings are refused
    body = SymgradMathMLPrinter().doprint(expr)
    # alttext: the same formula as LaTeX (symgrad's printer), for screen readers and for
    # report.tex, which is built from this very page (symgrad.interfaces.report.texpage)
    alt = _html.escape(latex(expr), quote=True)
    return f'<math xmlns="{MATHML_NS}" display="{display}" alttext="{alt}">{body}</math>'
