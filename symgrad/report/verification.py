"""The verification table: every claim of the derivation, checked, with its verdict.

Rows come from three kinds of check, each named in the table:

* exact symbolic proofs by SymPy (two derivation routes agree, the derived
  gradient equals the text's formula, the induction proof);
* certified arithmetic (python-flint balls): the bound holds at the report's
  weights, and the mpmath reference agrees with the certified enclosure;
* the automatic-differentiation frameworks (jax, torch) against the certified
  reference, from :mod:`symgrad.verify` (see :mod:`symgrad.report.autodiff`).

A verdict is ``holds`` / ``fails`` when proved, ``undecided`` when the check
cannot decide (never a guess).

>>> Row("demo", "method", "scope", "holds").cells()[-1].html
'<span class="badge ok">holds</span>'
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..chain import Chain
from ..derive import verify_routes, verify_stated_form
from ..induction import K_, prove_closed_form
from .html import paragraph, table, verdict_badge
from .model import Context, Section

__all__ = ["ROUTES_DEPTH", "STATED_ALL_K_CAP", "Row", "certified_rows", "core_rows",
           "verification_section"]

#: depth at which the naive route (sympy.diff of the nested F) is compared for every k
ROUTES_DEPTH = 8
#: up to this depth the stated form is proved for every k; deeper: k = L-2, L-1, L
STATED_ALL_K_CAP = 64


@dataclass(frozen=True)
class Row:
    """One checked claim."""

    claim: str
    method: str
    scope: str
    verdict: str  # holds | fails | undecided | derived | ...

    def cells(self) -> list[object]:
        return [self.claim, self.method, self.scope, verdict_badge(self.verdict)]


def _holds(flag: bool) -> str:
    return "holds" if flag else "fails"


def core_rows(ctx: Context) -> list[Row]:
    """The exact symbolic checks (SymPy)."""
    chain = ctx.chain
    rows = []
    n = min(ROUTES_DEPTH, chain.depth)
    routes = verify_routes(Chain(n, activation=chain.activation))
    rows.append(Row("layer-wise chain rule = sympy.diff of the written-out F",
                    "exact: expand(difference) == 0", f"depth {n}, every k", _holds(routes.holds)))
    d = ctx.derivation
    if chain.depth <= STATED_ALL_K_CAP:
        ks = list(range(1, chain.depth + 1))
        scope = f"depth {chain.depth}, every k"
    else:
        # the product for small k has ~L factors to expand; k = 1 is proved for every
        # depth by the induction row below, so deep chains check the last layers here
        ks = list(range(chain.depth - 2, chain.depth + 1))
        scope = f"depth {chain.depth}, k = {', '.join(map(str, ks))}"
    stated = all(verify_stated_form(d, k) for k in ks)
    rows.append(Row("dF/dw_k = o_(k-1) σ'(z_k) ∏_(i>k) w_i σ'(z_i), the text's formula",
                    "exact: expand(difference) == 0", scope, _holds(stated)))
    proof1 = ctx.cache.get("proof_k1") or prove_closed_form(chain.activation, k=1)
    rows.append(Row("dF/dw_1 = ∏_(i=2..L) w_i σ'(w_i o_(i-1)) for every depth L",
                    "induction on L, each step by SymPy", "all L ≥ 1",
                    "holds" if proof1.verified else "undecided"))
    proofk = prove_closed_form(chain.activation, k=K_)
    rows.append(Row("closed form of dF/dw_k for every k and every L ≥ k",
                    "induction on L, each step by SymPy", "all L ≥ k ≥ 1 (symbolic k)",
                    "holds" if proofk.verified else "undecided"))
    return rows


def _certified(ctx: Context):
    if "certified" not in ctx.cache:
        from ..backends.flint_backend import certified_values

        ctx.cache["certified"] = certified_values(ctx.chain, ctx.weights,
                                                  digits=ctx.options.digits)
    return ctx.cache["certified"]


def _decide(certainly_true: bool, certainly_false: bool) -> str:
    return "holds" if certainly_true else ("fails" if certainly_false else "undecided")


def certified_rows(ctx: Context) -> list[Row]:
    """Checks with python-flint balls: the bound, and mpmath vs the enclosure.

    Ball comparisons are true only when certain (Arb semantics), so each verdict
    is ``holds`` or ``fails`` when proved and ``undecided`` otherwise.
    """
    from flint import arb, fmpq
    from flint import ctx as flint_ctx

    cert = _certified(ctx)
    rows = []
    with flint_ctx.workprec(cert.prec + 64):
        bound = ctx.cache.get("bound_w1")
        if bound is not None:
            g, b = abs(cert.grad_w[0].arb), arb(fmpq(int(bound.p), int(bound.q)))
            rows.append(Row("|dF/dw_1| ≤ ∏ |w_i| (sup σ')^(L-1) at the report's weights",
                            "certified ball vs the exact bound", f"depth {ctx.chain.depth}",
                            _decide(bool(g <= b), bool(g > b))))
        ref = ctx.reference
        values = [("F", ref.value)] + [(f"dF/dw{k}", v) for k, v in enumerate(ref.grad_w, 1)]
        balls = dict(cert.balls())
        verdicts = set()
        for name, text in values:
            # |mpmath value - truth| <= half a unit in its last digit, for every truth in the ball
            gap = abs(arb(text) - balls[name].arb)
            half = arb(10) ** (Decimal(text).adjusted() - ref.digits + 1) / 2
            verdicts.add(_decide(bool(gap <= half), bool(gap > half)))
    verdict = "fails" if "fails" in verdicts else ("undecided" if "undecided" in verdicts
                                                   else "holds")
    rows.append(Row(f"mpmath reference correct to {ref.digits} digits",
                    "each value within half a unit in its last digit of every point of the "
                    "certified ball", f"F and all {len(ref.grad_w)} partials", verdict))
    return rows


def verification_section(ctx: Context, extra_rows: list[Row] | None = None,
                         extra_html: str = "") -> Section:
    """The table of checked claims (core + certified + whatever the caller adds)."""
    from .optional import load

    sec = Section("verification", "Verification")
    rows = core_rows(ctx)
    flint, missing = load("symgrad.backends.flint_backend", what="certified checks")
    if flint is None:
        sec.left_out.append(missing)
    else:
        rows += certified_rows(ctx)
    from .autodiff import autodiff_rows

    ad_rows, ad_missing = autodiff_rows(ctx)
    rows += ad_rows + (extra_rows or [])
    sec.left_out += ad_missing
    holds = sum(r.verdict == "holds" for r in rows)
    fails = sum(r.verdict == "fails" for r in rows)
    sec.html = "\n".join([
        paragraph("Each claim of the derivation, checked independently of how it was "
                  "derived. Symbolic checks are exact; numeric ones use certified balls."),
        table(["claim", "method", "scope", "verdict"], [r.cells() for r in rows],
              caption=f"{holds} of {len(rows)} checks hold, {fails} fail",
              widths=(38, 26, 26, 10)),
        extra_html,
    ])
    from .claims import claims_html

    claims, claim_facts, claim_missing = claims_html(ctx)
    sec.html += "\n" + claims
    sec.left_out += claim_missing
    sec.facts.append(("checks that hold", f"{holds} of {len(rows)}"))
    if fails:
        sec.facts.append(("checks that FAIL", str(fails)))
    sec.facts += claim_facts
    ctx.cache["verification_rows"] = rows
    return sec

