"""Backpropagation for every depth and every width: the proof by induction on the depth.

The network counterpart of :mod:`symgrad.core.induction`.  A generic layer maps
o in R^n to o'_i = f(z_i) (+ o_i where residual, m = n), z_i = sum_{k=1}^n W_{i,k} o_k
+ b_i, with *symbolic* widths n and m (indexed symbols and ``Sum``), and f an
unspecified differentiable activation (or a named one).  The claim, for every depth
L >= l and every differentiable scalar h of the output o_L (a loss at one data point):

    dh/dW_l = delta_l o_{l-1}^T,   dh/db_l = delta_l,   delta_k = g_k (.) f'(z_k),
    g_L = grad h(o_L),   g_{k-1} = W_k^T delta_k (+ g_k where layer k is residual),

and, for the Jacobian, d o_L / d x = prod_k (D_k W_k) (with I + D_k W_k where residual).

What SymPy proves, with the widths symbolic: the layer's local derivatives (steps 1-2),
the contraction of the multivariable chain rule over the m outputs of a layer, which
gives the weight and bias gradients (base case) and the recursion g_{L} from g_{L+1}
(inductive step), the Jacobian recursion, and the loss gradients of the squared and
softmax cross-entropy losses for a symbolic number of outputs.  The multivariable chain
rule itself (dh/do_j = sum_i dh/do'_i do'_i/do_j) is the rule the proof uses, not
something SymPy derives for a symbolic number of arguments; the inductive step is the
observation that h composed with layer L+1 is a scalar function of o_L, to which the
hypothesis applies.  Widths are made provably large enough (j <= n) by writing
n = j + N - 1 with N >= 1, as the chain's proof does for L >= k.

>>> p = prove_backprop_induction()
>>> p.verified, len(p.steps)
(True, 7)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from symgrad.core.activations import get_activation
from symgrad.core.induction import ProofStep

__all__ = ["NetworkInductionProof", "matrix_claim", "prove_backprop_induction"]

W, O, B = sympy.IndexedBase("W"), sympy.IndexedBase("o"), sympy.IndexedBase("b")  # noqa: E741
G, Z, Y = sympy.IndexedBase("g"), sympy.IndexedBase("z"), sympy.IndexedBase("y")
JM = sympy.IndexedBase("J")
i, j, k, p, q, r = sympy.symbols("i j k p q r", integer=True, positive=True)
N_, M_ = sympy.symbols("N M", integer=True, positive=True)
n_, m_ = sympy.symbols("n m", integer=True, positive=True)
L_, l_ = sympy.symbols("L l", integer=True, positive=True)


@dataclass(frozen=True)
class NetworkInductionProof:
    """The proof as checked steps (each a :class:`~symgrad.core.induction.ProofStep`)."""

    claim: tuple[sympy.Eq, ...]
    steps: tuple[ProofStep, ...]
    activation: str
    residual: bool

    @property
    def verified(self) -> bool:
        """True when every step was verified by SymPy."""
        return all(s.verified for s in self.steps)

    def __str__(self) -> str:
        lines = ["Claim (for all L >= l, all widths):"] + [f"  {c}" for c in self.claim]
        for n, s in enumerate(self.steps, 1):
            lines.append(f"  {n}. {s.title} [{'verified' if s.verified else 'NOT VERIFIED'}]")
            lines.append(f"     {s.statement}")
            lines.append(f"     by: {s.justification}")
        lines.append("Q.E.D." if self.verified else "Proof incomplete.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        """One short line (the whole proof is ``str(proof)``)."""
        state = "verified" if self.verified else "NOT VERIFIED"
        kind = "residual" if self.residual else "plain"
        return (f"<NetworkInductionProof ({kind} layers, activation {self.activation}): "
                f"{len(self.steps)} steps, {state}; the proof: str(proof)>")


class _Layer:
    """The generic layer: n inputs, m outputs (symbolic), activation f."""

    def __init__(self, activation: str | None, residual: bool) -> None:
        self.f = (sympy.Function("f") if activation is None
                  else get_activation(activation).func)
        self.residual = residual

    def z(self, row, n):
        return sympy.Sum(W[row, k] * O[k], (k, 1, n)) + B[row]

    def out(self, row, n):
        o = self.f(self.z(row, n))
        return o + O[row] if self.residual else o

    def fprime(self, row, n):
        return _fprime(self.f, self.z(row, n))

    def shown(self, expr, rows, n):
        """``expr`` with every pre-activation sum written as z_row (for the statement)."""
        return expr.subs({self.z(row, n): Z[row] for row in rows})


def _fprime(f, arg):
    t = sympy.Dummy("t")
    return sympy.diff(f(t), t).subs(t, arg)


def _statement(lhs, rhs):
    return sympy.Eq(lhs, rhs, evaluate=False)


def _zero(expr) -> bool:
    e = sympy.expand(expr)
    return e == 0 or sympy.simplify(e) == 0


OUT = sympy.IndexedBase("o'")


def _local_steps(lay: _Layer) -> list[ProofStep]:
    """Steps 1-2: SymPy's derivatives of the generic layer (n = j + N - 1 >= j, resp.
    n = q + N - 1 >= q: the width is at least the index)."""
    n_j, n_q = j + N_ - 1, q + N_ - 1
    skip = sympy.KroneckerDelta(i, j) if lay.residual else 0
    d_in = sympy.diff(lay.out(i, n_j), O[j]).doit()
    stated_in = lay.fprime(i, n_j) * W[i, j] + skip
    d_w = sympy.diff(lay.out(i, n_q), W[p, q]).doit()
    stated_w = lay.fprime(i, n_q) * sympy.KroneckerDelta(i, p) * O[q]
    d_b = sympy.diff(lay.out(i, n_q), B[p]).doit()
    stated_b = lay.fprime(i, n_q) * sympy.KroneckerDelta(i, p)
    return [
        ProofStep("local derivative with respect to the input",
                  _statement(sympy.Derivative(OUT[i], O[j]), lay.shown(stated_in, [i], n_j)),
                  "sympy.diff of the layer map written with a Sum over the symbolic width n "
                  "(n = j + N - 1, so that j <= n)", _zero(d_in - stated_in),
                  ("SymPy differentiates the layer map, a sum over the symbolic width ", n_,
                   ", with respect to ", O[j], ", where ", sympy.Le(j, n_, evaluate=False))),
        ProofStep("local derivatives with respect to the weights and the bias",
                  _statement(sympy.Derivative(OUT[i], W[p, q]), lay.shown(stated_w, [i], n_q)),
                  "sympy.diff of the layer map; the bias derivative is f'(z_i) delta_{ip}",
                  _zero(d_w - stated_w) and _zero(d_b - stated_b),
                  ("SymPy differentiates the layer map with respect to ", W[p, q], " and ",
                   B[p], "; the bias gives ", lay.shown(stated_b, [i], n_q))),
    ]


def _contraction_steps(lay: _Layer) -> list[ProofStep]:
    """Base case (weight and bias gradients) and the backward recursion, by contracting the
    chain rule over the m outputs with SymPy (m = p + M - 1 >= p; n = j + N - 1 >= j)."""
    n_q, m_p, n_j, m_j = q + N_ - 1, p + M_ - 1, j + N_ - 1, j + M_ - 1
    delta = G[p] * lay.fprime(p, n_q)
    w_sum = sympy.Sum(G[i] * sympy.diff(lay.out(i, n_q), W[p, q]), (i, 1, m_p)).doit()
    b_sum = sympy.Sum(G[i] * sympy.diff(lay.out(i, n_q), B[p]), (i, 1, m_p)).doit()
    # the gradient of h o layer with respect to o_j: step 1's local derivative, contracted
    local = lay.fprime(i, n_j) * W[i, j] + (sympy.KroneckerDelta(i, j) if lay.residual else 0)
    back = sympy.Sum(G[i] * local, (i, 1, m_j)).doit()
    stated_back = sympy.Sum(W[i, j] * G[i] * lay.fprime(i, n_j), (i, 1, m_j)) + (
        G[j] if lay.residual else 0)
    h = sympy.Function("h")
    shown_back = sympy.Sum(W[i, j] * G[i] * _fprime(lay.f, Z[i]), (i, 1, m_)) + (
        G[j] if lay.residual else 0)
    return [
        ProofStep("base case L = l: weight and bias gradients",
                  _statement(sympy.Derivative(h(OUT), W[p, q]),
                             G[p] * _fprime(lay.f, Z[p]) * O[q]),
                  "chain rule over the m outputs o'_i of layer l with g_i = dh/do'_i: SymPy "
                  "evaluates sum_i g_i do'_i/dW_pq = g_p f'(z_p) o_q = (delta o^T)_pq, and "
                  "sum_i g_i do'_i/db_p = delta_p (m = p + M - 1 >= p)",
                  _zero(w_sum - delta * O[q]) and _zero(b_sum - delta),
                  ("the chain rule over the ", m_, " outputs of layer ", l_, " with ",
                   sympy.Eq(G[i], sympy.Derivative(h(OUT), OUT[i]), evaluate=False),
                   "; SymPy evaluates the sum over the symbolic width, leaving the "
                   "entry of the outer product of the delta and the layer's input")),
        ProofStep("inductive step: the backward recursion",
                  _statement(sympy.Derivative(h(OUT), O[j]), shown_back),
                  "h composed with layer L+1 is a scalar function of o_L, so the hypothesis "
                  "applies to it with g_L = its gradient; SymPy evaluates that gradient, "
                  "sum_i g_i do'_i/do_j over the symbolic width m, to (W^T delta)_j (+ g_j "
                  "where residual), the recursion's g_L",
                  _zero(back - stated_back),
                  ("the output function composed with layer ", L_ + 1, " is a function of ",
                   O[L_], ", so the hypothesis applies to it; SymPy evaluates its gradient "
                   "over the symbolic width to the recursion's next adjoint")),
    ]


def _jacobian_step(lay: _Layer) -> ProofStep:
    """J_{L+1} = (D W (+ I)) J_L, entrywise over a symbolic width n (n = i + N - 1)."""
    n_i = i + N_ - 1
    local = lay.fprime(i, n_i) * W[i, j] + (sympy.KroneckerDelta(i, j) if lay.residual else 0)
    lhs = sympy.Sum(local * JM[j, r], (j, 1, n_i)).doit()
    rhs = lay.fprime(i, n_i) * sympy.Sum(W[i, j] * JM[j, r], (j, 1, n_i)) + (
        JM[i, r] if lay.residual else 0)
    shown = rhs.subs({lay.fprime(i, n_i): _fprime(lay.f, Z[i]), N_: n_ - i + 1})
    return ProofStep("Jacobian recursion",
                     _statement(sympy.Derivative(OUT[i], sympy.IndexedBase("x")[r]), shown),
                     "chain rule: sum_j do'_i/do_j J_jr, evaluated by SymPy over the symbolic "
                     "width n, is the entry (D W J (+ J))_ir; with J_0 = I this gives the "
                     "product of the factors D_k W_k (I + D_k W_k where residual)",
                     _zero(lhs - rhs),
                     ("the chain rule for the input-output derivative, with ",
                      sympy.Eq(JM[j, r], sympy.Derivative(O[j], sympy.IndexedBase("x")[r]),
                               evaluate=False),
                      ", summed by SymPy over the symbolic width; starting from the identity "
                      "matrix this is the product of the layer factors"))


def _loss_steps() -> list[ProofStep]:
    """g_L for the squared loss and delta_L for softmax cross-entropy, m outputs symbolic."""
    m_j = j + M_ - 1
    sq = sympy.Sum((O[i] - Y[i]) ** 2, (i, 1, m_j)) / 2
    d_sq = sympy.diff(sq, O[j]).doit()
    total = sympy.Sum(sympy.exp(Z[k]), (k, 1, m_j))
    ce = -sympy.Sum(Y[i] * sympy.log(sympy.exp(Z[i]) / total), (i, 1, m_j))
    d_ce = sympy.diff(ce, Z[j]).doit()
    stated = sympy.Sum(Y[i], (i, 1, m_j)) * sympy.exp(Z[j]) / total - Y[j]
    named = {M_: m_ - j + 1}
    return [ProofStep("the output adjoints of the losses",
                      _statement(sympy.Derivative(ce.subs(named), Z[j]), stated.subs(named)),
                      "sympy.diff over a symbolic number m of outputs: squared loss gives "
                      "o_j - y_j; softmax cross-entropy gives (sum y) softmax_j(z) - y_j",
                      _zero(d_sq - (O[j] - Y[j])) and _zero(d_ce - stated),
                      ("SymPy differentiates the losses written with sums over a symbolic "
                       "number of outputs ", m_, "; the squared loss gives ", O[j] - Y[j]))]


def matrix_claim(residual: bool = False) -> tuple[sympy.Eq, ...]:
    """The claim in matrix form, with matrix symbols of symbolic sizes (m x n layers;
    D_l = diag(f'(z_l)); J_l = d o_l / d x).

    >>> matrix_claim()[0]
    Eq(Derivative(h(o_L), W_l), delta_l*o_{l-1}.T)
    """
    m, n = (n_, n_) if residual else (m_, n_)
    Wl, d = sympy.MatrixSymbol("W_l", m, n), sympy.MatrixSymbol("delta_l", m, 1)
    prev, g = sympy.MatrixSymbol("o_{l-1}", n, 1), sympy.MatrixSymbol("g_l", m, 1)
    D = sympy.MatrixSymbol("D_l", m, m)
    h = sympy.Function("h")(sympy.MatrixSymbol("o_L", sympy.Symbol("n_L"), 1))
    back = Wl.T * d + g if residual else Wl.T * d
    # the identity as a named matrix I (sympy.Identity prints with \mathbb, not amsmath)
    factor = sympy.MatrixSymbol("I", m, m) + D * Wl if residual else D * Wl
    J = sympy.MatrixSymbol("J_l", m, sympy.Symbol("n_0")), sympy.MatrixSymbol(
        "J_{l-1}", n, sympy.Symbol("n_0"))
    eq = sympy.Eq
    return (eq(sympy.Derivative(h, Wl, evaluate=False), d * prev.T, evaluate=False),
            eq(sympy.Derivative(h, sympy.MatrixSymbol("b_l", m, 1), evaluate=False), d,
               evaluate=False),
            eq(d, D * g, evaluate=False),
            eq(sympy.MatrixSymbol("g_{l-1}", n, 1), back, evaluate=False),
            eq(J[0], factor * J[1], evaluate=False))


def prove_backprop_induction(activation: str | None = None, *,
                             residual: bool = False) -> NetworkInductionProof:
    """Prove the backprop recursion for all depths and symbolic widths (module doc).

    ``activation``: a registry name, or None for an unspecified differentiable f.

    >>> prove_backprop_induction("tanh", residual=True).verified
    True
    """
    lay = _Layer(activation, residual)
    claim = matrix_claim(residual)
    steps = _local_steps(lay) + _contraction_steps(lay)
    steps.append(ProofStep(
        "conclusion: the recursion holds at depth L + 1",
        _statement(sympy.Derivative(sympy.Function("h")(O[L_ + 1]), W[l_, p, q]),
                   G[l_, p] * _fprime(lay.f, Z[l_, p]) * O[l_ - 1, q]),
        "by the hypothesis at depth L applied to h composed with layer L+1, whose gradient "
        "is the recursion's g_L (previous step); layers below L+1 are unchanged",
        all(s.verified for s in steps),
        ("the hypothesis at depth ", L_, " applied to the composed function, whose gradient "
         "is the recursion's adjoint by the previous step")))
    steps.append(_jacobian_step(lay))
    steps.extend(_loss_steps())
    name = activation or "f"
    return NetworkInductionProof(claim, tuple(steps), name, residual)
