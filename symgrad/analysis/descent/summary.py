"""One descent experiment: the certified truth beside every float run, and what each reached.

:func:`descent` runs :func:`~symgrad.analysis.descent.true.true_descent` and
:func:`~symgrad.analysis.descent.floats.float_descent` for each requested run, then
measures:

* **distances** -- ||w_float(k) - p_true(k)|| for every step both runs reached, as a
  certified upper bound (a ball: the float iterate is exact, the true one a ball);
* **the first stall** -- the first step at which a float run stops moving (every
  ``w - t*g == w``) while the true iteration provably still moves;
* **slow updates** -- the first step with F(p_k) <= F(p_0) - f |F(p_0)| (``f`` the target
  fraction): for the truth decided by the balls, for a float run in its own F values (never,
  if it stalls first);
* **what each run stopped at** (:class:`RunEnd`) -- the Hessian classification of the
  chain or network (``Objective.classify``) at the final iterate: an exact float iterate,
  or the midpoint of the true iterate's ball (within its radius).

>>> from fractions import Fraction
>>> from symgrad.analysis.descent.objective import ChainObjective
>>> from symgrad.core.chain import Chain
>>> d = descent(ChainObjective(Chain(2), [Fraction(0), Fraction(0)]), eta=Fraction(1, 10),
...             steps=2, digits=6, runs=("float32",))
>>> d.ends["true"].verdict.cls, d.ends["float32"].answer
('saddle', 'stopped moving at step 0, a saddle: not an optimum')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from flint import arb, ctx, fmpq

from symgrad.analysis.descent.floats import FloatRun, LossScale, float_descent
from symgrad.analysis.descent.objective import Objective
from symgrad.analysis.descent.true import TrueRun, true_descent
from symgrad.analysis.stationary.model import Verdict
from symgrad.base.errors import SymgradError
from symgrad.numeric.flint_backend import arb_to_fraction, as_ball

__all__ = ["Descent", "RunEnd", "classify_end", "curvature", "descent", "distances",
           "first_stall", "target_step_float", "target_step_true"]

@dataclass
class RunEnd:
    """Where a run stopped: its step, the certified ||grad F|| there, the class, the answer."""

    run: str
    step: int
    grad_norm: str
    verdict: Verdict | None
    answer: str
    note: str = ""
    curvature: str | None = None


@dataclass
class Descent:
    """Everything :func:`descent` computed (the inputs, the runs and the measurements)."""

    objective: Objective
    eta: Fraction
    steps: int
    rule: str
    digits: int
    target_fraction: Fraction
    loss_scale: LossScale
    truth: TrueRun
    floats: dict[str, FloatRun]
    ends: dict[str, RunEnd] = field(default_factory=dict)
    classification_interrupted: bool = False

    @property
    def interrupted(self) -> bool:
        return (self.truth.interrupted or self.classification_interrupted
                or any(r.interrupted for r in self.floats.values()))


def distances(truth: TrueRun, run: FloatRun) -> list[arb]:
    """Balls containing ||w_float(k) - p_true(k)||_2 for k = 0..min(both reached)."""
    last = min(truth.reached, run.steps_run)
    out = []
    with ctx.workprec(max(64, min(truth.prec, 256))):
        for k in range(last + 1):
            s = arb(0)
            for fv, tv in zip(run.weights[k], truth.iterates[k], strict=True):
                q = Fraction(float(fv))
                d = arb(fmpq(q.numerator, q.denominator)) - as_ball(tv)
                s += d * d
            out.append(s.sqrt())
    return out


def first_stall(truth: TrueRun, run: FloatRun) -> dict:
    """The float run's first stall and whether the true iteration still moves there."""
    k = run.stall
    if k is None:
        return {"step": None, "true_moves": None}
    moves = truth.steps[k].moved if k < truth.reached else None
    return {"step": k, "true_moves": moves}


def target_step_true(truth: TrueRun, fraction: Fraction) -> int | None:
    """The first certified step k with F(p_k) <= F(p_0) - fraction |F(p_0)|, decided by the
    balls (None: not within the certified steps)."""
    if not truth.steps:
        return None
    with ctx.workprec(truth.prec):
        f0 = truth.steps[0].value
        q = fmpq(fraction.numerator, fraction.denominator)
        threshold = f0 - q * abs(f0)
        return next((s.step for s in truth.steps if s.value <= threshold), None)


def target_step_float(run: FloatRun, fraction: Fraction) -> int | None:
    """The first step k with F(w_k) <= F(w_0) - fraction |F(w_0)| in the run's own values."""
    if not run.value or run.value[0] != run.value[0] or abs(run.value[0]) == float("inf"):
        return None
    f0 = Fraction(run.value[0])
    t = f0 - fraction * abs(f0)
    return next((k for k, v in enumerate(run.value) if v == v and Fraction(v) <= t), None)


