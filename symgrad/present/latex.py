"""symgrad's printers: a SymPy ``LatexPrinter`` subclass and a plain-text printer.

:class:`SymgradLatexPrinter` changes SymPy's LaTeX output in a few places,
each a class-dispatched ``_print_<Class>`` method, with every option in the
one settings dict :data:`SETTINGS`:

* a symbol named ``nabla_f`` prints as ``\\nabla f`` (a gradient);
* indexed symbols print as plain subscripts: ``w[i]`` -> ``w_{i}``,
  ``o[i - 1]`` -> ``o_{i - 1}`` (SymPy prints ``{w}_{i}``);
* derivatives print as fractions of partials with the function on top:
  ``Derivative(F, w1)`` -> ``\\frac{\\partial F}{\\partial w_{1}}``; an applied
  undefined function ``F(w1)`` prints as its name only;
* a ``Product`` whose term is a sum or a product of several factors puts the
  term in square brackets, so nothing after the product can be read as part
  of it;
* exact powers of ten with many digits print as powers: ``10**-90`` ->
  ``10^{-90}`` instead of a fraction with a 91-digit denominator.

The activation classes print themselves through their ``_latex`` methods
(``\\sigma``, ``\\tanh``, ``\\operatorname{softplus}``).

For breaking long formulas over lines, :meth:`SymgradLatexPrinter.signed_terms` and
:meth:`SymgradLatexPrinter.signed_factors` give the top-level terms of a sum and the
factors of a product in the order and with the signs and brackets the printer
uses, so that a layout prints each piece with this printer and never cuts
printed LaTeX.

:class:`SymgradStrPrinter` is the plain-text path (used for ``.txt`` output
and in Markdown/plain prose): SymPy's ``str`` with ``Eq(a, b)`` as ``a = b``
and long powers of ten as ``10**(-90)``, so every expression stays
SymPy-parsable.

>>> import sympy
>>> from symgrad.core.induction import W, O, I_, L_
>>> latex(sympy.Product(W[I_] * O[I_ - 1], (I_, 2, L_)))
'\\\\prod_{i=2}^{L} \\\\left[o_{i - 1} w_{i}\\\\right]'
>>> latex(sympy.Derivative(sympy.Symbol("F"), sympy.Symbol("w1")))
'\\\\frac{\\\\partial F}{\\\\partial w_{1}}'
>>> latex(sympy.Rational(1, 10**90))
'10^{-90}'
>>> text(sympy.Eq(sympy.Symbol("y"), sympy.Rational(1, 10**90)))
'y = 10**(-90)'
"""

from __future__ import annotations

from typing import ClassVar

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

__all__ = [
    "SETTINGS",
    "SymgradLatexPrinter",
    "SymgradStrPrinter",
    "latex",
    "markdown",
    "power_of_ten",
    "text",
]

#: symgrad's own printer options (the SymPy ones are accepted as well).
SETTINGS: dict[str, object] = {
    # integers / rationals that are exact powers of ten with at least this many
    # digits print as 10^{n}
    "ten_power_min_digits": 7,
    # derivatives always with \partial (the chains have several parameters)
    "always_partial": True,
    # bracket a Product's term when it is a product of several factors
    "bracket_product_terms": True,
}


def power_of_ten(value: sympy.Rational, min_digits: int = 7) -> int | None:
    """The exponent n when ``value`` is exactly 10**n with |n| >= min_digits - 1, else None.

    >>> power_of_ten(sympy.Rational(1, 10**90))
    -90
    >>> power_of_ten(sympy.Integer(1234)) is None
    True
    """
    if not isinstance(value, sympy.Rational) or value <= 0:
        return None
    p, q = int(value.p), int(value.q)
    if q == 1:
        big, sign = p, 1
    elif p == 1:
        big, sign = q, -1
    else:
        return None
    # no str(): Python refuses to print integers of more than 4300 digits
    guess = int((big.bit_length() - 1) * 0.30102999566398120)
    for n in (guess - 1, guess, guess + 1):
        if n >= 0 and 10**n == big:
            return sign * n if n >= min_digits - 1 else None
    return None


def _undef_name(expr: sympy.Basic) -> str | None:
    return type(expr).__name__ if isinstance(expr, AppliedUndef) else None


class SymgradLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with symgrad's conventions (see the module docstring).

    >>> SymgradLatexPrinter().doprint(sympy.Symbol("o2"))
    'o_{2}'
    """

    printmethod = "_latex"
    _default_settings: ClassVar[dict] = {**LatexPrinter._default_settings, **SETTINGS}

    # -- symbols ---------------------------------------------------------------------
    def _print_Symbol(self, expr, style="plain"):
        if expr.name.startswith("nabla_") and len(expr.name) > 6:  # nabla_f -> \nabla f
            return r"\nabla " + self._print(sympy.Symbol(expr.name[6:]))
        return super()._print_Symbol(expr, style=style)

    # -- indexed symbols -----------------------------------------------------------
    def _print_Indexed(self, expr):
        base = self._print(expr.base)
        indices = ",".join(self._print(i) for i in expr.indices)
        return f"{base}_{{{indices}}}"

    def _print_IndexedBase(self, expr):
        return self._print(expr.label)

    # -- derivatives -----------------------------------------------------------------
    def _print_Derivative(self, expr):
        diff = r"\partial" if self._settings["always_partial"] else r"d"
        variables = []
        dim = 0
        for x, num in expr.variable_count:
            dim += num
            var = self._print(x)
            variables.append(f"{diff} {var}" if num == 1 else f"{diff} {var}^{{{num}}}")
        top = diff if dim == 1 else f"{diff}^{{{dim}}}"
        bottom = " ".join(variables)
        inner = expr.expr
        name = _undef_name(inner)
        if name is not None or inner.is_Symbol or isinstance(inner, sympy.Indexed):
            fn = self._print(sympy.Symbol(name)) if name is not None else self._print(inner)
            return rf"\frac{{{top} {fn}}}{{{bottom}}}"
        body = self.parenthesize(inner, PRECEDENCE["Mul"], strict=True)
        return rf"\frac{{{top}}}{{{bottom}}} {body}"

    # -- products --------------------------------------------------------------------
    def _print_Product(self, expr):
        (i, lo, hi), *rest = expr.limits
        if rest:
            return super()._print_Product(expr)
        head = rf"\prod_{{{self._print(i)}={self._print(lo)}}}^{{{self._print(hi)}}} "
        term = expr.function
        if isinstance(term, sympy.Add) or (
            self._settings["bracket_product_terms"] and isinstance(term, sympy.Mul)
        ):
            return head + rf"\left[{self._print(term)}\right]"
        return head + self._print(term)

    def _print_Pow(self, expr):
        base, exp = expr.args
        if base.is_Integer and base > 1 and exp.is_Integer and exp < 0:
            return f"{self._print(base)}^{{{self._print(exp)}}}"  # 2^{-54}, not 1/2^54
        return super()._print_Pow(expr)

    # -- numbers ---------------------------------------------------------------------
    def _ten(self, expr):
        return power_of_ten(expr, int(self._settings["ten_power_min_digits"]))

    def _print_Rational(self, expr):
        n = self._ten(expr)
        return super()._print_Rational(expr) if n is None else f"10^{{{n}}}"

    # -- pieces of sums and products (line breaking) ----------------------------------
    def signed_terms(self, expr: sympy.Add) -> list[tuple[str, sympy.Expr, bool]]:
        """The terms of a sum as the printer shows them: ``(sign, term, bracketed)`` with
        sign ``""`` (first term), ``"+ "`` or ``"- "`` and the term without its sign.

        >>> a, b = sympy.symbols("a b")
        >>> SymgradLatexPrinter().signed_terms(a - b)
        [('', a, False), ('- ', b, False)]
        """
        out = []
        for i, term in enumerate(self._as_ordered_terms(expr, order=None)):
            sign = ""
            if i and term.could_extract_minus_sign():
                sign, term = "- ", -term
            elif i:
                sign = "+ "
            out.append((sign, term, bool(self._needs_add_brackets(term))))
        return out

    def signed_factors(self, expr: sympy.Mul) -> tuple[str, list[tuple[sympy.Expr, bool]]]:
        """The factors of a product as the printer shows them: ``(sign, [(factor,
        bracketed), ...])``; a denominator becomes a leading factor ``1/denominator``.

        >>> a, b = sympy.symbols("a b")
        >>> SymgradLatexPrinter().signed_factors(-2 * a * b / 3)
        ('- ', [(2/3, False), (a, False), (b, False)])
        """
        sign = ""
        if expr.could_extract_minus_sign():
            sign, expr = "- ", -expr
        numer, denom = sympy.fraction(expr, exact=True)
        lead: list[sympy.Expr] = []
        if denom != 1:
            coeff, numer = numer.as_coeff_Mul() if numer.is_Mul else (sympy.S.One, numer)
            lead = [coeff / denom if denom.is_Integer
                    else sympy.Mul(coeff, sympy.Pow(denom, -1, evaluate=False),
                                   evaluate=False)]
        args = numer.as_ordered_factors() if numer.is_Mul else [numer]
        args = [a for a in args if a != 1] if (lead or len(args) > 1) else args
        factors = lead + args
        return sign, [(f, bool(self._needs_mul_brackets(f, first=i == 0,
                                                       last=i == len(factors) - 1)))
                      for i, f in enumerate(factors)]


class SymgradStrPrinter(StrPrinter):
    """Plain text: SymPy's ``str`` with ``a = b`` for equations and powers of ten.

    >>> SymgradStrPrinter().doprint(sympy.Eq(sympy.Symbol("x"), 2))
    'x = 2'
    """

    _default_settings: ClassVar[dict] = {
        **StrPrinter._default_settings,
        "ten_power_min_digits": 7,
    }

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    # mathematical notation where SymPy's own text is a Python call
    def _print(self, expr, **kwargs):
        if isinstance(expr, sympy.Indexed):  # before Indexed's own _sympystr
            return self._print_Indexed(expr)
        return super()._print(expr, **kwargs)

    def _print_Derivative(self, expr):
        order = sum(int(n) for _, n in expr.variable_count)
        top = "∂" if order == 1 else f"∂^{order}"
        wrt = "".join(f"∂{self._print(v)}" + ("" if n == 1 else f"^{n}")
                      for v, n in expr.variable_count)
        inner = self._print(expr.expr)
        simple = (expr.expr.is_Symbol or expr.expr.is_Function
                  or isinstance(expr.expr, sympy.Indexed))
        inner = inner if simple else f"({inner})"
        return f"{top}{inner}/{wrt}"

    def _print_Limit(self, expr):
        e, z, z0, direction = expr.args
        side = "" if z0.is_infinite or str(direction) == "+-" else str(direction)
        return f"lim_({self._print(z)} → {self._print(z0)}{side}) {self._print(e)}"

    def _print_Product(self, expr):
        limits = ", ".join(f"{self._print(i)}={self._print(a)}..{self._print(b)}"
                           for i, a, b in expr.limits)
        return f"∏_({limits}) ({self._print(expr.function)})"

    def _print_Sum(self, expr):
        limits = ", ".join(f"{self._print(i)}={self._print(a)}..{self._print(b)}"
                           for i, a, b in expr.limits)
        return f"∑_({limits}) ({self._print(expr.function)})"

    def _print_Indexed(self, expr):
        index = ",".join(self._print(i) for i in expr.indices)
        return f"{self._print(expr.base)}_{index}" if len(index) == 1 else \
            f"{self._print(expr.base)}_({index})"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_Relational(self, expr):
        op = {"<=": "≤", ">=": "≥", "!=": "≠"}.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_Infinity(self, expr):
        return "∞"

    def _print_NegativeInfinity(self, expr):
        return "−∞"

    def _print_Interval(self, expr):
        left = "(" if expr.left_open else "["
        right = ")" if expr.right_open else "]"
        return f"{left}{self._print(expr.start)}, {self._print(expr.end)}{right}"

    def _print_Union(self, expr):
        return " ∪ ".join(self._print(a) for a in expr.args)

    def _print_MatrixBase(self, expr):
        rows = ", ".join(
            "[" + ", ".join(self._print(expr[i, j]) for j in range(expr.cols)) + "]"
            for i in range(expr.rows)
        )
        return f"Matrix([{rows}])"

    def _ten(self, expr):
        return power_of_ten(expr, int(self._settings["ten_power_min_digits"]))

    def _print_Rational(self, expr):
        n = self._ten(expr)
        return super()._print_Rational(expr) if n is None else f"10**({n})"

    def _print_Integer(self, expr):
        n = self._ten(expr)
        return super()._print_Integer(expr) if n is None else f"10**{n}"


def latex(expr: sympy.Basic, **settings) -> str:
    """LaTeX of ``expr`` (no surrounding ``$``) with symgrad's printer.

    >>> from symgrad.core.activations import sigmoid
    >>> latex(sigmoid(sympy.Symbol("w1")) * sympy.Symbol("w2"))
    'w_{2} \\\\sigma\\\\left(w_{1}\\\\right)'
    """
    return SymgradLatexPrinter(settings).doprint(expr)


def text(expr: sympy.Basic, **settings) -> str:
    """Plain-text rendering of ``expr``: SymPy's operators (``*``, ``**``), with derivatives,
    limits, infinities and intervals in mathematical notation.

    >>> w1, F = sympy.Symbol("w1"), sympy.Function("F")
    >>> text(w1 * 2), text(sympy.Derivative(sympy.Symbol("o2"), w1))
    ('2*w1', '∂o2/∂w1')
    >>> text(sympy.Limit(1 / w1, w1, -sympy.oo)), text(sympy.Interval.Lopen(-sympy.oo, 0))
    ('lim_(w1 → −∞) 1/w1', '(−∞, 0]')
    """
    return SymgradStrPrinter(settings).doprint(expr)


def markdown(expr: sympy.Basic, *, display: bool = False, **settings) -> str:
    """GitHub Markdown math: ``$...$`` inline or a ``$$`` block on its own lines.

    >>> markdown(sympy.Symbol("w1"))
    '$w_{1}$'
    >>> print(markdown(sympy.Symbol("w1"), display=True))
    $$
    w_{1}
    $$
    """
    body = latex(expr, **settings)
    return f"$$\n{body}\n$$" if display else f"${body}$"
