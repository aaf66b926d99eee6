"""The worked examples of the source text as a built-in claim suite (``symgrad check --examples``).

Each :class:`Example` quotes the text, writes the claim as the text states it
(functions through the safe parser; a derivative the text writes as f' is
SymPy's ``diff`` of the parsed f, because the claim syntax has no derivative
notation), and is decided by :func:`symgrad.analysis.claims.decide`.  Where the text
states a general rule, the example instantiates it with a concrete function,
named in ``note``.  Verdicts are reported as they come out; two are FALSE:
the text's f_c'(p) = 10^-99 (it is c = 10^-90) and "local optimum implies
D^2F(p) definite" (x^4 at 0 is a minimum with F''(0) = 0).

>>> ex = EXAMPLES[0]
>>> ex.key, run_example(ex).verdict
('sigmoid-definition', 'TRUE')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from symgrad.analysis.claims import ClaimResult, decide
from symgrad.core.parsing import make_symbol, parse_assignments, parse_expression, parse_relation

__all__ = ["EXAMPLES", "Example", "run_example", "run_examples"]


@dataclass(frozen=True)
class Example:
    """One claim of the text: where it is, how it reads, how it is built."""

    key: str
    quote: str
    claim: str
    build: Callable[[], tuple[sympy.Rel, dict]]
    note: str = ""


def _rel(text: str, at: str | None = None):
    return lambda: (parse_relation(text), parse_assignments(at) if at else {})


def _d(expr: str, var: str, n: int = 1) -> sympy.Expr:
    return sympy.diff(parse_expression(expr), make_symbol(var), n)


def _dsigmoid() -> sympy.Expr:
    return _d("sigmoid(t)", "t")


def _fc_prime():
    return _d("max(0, c*x)", "x").xreplace({make_symbol("x"): make_symbol("p")})


_L = 4


def _chain_nested(L: int) -> str:
    o = "w1"
    for i in range(2, L + 1):
        o = f"sigmoid(w{i}*{o})"
    return o


def _chain_product(L: int) -> sympy.Expr:
    """prod_{i=2}^L w_i * prod_{i=2}^L sigma'(w_i o_{i-1}); o_1 = w_1, o_i = sigma(w_i o_{i-1})."""
    t = make_symbol("t")
    ds = _dsigmoid()
    outs = [parse_expression("w1")]
    for i in range(2, L + 1):
        outs.append(parse_expression(f"sigmoid(w{i}*o)").xreplace({make_symbol("o"): outs[-1]}))
    ws = sympy.Mul(*[make_symbol(f"w{i}") for i in range(2, L + 1)])
    sig = sympy.Mul(*[ds.xreplace({t: make_symbol(f"w{i}") * outs[i - 2]})
                      for i in range(2, L + 1)])
    return ws * sig


def _chain_claim():
    F = parse_expression(_chain_nested(_L))
    return sympy.Eq(sympy.diff(F, make_symbol("w1")), _chain_product(_L), evaluate=False), {}


def _chain_step():
    F = parse_expression(_chain_nested(_L))
    o_prev = parse_expression(_chain_nested(_L - 1))
    t = make_symbol("t")
    w1, wL = make_symbol("w1"), make_symbol(f"w{_L}")
    rhs = _dsigmoid().xreplace({t: wL * o_prev}) * wL * sympy.diff(o_prev, w1)
    return sympy.Eq(sympy.diff(F, w1), rhs, evaluate=False), {}


def _saddle_hessian_det():
    F = parse_expression("x**2 - y**2")
    x, y = make_symbol("x"), make_symbol("y")
    det = sympy.hessian(F, (x, y)).det().xreplace({x: 0, y: 0})
    return sympy.Lt(det, 0, evaluate=False), {}


def _grad_at(expr: str, var: str, point: str):
    return lambda: (sympy.Eq(_d(expr, var), 0, evaluate=False), parse_assignments(point))


def _second_at(expr: str, point: str, rel=sympy.Ne):
    return lambda: (rel(_d(expr, "x", 2), 0, evaluate=False), parse_assignments(point))


