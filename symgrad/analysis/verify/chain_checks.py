"""The checks of one chain at its weights, as battery ``Check`` objects
(:class:`symgrad.analysis.verify.battery.Check`): what ``symgrad report`` shows in its
verification table.

:func:`symgrad.analysis.verify.battery.run_battery` checks many chains at seeded
weights; these groups check the report's own chain at the report's weights,
with the same :class:`Check` record and the one verdict vocabulary
(:class:`symgrad.base.verdicts.Verdict`).  Each check's ``name`` is the claim,
``evidence`` its scope and ``data["method"]`` how it is checked:

* *routes*, *stated form*, *induction*: exact SymPy proofs (:func:`symbolic_checks`);
* *bounds*: |dF/dw_1| against the exact bound, with certified balls (:func:`bound_check`);
* *reference*: the mpmath reference against the certified enclosure (:func:`reference_check`);
* *gradient*, *emulation*: each autodiff framework and format against the
  certified values and against symgrad's emulation of its own operations
  (:func:`autodiff_checks`).

Ball comparisons are true only when certain (Arb semantics): a verdict is PASS
or FAIL when proved, UNDECIDED otherwise.

>>> from symgrad.core.chain import Chain
>>> [c.status.word for c in symbolic_checks(Chain(2))]
['PASS', 'PASS', 'PASS', 'PASS']
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import sympy
from flint import arb, fmpq
from flint import ctx as flint_ctx

from symgrad.analysis.verify.battery import Check
from symgrad.base.errors import MissingExtraError
from symgrad.base.verdicts import Verdict
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise, verify_routes, verify_stated_form
from symgrad.core.induction import K_, prove_closed_form
from symgrad.numeric.weights import text_exponent

__all__ = ["ROUTES_DEPTH", "STATED_ALL_K_CAP", "autodiff_checks", "bound_check",
           "reference_check", "symbolic_checks"]

#: depth at which the naive route (sympy.diff of the nested F) is compared for every k
ROUTES_DEPTH = 8
#: up to this depth the stated form is proved for every k; deeper: k = L-2, L-1, L
STATED_ALL_K_CAP = 64


def _check(group: str, claim: str, method: str, scope: str, verdict: Verdict) -> Check:
    return Check(group, claim, verdict, scope, {"method": method})


def _holds(flag: bool) -> Verdict:
    return Verdict.PASS if flag else Verdict.FAIL


def _decide(certainly_true: bool, certainly_false: bool) -> Verdict:
    if certainly_true:
        return Verdict.PASS
    return Verdict.FAIL if certainly_false else Verdict.UNDECIDED


def symbolic_checks(chain: Chain, derivation=None, proof=None) -> list[Check]:
    """Routes agree, the text's formula for dF/dw_k, the closed form by induction (k = 1, k)."""
    n = min(ROUTES_DEPTH, chain.depth)
    routes = verify_routes(Chain(n, activation=chain.activation))
    d = derivation if derivation is not None else derive_layerwise(chain)
    if chain.depth <= STATED_ALL_K_CAP:
        ks = list(range(1, chain.depth + 1))
        scope = f"depth {chain.depth}, every k"
    else:
        # the product for small k has ~L factors to expand; k = 1 is proved for every
        # depth by the induction check, so deep chains check the last layers here
        ks = list(range(chain.depth - 2, chain.depth + 1))
        scope = f"depth {chain.depth}, k = {', '.join(map(str, ks))}"
    exact = "exact: expand(difference) == 0"
    proof1 = proof if proof is not None else prove_closed_form(chain.activation, k=1)
    proofk = prove_closed_form(chain.activation, k=K_)
    by_induction = "induction on L, each step by SymPy"
    return [
        _check("routes", "layer-wise chain rule = sympy.diff of the written-out F", exact,
               f"depth {n}, every k", _holds(routes.holds)),
        _check("stated form", "dF/dw_k = o_(k-1) σ'(z_k) ∏_(i>k) w_i σ'(z_i), the text's "
               "formula", exact, scope, _holds(all(verify_stated_form(d, k) for k in ks))),
        _check("induction", "dF/dw_1 = ∏_(i=2..L) w_i σ'(w_i o_(i-1)) for every depth L",
               by_induction, "all L ≥ 1", Verdict.PASS if proof1.verified else Verdict.UNDECIDED),
        _check("induction", "closed form of dF/dw_k for every k and every L ≥ k", by_induction,
               "all L ≥ k ≥ 1 (symbolic k)",
               Verdict.PASS if proofk.verified else Verdict.UNDECIDED),
    ]


