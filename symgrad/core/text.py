"""The source text as data: its constants, its claims and its stationary examples.

symgrad is built around one text (a Data Science Stack Exchange answer on
vanishing gradients).  Everything symgrad takes from it lives here, once, so
that a correction to the reading of the text (like its f_c'(p) = 10^-99,
where the derivative is c = 10^-90) lands in one place:

* the constants of the f_c example, c = 10^-90 and p = 10^9999 (exact SymPy
  numbers and the decimal spelling the command line accepts), and the chain
  the text derives (depth and weights of the examples);
* :data:`CLAIMS`, the text's claims as :class:`TextClaim` records (the quote,
  the claim as symgrad reads it, the verdict expected, a note); the runner
  :mod:`symgrad.analysis.verify.claim_examples` builds and decides them;
* :data:`STATIONARY_EXAMPLES`, the functions the text (or its reading) uses
  for stationary points, each with the text's sentence.

Only the standard library, SymPy and :mod:`symgrad.base` are used; SymPy only for
:data:`C` and :data:`P`, built on first use (the numeric commands read the decimal
spellings and never load SymPy).

>>> import sympy
>>> from symgrad.core.text import C, P
>>> C == sympy.Rational(1, 10) ** 90 and P == sympy.Integer(10) ** P_EXPONENT
True
>>> C_TEXT, P_TEXT
('1e-90', '1e9999')
>>> claim("fc-small-gradient").expected.word
'FALSE'
>>> stationary_example("saddle").expression
'x**2 - y**2'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from symgrad.base.verdicts import Verdict

if TYPE_CHECKING:
    import sympy

    #: c and p exactly (SymPy numbers), built by ``__getattr__`` on first use
    C: sympy.Integer | sympy.Rational
    P: sympy.Integer

__all__ = [
    "CLAIMS",
    "CLAIM_CHAIN_DEPTH",
    "C_EXPONENT",
    "C_TEXT",
    "DEPTH",
    "FC_DERIVATIVE_AS_PRINTED",
    "FC_PRINTED_EXPONENT",
    "P_EXPONENT",
    "P_TEXT",
    "STATIONARY_EXAMPLES",
    "WEIGHTS",
    "C",
    "P",
    "StationaryExample",
    "TextClaim",
    "claim",
    "stationary_example",
]

#: c = 10^C_EXPONENT in the text's f_c(x) = max{0, c x}
C_EXPONENT = -90
#: p = 10^P_EXPONENT, the text's point far from the minimum
P_EXPONENT = 9999
#: the text prints f_c'(p) = 10^FC_PRINTED_EXPONENT (a typo: the derivative is c)
FC_PRINTED_EXPONENT = -99
#: c and p as decimal text (what ``--c``/``--p`` and the claim syntax accept)
C_TEXT = f"1e{C_EXPONENT}"
P_TEXT = f"1e{P_EXPONENT}"
#: f_c'(p) as the text prints it
FC_DERIVATIVE_AS_PRINTED = f"1e{FC_PRINTED_EXPONENT}"
#: the chain the text derives: a deep sigmoid chain (depth of the report's story), weights 1
DEPTH = 40
WEIGHTS = "1"
#: depth L of the chain in the claims about the chain rule (small enough to expand)
CLAIM_CHAIN_DEPTH = 4

_L = CLAIM_CHAIN_DEPTH
_FC_AT = f"p={P_TEXT},c={C_TEXT}"


@dataclass(frozen=True)
class TextClaim:
    """One claim of the text: the quote, the claim as symgrad reads it, what it should give.

    ``expected`` is the verdict the text's own statement gets when decided
    (FALSE where the text is wrong, or where the claim is the negation the
    text argues against); ``at`` holds the values of the claim's free names.
    """

    key: str
    quote: str
    claim: str
    expected: Verdict
    note: str = ""
    at: str = ""


_T, _F = Verdict.TRUE, Verdict.FALSE
_SADDLE, _ONE_VAR = "x**2 - y**2", "x**2"

CLAIMS: tuple[TextClaim, ...] = (
    TextClaim("sigmoid-definition", "the sigmoid function sigma(t) = 1/(1+e^{-t})",
              "sigmoid(t) == 1/(1 + exp(-t))", _T),
    TextClaim("sigmoid-derivative", "Then sigma'(t) = sigma(t)*(1-sigma(t))",
              "sigmoid'(t) == sigmoid(t)*(1 - sigmoid(t))", _T),
    TextClaim("sigmoid-range-low", "Since sigma(t) in [0,1]", "0 <= sigmoid(t)", _T),
    TextClaim("sigmoid-range-high", "Since sigma(t) in [0,1]", "sigmoid(t) <= 1", _T),
    TextClaim("sigmoid-derivative-low", "we have sigma'(t) in [0,1]", "0 <= sigmoid'(t)", _T),
    TextClaim("sigmoid-derivative-high", "we have sigma'(t) in [0,1]", "sigmoid'(t) <= 1", _T),
    TextClaim("sigmoid-saturation",
              "if sigma(w_i o_{i-1}) is close to 0 or 1, then sigma'(w_i o_{i-1}) will be "
              "close to 0", "sigmoid'(10) < 1e-4", _T, "instance t = 10 (sigma(10) = 0.99995)"),
    TextClaim("chain-rule-step", "dF/dw_1 = sigma'(w_L o_{L-1}) w_L d o_{L-1}/dw_1",
              f"d/dw1 F == sigmoid'(w{_L}*o{_L - 1}) * w{_L} * d o{_L - 1}/dw1  (L = {_L})", _T,
              f"the chain of the text with L = {_L}, o_1 = w_1"),
    TextClaim("chain-product-formula",
              "dF/dw_1(w) = prod_{i=2}^{L} w_i prod_{i=2}^{L} sigma'(w_i o_{i-1})",
              f"d/dw1 F == prod_(i=2..{_L}) w_i * prod_(i=2..{_L}) sigmoid'(w_i*o_(i-1))  "
              f"(L = {_L})", _T, f"L = {_L}; o_1 = w_1, o_i = sigma(w_i o_{{i-1}})"),
    TextClaim("fc-minimum", "f_c(x) = max{0, cx} with c > 0. Then min_x f_c(x) = 0",
              "max(0, c*x) >= 0", _T, "for all real c and x"),
    TextClaim("fc-derivative", "For any p > 0, we have f_c'(p) = c", "f_c'(p) == c", _T,
              at=_FC_AT),
    TextClaim("fc-small-gradient",
              f"let p = 10^{{{P_EXPONENT}}} and c = 10^{{{C_EXPONENT}}}. ... for the gradient "
              f"f_c'(p) = 10^{{{FC_PRINTED_EXPONENT}}} holds",
              f"f_c'(p) == 10^{FC_PRINTED_EXPONENT}", _F,
              f"as printed in the text; f_c'(p) = c = 10^{C_EXPONENT}", at=_FC_AT),
    TextClaim("fc-far-from-minimum", "the value f_c(p) is far away from the minimum",
              "max(0, c*p) - 0 > 10^9000", _T,
              "'far' made concrete: more than 10^9000 above the minimum 0", at=_FC_AT),
    TextClaim("saddle-gradient-x", "If grad F(p) = 0 and D^2F(p) indefinite, then p is a saddle",
              f"dF/dx == 0  for F = {_SADDLE.replace('**', '^')}", _T,
              "instance F(x, y) = x^2 - y^2, p = (0, 0)", at="x=0,y=0"),
    TextClaim("saddle-gradient-y", "If grad F(p) = 0 and D^2F(p) indefinite, then p is a saddle",
              f"dF/dy == 0  for F = {_SADDLE.replace('**', '^')}", _T,
              "instance F(x, y) = x^2 - y^2, p = (0, 0)", at="x=0,y=0"),
    TextClaim("saddle-indefinite", "D^2F(p) indefinite",
              f"det D^2F(0, 0) < 0  for F = {_SADDLE.replace('**', '^')}", _T,
              "a 2x2 symmetric matrix is indefinite iff its determinant < 0"),
    TextClaim("saddle-not-minimum",
              "having a zero gradient does not always imply that the position is a local optimum",
              f"{_SADDLE} >= 0  (p = (0, 0) would be a minimum)", _F,
              "expected FALSE: a counterexample shows p is no minimum"),
    TextClaim("saddle-not-maximum",
              "having a zero gradient does not always imply that the position is a local optimum",
              f"{_SADDLE} <= 0  (p = (0, 0) would be a maximum)", _F,
              "expected FALSE: a counterexample shows p is no maximum"),
    TextClaim("one-variable-first", "q = 1: local optimum at p if F'(p) = 0 and F''(p) != 0",
              "F'(x) == 0  for F = x^2", _T, "instance F(x) = x^2, p = 0", at="x=0"),
    TextClaim("one-variable-second", "q = 1: local optimum at p if F'(p) = 0 and F''(p) != 0",
              "F''(x) != 0  for F = x^2", _T, "instance F(x) = x^2, p = 0", at="x=0"),
    TextClaim("one-variable-optimum", "then F has a local optimum at p", f"{_ONE_VAR} >= 0**2",
              _T, "F(x) >= F(0) for all x: a (global) minimum"),
    TextClaim("optimum-implies-definite",
              "if F has a local optimum at p, then grad F(p) = 0 and D^2F(p) definite",
              "F''(x) != 0  for F = x^4 (minimum at 0)", _F,
              "instance F(x) = x^4, a minimum at 0; 'definite' would need F''(0) != 0",
              at="x=0"),
)


@dataclass(frozen=True)
class StationaryExample:
    """A function for the text's remarks on stationary points, with the text's sentence."""

    key: str
    name: str
    expression: str
    sentence: str


_SECOND_ORDER = ("If grad F(p) = 0 and D^2F(p) in definite, then p is a saddle point. In "
                 "particular this shows that having a zero gradient does not always imply that "
                 "the position is a local optimum.")
_Q1 = ("In case of q = 1 and F being two times differentiable, F has a local optimum at p, "
       "if F'(p) = 0 and F''(p) != 0.")
_DEFINITE = ("if a functional F has a local optimum at p, then grad F(p) = 0 and D^2F(p) "
             "definite.")

STATIONARY_EXAMPLES: tuple[StationaryExample, ...] = (
    StationaryExample("saddle", "saddle", _SADDLE, _SECOND_ORDER),
    StationaryExample("minimum", "minimum", "x**2 + y**2",
                      "If D^2F(p) is positive definite, then p is local minimum."),
    StationaryExample("minimum-and-saddle", "minimum and saddle", "x**3 - 3*x + y**2",
                      _SECOND_ORDER),
    StationaryExample("one-variable", "q = 1, F'' != 0, an optimum", _ONE_VAR, _Q1),
    StationaryExample("one-variable-two-points", "q = 1, a maximum and a minimum",
                      "x**3 - 3*x", _Q1),
    StationaryExample("cubic", "q = 1, F'' = 0, no extremum", "x**3", _Q1),
    StationaryExample("quartic", "q = 1, F'' = 0, yet a minimum", "x**4", _DEFINITE),
    StationaryExample("f_c", f"f_c, c = {C_TEXT}", f"max(0, {C_TEXT}*x)",
                      "Consider the function f_c(x) = max{0, cx} with c > 0. Then "
                      "min_x f_c(x) = 0."),
)


def claim(key: str) -> TextClaim:
    """The claim with this key.

    >>> claim("sigmoid-range-high").claim
    'sigmoid(t) <= 1'
    """
    return next(c for c in CLAIMS if c.key == key)


def stationary_example(key: str) -> StationaryExample:
    """The stationary example with this key.

    >>> stationary_example("f_c").expression
    'max(0, 1e-90*x)'
    """
    return next(e for e in STATIONARY_EXAMPLES if e.key == key)


def _exact(name: str) -> sympy.Integer | sympy.Rational:
    """c (``"C"``) or p (``"P"``) exactly, as a SymPy number (SymPy imported here)."""
    exponents = {"C": C_EXPONENT, "P": P_EXPONENT}
    if name not in exponents:  # e.g. "__path__", asked by the import system
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import sympy

    return sympy.Integer(10) ** exponents[name]


def __getattr__(name: str):
    """:data:`C` and :data:`P` (c and p exactly, SymPy numbers), built on first use."""
    value = _exact(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
