"""Derivation documents for the gradient of a chain: :func:`chain_document`.

Every equation comes from symgrad's computation objects: the layer maps
(:class:`~symgrad.core.chain.Chain`), the local derivatives and product form
(:func:`~symgrad.core.derive.derive_layerwise`), the closed form and its proof by
induction (:mod:`symgrad.core.induction`), the supremum of sigma'
(:func:`~symgrad.core.activations.derivative_supremum`) and the bound
(:mod:`symgrad.core.bounds`).  Steps that SymPy checks carry ``verified``.

Chains deeper than :data:`PRINT_CAP` layers are not written out layer by
layer: the document gives the general layer and the ``Product`` notation and
says so, so its size does not grow with the depth.

>>> from symgrad.core.chain import Chain
>>> doc = chain_document(Chain(3), [1])
>>> doc.verified
True
>>> len(chain_document(Chain(100_000), "all").render("latex")) < 20_000
True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import sympy

from symgrad.base.errors import SymgradError
from symgrad.core.activations import derivative_supremum
from symgrad.core.bounds import gradient_bound, symbolic_bound
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise, derive_naive, exact_equal, verify_stated_form
from symgrad.core.induction import I_, K_, L_, B, O, W, indexed_to_named, prove_closed_form
from symgrad.interfaces.documents.latex_layout import display_width, fits
from symgrad.interfaces.documents.model import Document, Section, Step
from symgrad.interfaces.documents.supremum import supremum_section
from symgrad.interfaces.documents.words import activation_words, chain_words
from symgrad.present.latex import latex

__all__ = [
    "EXPAND_CAP",
    "PRINT_CAP",
    "bound_section",
    "chain_document",
    "induction_section",
    "supremum_section",
]

#: Chains up to this depth are written out layer by layer; deeper ones use Product notation.
PRINT_CAP = 12
#: Up to this depth dF/dw_k is also written out in the weights alone (and checked
#: against sympy.diff of the nested F).
EXPAND_CAP = 4
F_ = sympy.Symbol("F")
S_ = sympy.Symbol("s")
#: a supremum power printed wider than this is written as a power of s instead
NUMBER_WIDTH = 24


@lru_cache(maxsize=64)
def _proof(activation: str, form: str, bias: bool, k):
    """prove_closed_form, cached: a proof depends only on these (takes about a second)."""
    return prove_closed_form(activation, form=form, bias=bias, k=k)


def _generic_pre(chain: Chain, i: sympy.Expr) -> sympy.Expr:
    z = W[i] * O[i - 1]
    return z + B[i] if chain.bias else z


def _definitions(chain: Chain) -> Section:
    steps = []
    big = chain.depth > PRINT_CAP
    shown = [1, 2] if big else list(range(1, chain.depth + 1))
    for i in shown:
        lay = chain.layer(i)
        how = (("the first layer is the identity, as in the text: ",
                sympy.Eq(lay.output, lay.weight, evaluate=False))
               if lay.activation is None else
               f"the layer map with the {activation_words(chain.activation)} activation")
        steps.append(Step(("Layer ", sympy.Integer(i), "."), how,
                          sympy.Eq(lay.output, lay.expression, evaluate=False)))
    if big:
        steps.append(Step(
            ("Every further layer ", sympy.Le(3, I_), ", ", sympy.Le(I_, chain.depth), "."),
            "the same layer map, written with indexed symbols",
            sympy.Eq(O[I_], chain.act(_generic_pre(chain, I_)), evaluate=False)))
    steps.append(Step("The output of the network is the output of the last layer.",
                      "definition (the loss is ignored, as in the text)",
                      sympy.Eq(F_, chain.outputs[-1], evaluate=False)))
    prose = (f"The {chain_words(chain)}: every layer has one neuron. ")
    if big:
        prose += (f"The depth {chain.depth} is above the print cap of {PRINT_CAP} layers, so the "
                  "layers are not written out one by one; the general layer and the product "
                  "notation are used instead, which are exact and do not grow with the depth.")
    return Section("The chain", prose.strip(), tuple(steps))


def _local_section(chain: Chain) -> Section:
    d = derive_layerwise(chain)
    check = derive_layerwise(chain, template=False)
    steps = []
    if chain.depth > PRINT_CAP:
        pre = _generic_pre(chain, I_)
        out = chain.act(pre)
        steps.append(Step("The derivative of a layer with respect to its input.",
                          "SymPy's derivative of the general layer map",
                          sympy.Eq(sympy.Derivative(O[I_], O[I_ - 1]),
                                   sympy.diff(out, O[I_ - 1]), evaluate=False)))
        steps.append(Step("The derivative of a layer with respect to its weight.",
                          "SymPy's derivative of the general layer map",
                          sympy.Eq(sympy.Derivative(O[I_], W[I_]), sympy.diff(out, W[I_]),
                                   evaluate=False)))
        return Section("Local derivatives", "Each layer differentiated on its own.", tuple(steps))
    for i in range(1, chain.depth + 1):
        loc, ref = d.local(i), check.local(i)
        lay = loc.layer
        why = ("SymPy's derivative of the layer map; differentiating this layer directly gives "
               "exactly the same")
        if lay.prev.is_Symbol:
            steps.append(Step(("Layer ", sympy.Integer(i), " with respect to its input."), why,
                              sympy.Eq(sympy.Derivative(lay.output, lay.prev), loc.d_prev,
                                       evaluate=False), exact_equal(loc.d_prev, ref.d_prev)))
        steps.append(Step(("Layer ", sympy.Integer(i), " with respect to its weight."), why,
                          sympy.Eq(sympy.Derivative(lay.output, lay.weight), loc.d_weight,
                                   evaluate=False), exact_equal(loc.d_weight, ref.d_weight)))
        if lay.bias is not None:
            steps.append(Step(("Layer ", sympy.Integer(i), " with respect to its bias."), why,
                              sympy.Eq(sympy.Derivative(lay.output, lay.bias), loc.d_bias,
                                       evaluate=False), exact_equal(loc.d_bias, ref.d_bias)))
    return Section("Local derivatives",
                   ("Each layer map is differentiated on its own, with the outputs ", O[I_],
                    " of the other layers kept as named symbols."), tuple(steps))


def _partial_section(chain: Chain, k: int) -> Section:
    d = derive_layerwise(chain)
    wk = chain.weights[k - 1]
    lhs = sympy.Derivative(F_, wk)
    steps = []
    if chain.depth <= PRINT_CAP:
        factors = [sympy.Derivative(chain.outputs[i - 1], chain.outputs[i - 2])
                   for i in range(chain.depth, k, -1)]
        factors.append(sympy.Derivative(chain.outputs[k - 1], wk))
        chain_rule = sympy.Mul(*factors, evaluate=False) if len(factors) > 1 else factors[0]
        steps.append(Step(
            (F_, " depends on ", wk, " only through ", chain.outputs[k - 1], "."),
            f"the chain rule, applied once per layer from the output back to layer {k}",
            sympy.Eq(lhs, chain_rule, evaluate=False)))
        steps.append(Step(
            "Substituting the local derivatives.",
            "the product of the local derivatives above; SymPy proves it equal to the formula "
            "as the text states it, by exact expansion",
            sympy.Eq(lhs, d.partial(k), evaluate=False), verify_stated_form(d, k)))
        if chain.depth <= EXPAND_CAP:
            steps.append(_expanded_step(chain, d, k, lhs))
        closed = d.closed_form(k)
        steps.append(Step(
            "In product notation.",
            "the closed form for every depth (proved by induction on the depth), evaluated at "
            "this depth and proven equal to the product above (exact)",
            sympy.Eq(sympy.Derivative(F_, W[k]), closed, evaluate=False),
            exact_equal(indexed_to_named(closed, chain), d.partial(k))))
    else:
        # for k >= 2 (any k in the general form) the proof for a general index k covers it
        general = not (chain.form == "seed" and k == 1)
        proof = _proof(chain.activation, chain.form, chain.bias, K_ if general else 1)
        steps.append(Step(
            "In product notation (the depth is above the print cap).",
            "the closed form, proved for every depth by induction on the depth",
            sympy.Eq(sympy.Derivative(F_, W[k]), d.closed_form(k), evaluate=False),
            proof.verified))
    return Section(f"The derivative with respect to the weight of layer {k}", "", tuple(steps))


def _expanded_step(chain: Chain, d, k: int, lhs) -> Step:
    """dF/dw_k in the weights alone; when it cannot be broken into lines that fit the
    page (a long nested argument), the step says so instead of printing it."""
    expanded = d.expanded(d.partial(k))
    eq = sympy.Eq(lhs, expanded, evaluate=False)
    why = ("substitution of the layer maps; equal to SymPy's derivative of the nested network "
           "function (exact expansion)")
    ok = exact_equal(derive_naive(chain, k), expanded)
    if fits(eq):
        return Step(("The same in the weights alone (the outputs ", O[I_], " written out)."),
                    why, eq, ok)
    return Step(("The same in the weights alone (the outputs ", O[I_], " written out) was "
                 "computed and checked; its nested arguments are too wide to print on a page."),
                why, None, ok)


def _general_k_section(chain: Chain) -> Section:
    """dF/dw_k for every k at once (when too many k are asked for)."""
    from symgrad.core.induction import symbolic_closed_form

    first = 2 if chain.form == "seed" else 1
    proof = _proof(chain.activation, chain.form, chain.bias, K_)
    expr = symbolic_closed_form(chain.activation, form=chain.form, bias=chain.bias, k=K_,
                                depth=chain.depth)
    step = Step(("For every layer ", sympy.Le(first, K_), ", ", sympy.Le(K_, chain.depth), "."),
                "the closed form for a general index k, proved by induction on the depth",
                sympy.Eq(sympy.Derivative(F_, W[K_]), expr, evaluate=False), proof.verified)
    return Section("The derivative with respect to every weight",
                   (f"Listing the derivatives one by one would exceed the print cap of "
                    f"{PRINT_CAP}; one formula with a general index ", K_,
                    " covers them all."), (step,))


def bound_section(chain: Chain, ks: Sequence[int], symbolic: bool) -> Section:
    """|dF/dw_k| <= ... for the chain (and, optionally, for a symbolic depth L)."""
    sup = derivative_supremum(chain.activation)
    steps = []
    every: tuple = ("Every factor is at most its weight's absolute value times ", S_)
    for k in ks:
        lhs = sympy.Abs(sympy.Derivative(F_, chain.weights[k - 1]))
        if chain.depth <= PRINT_CAP:
            rhs = _with_s(gradient_bound(chain, k).expression, sup.value)
        else:
            # a symbolic L (set to the depth in the statement): s**99999 would have 60206 digits
            head_act = not (chain.form == "seed" and k == 1)
            head = sympy.Abs(chain.input if k == 1 else O[k - 1])
            lhs = sympy.Abs(sympy.Derivative(F_, W[k]))
            power = L_ - k + (1 if head_act else 0)
            s_power = sup.value**power
            if display_width(latex(s_power)) > NUMBER_WIDTH:
                s_power = S_**power
            rhs = ((head if head_act else 1) * sympy.Product(sympy.Abs(W[I_]), (I_, k + 1, L_))
                   * s_power)
            steps.append(Step(
                (*every, "; here ", sympy.Eq(L_, chain.depth, evaluate=False), "."),
                "in the product form each factor is a weight times the activation's derivative, "
                "at most the weight's absolute value times s; a leading factor (the previous "
                "output times the derivative) is at most that output's absolute value times s",
                sympy.Le(lhs, rhs, evaluate=False)))
            continue
        steps.append(Step(
            (*every, "."),
            "in the product form each factor is a weight times the activation's derivative, "
            "at most the weight's absolute value times s; a leading factor (the previous "
            "output times the derivative) is at most that output's absolute value times s",
            sympy.Le(lhs, rhs, evaluate=False)))
    if symbolic and chain.form == "seed":
        steps.append(Step(("For a symbolic depth ", L_, " (seed chain, first weight)."),
                          "the same bound on the closed form proved by induction",
                          sympy.Le(sympy.Abs(sympy.Derivative(F_, W[1])),
                                   symbolic_bound(chain.activation), evaluate=False)))
    closing: tuple = ()
    if sup.value < 1:
        closing = ("With ", sympy.Eq(S_, sup.value, evaluate=False), " every "
                   "layer multiplies the bound by its weight's absolute value times s, which is "
                   "less than 1 unless that absolute value is at least ", 1 / sup.value,
                   ": the gradient vanishes geometrically with the depth. (The text's weaker "
                   "statement, that the derivative lies between 0 and 1, would not show this.)")
    return Section("The bound", "", tuple(steps), closing)


def induction_section(chain: Chain, ks: Sequence) -> Section:
    """The proofs by induction on the depth L, one per k, as steps with verified flags."""
    steps = []
    for k in ks:
        proof = _proof(chain.activation, chain.form, chain.bias, k)
        steps.append(Step(("Claim, for every depth ", sympy.Ge(L_, k, evaluate=False), "."),
                          "proved by the steps below (Q.E.D.)" if proof.verified
                          else "proof incomplete", proof.claim, proof.verified))
        steps.extend(Step(_proof_title(s.title, k), s.reason or s.justification, s.statement,
                          s.verified) for s in proof.steps)
    return Section("Proof by induction on the depth",
                   "The closed form holds for every depth L, not only the one above.",
                   tuple(steps))


def _proof_title(title: str, k) -> tuple:
    """A proof step's title in words (the base case names its depth as math)."""
    if title.startswith("base case"):
        return ("Base case ", sympy.Eq(L_, k, evaluate=False), ".")
    if title == "derived = stated":
        return ("The closed form derived from the local derivatives is the stated one.",)
    return (f"{title[:1].upper()}{title[1:]}.",)


