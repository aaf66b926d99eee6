"""The true gradient-descent iteration, certified: every iterate a ball.

p_{k+1} = p_k - t_k grad F(p_k) for an objective of :mod:`symgrad.analysis.descent.objective`
(the chain's weights, or a network's parameters), with t_k = eta (fixed rule) or the
Armijo step (:mod:`symgrad.analysis.descent.armijo`).  The iterate is carried as
python-flint balls through the shared recurrences (the exact-aware ball table of
:mod:`symgrad.numeric.flint_backend`): p_0 is exact, and each ball contains the exact
iterate of exact arithmetic, so F(p_k), ||grad F(p_k)|| and p_k are printed to D digits
only where the balls decide them (:class:`symgrad.numeric.certified.Ball`).

**Precision.**  A run starts at ``start`` bits (:func:`start_bits`) and is repeated from
p_0 at the next rung of :func:`symgrad.numeric.precision_ladder.ladder` (factor 2) when
a requested report is not decided to D digits, the iterate's relative accuracy falls
below the D digits plus 16 guard bits, or an Armijo comparison is undecided.  At the
cap (:data:`MAX_DESCENT_BITS`, documented in the README) the run stops: steps
``0..reached`` are certified, and ``stop`` says why step ``reached + 1`` is not.

>>> from fractions import Fraction
>>> from symgrad.analysis.descent.objective import ChainObjective
>>> from symgrad.core.chain import Chain
>>> run = true_descent(ChainObjective(Chain(2), [Fraction(1), Fraction(1)]), eta=Fraction(1),
...                    steps=3, digits=8, report_steps=(0, 3))
>>> run.reached, run.reports[3].value.mid
(3, '5.5552415e-1')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from flint import arb, ctx, fmpq

from symgrad.analysis.descent.armijo import ARMIJO_C, MAX_HALVINGS, decrease_verdict
from symgrad.analysis.descent.objective import Objective, ball_ops
from symgrad.numeric.certified import Ball, initial_precision
from symgrad.numeric.flint_backend import as_ball
from symgrad.numeric.precision_ladder import ladder

__all__ = ["MAX_DESCENT_BITS", "Report", "TrueRun", "TrueStep", "start_bits", "true_descent"]

#: the most working bits the certified iteration is repeated at (README: Limits)
MAX_DESCENT_BITS = 16384
_GUARD = 16


@dataclass
class TrueStep:
    """Step k: F(p_k) and ||grad F(p_k)|| as balls, the accepted step t_k (None at the
    last state), whether the sufficient-decrease condition holds (True/False/None) and
    whether the iterate provably moved."""

    step: int
    value: arb
    grad_norm: arb
    eta: Fraction | None = None
    decrease: bool | None = None
    moved: bool | None = None


@dataclass
class Report:
    """F, ||grad F|| and the iterate at a requested step, certified to D digits."""

    step: int
    value: Ball
    grad_norm: Ball
    iterate: list[Ball]


@dataclass
class TrueRun:
    """The certified run: ``steps[k]`` for k = 0..reached, ``iterates[k]`` the balls p_k."""

    n: int
    requested: int
    digits: int
    prec: int
    rule: str
    steps: list[TrueStep] = field(default_factory=list)
    iterates: list[list] = field(default_factory=list)
    reports: dict[int, Report] = field(default_factory=dict)
    stop: str | None = None
    interrupted: bool = False

    @property
    def reached(self) -> int:
        """The last step whose state is certified."""
        return len(self.steps) - 1


def start_bits(digits: int, depth: int, steps: int, magnitude_bits: int = 0) -> int:
    """The first rung: :func:`~symgrad.numeric.certified.initial_precision` plus 2 bits
    per doubling of the number of steps (rounding errors add up along the run)."""
    return initial_precision(digits, depth, magnitude_bits) + 2 * math.ceil(
        math.log2(steps + 2)) + _GUARD


def _accuracy(values) -> int:
    """The worst relative accuracy (bits) of non-exact, nonzero balls (exact: unlimited)."""
    worst = 10**9
    for v in values:
        if isinstance(v, fmpq) or v.is_exact():
            continue
        if not v.is_finite():
            return -1
        if 0 in v:
            continue  # a ball around 0 is judged where it is reported
        worst = min(worst, v.rel_accuracy_bits())
    return worst


@dataclass
class _Problem:
    objective: Objective
    eta: Fraction
    steps: int
    rule: str
    digits: int
    report_steps: frozenset[int]

    def grad(self, p):
        return self.objective.grad(p, ball_ops())


def _norm_sq(g) -> arb:
    return sum((as_ball(v) * as_ball(v) for v in g), arb(0))


def _report(pb: _Problem, k: int, value, gsq: arb, p, prec: int) -> Report | None:
    d = pb.digits
    rep = Report(k, Ball(value, d, prec), Ball(gsq.sqrt() if gsq != 0 else fmpq(0), d, prec),
                 [Ball(v, d, prec) for v in p])
    ok = rep.value.decided and rep.grad_norm.decided and all(b.decided for b in rep.iterate)
    return rep if ok else None


def _step(pb: _Problem, p, value, g, gsq):
    """(t, p_new, F_new, g_new, decrease) or a reason string when the rung must be raised."""
    t = pb.eta
    for _ in range(MAX_HALVINGS + 1 if pb.rule == "armijo" else 1):
        tq = fmpq(t.numerator, t.denominator)
        p_new = [pi - tq * gi for pi, gi in zip(p, g, strict=True)]
        f_new, g_new = pb.grad(p_new)
        dec = decrease_verdict(as_ball(f_new), as_ball(value), as_ball(gsq), t, ARMIJO_C)
        if pb.rule == "fixed" or dec is True:
            return t, p_new, f_new, g_new, dec
        if dec is None:
            return "the Armijo comparison at step size " f"{t} is undecided"
        t = t / 2
    return None  # no Armijo step within MAX_HALVINGS halvings


def _moved(updates) -> bool | None:
    """True when some coordinate provably moved, False when every update is exactly 0."""
    if any(not isinstance(u, fmpq) and 0 not in u for u in updates) or any(
            isinstance(u, fmpq) and u != 0 for u in updates):
        return True
    return False if all(isinstance(u, fmpq) or u.is_zero() for u in updates) else None


def _run_at(pb: _Problem, run: TrueRun, tick: Callable[[int], None]) -> TrueRun:
    """One rung: fill ``run`` until it ends or certification fails (``stop`` says which)."""
    prec = run.prec
    need = math.ceil(pb.digits * math.log2(10)) + _GUARD
    with ctx.workprec(prec):
        p = [fmpq(w.numerator, w.denominator) for w in pb.objective.start]
        value, g = pb.grad(p)
        for k in range(pb.steps + 1):
            gsq = _norm_sq(g)
            if _accuracy([value, gsq, *p]) < need:
                run.stop = f"the iterate's balls are wider than {pb.digits} digits allow"
                return run
            if k in pb.report_steps:
                rep = _report(pb, k, value, gsq, p, prec)
                if rep is None:
                    run.stop = f"step {k} is not decided to {pb.digits} digits"
                    return run
                run.reports[k] = rep
            run.steps.append(TrueStep(k, as_ball(value), gsq.sqrt()))
            run.iterates.append(p)
            if k == pb.steps:
                return run
            out = _step(pb, p, value, g, gsq)
            if not isinstance(out, tuple):
                run.stop = out or (f"no Armijo step from eta found within {MAX_HALVINGS} "
                                   "halvings (a stationary point, or a numerical dead end)")
                return run
            t, p_new, value, g, dec = out
            moved = _moved([a - b for a, b in zip(p_new, p, strict=True)])
            run.steps[-1].eta, run.steps[-1].decrease, run.steps[-1].moved = t, dec, moved
            p = p_new
            tick(k + 1)
    return run  # pragma: no cover - the loop returns


def _trim(run: TrueRun) -> None:
    """After an interrupt: keep the steps whose records are complete."""
    n = min(len(run.steps), len(run.iterates))
    run.steps, run.iterates = run.steps[:n], run.iterates[:n]
    run.reports = {k: r for k, r in run.reports.items() if k < n}
    if n:
        last = run.steps[-1]
        last.eta = last.decrease = last.moved = None


def true_descent(objective: Objective, *, eta: Fraction, steps: int,
                 digits: int, report_steps: Sequence[int], rule: str = "fixed",
                 max_bits: int = MAX_DESCENT_BITS,
                 progress: Callable[[int], None] | None = None) -> TrueRun:
    """The certified run (see the module docstring).  ``progress(k)`` is called as step k
    is certified at the current rung; a ``KeyboardInterrupt`` returns the steps done so
    far with ``interrupted`` set."""
    pb = _Problem(objective, Fraction(eta), steps, rule, digits, frozenset(report_steps))
    mags = [q for q in (*objective.inputs, eta) if q]
    mag = max((abs(q.numerator).bit_length() - q.denominator.bit_length() for q in mags),
              default=0)
    start = min(start_bits(digits, objective.size, steps, max(0, mag)), max_bits)
    best: TrueRun | None = None
    done = [0]

    def tick(k: int) -> None:
        if progress is not None and k > done[0]:
            progress(k - done[0])
            done[0] = k

    for prec in ladder(start, max(start, max_bits), factor=2):
        run = TrueRun(objective.n, steps, digits, prec, rule)
        try:
            _run_at(pb, run, tick)
        except KeyboardInterrupt:
            _trim(run)
            run = run if best is None or run.reached >= best.reached else best
            run.interrupted = True
            return run
        if best is None or run.reached > best.reached:
            best = run
        if run.stop is None:
            return run
    assert best is not None
    where = (f"after step {best.reached}" if best.reached >= 0 else "at step 0")
    best.stop = f"certification stops {where}: {best.stop} at the precision cap of {max_bits} bits"
    return best
