"""``symgrad.derive``: dF/dw_k of the chain in closed form, derived by SymPy.

The Python side of ``symgrad derive``.  The result renders the derivation document
(:mod:`symgrad.interfaces.documents`) as text, LaTeX or Markdown, and as JSON every
expression as a SymPy-parsable string plus its LaTeX (schema ``symgrad.derive/1``).
Beyond :data:`FULL_FORM_CAP` partials the result gives k = 1 and one closed form with a
general index k, so ``wrt="all"`` (the default) stays small at any depth.

>>> d = derive(3, wrt=1)
>>> d.to_json()["partials"][0]["closed_form"]["expression"]
'Product((1 - sigmoid(o[i - 1]*w[i]))*sigmoid(o[i - 1]*w[i])*w[i], (i, 2, 3))'
>>> d
<DeriveResult: dF/dw_k of the seed chain, depth 3, sigmoid for k = 1>
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy

from symgrad.core.activations import derivative_supremum
from symgrad.core.bounds import gradient_bound, symbolic_bound
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise, verify_stated_form
from symgrad.core.induction import K_, prove_closed_form, symbolic_closed_form
from symgrad.interfaces.api._values import chain_json, input_errors, layer_list, make_chain
from symgrad.interfaces.api.result import Result

__all__ = ["EXPAND_CAP", "FULL_FORM_CAP", "DeriveResult", "derive", "derive_json"]

#: Up to this depth the product form is written out factor by factor (and
#: checked exactly against the stated formula); deeper chains are given in
#: Product notation only, which is exact and O(1) in size.  More partials than
#: this are summarised by one closed form with a general index k.
FULL_FORM_CAP = 64
#: Up to this depth JSON also gives the o_i written out in the weights.
EXPAND_CAP = 12


def _expr(expr) -> dict:
    from symgrad.present.latex import latex

    return {"expression": sympy.sstr(expr), "latex": latex(expr)}


def _general_k_entry(chain: Chain) -> dict:
    """k = first..L in one closed form (when there are too many partials to list)."""
    first = 2 if chain.form == "seed" else 1
    general_k = symbolic_closed_form(
        chain.activation, form=chain.form, bias=chain.bias, k=K_, depth=chain.depth
    )
    return {"wrt": "w[k]", "k": f"{first}..{chain.depth}", "closed_form": _expr(general_k),
            "product_form": None, "expanded": None, "bound": None}


def _partial_entry(d, chain: Chain, k: int) -> dict:
    entry = {"wrt": str(chain.weights[k - 1]), "k": k, "closed_form": _expr(d.closed_form(k))}
    if chain.depth <= FULL_FORM_CAP:
        entry["product_form"] = _expr(d.partial(k))
        entry["stated_form_proven_equal"] = verify_stated_form(d, k)
    else:
        entry["product_form"] = None
    entry["expanded"] = _expr(d.expanded(d.partial(k))) if chain.depth <= EXPAND_CAP else None
    small = chain.depth <= FULL_FORM_CAP
    entry["bound"] = _expr(gradient_bound(chain, k).expression) if small else None
    return entry


def _symbolic_depth(chain: Chain) -> dict:
    """The closed forms for symbolic depth L and their induction proofs."""
    proofs = []
    for k in ([1] if chain.form == "seed" else []) + [K_]:
        proof = prove_closed_form(chain.activation, form=chain.form, bias=chain.bias, k=k)
        closed = symbolic_closed_form(chain.activation, form=chain.form, bias=chain.bias, k=k)
        steps = [{"title": s.title, "statement": _expr(s.statement),
                  "justification": s.justification, "verified": s.verified}
                 for s in proof.steps]
        proofs.append({"k": str(k), "closed_form": _expr(closed), "claim": _expr(proof.claim),
                       "verified": proof.verified, "steps": steps})
    return {"proofs": proofs, "bound": _expr(symbolic_bound(chain.activation))}


def derive_json(chain: Chain, wrt: list[int] | tuple[int, ...], symbolic_depth: bool) -> dict:
    """The JSON document of ``symgrad derive`` without its ``schema`` key."""
    d = derive_layerwise(chain)
    partials = []
    ks = list(wrt)
    if len(ks) > FULL_FORM_CAP:
        # too many to list one by one: k = 1 and the general k in one closed form
        partials.append(_general_k_entry(chain))
        ks = [1] if chain.form == "seed" else []
    partials += [_partial_entry(d, chain, k) for k in ks]
    sup = derivative_supremum(chain.activation)
    small = chain.depth <= FULL_FORM_CAP
    out = {
        "chain": chain_json(chain),
        "definitions": (
            {str(o): _expr(chain.layer(i + 1).expression) for i, o in enumerate(chain.outputs)}
            if small else None
        ),
        "partials": partials,
        "activation_derivative_supremum": {
            "value": _expr(sup.value),
            "attained_at": [sympy.sstr(c) for c in sup.attained_at],
            "approached_at": [sympy.sstr(c) for c in sup.approached_at],
        },
        "note": (None if small else
                 f"depth {chain.depth} > {FULL_FORM_CAP}: product form given in Product notation"),
    }
    if symbolic_depth:
        out["symbolic_depth"] = _symbolic_depth(chain)
    return out


@dataclass(frozen=True, repr=False)
class DeriveResult(Result):
    """The derivation of dF/dw_k for each k in ``wrt`` (and, with ``symbolic_depth``, for
    a symbolic depth L with its proof by induction)."""

    SCHEMA = "symgrad.derive/1"
    FORMATS = ("text", "latex", "markdown", "json")

    chain: Chain
    wrt: tuple[int, ...]
    symbolic_depth: bool = False

    @cached_property
    def document(self):
        """The derivation document (:func:`symgrad.interfaces.documents.chain_document`)."""
        from symgrad.interfaces.documents import chain_document

        return chain_document(self.chain, list(self.wrt), symbolic_depth=self.symbolic_depth)

    def json_body(self) -> dict:
        return derive_json(self.chain, self.wrt, self.symbolic_depth)

    def to_text(self) -> str:
        return self.document.render("text")

    def to_latex(self, fragment: bool = False) -> str:
        """The derivation as a standalone LaTeX document, or with ``fragment=True`` a body
        (no preamble) to ``\\input`` into a paper."""
        return self.document.render("latex", fragment=fragment)

    def to_markdown(self) -> str:
        return self.document.render("markdown")

    def summary(self) -> str:
        ks = self.wrt
        shown = (", ".join(map(str, ks)) if len(ks) <= 6
                 else f"{ks[0]}, {ks[1]}, ..., {ks[-1]}")
        extra = " and symbolic depth L" if self.symbolic_depth else ""
        return f"dF/dw_k of the {self.chain.describe()} for k = {shown}{extra}"


def derive(chain_or_depth: int | Chain, *, activation: str = "sigmoid", form: str = "seed",
           bias: bool = False, wrt: object = "all", symbolic_depth: bool = False
           ) -> DeriveResult:
    """dF/dw_k of the chain for each k in ``wrt`` (``"all"``, a layer, or a sequence).

    ``chain_or_depth`` is a :class:`~symgrad.core.chain.Chain` or a depth (built with
    ``activation``, ``form`` and ``bias``).  The work is done when a rendering is asked
    for (``render("text")``, ``to_json()``, ...).

    >>> derive(2, wrt=[2]).to_json()["partials"][0]["wrt"]
    'w2'
    """
    from symgrad.base.errors import InputError

    with input_errors():
        chain = make_chain(chain_or_depth, activation, form, bias)
        if not isinstance(symbolic_depth, bool):
            raise InputError(f"symbolic_depth must be True or False, got {symbolic_depth!r}")
        return DeriveResult(chain, layer_list(wrt, chain.depth), symbolic_depth)
