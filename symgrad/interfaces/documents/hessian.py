"""Documents on stationary points: the second-order test and the Hessian of a chain.

:func:`stationary_document` -- the text's claims about zero gradients:
the second-order test, the saddle x^2 - y^2, the one-variable test, and
degenerate cases settled by the first non-vanishing higher derivative.
Gradients, Hessians, stationary points and eigenvalues are computed by SymPy
(exactly) when the document is built, and every verdict is cross-checked
against the stationary-points engine (:func:`symgrad.analysis.stationary.analyse`).

:func:`chain_hessian_document` -- the full Hessian of a small chain at a
point, exact (in the named values of the layers), with its eigenvalues
enclosed in certified Arb balls (python-flint) to classify the curvature.

>>> doc = stationary_document()
>>> doc.verified
True
"""

from __future__ import annotations

from fractions import Fraction

import sympy
from flint import arb, arb_mat, ctx

from symgrad.analysis.stationary.analyse import analyse
from symgrad.analysis.stationary.model import Verdict
from symgrad.analysis.stationary.rules import higher_order_1d, sign_verdict
from symgrad.analysis.stationary.signs import exact_sign
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.core.parsing import make_symbol, parse_expression
from symgrad.core.text import stationary_example
from symgrad.interfaces.documents.model import Document, Section, Step
from symgrad.interfaces.documents.numeric import decided_float
from symgrad.interfaces.documents.words import activation_words
from symgrad.numeric.arb_eval import arb_eval

__all__ = [
    "certified_eigenvalues",
    "chain_hessian_document",
    "example",
    "higher_order_test",
    "matrix_kind",
    "stationary_document",
    "to_arb",
]

X, Y = make_symbol("x"), make_symbol("y")
_DIFF = "differentiation (SymPy)"
#: how many derivatives the higher-order test tries before it says "undecided"
MAX_ORDER = 12


def matrix_kind(verdict: Verdict, singular: str) -> str:
    """The document's word for the Hessian from the second-order verdict of
    :func:`symgrad.analysis.stationary.rules.sign_verdict`; ``singular`` names the
    undecided case ('semidefinite (singular)' for exact signs, 'undecided' for balls).

    >>> matrix_kind(sign_verdict([1, -1]), "undecided")
    'indefinite'
    """
    return {"local minimum": "positive definite", "local maximum": "negative definite",
            "saddle": "indefinite"}.get(verdict.cls, singular)


_VERDICT = {
    "positive definite": "a strict local minimum",
    "negative definite": "a strict local maximum",
    "indefinite": "a saddle point",
    "semidefinite (singular)": "not decided by the second-order test",
    "undecided": "not decided",
}


def _second_order_steps(f: sympy.Expr, name: str, variables) -> Section:
    grad = [sympy.diff(f, v) for v in variables]
    steps = [Step(("The function ", sympy.Symbol(name), "."), "the example",
                  sympy.Eq(sympy.Function(name)(*variables), f, evaluate=False))]
    steps.append(Step("Its gradient.", "differentiation in each variable (SymPy)",
                      sympy.Eq(sympy.Symbol("nabla_" + name), sympy.ImmutableMatrix(grad),
                               evaluate=False)))
    points = sympy.solve(grad, list(variables), dict=True)
    points = sorted(points, key=lambda p: [float(p[v]) for v in variables])
    hess = sympy.hessian(f, variables).as_immutable()
    engine = _engine_verdicts(f)
    steps.append(Step("Its Hessian matrix.", "the second derivatives (SymPy)",
                      sympy.Eq(sympy.Symbol("H_" + name), hess, evaluate=False)))
    for p in points:
        at = sympy.Tuple(*[p[v] for v in variables])
        h_at = hess.subs(p)
        eig = sorted(h_at.eigenvals(multiple=True), key=lambda e: float(e))
        verdict = sign_verdict([exact_sign(e) for e in eig])
        kind = matrix_kind(verdict, "semidefinite (singular)")
        charpoly = h_at.charpoly()
        roots_ok = all(sympy.expand(charpoly.as_expr().subs(charpoly.gens[0], e)) == 0
                       for e in eig)
        grad_zero = all(sympy.simplify(g.subs(p)) == 0 for g in grad)
        steps.append(Step("A stationary point (the gradient vanishes there).",
                          "SymPy solves the gradient equations; the gradient is 0 at the point",
                          sympy.Eq(sympy.Symbol("p"), at, evaluate=False), grad_zero))
        theirs = engine.get(tuple(str(p[v]) for v in variables))
        steps.append(Step(("Eigenvalues of the Hessian at this point: the matrix is ", kind,
                           ", so the point is ", _VERDICT[kind], "."),
                          "the exact eigenvalues (SymPy), each checked as a root of the "
                          "characteristic polynomial; the second-order test; symgrad's "
                          f"stationary-points analysis finds: {theirs}",
                          sympy.Eq(sympy.Symbol("lambda"), sympy.FiniteSet(*eig), evaluate=False),
                          roots_ok and len(eig) == len(variables)
                          and kind != "semidefinite (singular)" and verdict.cls == theirs))
    return steps


