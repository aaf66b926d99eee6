"""symgrad.present.latex: the LaTeX printer subclass, the plain-text and Markdown paths.

Expected LaTeX strings are written from the conventions the printer promises
(subscripts, partial fractions, powers of ten), not pasted from its output;
round trips go through independent parsers (symgrad's safe text parser and
SymPy's LaTeX parser).
"""

from __future__ import annotations

import sympy

from symgrad.core.activations import sigmoid, softplus
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise, exact_equal
from symgrad.core.induction import I_, L_, O, W
from symgrad.core.parsing import parse_expression
from symgrad.present.latex import SymgradLatexPrinter, latex, markdown, power_of_ten, text
from tests._require import require_module

x, y, w1, w2 = sympy.symbols("x y w1 w2")
F = sympy.Symbol("F")


def test_indexed_symbols_are_plain_subscripts():
    assert latex(W[I_]) == "w_{i}"
    assert latex(O[I_ - 1]) == "o_{i - 1}"
    assert latex(W[3]) == "w_{3}"


def test_named_symbols_keep_sympy_subscripts():
    assert latex(w1) == "w_{1}"
    assert latex(sympy.Symbol("o12")) == "o_{12}"


def test_derivatives_are_partial_fractions():
    assert latex(sympy.Derivative(F, w1)) == r"\frac{\partial F}{\partial w_{1}}"
    assert latex(sympy.Derivative(F, W[1])) == r"\frac{\partial F}{\partial w_{1}}"
    assert latex(sympy.Derivative(F, x, 2)) == r"\frac{\partial^{2} F}{\partial x^{2}}"
    assert latex(sympy.Derivative(F, x, y)) == r"\frac{\partial^{2} F}{\partial x \partial y}"
    # an applied undefined function prints by its name only
    g = sympy.Function("G")(W[1])
    assert latex(sympy.Derivative(g, W[1])) == r"\frac{\partial G}{\partial w_{1}}"
    # a composite expression is differentiated as an operator
    tex = latex(sympy.Derivative(x * sympy.sin(x), x, evaluate=False))
    assert tex.startswith(r"\frac{\partial}{\partial x}")


def test_product_brackets_a_compound_term_only():
    assert latex(sympy.Product(W[I_], (I_, 2, L_))) == r"\prod_{i=2}^{L} w_{i}"
    assert (latex(sympy.Product(W[I_] * O[I_ - 1], (I_, 2, L_)))
            == r"\prod_{i=2}^{L} \left[o_{i - 1} w_{i}\right]")
    assert (latex(sympy.Product(W[I_] + 1, (I_, 1, L_)))
            == r"\prod_{i=1}^{L} \left[w_{i} + 1\right]")


def test_powers_of_ten_and_two():
    assert latex(sympy.Rational(1, 10**90)) == "10^{-90}"
    assert latex(sympy.Integer(10) ** 9999) == "10^{9999}"  # no 10000-digit string
    assert latex(sympy.Integer(1000)) == "1000"  # short numbers print as themselves
    assert latex(sympy.Integer(1234567)) == "1234567"
    assert latex(sympy.Pow(2, -1074, evaluate=False)) == "2^{-1074}"
    assert latex(sympy.Rational(1, 4)) == r"\frac{1}{4}"
    assert power_of_ten(sympy.Integer(10) ** 9999 + 1) is None
    assert power_of_ten(sympy.Rational(3, 10**9)) is None
    assert [power_of_ten(sympy.Integer(10) ** n, 1) for n in (0, 1, 22, 23, 300)] == [
        0, 1, 22, 23, 300]


def test_activations_print_through_their_latex_methods():
    assert latex(sigmoid(w1 * w2)) == r"\sigma\left(w_{1} w_{2}\right)"
    assert latex(softplus(x)) == r"\operatorname{softplus}\left(x\right)"
    assert latex(sympy.tanh(x)) == r"\tanh{\left(x \right)}"


