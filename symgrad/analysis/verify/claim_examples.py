"""The text's claims, built and decided (``symgrad check --examples``).

The claims themselves (quote, claim text, expected verdict, note, values)
are data in :data:`symgrad.core.text.CLAIMS`; this module is the runner.  Each
claim is built here as the text states it (functions through the safe
parser; a derivative the text writes as f' is SymPy's ``diff`` of the parsed
f, because the claim syntax has no derivative notation) and decided by
:func:`symgrad.analysis.claims.decide`.  Where the text states a general rule,
the claim instantiates it with a concrete function, named in ``note``.
Verdicts are reported as they come out; the records' ``expected`` says which
are FALSE by mathematics (the text's f_c'(p) = 10^-99, where it is c, and
"local optimum implies D^2F(p) definite", which x^4 at 0 refutes).

>>> ex = EXAMPLES[0]
>>> ex.key, run_example(ex).verdict
('sigmoid-definition', 'TRUE')
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from symgrad.analysis.claims import ClaimResult, decide
from symgrad.core.parsing import make_symbol, parse_assignments, parse_expression, parse_relation
from symgrad.core.text import (
    CLAIM_CHAIN_DEPTH,
    CLAIMS,
    FC_DERIVATIVE_AS_PRINTED,
    TextClaim,
    stationary_example,
)

__all__ = ["BUILDERS", "EXAMPLES", "Example", "build", "run_example", "run_examples"]

#: a claim of the text (the record of :mod:`symgrad.core.text`)
Example = TextClaim
#: every claim of the text, in the text's order
EXAMPLES: tuple[TextClaim, ...] = CLAIMS

_L = CLAIM_CHAIN_DEPTH
_SADDLE = stationary_example("saddle").expression
_SQUARE = stationary_example("one-variable").expression
_QUARTIC = stationary_example("quartic").expression


def _rel(text: str) -> Callable[[], sympy.Basic]:
    return lambda: parse_relation(text)


def _d(expr: str | sympy.Expr, var: str, n: int = 1) -> sympy.Expr:
    f = parse_expression(expr) if isinstance(expr, str) else expr
    return sympy.diff(f, make_symbol(var), n)


def _dsigmoid() -> sympy.Expr:
    return _d("sigmoid(t)", "t")


def _fc_prime() -> sympy.Expr:
    return _d("max(0, c*x)", "x").xreplace({make_symbol("x"): make_symbol("p")})


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


def _chain_claim() -> sympy.Basic:
    F = parse_expression(_chain_nested(_L))
    return sympy.Eq(sympy.diff(F, make_symbol("w1")), _chain_product(_L), evaluate=False)


def _chain_step() -> sympy.Basic:
    F = parse_expression(_chain_nested(_L))
    o_prev = parse_expression(_chain_nested(_L - 1))
    t = make_symbol("t")
    w1, wL = make_symbol("w1"), make_symbol(f"w{_L}")
    rhs = _dsigmoid().xreplace({t: wL * o_prev}) * wL * sympy.diff(o_prev, w1)
    return sympy.Eq(sympy.diff(F, w1), rhs, evaluate=False)


def _saddle_hessian_det() -> sympy.Basic:
    F = parse_expression(_SADDLE)
    x, y = make_symbol("x"), make_symbol("y")
    det = sympy.hessian(F, (x, y)).det().xreplace({x: 0, y: 0})
    return sympy.Lt(det, 0, evaluate=False)


#: claim key -> the SymPy relation the claim states (values come from the record's ``at``)
BUILDERS: dict[str, Callable[[], sympy.Basic]] = {
    "sigmoid-definition": _rel("sigmoid(t) == 1/(1 + exp(-t))"),
    "sigmoid-derivative": lambda: sympy.Eq(
        _dsigmoid(), parse_expression("sigmoid(t)*(1 - sigmoid(t))"), evaluate=False),
    "sigmoid-range-low": _rel("0 <= sigmoid(t)"),
    "sigmoid-range-high": _rel("sigmoid(t) <= 1"),
    "sigmoid-derivative-low": lambda: sympy.Le(0, _dsigmoid(), evaluate=False),
    "sigmoid-derivative-high": lambda: sympy.Le(_dsigmoid(), 1, evaluate=False),
    "sigmoid-saturation": lambda: sympy.Lt(_dsigmoid().xreplace({make_symbol("t"): 10}),
                                           parse_expression("1e-4"), evaluate=False),
    "chain-rule-step": _chain_step,
    "chain-product-formula": _chain_claim,
    "fc-minimum": _rel("max(0, c*x) >= 0"),
    "fc-derivative": lambda: sympy.Eq(_fc_prime(), make_symbol("c"), evaluate=False),
    "fc-small-gradient": lambda: sympy.Eq(_fc_prime(), parse_expression(
        FC_DERIVATIVE_AS_PRINTED), evaluate=False),
    "fc-far-from-minimum": _rel("max(0, c*p) - 0 > 1e9000"),
    "saddle-gradient-x": lambda: sympy.Eq(_d(_SADDLE, "x"), 0, evaluate=False),
    "saddle-gradient-y": lambda: sympy.Eq(_d(_SADDLE, "y"), 0, evaluate=False),
    "saddle-indefinite": _saddle_hessian_det,
    "saddle-not-minimum": _rel(f"{_SADDLE} >= 0"),
    "saddle-not-maximum": _rel(f"{_SADDLE} <= 0"),
    "one-variable-first": lambda: sympy.Eq(_d(_SQUARE, "x"), 0, evaluate=False),
    "one-variable-second": lambda: sympy.Ne(_d(_SQUARE, "x", 2), 0, evaluate=False),
    "one-variable-optimum": _rel(f"{_SQUARE} >= 0**2"),
    "optimum-implies-definite": lambda: sympy.Ne(_d(_QUARTIC, "x", 2), 0, evaluate=False),
}


def build(example: TextClaim) -> tuple[sympy.Basic, dict]:
    """The claim's relation and the values of its free names.

    >>> rel, at = build(EXAMPLES[2])
    >>> rel, at
    (0 <= sigmoid(t), {})
    """
    return BUILDERS[example.key](), (parse_assignments(example.at) if example.at else {})


def run_example(example: TextClaim) -> ClaimResult:
    """Decide one claim of the text; the result's claim text is the record's."""
    rel, at = build(example)
    return decide(rel, at, label=example.claim)


def run_examples(on_result: Callable[[TextClaim, ClaimResult], None] | None = None
                 ) -> list[tuple[TextClaim, ClaimResult]]:
    """Decide every claim in order; ``on_result`` is called as each verdict comes out."""
    out = []
    for ex in EXAMPLES:
        res = run_example(ex)
        out.append((ex, res))
        if on_result:
            on_result(ex, res)
    return out
