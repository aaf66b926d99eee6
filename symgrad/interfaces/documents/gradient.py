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
from symgrad.core.activations import derivative_supremum, get_activation
from symgrad.core.bounds import gradient_bound, symbolic_bound
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise, derive_naive, exact_equal, verify_stated_form
from symgrad.core.induction import I_, K_, L_, B, O, W, indexed_to_named, prove_closed_form
from symgrad.interfaces.documents.model import Document, Section, Step

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
        how = "identity on the first layer (the text's o_1 = w_1)" if lay.activation is None else (
            f"layer map with the {chain.activation} activation")
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
    prose = (f"The {chain.describe()}: every layer has one neuron. ")
    if big:
        prose += (f"The depth {chain.depth} is above the print cap of {PRINT_CAP} layers, so the "
                  "layers are not written out one by one; the general layer and the Product "
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
                          "sympy.diff of the general layer map",
                          sympy.Eq(sympy.Derivative(O[I_], O[I_ - 1]),
                                   sympy.diff(out, O[I_ - 1]), evaluate=False)))
        steps.append(Step("The derivative of a layer with respect to its weight.",
                          "sympy.diff of the general layer map",
                          sympy.Eq(sympy.Derivative(O[I_], W[I_]), sympy.diff(out, W[I_]),
                                   evaluate=False)))
        return Section("Local derivatives", "Each layer differentiated on its own.", tuple(steps))
    for i in range(1, chain.depth + 1):
        loc, ref = d.local(i), check.local(i)
        lay = loc.layer
        why = ("sympy.diff of the layer map; the same template-free sympy.diff of this layer "
               "agrees exactly")
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
                   "Each layer map is differentiated on its own, with the outputs o_i of the "
                   "other layers kept as named symbols.", tuple(steps))


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
            ("F depends on ", wk, " only through ", chain.outputs[k - 1], "."),
            "chain rule, applied once per layer from the output back to layer k",
            sympy.Eq(lhs, chain_rule, evaluate=False)))
        steps.append(Step(
            "Substituting the local derivatives.",
            "product of the local derivatives above; SymPy proves it equal to the formula as "
            "the text states it (symgrad.core.derive.stated_form) by exact expansion",
            sympy.Eq(lhs, d.partial(k), evaluate=False), verify_stated_form(d, k)))
        if chain.depth <= EXPAND_CAP:
            expanded = d.expanded(d.partial(k))
            steps.append(Step(
                "The same in the weights alone (the o_i written out).",
                "substitution of the layer maps; equal to sympy.diff of the nested F "
                "(exact expansion)",
                sympy.Eq(lhs, expanded, evaluate=False),
                exact_equal(derive_naive(chain, k), expanded)))
        closed = d.closed_form(k)
        steps.append(Step(
            "In product notation.",
            "the closed form of symgrad.core.induction, evaluated and proven equal to the product "
            "above (exact)",
            sympy.Eq(sympy.Derivative(F_, W[k]), closed, evaluate=False),
            exact_equal(indexed_to_named(closed, chain), d.partial(k))))
    else:
        # for k >= 2 (any k in the general form) the proof for a general index k covers it
        general = not (chain.form == "seed" and k == 1)
        proof = _proof(chain.activation, chain.form, chain.bias, K_ if general else 1)
        steps.append(Step(
            "In product notation (the depth is above the print cap).",
            "the closed form, proved for every depth by induction (symgrad.core.induction)",
            sympy.Eq(sympy.Derivative(F_, W[k]), d.closed_form(k), evaluate=False),
            proof.verified))
    return Section(f"The derivative with respect to the weight of layer {k}", "", tuple(steps))


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
                   f"Listing the derivatives one by one would exceed the print cap of "
                   f"{PRINT_CAP}; one formula with a general index k covers them all.", (step,))