def _engine_verdicts(f: sympy.Expr) -> dict[tuple[str, ...], str]:
    """{exact point (as strings): class} from the stationary-points engine."""
    result = analyse(f)
    return {tuple(str(c) for c in p.exact): p.verdict.cls for p in result.points
            if p.exact is not None}


def higher_order_test(f: sympy.Expr, x: sympy.Symbol,
                      p: sympy.Expr) -> tuple[int | None, Verdict]:
    """First non-vanishing derivative order n >= 2 at a stationary point p, and the verdict
    of :func:`symgrad.analysis.stationary.rules.higher_order_1d` (n is None when every
    derivative up to :data:`MAX_ORDER` vanishes or a sign is undecided).

    >>> n, verdict = higher_order_test(sympy.Symbol("x")**4, sympy.Symbol("x"), 0)
    >>> n, _words(verdict)
    (4, 'strict local minimum')
    """
    seen: list[tuple[int, int | None]] = []

    def sign_k(k: int) -> int:
        s = exact_sign(sympy.simplify(sympy.diff(f, x, k).subs(x, p)))
        seen.append((k, s))
        if s is None:
            raise SymgradError(f"cannot decide the sign of a derivative at {p}")
        return s

    verdict = higher_order_1d(sign_k, max_order=MAX_ORDER)
    return (seen[-1][0] if seen and seen[-1][1] else None), verdict


def _words(verdict: Verdict) -> str:
    """The document's wording of a higher-order verdict."""
    if verdict.cls == "no extremum":
        return "no extremum (odd order)"
    if verdict.cls in ("local minimum", "local maximum"):
        return f"strict {verdict.cls}"
    return "undecided"


def _one_variable(f: sympy.Expr, x: sympy.Symbol) -> list[Step]:
    fp, fpp = sympy.diff(f, x), sympy.diff(f, x, 2)
    steps = [Step("The function and its first two derivatives.", _DIFF,
                  sympy.Eq(sympy.Function("g")(x), f, evaluate=False)),
             Step("", _DIFF, sympy.Eq(sympy.Derivative(sympy.Symbol("g"), x), fp,
                                             evaluate=False)),
             Step("", _DIFF, sympy.Eq(sympy.Derivative(sympy.Symbol("g"), (x, 2)), fpp,
                                             evaluate=False))]
    engine = _engine_verdicts(f)
    for p in sorted(sympy.solve(fp, x), key=float):
        val = fpp.subs(x, p)
        n, verdict = higher_order_test(f, x, p)
        theirs = engine.get((str(p),))
        steps.append(Step(("At the stationary point ", sympy.Eq(x, p, evaluate=False),
                           " the second derivative is nonzero: ", _words(verdict), "."),
                          "one-variable second-order test (the text's case q = 1); "
                          f"symgrad's stationary-points analysis finds: {theirs}",
                          sympy.Eq(sympy.Subs(sympy.Derivative(sympy.Symbol("g"), (x, 2)), x, p),
                                   val, evaluate=False),
                          val != 0 and n == 2 and verdict.cls == theirs))
    return steps


def _degenerate(f: sympy.Expr, x: sympy.Symbol, name: str) -> list[Step]:
    n, verdict = higher_order_test(f, x, 0)
    theirs = _engine_verdicts(f).get(("0",))
    steps = [Step(("The function ", sympy.Symbol(name), " at 0: the gradient and the second "
                   "derivative vanish, so the second-order test says nothing."),
                  _DIFF,
                  sympy.Eq(sympy.Function(name)(x), f, evaluate=False))]
    for order in range(1, (n or MAX_ORDER) + 1):
        value = sympy.diff(f, x, order).subs(x, 0)
        steps.append(Step(("Derivative of order ", sympy.Integer(order), " at 0."), _DIFF,
                          sympy.Eq(sympy.Subs(sympy.Derivative(sympy.Symbol(name), (x, order)),
                                              x, 0), value, evaluate=False)))
    steps.append(Step(("The first non-vanishing derivative has order ", sympy.Integer(n or 0),
                       f": {_words(verdict)}."),
                      "higher-order test: an even order gives an extremum (its sign says "
                      "which), an odd order gives none; symgrad's stationary-points analysis "
                      f"finds: {theirs}", None, n is not None and verdict.cls == theirs))
    return steps


