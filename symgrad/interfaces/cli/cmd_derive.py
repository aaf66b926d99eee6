"""``symgrad derive``: dF/dw_k of the chain, derived by SymPy.

Text, LaTeX and Markdown render the derivation document
(:mod:`symgrad.interfaces.documents`); JSON gives every expression as a SymPy-parsable
string plus its LaTeX (schema in the README).
"""

from __future__ import annotations

import argparse
import sys

import sympy

from symgrad.base.output import dumps_json, write_atomic
from symgrad.core.activations import derivative_supremum
from symgrad.core.bounds import gradient_bound, symbolic_bound
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise, verify_stated_form
from symgrad.core.induction import K_, prove_closed_form, symbolic_closed_form
from symgrad.interfaces.cli._common import (
    add_chain_arguments,
    chain_from_args,
    chain_json,
    parse_wrt,
)

__all__ = ["FULL_FORM_CAP", "HELP", "add_arguments", "derive_json", "run"]

HELP = "derive dF/dw_k of the deep chain in closed form (any depth, or symbolic depth L)"

#: Up to this depth the product form is written out factor by factor (and
#: checked exactly against the stated formula); deeper chains are given in
#: Product notation only, which is exact and O(1) in size.
FULL_FORM_CAP = 64
#: Up to this depth JSON also gives the o_i written out in the weights.
EXPAND_CAP = 12


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_chain_arguments(p)
    p.add_argument("--wrt", default="1", help="1, k, a comma list, or all (default 1)")
    p.add_argument(
        "--symbolic-depth",
        action="store_true",
        help="also give the closed form for a symbolic depth L and its proof by induction",
    )
    p.add_argument(
        "--format", default="text", choices=("text", "latex", "markdown", "json"), help="output"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def _latex(expr) -> str:
    from symgrad.present.latex import latex

    return latex(expr)


def _expr(expr) -> dict:
    return {"expression": sympy.sstr(expr), "latex": _latex(expr)}


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


def derive_json(chain: Chain, wrt: list[int], symbolic_depth: bool) -> dict:
    """The JSON document of ``symgrad derive`` (stable schema ``symgrad.derive/1``)."""
    d = derive_layerwise(chain)
    partials = []
    if len(wrt) > FULL_FORM_CAP:
        # too many to list one by one: k = 1 and the general k in one closed form
        partials.append(_general_k_entry(chain))
        wrt = [1] if chain.form == "seed" else []
    partials += [_partial_entry(d, chain, k) for k in wrt]
    sup = derivative_supremum(chain.activation)
    small = chain.depth <= FULL_FORM_CAP
    out = {
        "schema": "symgrad.derive/1",
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


def run(args: argparse.Namespace) -> int:
    chain = chain_from_args(args)
    wrt = parse_wrt(args.wrt, chain.depth)
    if args.format == "json":
        text = dumps_json(derive_json(chain, wrt, args.symbolic_depth))
    else:
        from symgrad.interfaces.documents import chain_document

        doc = chain_document(chain, wrt, symbolic_depth=args.symbolic_depth)
        text = doc.render(args.format)
        if not text.endswith("\n"):
            text += "\n"
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