def supremum_section(activation: str) -> Section:
    """The supremum of |sigma'| derived by :func:`derivative_supremum`, as steps; the prose
    follows the registry's facts (a kink at 0, an exact or a numeric critical point).

    >>> sec = supremum_section("relu")
    >>> "jumps there" in sec.steps[-1].justification
    True
    """
    sup = derivative_supremum(activation)
    kink = get_activation(activation).kink_order
    t, ds = sup.variable, sup.derivative
    steps = [Step("The derivative of the activation.", "sympy.diff of the activation class",
                  sympy.Eq(sympy.Derivative(_act_of(activation, t), t), ds, evaluate=False))]
    found = ", ".join(str(c) for c in sup.critical_points) or "none"
    how = ("solveset on the exp rewrite over the reals" if sup.exact else
           "solveset finds no closed form: sign changes of the second derivative on a grid "
           "of [-64, 64], each refined by nsolve (bisection) to 30 digits")
    if kink is None:
        steps.append(Step("Critical points of the derivative: the real solutions of",
                          f"{how}; solutions: {found}",
                          sympy.Eq(sympy.diff(ds, t), 0, evaluate=False)))
    else:
        steps += _kink_steps(ds, t, kink, how, found)
    for c in sup.critical_points:
        val = ds.subs(t, c)
        steps.append(Step(("At the critical point ", sympy.Eq(t, c, evaluate=False), "."),
                          "substitution", sympy.Eq(sympy.Subs(ds, t, c), val, evaluate=False)))
    for inf in (sympy.S.NegativeInfinity, sympy.S.Infinity):
        # simplified first: SymPy's limit of silu's raw rewrite at oo is wrong (0, not 1)
        lim = _limit_at(ds, t, inf, kink is not None)
        steps.append(Step(("The limit at ", inf, "."), "sympy.limit of the exp rewrite",
                          sympy.Eq(sympy.Limit(ds, t, inf), lim, evaluate=False)))
    where = ("attained at " + ", ".join(str(c) for c in sup.attained_at) if sup.attained_at
             else "approached as t -> " + ", ".join(str(c) for c in sup.approached_at))
    ok = all(sympy.simplify(ds.subs(t, c).rewrite(sympy.exp) - sup.value) == 0
             for c in sup.witnesses)
    steps.append(Step(("The largest candidate is the supremum of ", sympy.Abs(ds),
                       " over the reals."), _largest_why(kink, sup.exact, where),
                      sympy.Eq(sympy.Symbol("s"), sup.value, evaluate=False),
                      ok if sup.attained_at and sup.exact else None))
    return Section(f"The maximum of the {activation} derivative",
                   ("The bound needs the supremum ", sympy.Symbol("s"), " of the absolute "
                    "value of the activation's derivative; it is derived here, not assumed."),
                   tuple(steps))


def _limit_at(ds, t, inf, kinked: bool) -> sympy.Expr:
    """lim sigma'(t) as t -> inf; a kinked (Piecewise) sigma' is first restricted to the side
    of ``inf`` (t = +-u, u > 0), where it is one smooth piece.

    >>> t = sympy.Symbol("t", real=True)
    >>> _limit_at(sympy.Piecewise((1, t > 0), (sympy.exp(t), True)), t, -sympy.oo, True)
    0
    """
    if kinked:
        u = sympy.Symbol("u", positive=True)
        side = ds.subs(t, u if inf is sympy.S.Infinity else -u)
        return sympy.limit(sympy.simplify(side.rewrite(sympy.exp)), u, sympy.oo)
    return sympy.limit(sympy.simplify(ds.rewrite(sympy.exp)), t, inf)


def _kink_steps(ds, t, kink: int, how: str, found: str) -> list[Step]:
    """A kinked activation: the critical points of each smooth side, and the one-sided
    limits of sigma' at 0 (candidates too)."""
    jump = "the derivative jumps there" if kink == 1 else "the second derivative jumps there"
    u = sympy.Symbol("u", positive=True)
    steps = []
    for side, rel in ((1, sympy.Gt(t, 0)), (-1, sympy.Lt(t, 0))):
        d2 = sympy.diff(ds.subs(t, side * u).subs(u, side * t), t)
        flat = "; 0 = 0: the derivative is constant on this side" if d2 == 0 else ""
        steps.append(Step(("Critical points of the derivative on the side ", rel,
                           ": the solutions of"),
                          f"a kink at 0 ({jump}), so each side is a smooth piece; {how}; "
                          f"solutions (both sides): {found}{flat}",
                          sympy.Eq(d2, 0, evaluate=False)))
    for d in ("+", "-"):
        lim = sympy.limit(ds, t, 0, d)
        steps.append(Step(f"The one-sided limit at 0 ({d}).", "sympy.limit",
                          sympy.Eq(sympy.Limit(ds, t, 0, d), lim, evaluate=False)))
    return steps