def example(key: str) -> sympy.Expr:
    """The text's stationary example ``key`` (:func:`symgrad.core.text.stationary_example`),
    parsed (its variables are the real symbols x, y).

    >>> example("minimum-and-saddle")
    x**3 - 3*x + y**2
    """
    return parse_expression(stationary_example(key).expression, variables=["x", "y"])


def stationary_document() -> Document:
    """The second-order test, the saddle, the one-variable test and degenerate cases."""
    sections = [
        Section("A saddle: zero gradient without an optimum",
                "The text: if the gradient vanishes and the Hessian is indefinite, the point is "
                "a saddle, so a zero gradient does not imply an optimum.",
                tuple(_second_order_steps(example("saddle"), "f", (X, Y)))),
        Section("Minimum and saddle side by side",
                "The second-order test at every stationary point of a function with two.",
                tuple(_second_order_steps(example("minimum-and-saddle"), "h", (X, Y)))),
        Section("One variable", "The text's remark for q = 1: a stationary point with a "
                "nonzero second derivative is a local optimum.",
                tuple(_one_variable(example("one-variable-two-points"), X))),
        Section("Degenerate cases settled by higher order",
                "When the second derivative vanishes too, the first non-vanishing derivative "
                "decides.", tuple(_degenerate(example("quartic"), X, "u")
                                  + _degenerate(example("cubic"), X, "v"))),
    ]
    return Document("Stationary points and the second-order test", tuple(sections),
                    "Gradients, Hessians, stationary points and eigenvalues below were computed "
                    "exactly by SymPy when this document was built.")


# -- the Hessian of a chain at a point --------------------------------------------------
def to_arb(expr: sympy.Expr) -> arb:
    """Enclose a closed-form SymPy number at the current ``flint.ctx`` precision, by
    :func:`symgrad.numeric.arb_eval.arb_eval` (the one SymPy -> ball interpreter).

    >>> from symgrad.core.activations import sigmoid
    >>> with ctx.workprec(64):
    ...     float(to_arb(sigmoid(sympy.Integer(0)) + sympy.Rational(1, 4)).mid())
    0.75
    """
    return arb_eval(expr)


def certified_eigenvalues(matrix: sympy.Matrix, prec: int = 256) -> list:
    """Arb enclosures of the eigenvalues of a real symmetric SymPy matrix (sorted by midpoint)."""
    with ctx.workprec(prec):
        m = arb_mat([[to_arb(matrix[i, j]) for j in range(matrix.cols)]
                     for i in range(matrix.rows)])
        eig = [e.real for e in m.eig()]
    return sorted(eig, key=lambda e: float(e.mid()))


def _decimal(ball, digits: int = 20) -> sympy.Float:
    """The ball's value correctly rounded (every shown digit decided by the ball)."""
    return decided_float(ball, digits)


def _numeric_steps(h_at: sympy.Matrix, depth: int) -> list[Step]:
    """The Hessian in 20 digits and its certified eigenvalues, classified."""
    eig = certified_eigenvalues(h_at)
    kind = matrix_kind(sign_verdict([1 if e > 0 else -1 if e < 0 else None for e in eig],
                                    "certified eigenvalue enclosures"), "undecided")
    digits = 20
    with ctx.workprec(256):
        balls = {(i, j): to_arb(h_at[i, j]) for i in range(depth) for j in range(depth)}
        tight = all(b.rad() < arb(10) ** -(digits + 5) for b in balls.values())
        h_num = sympy.ImmutableMatrix(depth, depth, lambda i, j: _decimal(balls[i, j], digits))
        tiny = arb(10) ** -(digits + 5)  # the printed digits are within every ball's accuracy
    return [Step(f"Numerically, rounded to {digits} significant digits.",
                 f"Arb ball arithmetic (python-flint) at 256 bits; every ball's radius is "
                 f"below 10^-{digits + 5}", sympy.Eq(sympy.Symbol("H"), h_num, evaluate=False),
                 tight),
            Step(("Certified eigenvalues: the Hessian is ", kind, "."),
                 "certified eigenvalue enclosures (Arb, python-flint); a sign counts only when the "
                 "whole ball is on one side of 0",
                 sympy.Eq(sympy.Symbol("lambda"),
                          sympy.FiniteSet(*[_decimal(e, digits) for e in eig]), evaluate=False),
                 kind != "undecided" and all(e.rad() < tiny for e in eig))]