def _with_s(bound: sympy.Expr, s_value: sympy.Expr) -> sympy.Expr:
    """The bound with its power of the supremum written as a power of s when the number
    would be wide (a 30-digit supremum to the 7th power has over 200 digits)."""
    coeff, rest = bound.as_coeff_Mul()
    if display_width(latex(coeff)) <= NUMBER_WIDTH:
        return bound
    for n in range(1, 4 * len(bound.free_symbols) + 4):
        if s_value**n == coeff:
            return S_**n * rest
    return bound


def _normalise_wrt(chain: Chain, wrt) -> list[int]:
    if isinstance(wrt, str):
        if wrt.strip().lower() != "all":
            raise SymgradError(f"wrt '{wrt}' is not 'all' or a list of layers",
                               hint="pass [1], [2, 5] or 'all'")
        return list(range(1, chain.depth + 1))
    ks = sorted(set(wrt))
    for k in ks:
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= chain.depth:
            raise SymgradError(f"--wrt {k} is outside 1..{chain.depth}",
                               hint="choose a layer of the chain")
    if not ks:
        raise SymgradError("no layer to differentiate with respect to", hint="pass --wrt 1")
    return ks


def chain_document(chain: Chain, wrt: Sequence[int] | str = (1,), symbolic_depth: bool = False,
                   *, title: str | None = None) -> Document:
    """The derivation of dF/dw_k for ``chain`` and every k in ``wrt`` (or ``"all"``).

    With ``symbolic_depth`` the document adds the closed form for a symbolic
    depth L and its proof by induction.  More than :data:`PRINT_CAP` values of
    k are given by one formula with a general index k.
    """
    ks = _normalise_wrt(chain, wrt)
    sections = [_definitions(chain), _local_section(chain)]
    if len(ks) > PRINT_CAP:
        sections.append(_general_k_section(chain))
        ks = [1] if chain.form == "seed" else []
    sections.extend(_partial_section(chain, k) for k in ks)
    if symbolic_depth:
        proof_ks = ([1] if chain.form == "seed" else []) + [K_]
        sections.append(induction_section(chain, proof_ks))
    sections.append(supremum_section(chain.activation))
    sections.append(bound_section(chain, ks, symbolic_depth))
    head = title or (f"The gradient of the depth-{chain.depth} "
                     f"{activation_words(chain.activation)} chain")
    intro = ("Every equation below was produced by symgrad's computation (SymPy); steps marked "
             "as verified were checked by SymPy when this document was built.")
    return Document(head, tuple(sections), intro)
