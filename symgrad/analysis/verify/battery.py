"""The whole verification battery behind ``symgrad verify``.

Checks, in order (each a :class:`Check` with a :class:`~symgrad.base.verdicts.Verdict` and
the evidence):

1. *routes*: naive ``sympy.diff`` of the nested F and the layer-wise chain rule
   agree exactly (expanded difference 0) for every weight, L = 1..4;
2. *induction*: the closed form of dF/dw_k is proved for all L by induction
   (:func:`symgrad.core.induction.prove_closed_form`), seed and general form;
3. *bounds*: the derived sup |sigma'| holds at seeded points (certified
   balls), and |dF/dw_1| <= prod_{i>=2} |w_i| * sup^(L-1) at seeded weights;
4. *gradient*: every backend and format against certified values (tolerance
   model of :mod:`symgrad.analysis.verify.tolerance`); a row whose tolerance is >= 1/2
   (no significant digit to check) or whose values all underflowed (nothing
   compared) is NOT CHECKABLE, with the reason;
5. *emulation*: float16 and bfloat16 gradients against symgrad's emulation of
   the framework's own operations in that format
   (:mod:`symgrad.analysis.verify.emulation_check`): exact to 0 ulps from the candidates,
   so these rows can fail where the tolerance model has nothing to check;
6. *hessian*: every backend and format against the certified reference Hessian
   (ball arithmetic, :func:`symgrad.analysis.verify.autodiff.reference_hessian`), with the
   same NOT CHECKABLE rule;
7. *flush-to-zero*: MEASURED per backend and format (a measurement, not a check),
   with the depth where it departs from IEEE gradual underflow; FAIL only when
   the chain contradicts the primitive measurement the other checks rely on;
8. *finite differences*: ``mpmath.diff`` of an mpmath forward pass agrees with
   the certified gradient to 20 significant digits.

A backend that is not installed gives one SKIPPED check with the install
command.  NOT CHECKABLE and MEASURED rows are counted apart and neither pass
nor fail the run: :attr:`VerificationReport.exit_code` is 0 only when no check
failed, was undecided or skipped, and at least one passed
(:func:`symgrad.base.verdicts.verify_exit_code`).  Output is deterministic (no
timings), so equal settings give identical JSON.

>>> rep = run_battery(backends=(), depths=(2,), hessian_depths=(), groups=("routes",))
>>> rep.checks[0].status.word, rep.exit_code
('PASS', 0)
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np
from flint import arb, ctx, fmpq

from symgrad.analysis.verify.autodiff import compare_gradient, flush_to_zero_report
from symgrad.analysis.verify.backends import (
    MpOps,
    backend_available,
    install_command,
    load_backend,
)
from symgrad.analysis.verify.balls import ball_value
from symgrad.analysis.verify.emulation import EMULATED_FORMATS
from symgrad.analysis.verify.emulation_check import compare_emulation
from symgrad.analysis.verify.hessian_check import compare_hessian
from symgrad.analysis.verify.second_process import Child, run_in_order
from symgrad.base.verdicts import Verdict, count_verdicts, verify_exit_code, verify_summary
from symgrad.core.activations import TEXT_ACTIVATIONS, derivative_supremum, get_activation
from symgrad.core.chain import Chain
from symgrad.core.derive import verify_routes
from symgrad.core.induction import prove_closed_form
from symgrad.numeric.certified import certified_values
from symgrad.numeric.flint_backend import ACTIVATION_TABLE as BALL_TABLE
from symgrad.numeric.flint_backend import arb_to_mpf
from symgrad.numeric.formats import FORMATS
from symgrad.numeric.recurrence import forward_output
from symgrad.numeric.weights import parse_weights
from symgrad.present.numbers import format_bound

__all__ = ["GROUPS", "Check", "VerificationReport", "format_check", "run_battery"]

PASS, FAIL, UNDECIDED, SKIPPED = Verdict.PASS, Verdict.FAIL, Verdict.UNDECIDED, Verdict.SKIPPED
NOT_CHECKABLE, MEASURED = Verdict.NOT_CHECKABLE, Verdict.MEASURED
GROUPS = ("routes", "induction", "bounds", "gradient", "emulation", "hessian", "flush-to-zero",
          "finite differences")
FD_DIGITS = 20


@dataclass(frozen=True)
class Check:
    """One line of the verification table."""

    group: str
    name: str
    status: Verdict
    evidence: str
    data: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Verdict(self.status))

    def to_json(self) -> dict[str, object]:
        return {"group": self.group, "name": self.name, "status": self.status.word,
                "evidence": self.evidence, "data": self.data}


@dataclass
class VerificationReport:
    """The verification table; ``to_json``, ``to_text`` and ``_repr_html_``."""

    checks: list[Check]
    settings: dict[str, str]
    notes: list[str]

    @property
    def passed(self) -> bool:
        """True when the run exits 0 (NOT CHECKABLE and MEASURED rows are counted apart)."""
        return self.exit_code == 0

    @property
    def exit_code(self) -> int:
        return verify_exit_code(c.status for c in self.checks)

    def counts(self) -> dict[str, int]:
        """verdict word -> number of checks (every check verdict, zeros included)."""
        return {v.word: n for v, n in count_verdicts(c.status for c in self.checks).items()}

    def summary(self) -> str:
        return verify_summary(c.status for c in self.checks)

    def to_json(self) -> dict[str, object]:
        return {"settings": self.settings, "notes": self.notes,
                "counts": {k: str(v) for k, v in self.counts().items()},
                "passed": self.passed, "checks": [c.to_json() for c in self.checks]}

    def to_text(self) -> str:
        lines = [format_check(c) for c in self.checks]
        lines += [f"note: {n}" for n in self.notes]
        lines.append(self.summary())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(c.status.word)}</td><td>{html.escape(c.group)}</td>"
            f"<td>{html.escape(c.name)}</td><td>{html.escape(c.evidence)}</td></tr>"
            for c in self.checks)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return ("<table><thead><tr><th>status</th><th>group</th><th>check</th>"
                f"<th>evidence</th></tr></thead><tbody>{rows}</tbody></table>"
                f"<ul>{notes}</ul><p>{html.escape(self.summary())}</p>")


def format_check(c: Check) -> str:
    """One text line: ``PASS          group: name - evidence``."""
    return f"{c.status.word:<13} {c.group}: {c.name} - {c.evidence}"


def _weights(depth: int, seed: int) -> tuple[Fraction, ...]:
    return parse_weights(f"normal:0,1,seed={seed}", depth)


def _routes(activations):
    for act in activations:
        depths = range(1, 5)
        ok = [verify_routes(Chain(L, activation=act)).holds for L in depths]
        gen = verify_routes(Chain(3, activation=act, form="general", bias=True)).holds
        yield Check("routes", f"{act}, L = 1..4 (+ general form L = 3)",
                    PASS if all(ok) and gen else FAIL,
                    "naive sympy.diff == layer-wise chain rule, expanded difference 0 "
                    f"for every w_k: {sum(ok) + gen} of {len(ok) + 1} chains",
                    {"per_depth": {str(L): o for L, o in zip(depths, ok)}, "general_L3": gen})


def _induction(activations):
    for act in activations:
        for form, bias, k in (("seed", False, 1), ("seed", False, 2), ("general", True, 1)):
            p = prove_closed_form(act, form=form, bias=bias, k=k)
            bad = [s.title for s in p.steps if not s.verified]
            yield Check("induction", f"{act}, {form} form{' + bias' if bias else ''}, k = {k}",
                        PASS if p.verified else FAIL,
                        f"{len(p.steps) - len(bad)} of {len(p.steps)} steps verified"
                        + (f"; unverified: {', '.join(bad)}" if bad else "") + f": {p.claim}",
                        {"claim": str(p.claim), "steps": [s.title for s in p.steps]})


def _bounds(activations, depths, seed):
    rng = np.random.default_rng(seed)
    points = [Fraction(float(t)) for t in rng.uniform(-20, 20, size=64)] + [Fraction(0)]
    for act in activations:
        sup = derivative_supremum(act).value
        _, dsig = BALL_TABLE[act]
        with ctx.workprec(128):
            sup_ball = ball_value(sup, 128)  # certified enclosure of the derived supremum
            balls = [(t, dsig(arb(fmpq(t.numerator, t.denominator)))) for t in points]
            # Arb comparisons are true only when certain: a ball touching a bound is undecided
            monotone = get_activation(act).monotone  # sigma' >= 0, else |sigma'| <= sup
            lo = 0 if monotone else -sup_ball
            bad = [t for t, d in balls if d < lo or d > sup_ball]
            open_ = [t for t, d in balls if not (lo <= d <= sup_ball) and t not in bad]
        verdict = FAIL if bad else (UNDECIDED if open_ else PASS)
        yield Check("bounds", f"{'0' if monotone else '−sup'} ≤ {act}'(t) ≤ sup = {sup}",
                    verdict,
                    f"sup derived by SymPy = {sup}; certified at {len(points)} seeded points "
                    f"t in [-20, 20]" + (f"; violated at {bad[:3]}" if bad else "")
                    + (f"; undecided (ball touches the bound) at {open_[:3]}" if open_ else ""),
                    {"sup": str(sup), "points": str(len(points))})
        rows, ok, refuted = [], True, False
        for L in depths:
            w = _weights(L, seed)
            g = certified_values(Chain(L, activation=act), list(w), digits=5).grad_w[0]
            with ctx.workprec(g.prec + 64):
                bound = ball_value(sup, g.prec + 64) ** (L - 1)
                for v in w[1:]:
                    bound *= abs(arb(fmpq(v.numerator, v.denominator)))
                holds = bool(abs(g.arb) <= bound)  # certified: true only if it surely holds
                refuted |= bool(abs(g.arb) > bound)  # surely broken (else: undecided)
                shown = format_bound(bound, "upper", 4)  # rounded up: still a bound
            ok &= holds
            rows.append(f"L={L}: |dF/dw1| = {g.mid.lstrip('-')} ≤ {shown}")
        yield Check("bounds", f"{act}: |dF/dw1| ≤ ∏|w_i| · sup^(L-1)",
                    PASS if ok else (FAIL if refuted else UNDECIDED), "; ".join(rows),
                    {"rows": rows})


def _with_reason(verdict: Verdict, reason: str, evidence: str) -> str:
    return evidence if verdict is PASS or not reason else f"{reason}; {evidence}"


def _gradient(backends, formats, activations, depths, seed):
    for be in backends:
        for fmt in formats:
            for act in activations:
                for L in depths:
                    g = compare_gradient(be, Chain(L, activation=act), _weights(L, seed), fmt)
                    ev = g.summary() + ("" if g.ok else "; " + "; ".join(g.failures()[:3]))
                    yield Check("gradient", f"{be} {fmt} {act} L={L}", g.verdict,
                                _with_reason(g.verdict, g.reason, ev), g.to_json())


def _emulation(backends, formats, activations, depths, seed):
    for be in backends:
        for fmt in (f for f in formats if f in EMULATED_FORMATS):
            for act in activations:
                for L in depths:
                    chain, w = Chain(L, activation=act), _weights(L, seed)
                    r = load_backend(be).gradient(chain, w, fmt)
                    e = compare_emulation(be, chain, w, fmt, result=r)
                    yield Check("emulation", f"{be} {fmt} {act} L={L}", e.verdict, e.summary(),
                                e.to_json())


def _hessian_chains(activations, depths) -> list[Chain]:
    """The chains of one format's Hessian batch (one JAX compile per format)."""
    return [Chain(L, activation=act) for act in activations for L in depths]