def _largest_why(kink: int | None, exact: bool, where: str) -> str:
    if kink is None:
        head = "the derivative is continuous: its supremum is the largest of the values at " \
               "the critical points and the limits"
    elif kink == 1:
        head = ("the derivative is continuous on each side of 0 and jumps there (at 0 it is "
                "the Clarke interval, between the one-sided limits): its supremum is the "
                "largest of the values at the critical points, the one-sided limits at 0 and "
                "the limits at -oo and oo")
    else:
        head = ("the derivative is continuous (its own derivative jumps at 0): its supremum "
                "is the largest of the values at the critical points of each side, the "
                "one-sided limits at 0 and the limits at -oo and oo")
    if not exact:
        head += ("; the value at a numeric critical point is rounded up to a 30-digit "
                 "rational, an upper bound within 10^-29 (relative)")
    return f"{head}; {where}"


def _act_of(activation: str, t: sympy.Symbol) -> sympy.Expr:
    return get_activation(activation)(t)


def bound_section(chain: Chain, ks: Sequence[int], symbolic: bool) -> Section:
    """|dF/dw_k| <= ... for the chain (and, optionally, for a symbolic depth L)."""
    sup = derivative_supremum(chain.activation)
    steps = []
    for k in ks:
        lhs = sympy.Abs(sympy.Derivative(F_, chain.weights[k - 1]))
        if chain.depth <= PRINT_CAP:
            rhs = gradient_bound(chain, k).expression
        else:
            # a symbolic L (set to the depth in the statement): s**99999 would have 60206 digits
            head_act = not (chain.form == "seed" and k == 1)
            head = sympy.Abs(chain.input if k == 1 else O[k - 1])
            lhs = sympy.Abs(sympy.Derivative(F_, W[k]))
            power = L_ - k + (1 if head_act else 0)
            rhs = ((head if head_act else 1) * sympy.Product(sympy.Abs(W[I_]), (I_, k + 1, L_))
                   * sup.value**power)
            steps.append(Step(
                ("Every factor is at most its weight times s; here ",
                 sympy.Eq(L_, chain.depth, evaluate=False), "."),
                "in the product form each factor is a weight times the activation's derivative, "
                "at most the weight's absolute value times s; a leading factor (the previous "
                "output times the derivative) is at most that output's absolute value times s",
                sympy.Le(lhs, rhs, evaluate=False)))
            continue
        steps.append(Step(
            "Every factor is at most its weight times s.",
            "in the product form each factor is a weight times the activation's derivative, "
            "at most the weight's absolute value times s; a leading factor (the previous "
            "output times the derivative) is at most that output's absolute value times s",
            sympy.Le(lhs, rhs, evaluate=False)))
    if symbolic and chain.form == "seed":
        steps.append(Step("For a symbolic depth L (seed chain, first weight).",
                          "the same bound on the closed form proved by induction",
                          sympy.Le(sympy.Abs(sympy.Derivative(F_, W[1])),
                                   symbolic_bound(chain.activation), evaluate=False)))
    closing: tuple = ()
    if sup.value < 1:
        closing = ("With ", sympy.Eq(sympy.Symbol("s"), sup.value, evaluate=False), " every "
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
        steps.extend(Step(f"{s.title[:1].upper()}{s.title[1:]}.", s.justification, s.statement,
                          s.verified) for s in proof.steps)
    return Section("Proof by induction on the depth",
                   "The closed form holds for every depth L, not only the one above.",
                   tuple(steps))


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
    head = title or f"The gradient of the depth-{chain.depth} {chain.activation} chain"
    intro = ("Every equation below was produced by symgrad's computation (SymPy); steps marked "
             "as verified were checked by SymPy when this document was built.")
    return Document(head, tuple(sections), intro)