def bound_check(chain: Chain, bound: sympy.Rational, certified) -> Check:
    """|dF/dw_1| (a certified ball) against the exact ``bound`` at the same weights."""
    with flint_ctx.workprec(certified.prec + 64):
        g, b = abs(certified.grad_w[0].arb), arb(fmpq(int(bound.p), int(bound.q)))
        verdict = _decide(bool(g <= b), bool(g > b))
    return _check("bounds", "|dF/dw_1| ≤ ∏ |w_i| (sup σ')^(L-1) at the report's weights",
                  "certified ball vs the exact bound", f"depth {chain.depth}", verdict)


def reference_check(reference, certified) -> Check:
    """Every mpmath reference value within half a unit in its last digit of every point of
    the certified ball."""
    values = [("F", reference.value)] + [(f"dF/dw{k}", v)
                                         for k, v in enumerate(reference.grad_w, 1)]
    balls = dict(certified.balls())
    verdicts = set()
    with flint_ctx.workprec(certified.prec + 64):
        for name, txt in values:
            gap = abs(arb(txt) - balls[name].arb)
            half = arb(10) ** (text_exponent(txt) - reference.digits + 1) / 2  # any exponent
            verdicts.add(_decide(bool(gap <= half), bool(gap > half)))
    verdict = next(v for v in (Verdict.FAIL, Verdict.UNDECIDED, Verdict.PASS) if v in verdicts)
    return _check("reference", f"mpmath reference correct to {reference.digits} digits",
                  "each value within half a unit in its last digit of every point of the "
                  "certified ball", f"F and all {len(reference.grad_w)} partials", verdict)


def autodiff_checks(chain: Chain, weights: Sequence[Fraction], backends: Sequence[str],
                    formats: Sequence[str]) -> tuple[list[Check], list[MissingExtraError]]:
    """One gradient check per (framework, format), plus an emulation check for the
    emulated formats; the frameworks that are not installed, as their errors."""
    from symgrad.analysis.verify import autodiff
    from symgrad.analysis.verify.emulation import EMULATED_FORMATS
    from symgrad.analysis.verify.emulation_check import compare_emulation

    checks: list[Check] = []
    missing: list[MissingExtraError] = []
    for backend in backends:
        try:
            be = autodiff.load_backend(backend)
        except MissingExtraError as exc:
            missing.append(exc)
            continue
        for fmt in formats:
            r = be.gradient(chain, weights, fmt)
            g = autodiff.compare_gradient(backend, chain, weights, fmt, result=r)
            scope = f"{g.reason}; {g.summary()}" if g.reason else g.summary()
            checks.append(_check(
                "gradient", f"{backend}'s gradient in {fmt} agrees with the certified values, "
                f"or underflows only where {fmt} must",
                f"{backend} autodiff vs certified values (tolerance model)", scope, g.verdict))
            if fmt in EMULATED_FORMATS:
                e = compare_emulation(backend, chain, weights, fmt, result=r)
                checks.append(_check(
                    "emulation", f"{backend}'s gradient in {fmt} is exactly what {fmt} "
                    f"arithmetic of {backend}'s own operations gives",
                    f"{backend} autodiff vs symgrad's {fmt} emulation (0 ulps)", e.summary(),
                    e.verdict))
    return checks, missing