def _hessian(backends, formats, activations, depths, seed):
    for be in backends:
        for fmt in formats:
            items = [(c, _weights(c.depth, seed)) for c in _hessian_chains(activations, depths)]
            results = load_backend(be).hessian_batch(items, fmt) if items else []
            for (chain, w), r in zip(items, results, strict=True):
                h = compare_hessian(be, chain, w, fmt, result=r)
                yield Check("hessian", f"{be} {fmt} {chain.activation} L={chain.depth}",
                            h.verdict, _with_reason(h.verdict, h.reason, h.summary()),
                            h.to_json())


def _ftz(backends, formats):
    for be in backends:
        for fmt in formats:
            r = flush_to_zero_report(be, fmt)
            where = (f"diverges from IEEE at depth {r['diverges_at']}" if r["diverges_at"]
                     else "no divergence from IEEE")
            ev = (f"{'flushes' if r['flushes'] else 'keeps'} subnormals ({r['primitive']}); "
                  f"sigmoid chain, weights 1: true dF/dw1 = {r['true_grad_w1']} is subnormal "
                  f"first at L={r['first_subnormal_depth']}, {be} gives "
                  f"{r['computed_grad_w1']}: {where}")
            # a measurement, not a check; it fails only when the chain contradicts the
            # primitive measurement that the gradient checks use to classify zeros
            yield Check("flush-to-zero", f"{be} {fmt}", MEASURED if r["consistent"] else FAIL,
                        ev if r["consistent"] else f"inconsistent with the primitive: {ev}",
                        {k: str(v) for k, v in r.items()})


