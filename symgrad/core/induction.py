"""Closed form of dF/dw_k for a symbolic depth L, and its proof by induction.

With indexed symbols w[i], o[i] (and b[i]) and the layer map
o[i] = act(w[i]*o[i-1] + b[i]), the chain rule gives, for L >= k,

    dF_L/dw_k = o[k-1] * act'(z_k) * Product(w[i]*act'(z_i), (i, k+1, L))

(in the seed form, k = 1: ``Product(w[i]*act'(w[i]*o[i-1]), (i, 2, L))``).
:func:`prove_closed_form` checks this by induction on L:

* base case L = k: SymPy differentiates the single layer k;
* inductive step L -> L+1: F_{L+1} = act(w[L+1] * O(w_k)) with O an abstract
  function standing for o_L; SymPy differentiates it (the step's left side is
  dF_{L+1}/dw_k, with F an indexed symbol), the hypothesis is
  substituted for O', and the result is shown equal to the claim at L+1 by
  exact expansion plus SymPy's ``product_simplify`` joining the ranges
  (k+1..L) and (L+1..L+1).

Every step records whether SymPy verified it, its justification as text, and
(``reason``) the same justification as prose parts, words and SymPy objects, for
the documents to print as words and math; the proof prints as text and renders
in Jupyter.  This module imports SymPy only.

>>> p = prove_closed_form("sigmoid")
>>> p.verified
True
>>> print(p.claim.rhs)
Product((1 - sigmoid(o[i - 1]*w[i]))*sigmoid(o[i - 1]*w[i])*w[i], (i, 2, L))
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.simplify.simplify import product_simplify

from symgrad.base import reprs
from symgrad.core.activations import get_activation
from symgrad.core.chain import Chain

__all__ = [
    "F_",
    "InductionProof",
    "ProofStep",
    "closed_form_partial",
    "indexed_to_named",
    "prove_closed_form",
    "symbolic_closed_form",
]

W, O, B = sympy.IndexedBase("w"), sympy.IndexedBase("o"), sympy.IndexedBase("b")  # noqa: E741
#: the network's output at depth n is ``F_[n]`` (F_{L+1} in the inductive step)
F_ = sympy.IndexedBase("F")
I_ = sympy.Symbol("i", integer=True, positive=True)
L_ = sympy.Symbol("L", integer=True, positive=True)
K_ = sympy.Symbol("k", integer=True, positive=True)


def _pre(j, bias: bool):
    z = W[j] * O[j - 1]
    return z + B[j] if bias else z


def _local_template(activation: str, bias: bool):
    """SymPy's derivatives of the generic layer map, as functions of the index."""
    act = get_activation(activation)
    ov, wv, bv = sympy.Dummy("o"), sympy.Dummy("w"), sympy.Dummy("b")
    out = act(wv * ov + (bv if bias else 0))
    d_prev, d_w = sympy.diff(out, ov), sympy.diff(out, wv)

    def at(expr, j):
        sub = {ov: O[j - 1], wv: W[j]}
        if bias:
            sub[bv] = B[j]
        return expr.xreplace(sub)

    return (lambda j: at(d_prev, j)), (lambda j: at(d_w, j))


def symbolic_closed_form(activation: str = "sigmoid", *, form: str = "seed",
                         bias: bool = False, k: sympy.Expr | int = 1,
                         depth: sympy.Expr | int = L_) -> sympy.Expr:
    """dF/dw_k for the (symbolic or concrete) depth ``depth``, from SymPy's local derivatives.

    >>> symbolic_closed_form("tanh", k=1)
    Product((1 - tanh(o[i - 1]*w[i])**2)*w[i], (i, 2, L))
    """
    d_prev, d_w = _local_template(activation, bias)
    head = sympy.S.One if (form == "seed" and k == 1) else d_w(k)
    return head * sympy.Product(d_prev(I_), (I_, k + 1, depth))


def closed_form_partial(chain: Chain, k: int) -> sympy.Expr:
    """The closed form for a concrete chain (o[0] is the input ``x`` in the general form)."""
    expr = symbolic_closed_form(chain.activation, form=chain.form, bias=chain.bias, k=k,
                                depth=chain.depth)
    if chain.form == "general":
        expr = expr.xreplace({O[0]: sympy.Symbol("x")})
    return expr


def indexed_to_named(expr: sympy.Expr, chain: Chain) -> sympy.Expr:
    """Evaluate Products and map w[i], b[i], o[i] to the chain's symbols w_i, b_i, o_i."""
    done = expr.doit()
    sub: dict = {}
    for j in range(1, chain.depth + 1):
        sub[W[j]] = chain.weights[j - 1]
        sub[O[j]] = chain.outputs[j - 1]
        if chain.bias:
            sub[B[j]] = chain.biases[j - 1]
    return done.xreplace(sub)


