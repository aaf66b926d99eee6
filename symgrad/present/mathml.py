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
>>> to_mathml(sigmoid(t), display="inline").split('">', 1)[1]  # doctest: +ELLIPSIS
'<mrow><mi>&#x3C3;</mi><mrow><mo fence="true" form="prefix" ...>(</mo><mi>t</mi>...</math>'
>>> print(to_mathml(sigmoid(t)).split(" alttext=")[1].split(">")[0])
"\\sigma\\left(t\\right)"
"""

from __future__ import annotations

import html as _html

import sympy
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import precedence_traditional
from sympy.printing.printer import Printer

from symgrad.core.activation_classes import ActivationFunction
from symgrad.core.activations import ACTIVATIONS
from symgrad.core.parsing import as_expr
from symgrad.present.latex import latex

__all__ = ["BREAK_TOKENS", "MATHML_NS", "MINUS", "SymgradMathMLPrinter", "polish", "to_mathml"]

MATHML_NS = "http://www.w3.org/1998/Math/MathML"


#: U+2212 MINUS SIGN: the typographic minus (SymPy prints the ASCII hyphen-minus)
MINUS = "\u2212"
_OPENING, _CLOSING = "([{", ")]}"


def _text(node) -> str:
    return "".join(c.data for c in node.childNodes if c.nodeType == c.TEXT_NODE)


def _set_text(node, text: str) -> None:
    for c in list(node.childNodes):
        node.removeChild(c)
    node.appendChild(node.ownerDocument.createTextNode(text))


#: elements taller than a line of text: brackets around them must stretch
_TALL = frozenset({"mfrac", "munderover", "munder", "mover", "mtable", "msqrt", "mroot"})


def _tall(node) -> bool:
    return any(c.nodeType == c.ELEMENT_NODE and (c.tagName in _TALL or _tall(c))
               for c in node.childNodes)


def _fence(node, text: str) -> None:
    """A bracket hugging its contents.  It stretches only around tall contents (fractions,
    big operators): Chromium sets a stretchy bracket around a line of text with a gap on
    each side (``sigma ( t )``); a non-stretchy one is set tight (``sigma(t)``)."""
    if text in _OPENING:
        form = "prefix"
    elif text in _CLOSING:
        form = "postfix"
    else:  # "|": opening when first in its row, closing when last
        siblings = [c for c in node.parentNode.childNodes if c.nodeType == c.ELEMENT_NODE]
        form = "prefix" if siblings and siblings[0] is node else "postfix"
    stretchy = "true" if _tall(node.parentNode) else "false"
    for name, value in (("fence", "true"), ("form", form), ("stretchy", stretchy),
                        ("lspace", "0"), ("rspace", "0")):
        node.setAttribute(name, value)


def polish(node) -> None:
    """Typeset SymPy's MathML DOM (in place): minus signs as U+2212 (in ``<mo>``, and a
    negative ``<mn>`` split into ``<mo>&#x2212;</mo><mn>``), brackets as fences (see
    :func:`_fence`) without operator spacing, so that ``sigma(t)`` does not print as
    ``sigma ( t )``, and digit indices as ``<mn>`` (upright).

    >>> import sympy
    >>> to_mathml(-sympy.Symbol("x"), display="inline").split('">', 1)[1]
    '<mrow><mo>&#8722;</mo><mi>x</mi></mrow></math>'
    """
    for child in list(node.childNodes):
        if child.nodeType == child.ELEMENT_NODE:
            polish(child)
    if node.nodeType != node.ELEMENT_NODE:
        return
    text = _text(node)
    if node.tagName == "mi" and text.isdigit():  # an index such as w_1: upright, a number
        node.tagName = node.nodeName = "mn"
    elif node.tagName == "mo" and text in ("-", "\u2010", "\u2011"):
        _set_text(node, MINUS)
    elif node.tagName == "mo" and text in "()[]{}|" and len(text) == 1:
        _fence(node, text)
    elif node.tagName == "mn" and text.startswith("-"):
        dom = node.ownerDocument
        row, mo, mn = dom.createElement("mrow"), dom.createElement("mo"), dom.createElement("mn")
        mo.appendChild(dom.createTextNode(MINUS))
        mn.appendChild(dom.createTextNode(text[1:]))
        row.appendChild(mo)
        row.appendChild(mn)
        node.parentNode.replaceChild(row, node)


class SymgradMathMLPrinter(MathMLPresentationPrinter):
    """SymPy's presentation MathML printer plus Product, the activations and partial d,
    typeset by :func:`polish` (minus signs, fences)."""

    def doprint(self, expr) -> str:
        element = Printer._print(self, expr)
        polish(element)
        return element.toxml().encode("ascii", "xmlcharrefreplace").decode()

    def mathml_tag(self, e):
        # dF/dw_k is a partial derivative: F depends on every weight
        if isinstance(e, sympy.Derivative):
            return "&#x2202;"
        return super().mathml_tag(e)

    def _lead(self, row, width: str, op: str | None) -> None:
        """Indent ``row`` by ``width`` and start it with the operator ``op``."""
        space = self.dom.createElement("mspace")
        space.setAttribute("width", width)
        row.appendChild(space)
        if op is not None:
            mo = self.dom.createElement("mo")
            mo.appendChild(self.dom.createTextNode(op))
            row.appendChild(mo)

    def _pieces(self, expr) -> list:
        """``expr`` as one element, or a wide product as several (each at most
        :data:`BREAK_TOKENS` tokens): its factors in order, parenthesised as in the product."""
        whole = self._print(expr)
        if not isinstance(expr, sympy.Mul) or _tokens(whole) <= BREAK_TOKENS:
            return [whole]
        coeff, _ = expr.as_coeff_Mul()
        if coeff.is_negative:  # a leading minus sign: keep the product whole
            return [whole]
        prec = precedence_traditional(expr)
        pieces, row, count = [], None, 0
        for factor in expr.as_ordered_factors():
            item = self.parenthesize(factor, prec)
            size = _tokens(item)
            if row is None or count + size > BREAK_TOKENS:
                row, count = self.dom.createElement("mrow"), 0
                pieces.append(row)
            elif count:
                times = self.dom.createElement("mo")
                times.appendChild(self.dom.createTextNode("&InvisibleTimes;"))
                row.appendChild(times)
            row.appendChild(item)
            count += size
        return pieces

    def relation_lines(self, e):
        """A wide relation on several lines: ``lhs`` on the first, ``= rhs`` (indented)
        below; a product too wide for one line continues on further lines, each starting
        with a centred dot."""
        table = self.dom.createElement("mtable")
        table.setAttribute("columnalign", "left")
        table.setAttribute("displaystyle", "true")
        lines = [(None, None, piece) for piece in self._pieces(e.lhs)]
        for n, piece in enumerate(self._pieces(e.rhs)):
            lines.append(("2em", self.mathml_tag(e), piece) if n == 0
                          else ("3em", "\u22c5", piece))
        for width, op, piece in lines:
            tr, td, row = (self.dom.createElement(t) for t in ("mtr", "mtd", "mrow"))
            if width is not None:
                self._lead(row, width, op)
            row.appendChild(piece)
            td.setAttribute("style", "text-align: left")  # MathML Core: no columnalign
            td.appendChild(row)
            tr.appendChild(td)
            table.appendChild(tr)
        return table

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


#: a displayed relation with more tokens (identifiers, numbers, operators) than this is
#: set on two lines (about 10 px a token at the page's size: 90 tokens fill ~900 px of
#: the ~1080 px an equation box has at a window 1280 px wide)
BREAK_TOKENS = 90


def _tokens(element) -> int:
    if element.nodeType != element.ELEMENT_NODE:
        return 0
    own = 1 if element.tagName in ("mi", "mn", "mo") else 0
    return own + sum(_tokens(c) for c in element.childNodes)


def to_mathml(expr: sympy.Basic, *, display: str = "block") -> str:
    """``expr`` as one ``<math>`` element (presentation MathML).

    ``display`` is ``"block"`` (an equation on its own line) or ``"inline"``.  A displayed
    relation longer than :data:`BREAK_TOKENS` tokens is set on two lines (``lhs``, then
    ``= rhs``), so that it fits the page instead of running off it.
    """
    if display not in ("block", "inline"):
        raise ValueError(f"display must be 'block' or 'inline', got {display!r}")
    expr = as_expr(expr)  # plain numbers only; strings are refused
    printer = SymgradMathMLPrinter()
    element = Printer._print(printer, expr)
    if (display == "block" and isinstance(expr, sympy.core.relational.Relational)
            and _tokens(element) > BREAK_TOKENS):
        element = printer.relation_lines(expr)
    polish(element)
    body = element.toxml().encode("ascii", "xmlcharrefreplace").decode()
    # alttext: the same formula as LaTeX (symgrad's printer), for screen readers and for
    # report.tex, which is built from this very page (symgrad.interfaces.report.texpage)
    alt = _html.escape(latex(expr), quote=True)
    return f'<math xmlns="{MATHML_NS}" display="{display}" alttext="{alt}">{body}</math>'