def _gradient_step(grad_at: sympy.Matrix, name) -> Step:
    """Whether the point is stationary: certified nonzero partials, or exact zeros."""
    with ctx.workprec(256):
        g_balls = [to_arb(g) for g in grad_at]
    nonzero = [i + 1 for i, g in enumerate(g_balls) if g > 0 or g < 0]
    if nonzero:
        stat = ("The gradient at the point is not zero (certified: the ball of every partial "
                "derivative listed excludes 0), so the point is not stationary; the eigenvalues "
                "describe the local curvature only.")
    elif all(sympy.simplify(g) == 0 for g in grad_at):
        stat = "The gradient vanishes exactly at the point, so the classification applies."
    else:
        stat = "Whether the gradient vanishes at the point is undecided at this precision."
    return Step(stat, "Arb enclosures of the gradient at the point; nonzero for k = "
                + ", ".join(str(k) for k in nonzero),
                sympy.Eq(sympy.Symbol("nabla_F"), grad_at.applyfunc(name).T, evaluate=False),
                bool(nonzero) or None)


def chain_hessian_document(depth: int = 3, point: tuple[Fraction, ...] | None = None,
                           activation: str = "sigmoid") -> Document:
    """The full Hessian of ``Chain(depth)`` at ``point`` (default all ones), classified."""
    chain = Chain(depth, activation=activation)
    if depth > 4:
        raise SymgradError(f"the chain Hessian document is limited to depth 4, got {depth}")
    point = tuple(Fraction(1) for _ in range(depth)) if point is None else tuple(point)
    if len(point) != depth:
        raise SymgradError(f"{len(point)} weights given for depth {depth}")
    w = chain.weights
    f = chain.nested_expression()
    at = {wi: sympy.Rational(p.numerator, p.denominator) for wi, p in zip(w, point)}
    # the layers' values at the point, named o_i, so that the exact matrix stays readable
    values = [v.xreplace(at) for v in chain.output_values()]
    named = {v: o for v, o in zip(values, chain.outputs) if not v.is_Rational}
    back = {o: v for v, o in named.items()}
    hess = sympy.hessian(f, w).as_immutable()
    h_at = hess.xreplace(at)
    grad_at = sympy.ImmutableMatrix([sympy.diff(f, wi) for wi in w]).xreplace(at)

    def name(e):
        for v in sorted(named, key=sympy.count_ops, reverse=True):
            e = e.xreplace({v: named[v]})
        return e

    h_named = h_at.applyfunc(lambda e: sympy.factor_terms(name(sympy.expand(e))))
    same = all(sympy.expand(h_named[i, j].xreplace(back) - h_at[i, j]) == 0
               for i in range(depth) for j in range(depth))
    pt = sympy.Tuple(*[at[wi] for wi in w])
    steps_def = [Step("The chain.", "definition", sympy.Eq(sympy.Symbol("F"), f, evaluate=False)),
                 Step("The point.", "choice", sympy.Eq(sympy.Symbol("p"), pt, evaluate=False))]
    steps_def += [Step(("The value of layer ", sympy.Integer(i + 1), " at the point."),
                       "the layer map at the point", sympy.Eq(o, back[o], evaluate=False))
                  for i, o in enumerate(chain.outputs) if o in back]
    steps = [Step(("The Hessian entry ", sympy.Integer(i + 1), ", ", sympy.Integer(j + 1),
                   " at the point, in the layers' values (the matrix is symmetric)."),
                  "the second derivatives of the nested network function (SymPy), evaluated "
                  "exactly at the point; the form in the layers' values is proven equal to it "
                  "by exact expansion",
                  sympy.Eq(sympy.Symbol(f"H_{i + 1}{j + 1}"), h_named[i, j], evaluate=False),
                  same)
             for i in range(depth) for j in range(i, depth)]
    steps += _numeric_steps(h_at, depth)
    steps.append(_gradient_step(grad_at, name))
    return Document(f"The Hessian of the depth-{depth} {activation_words(activation)} chain "
                    "at a point",
                    (Section("Definitions", "", tuple(steps_def)),
                     Section("The Hessian and its classification", "", tuple(steps))),
                    "The matrix is computed exactly by SymPy and its eigenvalues are enclosed "
                    "in certified balls when this document is built.")