def test_settings_live_in_one_dict_and_can_be_overridden():
    printer = SymgradLatexPrinter({"ten_power_min_digits": 3})
    assert printer.doprint(sympy.Integer(100)) == "10^{2}"
    assert latex(sympy.Integer(100)) == "100"
    assert latex(sympy.Derivative(F, w1), always_partial=False) == r"\frac{d F}{d w_{1}}"


def test_markdown_math_delimiters():
    assert markdown(w1) == "$w_{1}$"
    assert markdown(w1, display=True) == "$$\nw_{1}\n$$"


def test_text_is_parsable_by_the_safe_parser():
    d = derive_layerwise(Chain(3))
    exprs = [d.partial(1), d.expanded(d.partial(1)), Chain(3).nested_expression(),
             sympy.Rational(1, 10**90) * x]
    for expr in exprs:
        back = parse_expression(text(expr))
        assert exact_equal(back, expr.xreplace({s: sympy.Symbol(s.name, real=True)
                                                for s in expr.free_symbols}))


def test_text_equations_and_matrices_on_one_line():
    assert text(sympy.Eq(x, sympy.Rational(1, 10**90))) == "x = 10**(-90)"
    assert text(sympy.ImmutableMatrix([[1, 2], [3, 4]])) == "Matrix([[1, 2], [3, 4]])"


def _from_parsed(expr: sympy.Basic) -> sympy.Basic:
    """Map SymPy's LaTeX-parser output back to symgrad's symbols.

    ``w_{2}`` -> w2, ``\\sigma(t)`` -> sigmoid(t); the parser reads ``w_{2} (...)``
    as a function call, which is a product here.
    """
    if isinstance(expr, sympy.Symbol):
        return sympy.Symbol(expr.name.replace("_{", "").replace("}", ""))
    if isinstance(expr, sympy.core.function.AppliedUndef):
        args = [_from_parsed(a) for a in expr.args]
        name = type(expr).__name__
        if name == "sigma":
            return sigmoid(*args)
        return sympy.Symbol(name.replace("_{", "").replace("}", "")) * sympy.Mul(*args)
    if not expr.args:
        return expr
    return expr.func(*[_from_parsed(a) for a in expr.args])


def test_latex_round_trip_through_sympys_parser():
    require_module("antlr4", install="pip install antlr4-python3-runtime==4.11")
    from sympy.parsing.latex import parse_latex

    d = derive_layerwise(Chain(4))
    exprs = [Chain(4).nested_expression(), d.partial(1), d.partial(2), d.local(3).d_prev,
             d.expanded(d.partial(1)), sympy.Rational(3, 7) * w1 - w2**2]
    for expr in exprs:
        back = _from_parsed(parse_latex(latex(expr)))
        assert exact_equal(back, expr), (latex(expr), back)


# -- pieces for line breaking -------------------------------------------------------------


def test_signed_pieces_rebuild_what_the_printer_prints():
    # joined with spaces, the printed pieces are the printer's own output of the whole
    printer = SymgradLatexPrinter()
    w1, w2, w3 = sympy.symbols("w1 w2 w3")
    s = sigmoid(w1 * w2)
    for expr in [w1 - w2 + w3, -w1 * w2 * (1 - s) * s, w2**2 * w3 * (1 - s) - s * w1]:
        if isinstance(expr, sympy.Add):
            pieces = [sign + printer.doprint(t) for sign, t, _ in printer.signed_terms(expr)]
        else:
            sign, factors = printer.signed_factors(expr)
            pieces = [printer.doprint(f) if not br else rf"\left({printer.doprint(f)}\right)"
                      for f, br in factors]
            pieces[0] = sign + pieces[0]
        assert " ".join(pieces) == latex(expr)


def test_signed_factors_give_a_denominator_as_a_leading_factor():
    a, b = sympy.symbols("a b")
    sign, factors = SymgradLatexPrinter().signed_factors(-3 * a * b / (2 * sympy.pi))
    assert sign == "- "
    # the factors multiply back to the product (without its sign)
    assert sympy.simplify(sympy.Mul(*[f for f, _ in factors]) - 3 * a * b / (2 * sympy.pi)) == 0
    assert [latex(f) for f, _ in factors][1:] == ["a", "b"]