def _end_of(text: str, up: bool) -> Fraction:
    mid, _, rad = text.partition(" ± ")
    m, r = Fraction(mid), Fraction(rad or 0)
    return m + r if up else m - r


def curvature(eigenvalues: Sequence[str]) -> str | None:
    """The Hessian's definiteness from eigenvalue enclosures printed ``mid ± rad`` (rad
    rounded up): positive/negative definite, indefinite, or undecided (None: none given).

    >>> curvature(["4.3e-1 ± 2e-11"]), curvature(["-2.5e-1 ± 1e-3", "2.5e-1"])
    ('positive definite', 'indefinite')
    """
    if not eigenvalues:
        return None
    lows = [_end_of(t, False) for t in eigenvalues]
    highs = [_end_of(t, True) for t in eigenvalues]
    if all(v > 0 for v in lows):
        return "positive definite"
    if all(v < 0 for v in highs):
        return "negative definite"
    if any(v > 0 for v in lows) and any(v < 0 for v in highs):
        return "indefinite"
    return "undecided"


def _answer(head: str, verdict: Verdict, norm: str) -> str:
    cls, label = verdict.cls, verdict.label
    if cls == "local minimum":
        return f"{head}, a {label}: an optimum"
    if cls == "constant":
        return f"{head}, F constant nearby: a non-strict optimum"
    if cls == "not stationary":
        return f"{head}, not stationary (||grad F|| = {norm}): not an optimum"
    if cls == "degenerate: undecided":
        return f"{head}, stationary or nearly so, class undecided: optimum undecided"
    return f"{head}, a {label}: not an optimum"


def classify_end(objective: Objective, name: str, step: int, w: Sequence[Fraction],
                 digits: int, note: str = "", stalled: bool = False) -> RunEnd:
    """The Hessian class of the objective at ``w`` (the final iterate of run ``name``)."""
    head = f"stopped moving at step {step}" if stalled else f"ended after {step} steps"
    try:
        norm, verdict, eigs = objective.classify(w, digits)
    except SymgradError as exc:  # above a Hessian budget: said, not guessed
        return RunEnd(name, step, "", None, f"{head}; not classified ({exc.message})", note)
    curv = curvature(eigs)
    answer = _answer(head, verdict, norm)
    if verdict.cls == "not stationary" and curv is not None:
        answer += f"; the Hessian there is {curv}"
    return RunEnd(name, step, norm, verdict, answer, note, curv)


def _true_point(truth: TrueRun) -> tuple[list[Fraction], str]:
    p = truth.iterates[truth.reached]
    mids = [Fraction(int(v.p), int(v.q)) if isinstance(v, fmpq) else arb_to_fraction(v.mid())
            for v in p]
    exact = all(isinstance(v, fmpq) or v.is_exact() for v in p)
    return mids, "" if exact else "classified at the midpoint of the true iterate's ball"


def descent(objective: Objective, *, eta: Fraction, steps: int,
            digits: int, runs: Sequence[str], rule: str = "fixed",
            report_steps: Sequence[int] = (), loss_scale: LossScale | None = None,
            target_fraction: Fraction = Fraction(1, 2), classify: bool = True,
            progress: Callable[[int], None] | None = None) -> Descent:
    """The truth and every run in ``runs`` for ``steps`` steps (see the module docstring)."""
    loss = loss_scale or LossScale()
    tick = progress or (lambda n: None)
    reports = sorted({0, steps, *report_steps})
    truth = true_descent(objective, eta=eta, steps=steps, digits=digits,
                         report_steps=reports, rule=rule, progress=tick)
    floats: dict[str, FloatRun] = {}
    for name in runs:
        if truth.interrupted or any(r.interrupted for r in floats.values()):
            break
        floats[name] = float_descent(objective, name, eta=eta, steps=steps, rule=rule,
                                     loss_scale=loss, progress=lambda: tick(1))
    d = Descent(objective, eta, steps, rule, digits, target_fraction, loss, truth, floats)
    if classify and not d.interrupted and truth.reached >= 0:
        try:
            _classify_all(d)
        except KeyboardInterrupt:  # the runs are kept; the classes found so far too
            d.classification_interrupted = True
    return d


def _classify_all(d: Descent) -> None:
    truth, objective, digits = d.truth, d.objective, d.digits
    mids, note = _true_point(truth)
    still = next((s.step for s in truth.steps if s.moved is False), None)
    d.ends["true"] = classify_end(objective, "true", truth.reached if still is None
                                  else still, mids, digits, note, stalled=still is not None)
    for name, run in d.floats.items():
        stalled = run.stall is not None and run.stall + 1 == run.steps_run
        d.ends[name] = classify_end(objective, name, run.stall if stalled
                                    else run.steps_run, run.final_weights(), digits,
                                    stalled=stalled)
