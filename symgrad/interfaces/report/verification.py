"""The verification table: every claim of the derivation, checked, with its verdict.

Rows come from three kinds of check, each named in the table:

* exact symbolic proofs by SymPy (two derivation routes agree, the derived
  gradient equals the text's formula, the induction proof);
* certified arithmetic (python-flint balls): the bound holds at the report's
  weights, and the mpmath reference agrees with the certified enclosure;
* the automatic-differentiation frameworks (jax, torch) against the certified
  reference, from :mod:`symgrad.analysis.verify` (see :mod:`symgrad.interfaces.report.autodiff`).

Verdicts are the vocabulary of ``symgrad verify`` (:class:`symgrad.analysis.verdicts.Verdict`,
the same words): ``PASS`` / ``FAIL`` when decided, ``UNDECIDED`` when the check
cannot decide (never a guess), ``NOT CHECKABLE`` (neutral, with the reason, counted
apart) when no check can be made at this depth/format.

>>> Row("demo", "method", "scope", Verdict.PASS).cells()[-1].html
'<span class="badge ok">PASS</span>'
>>> Row("demo", "method", "scope", Verdict.NOT_CHECKABLE).cells()[-1].html
'<span class="badge info">NOT CHECKABLE</span>'
"""

from __future__ import annotations

from dataclasses import dataclass

from symgrad.analysis.verdicts import Verdict, count_verdicts
from symgrad.core.chain import Chain
from symgrad.core.derive import verify_routes, verify_stated_form
from symgrad.core.induction import K_, prove_closed_form
from symgrad.interfaces.report.model import Context, Section
from symgrad.present.html import paragraph, table, verdict_badge

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
    verdict: Verdict

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", Verdict(self.verdict))

    def cells(self) -> list[object]:
        return [self.claim, self.method, self.scope, verdict_badge(self.verdict.word)]


def _holds(flag: bool) -> Verdict:
    return Verdict.PASS if flag else Verdict.FAIL


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
                    Verdict.PASS if proof1.verified else Verdict.UNDECIDED))
    proofk = prove_closed_form(chain.activation, k=K_)
    rows.append(Row("closed form of dF/dw_k for every k and every L ≥ k",
                    "induction on L, each step by SymPy", "all L ≥ k ≥ 1 (symbolic k)",
                    Verdict.PASS if proofk.verified else Verdict.UNDECIDED))
    return rows


def _certified(ctx: Context):
    if "certified" not in ctx.cache:
        from symgrad.numeric.certified import certified_values

        ctx.cache["certified"] = certified_values(ctx.chain, ctx.weights,
                                                  digits=ctx.options.digits)
    return ctx.cache["certified"]


def _decide(certainly_true: bool, certainly_false: bool) -> Verdict:
    if certainly_true:
        return Verdict.PASS
    return Verdict.FAIL if certainly_false else Verdict.UNDECIDED


def certified_rows(ctx: Context) -> list[Row]:
    """Checks with python-flint balls: the bound, and mpmath vs the enclosure.

    Ball comparisons are true only when certain (Arb semantics), so each verdict
    is ``PASS`` or ``FAIL`` when proved and ``UNDECIDED`` otherwise.
    """
    from flint import arb, fmpq
    from flint import ctx as flint_ctx

    from symgrad.numeric.weights import text_exponent

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
            half = arb(10) ** (text_exponent(text) - ref.digits + 1) / 2  # any exponent size
            verdicts.add(_decide(bool(gap <= half), bool(gap > half)))
    verdict = next(v for v in (Verdict.FAIL, Verdict.UNDECIDED, Verdict.PASS)
                   if v in verdicts)
    rows.append(Row(f"mpmath reference correct to {ref.digits} digits",
                    "each value within half a unit in its last digit of every point of the "
                    "certified ball", f"F and all {len(ref.grad_w)} partials", verdict))
    return rows


def verification_section(ctx: Context, extra_rows: list[Row] | None = None,
                         extra_html: str = "") -> Section:
    """The table of checked claims (core + certified + whatever the caller adds)."""
    from symgrad.interfaces.report.optional import load

    sec = Section("verification", "Verification")
    rows = core_rows(ctx)
    flint, missing = load("symgrad.numeric.flint_backend", what="certified checks")
    if flint is None:
        sec.left_out.append(missing)
    else:
        rows += certified_rows(ctx)
    from symgrad.interfaces.report.autodiff import autodiff_rows

    ad_rows, ad_missing = autodiff_rows(ctx)
    rows += ad_rows + (extra_rows or [])
    sec.left_out += ad_missing
    n = count_verdicts(r.verdict for r in rows)
    holds, fails = n[Verdict.PASS], n[Verdict.FAIL]
    apart = n[Verdict.NOT_CHECKABLE] + n[Verdict.MEASURED] + n[Verdict.SKIPPED]
    sec.html = "\n".join([
        paragraph("Each claim of the derivation, checked independently of how it was "
                  "derived. Symbolic checks are exact; numeric ones use certified balls."),
        table(["claim", "method", "scope", "verdict"], [r.cells() for r in rows],
              caption=f"{holds} of {len(rows) - apart} checks PASS, {fails} FAIL, "
                      f"{n[Verdict.UNDECIDED]} UNDECIDED; counted apart: "
                      f"{n[Verdict.NOT_CHECKABLE]} NOT CHECKABLE",
              widths=(38, 26, 26, 10)),
        extra_html,
    ])
    from symgrad.interfaces.report.claims import claims_html

    claims, claim_facts, claim_missing = claims_html(ctx)
    sec.html += "\n" + claims
    sec.left_out += claim_missing
    sec.facts.append(("checks that PASS", f"{holds} of {len(rows) - apart}"))
    if fails:
        sec.facts.append(("checks that FAIL", str(fails)))
    if n[Verdict.NOT_CHECKABLE]:
        sec.facts.append(("not checkable (counted apart)", str(n[Verdict.NOT_CHECKABLE])))
    sec.facts += claim_facts
    ctx.cache["verification_rows"] = rows
    return sec