@dataclass(frozen=True)
class ProofStep:
    """One step: what is claimed, why, and whether SymPy verified it; ``reason`` is the
    justification as prose parts (strings and SymPy objects, see
    :mod:`symgrad.interfaces.documents.model`)."""

    title: str
    statement: sympy.Basic
    justification: str
    verified: bool
    reason: tuple = ()


@dataclass(frozen=True)
class InductionProof:
    """A proof by induction on L, as a list of checked steps."""

    claim: sympy.Basic
    steps: tuple[ProofStep, ...]
    activation: str
    form: str
    k: int | sympy.Expr

    @property
    def verified(self) -> bool:
        """True when every step was verified by SymPy."""
        return all(s.verified for s in self.steps)

    def __str__(self) -> str:
        lines = [f"Claim (for all L >= {self.k}): {self.claim}"]
        for n, s in enumerate(self.steps, 1):
            mark = "verified" if s.verified else "NOT VERIFIED"
            lines.append(f"  {n}. {s.title} [{mark}]")
            lines.append(f"     {s.statement}")
            lines.append(f"     by: {s.justification}")
        lines.append("Q.E.D." if self.verified else "Proof incomplete.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        """One short line at any size (:mod:`symgrad.present.core_reprs`)."""
        return reprs.render(self, "text") or f"<{type(self).__name__}>"

    def _repr_latex_(self) -> str | None:
        """Jupyter: the claim and the numbered steps (:mod:`symgrad.present.core_reprs`)."""
        return reprs.render(self, "latex")


def _zero(expr: sympy.Expr) -> bool:
    return sympy.expand(expr) == 0


def _joins(factor, k) -> sympy.Expr | None:
    """Product(factor, (k+1..L)) * Product(factor, (L+1..L+1)) == Product(factor, (k+1..L+1)),
    checked by SymPy: the single factor evaluates to factor(L+1) and ``product_simplify``
    joins the adjacent ranges.  Returns the joined product, or None if a check fails."""
    single = sympy.Product(factor(I_), (I_, L_ + 1, L_ + 1))
    joined = product_simplify(sympy.Product(factor(I_), (I_, k + 1, L_)) * single, deep=False)
    ok_single = _zero(single.doit() - factor(L_ + 1))
    ok = ok_single and joined == sympy.Product(factor(I_), (I_, k + 1, L_ + 1))
    return joined if ok else None


def _product_step(act, factor, target, stated, k, bias: bool) -> ProofStep:
    """Step (3), the product recurrence.  The identity holds for *any* factor, so when SymPy
    cannot match the concrete factor (a Piecewise act', whose product ``doit`` rearranges),
    it is proved with act' replaced by an opaque function ``Dact``, and SymPy checks that
    instantiating Dact := act' in the joined product gives the stated one.

    >>> f = sympy.Function("f")
    >>> _joins(lambda j: W[j] * f(_pre(j, False)), 1)
    Product(f(o[i - 1]*w[i])*w[i], (i, 2, L + 1))
    """
    why = ("Product over (L+1..L+1) evaluates to the new factor, and sympy's product_simplify "
           "joins the adjacent ranges into (k+1..L+1)")
    reason: tuple = ("the product with ", sympy.Eq(I_, L_ + 1, evaluate=False),
                     " alone is the new factor, and "
                     "SymPy joins the adjacent ranges of the index, from ", sympy.S(k) + 1,
                     " to ", L_, " and from ", L_ + 1, " to ", L_ + 1, ", into one from ",
                     sympy.S(k) + 1, " to ", L_ + 1)
    ok = _joins(factor, k) is not None
    if not ok:
        dact = sympy.Function("Dact")
        joined = _joins(lambda j: W[j] * dact(_pre(j, bias)), k)
        inst = None if joined is None else joined.replace(dact, act.derivative)
        ok = inst == sympy.Product(factor(I_), (I_, k + 1, L_ + 1))
        why += ("; proved with act' replaced by an opaque function Dact (the identity holds "
                "for every factor; here act' is piecewise), then Dact := act' instantiated")
        reason += ("; the joining holds for every factor, so it is proved with the "
                   "activation's derivative replaced by an unspecified function, which is then "
                   "set to the derivative (here piecewise)",)
    return ProofStep("inductive step: product recurrence",
                     sympy.Eq(target, stated, evaluate=False), why, bool(ok), reason)


def _chain_rule_step(act, factor, rhs, k, bias: bool) -> tuple[ProofStep, sympy.Expr]:
    """Step (2), the inductive chain rule, and the product it yields (step (3)'s left side)."""
    # (2) inductive step: differentiate F_{L+1} = act(w[L+1]*O(w_k) + b[L+1]).
    # The step assumes L >= k; SymPy learns it by writing L = M + k - 1, M >= 1,
    # so that it can decide by itself that w[L+1] is not w[k].
    M = sympy.Symbol("M", integer=True, positive=True)
    Lk = M + k - 1
    Ofun = sympy.Function("o_L")(W[k])
    F_next = act(W[Lk + 1] * Ofun + (B[Lk + 1] if bias else 0))
    d_next = sympy.diff(F_next, W[k])
    hyp = rhs(Lk)
    after = d_next.subs(sympy.Derivative(Ofun, W[k]), hyp).xreplace({Ofun: O[Lk]})
    target = hyp * factor(Lk + 1)
    no_leftover = not after.has(sympy.Derivative) and not after.has(Ofun)
    ok_step = bool(no_leftover and _zero(after - target))
    after, target = after.subs(M, L_ - k + 1), hyp.subs(M, L_ - k + 1) * factor(L_ + 1)
    reason = ("the output at depth ", L_ + 1, " is ",
              sympy.Eq(F_[L_ + 1], act(W[L_ + 1] * O[L_] + (B[L_ + 1] if bias else 0)),
                       evaluate=False),
              ", where ", O[L_], " depends on ", W[k], "; the chain rule, then the induction "
              "hypothesis for ", sympy.Derivative(O[L_], W[k]), "; ", W[L_ + 1],
              " does not depend on ", W[k], " since ", sympy.Gt(L_ + 1, k, evaluate=False))
    return ProofStep(
        "inductive step: chain rule",
        sympy.Eq(sympy.Derivative(F_[L_ + 1], W[k]), after, evaluate=False),
        "F_{L+1} = act(w[L+1]*o_L(w_k)); sympy.diff, then the hypothesis substituted "
        "for do_L/dw_k; w[L+1] does not depend on w_k since L+1 > k",
        ok_step, reason,
    ), target


def prove_closed_form(activation: str = "sigmoid", *, form: str = "seed", bias: bool = False,
                      k: int = 1) -> InductionProof:
    """Prove the closed form of dF/dw_k for all depths L >= k by induction.

    ``k`` is a concrete layer index or the symbol ``K_`` (any layer k; in the
    seed form that means k >= 2, since layer 1 is the identity); the claim is
    for the symbolic depth L >= k.

    >>> prove_closed_form("tanh", form="general", k=K_).verified
    True
    """
    act = get_activation(activation)
    identity_first = form == "seed" and k == 1
    # the claim, assembled as the text states it: o_{k-1} act'(z_k) prod w_i act'(z_i)
    def factor(j):
        return W[j] * act.derivative(_pre(j, bias))

    head = sympy.S.One if identity_first else O[k - 1] * act.derivative(_pre(k, bias))
    if form == "general" and k == 1:
        head = head.xreplace({O[0]: sympy.Symbol("x")})

    def rhs(depth):
        return head * sympy.Product(factor(I_), (I_, k + 1, depth))

    claim = sympy.Eq(sympy.Derivative(sympy.Symbol("F_L"), W[k]), rhs(L_))
    steps: list[ProofStep] = []

    # (0) the closed form agrees with SymPy's own layer derivative
    derived = symbolic_closed_form(act.name, form=form, bias=bias, k=k)
    if form == "general" and k == 1:
        derived = derived.xreplace({O[0]: sympy.Symbol("x")})
    same = derived == rhs(L_) or _zero(derived - rhs(L_))
    steps.append(ProofStep(
        "derived = stated",
        sympy.Eq(derived, rhs(L_), evaluate=False),
        "the layer-wise chain rule's closed form (local derivatives from sympy.diff) "
        "equals the stated formula",
        bool(same),
        ("the closed form of the layer-wise chain rule, with the local derivatives "
         "differentiated by SymPy, is the stated formula",),
    ))

    # (1) base case L = k
    prev = sympy.S.One if form == "seed" and k == 1 else (
        sympy.Symbol("x") if k == 1 else O[k - 1])
    layer_k = W[k] * prev if identity_first else act(
        W[k] * prev + (B[k] if bias else 0))
    base_lhs = sympy.diff(layer_k, W[k])
    base_rhs = rhs(k).doit()
    reason: tuple = ("at depth ", sympy.S(k), " the output is ",
                     sympy.Eq(F_[k], layer_k, evaluate=False), "; differentiating gives ",
                     base_lhs, ", and the claim at ", sympy.Eq(L_, k, evaluate=False),
                     " gives ", base_rhs, " (an empty product is 1)")
    if not prev.is_Number:
        reason += ("; ", prev, " does not depend on ", W[k])
    steps.append(ProofStep(
        f"base case L = {k}",
        sympy.Eq(sympy.Derivative(F_[k], W[k]), base_lhs, evaluate=False),
        f"F_{k} = o_{k} = {layer_k}; sympy.diff gives {base_lhs}; the claim gives {base_rhs} "
        f"(empty product = 1); o[{k - 1}] does not depend on w[{k}]",
        _zero(base_lhs - base_rhs), reason,
    ))

    step, target = _chain_rule_step(act, factor, rhs, k, bias)
    steps.append(step)

    # (3) joining the product ranges (k+1..L) and (L+1..L+1)
    steps.append(_product_step(act, factor, target, rhs(L_ + 1), k, bias))
    return InductionProof(claim, tuple(steps), act.name, form, k)