def _finite_differences(activations, depths, seed):
    for act in activations:
        for L in depths:
            chain = Chain(L, activation=act)
            w = _weights(L, seed)
            cert = certified_values(chain, list(w), digits=FD_DIGITS + 5)
            worst = 0.0
            with mpmath.workdps(2 * FD_DIGITS + 10):
                ws = [mpmath.mpf(v.numerator) / v.denominator for v in w]
                for k in range(L):
                    def f(t, k=k, ws=ws, chain=chain):
                        return forward_output(chain, [*ws[:k], t, *ws[k + 1:]], MpOps())

                    d = mpmath.diff(f, ws[k])
                    true = arb_to_mpf(cert.grad_w[k].arb.mid())
                    if true != 0:
                        worst = max(worst, float(abs(d - true) / abs(true)))
                    elif d != 0:
                        worst = max(worst, float(abs(d)))
            ok = worst <= 10.0 ** -FD_DIGITS
            yield Check("finite differences", f"{act} L={L}", PASS if ok else FAIL,
                        f"mpmath.diff of the mpmath forward pass at {2 * FD_DIGITS + 10} digits "
                        f"vs certified dF/dw_k, k=1..{L}: max relative difference {worst:.1e} "
                        f"(required ≤ 1e-{FD_DIGITS})", {"max_rel": f"{worst:.3e}"})