EXAMPLES: tuple[Example, ...] = (
    Example("sigmoid-definition", "the sigmoid function sigma(t) = 1/(1+e^{-t})",
            "sigmoid(t) == 1/(1 + exp(-t))", _rel("sigmoid(t) == 1/(1 + exp(-t))")),
    Example("sigmoid-derivative", "Then sigma'(t) = sigma(t)*(1-sigma(t))",
            "sigmoid'(t) == sigmoid(t)*(1 - sigmoid(t))",
            lambda: (sympy.Eq(_dsigmoid(), parse_expression("sigmoid(t)*(1 - sigmoid(t))"),
                              evaluate=False), {})),
    Example("sigmoid-range-low", "Since sigma(t) in [0,1]", "0 <= sigmoid(t)",
            _rel("0 <= sigmoid(t)")),
    Example("sigmoid-range-high", "Since sigma(t) in [0,1]", "sigmoid(t) <= 1",
            _rel("sigmoid(t) <= 1")),
    Example("sigmoid-derivative-low", "we have sigma'(t) in [0,1]", "0 <= sigmoid'(t)",
            lambda: (sympy.Le(0, _dsigmoid(), evaluate=False), {})),
    Example("sigmoid-derivative-high", "we have sigma'(t) in [0,1]", "sigmoid'(t) <= 1",
            lambda: (sympy.Le(_dsigmoid(), 1, evaluate=False), {})),
    Example("sigmoid-saturation",
            "if sigma(w_i o_{i-1}) is close to 0 or 1, then sigma'(w_i o_{i-1}) will be "
            "close to 0", "sigmoid'(10) < 1e-4",
            lambda: (sympy.Lt(_dsigmoid().xreplace({make_symbol("t"): 10}),
                              parse_expression("1e-4"), evaluate=False), {}),
            "instance t = 10 (sigma(10) = 0.99995)"),
    Example("chain-rule-step",
            "dF/dw_1 = sigma'(w_L o_{L-1}) w_L d o_{L-1}/dw_1",
            f"d/dw1 F == sigmoid'(w{_L}*o{_L - 1}) * w{_L} * d o{_L - 1}/dw1  (L = {_L})",
            _chain_step, f"the chain of the text with L = {_L}, o_1 = w_1"),
    Example("chain-product-formula",
            "dF/dw_1(w) = prod_{i=2}^{L} w_i prod_{i=2}^{L} sigma'(w_i o_{i-1})",
            f"d/dw1 F == prod_(i=2..{_L}) w_i * prod_(i=2..{_L}) sigmoid'(w_i*o_(i-1))  "
            f"(L = {_L})", _chain_claim, f"L = {_L}; o_1 = w_1, o_i = sigma(w_i o_{{i-1}})"),
    Example("fc-minimum", "f_c(x) = max{0, cx} with c > 0. Then min_x f_c(x) = 0",
            "max(0, c*x) >= 0", _rel("max(0, c*x) >= 0"), "for all real c and x"),
    Example("fc-derivative", "For any p > 0, we have f_c'(p) = c",
            "f_c'(p) == c",
            lambda: (sympy.Eq(_fc_prime(), make_symbol("c"), evaluate=False),
                     parse_assignments("p=1e9999,c=1e-90"))),
    Example("fc-small-gradient",
            "let p = 10^{9999} and c = 10^{-90}. ... for the gradient f_c'(p) = 10^{-99} holds",
            "f_c'(p) == 10^-99",
            lambda: (sympy.Eq(_fc_prime(), parse_expression("1e-99"), evaluate=False),
                     parse_assignments("p=1e9999,c=1e-90")),
            "as printed in the text; f_c'(p) = c = 10^-90"),
    Example("fc-far-from-minimum", "the value f_c(p) is far away from the minimum",
            "max(0, c*p) - 0 > 10^9000",
            _rel("max(0, c*p) - 0 > 1e9000", "p=1e9999,c=1e-90"),
            "'far' made concrete: more than 10^9000 above the minimum 0"),
    Example("saddle-gradient-x", "If grad F(p) = 0 and D^2F(p) indefinite, then p is a saddle",
            "dF/dx == 0  for F = x^2 - y^2", _grad_at("x**2 - y**2", "x", "x=0,y=0"),
            "instance F(x, y) = x^2 - y^2, p = (0, 0)"),
    Example("saddle-gradient-y", "If grad F(p) = 0 and D^2F(p) indefinite, then p is a saddle",
            "dF/dy == 0  for F = x^2 - y^2", _grad_at("x**2 - y**2", "y", "x=0,y=0"),
            "instance F(x, y) = x^2 - y^2, p = (0, 0)"),
    Example("saddle-indefinite", "D^2F(p) indefinite", "det D^2F(0, 0) < 0  for F = x^2 - y^2",
            _saddle_hessian_det, "a 2x2 symmetric matrix is indefinite iff its determinant < 0"),
    Example("saddle-not-minimum",
            "having a zero gradient does not always imply that the position is a local optimum",
            "x**2 - y**2 >= 0  (p = (0, 0) would be a minimum)", _rel("x**2 - y**2 >= 0"),
            "expected FALSE: a counterexample shows p is no minimum"),
    Example("saddle-not-maximum",
            "having a zero gradient does not always imply that the position is a local optimum",
            "x**2 - y**2 <= 0  (p = (0, 0) would be a maximum)", _rel("x**2 - y**2 <= 0"),
            "expected FALSE: a counterexample shows p is no maximum"),
    Example("one-variable-first", "q = 1: local optimum at p if F'(p) = 0 and F''(p) != 0",
            "F'(x) == 0  for F = x^2", _grad_at("x**2", "x", "x=0"), "instance F(x) = x^2, p = 0"),
    Example("one-variable-second", "q = 1: local optimum at p if F'(p) = 0 and F''(p) != 0",
            "F''(x) != 0  for F = x^2", _second_at("x**2", "x=0"), "instance F(x) = x^2, p = 0"),
    Example("one-variable-optimum", "then F has a local optimum at p", "x**2 >= 0**2",
            _rel("x**2 >= 0**2"), "F(x) >= F(0) for all x: a (global) minimum"),
    Example("optimum-implies-definite",
            "if F has a local optimum at p, then grad F(p) = 0 and D^2F(p) definite",
            "F''(x) != 0  for F = x^4 (minimum at 0)", _second_at("x**4", "x=0"),
            "instance F(x) = x^4, a minimum at 0; 'definite' would need F''(0) != 0"),
)


def run_example(example: Example) -> ClaimResult:
    """Decide one built-in example; the result's claim text is the example's."""
    rel, at = example.build()
    return decide(rel, at, label=example.claim)


def run_examples(on_result: Callable[[Example, ClaimResult], None] | None = None
                 ) -> list[tuple[Example, ClaimResult]]:
    """Decide every example in order; ``on_result`` is called as each verdict comes out."""
    out = []
    for ex in EXAMPLES:
        res = run_example(ex)
        out.append((ex, res))
        if on_result:
            on_result(ex, res)
    return out
