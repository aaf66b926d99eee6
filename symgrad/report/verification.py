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
from fractions import Fraction

from ..chain import Chain
from ..derive import verify_routes, verify_stated_form
from ..induction import K_, prove_closed_form
from .html import paragraph, table, verdict_badge
from .model import Context, Section

__all__ = ["ROUTES_DEPTH", "STATED_ALL_K_CAP", "Row", "certified_rows", "core_rows",
           "verification_section"]

#: depth at which the naive route (sympy.diff of the nested F) is compared for every k
ROUTES_DEPTH = 8
#: up to this depth the stated form is proved for every k; deeper: k = 1, 2, L
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
        ks = sorted({1, 2, chain.depth})
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


def _ball_bounds(ball) -> tuple[Fraction, Fraction]:
    from ..backends.flint_backend import arb_to_fraction

    return arb_to_fraction(ball.arb.mid()), arb_to_fraction(ball.arb.rad())


def _half_ulp(text: str, digits: int) -> Fraction:
    """Half a unit in the last of ``digits`` significant digits of the decimal ``text``."""
    exp = Decimal(text).adjusted()
    return Fraction(1, 2) * Fraction(10) ** (exp - digits + 1)


def certified_rows(ctx: Context) -> list[Row]:
    """Checks with python-flint balls: the bound, and mpmath vs the enclosure."""
    cert = _certified(ctx)
    rows = []
    bound = ctx.cache.get("bound_w1")
    if bound is not None:
        m, r = _ball_bounds(cert.grad_w[0])
        b = Fraction(int(bound.p), int(bound.q))
        verdict = "holds" if abs(m) + r <= b else ("fails" if abs(m) - r > b else "undecided")
        rows.append(Row("|dF/dw_1| ≤ ∏ |w_i| (sup σ')^(L-1) at the report's weights",
                        "certified ball vs exact rational bound", f"depth {ctx.chain.depth}",
                        verdict))
    ref = ctx.reference
    mp_values = [("F", ref.value)] + [(f"dF/dw{k}", g) for k, g in enumerate(ref.grad_w, 1)]
    balls = dict(cert.balls())
    ok = True
    for name, text in mp_values:
        m, r = _ball_bounds(balls[name])
        v = Fraction(Decimal(text))
        ok = ok and abs(v - m) <= r + _half_ulp(text, ref.digits)
    rows.append(Row(f"mpmath reference correct to {ref.digits} digits",
                    "every value within half a unit of its last digit of the certified ball",
                    f"F and all {len(ref.grad_w)} partials", _holds(ok)))
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
              caption=f"{holds} of {len(rows)} checks hold, {fails} fail"),
        extra_html,
    ])
    sec.facts.append(("checks that hold", f"{holds} of {len(rows)}"))
    if fails:
        sec.facts.append(("checks that FAIL", str(fails)))
    ctx.cache["verification_rows"] = rows
    return sec