#: groups that run once per backend: their JAX units are computed last (see run_battery)
_PER_BACKEND = ("gradient", "emulation", "hessian", "flush-to-zero")


def _units(present, formats, activations, depths, hessian_depths, seed, groups):
    """The battery as (group, backend, thunk) units, in output order."""
    fd_depths = [L for L in depths if L <= 30]
    plan = {
        "routes": lambda _: _routes(activations),
        "induction": lambda _: _induction(activations),
        "bounds": lambda _: _bounds(activations, depths, seed),
        "gradient": lambda be: _gradient([be], formats, activations, depths, seed),
        "emulation": lambda be: _emulation([be], formats, activations, depths, seed),
        "hessian": lambda be: _hessian([be], formats, activations, hessian_depths, seed),
        "flush-to-zero": lambda be: _ftz([be], formats),
        "finite differences": lambda _: _finite_differences(activations, fd_depths, seed),
    }
    return [(g, be, plan[g]) for g in GROUPS if g in groups
            for be in (present if g in _PER_BACKEND else [None])]


def _jax_rows(formats, activations, depths, hessian_depths, seed, groups):
    """The checks of the JAX units, one list per unit in output order (run in the child
    process, :class:`symgrad.analysis.verify.second_process.Child`)."""
    units = _units(["jax"], formats, activations, depths, hessian_depths, seed, groups)
    return [list(thunk(be)) for _, be, thunk in units if be == "jax"]


def run_battery(*, backends: Sequence[str] = ("jax", "torch"),
                formats: Sequence[str] = FORMATS,
                depths: Sequence[int] = (2, 5, 10, 30),
                hessian_depths: Sequence[int] = (3, 6),
                activations: Sequence[str] = TEXT_ACTIVATIONS,
                seed: int = 0, groups: Sequence[str] = GROUPS,
                on_check: Callable[[Check], None] | None = None) -> VerificationReport:
    """Run the battery; ``on_check`` is called with each check as it completes, in
    output order.  The JAX rows are computed beside the rest in a second Python process
    (:mod:`symgrad.analysis.verify.second_process`; ``SYMGRAD_PROCESSES=1`` keeps one
    process); the output is the same either way."""
    checks: list[Check] = []
    notes: list[str] = []

    def emit(c: Check) -> None:
        checks.append(c)
        if on_check:
            on_check(c)

    # the JAX rows start in a second process at once, beside everything else here
    child = (Child.start(__name__, "_jax_rows", (formats, activations, depths,
                                                  hessian_depths, seed, groups))
             if "jax" in backends and any(g in _PER_BACKEND for g in groups) else None)
    try:
        have = {be: backend_available(be) for be in backends}
        if child and not have["jax"]:
            child.close()
            child = None
        present = [be for be in backends if have[be]]
        for be in backends:
            if not have[be]:
                emit(Check("backend", be, SKIPPED,
                           f"{be} is not installed: {install_command(be)}", {"install": be}))
        units = _units(present, formats, activations, depths, hessian_depths, seed, groups)
        run_in_order([(be == "jax" and child is not None, lambda t=t, be=be: t(be))
                      for _, be, t in units], emit, child)
    finally:
        if child:
            child.close()
    settings = {"backends": ",".join(backends), "formats": ",".join(formats),
                "depths": ",".join(map(str, depths)),
                "hessian_depths": ",".join(map(str, hessian_depths)),
                "activations": ",".join(activations), "seed": str(seed),
                "weights": f"normal:0,1,seed={seed}"}
    return VerificationReport(checks, settings, notes)
