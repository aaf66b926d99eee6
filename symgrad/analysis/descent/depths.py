"""Slow updates against depth: the steps to reduce F by a fraction, for the truth and each run.

The text's point 2 (a small gradient means slow updates), measured: for each depth L the
chain's descent from the same weights SPEC with the same eta (:func:`descent`, without
the Hessian classification) gives the first step k with F(p_k) <= F(p_0) - f |F(p_0)|
for the certified truth (decided by the balls) and for each float run in its own
values.  A run that stops moving first is reported with its stall step.

>>> from fractions import Fraction
>>> from symgrad.analysis.descent.objective import ChainObjective
>>> from symgrad.core.chain import Chain
>>> rows = depth_sweep({L: ChainObjective(Chain(L), [Fraction(1)] * L) for L in (1, 2)},
...                    eta=Fraction(1), steps=20, runs=("float16",),
...                    target_fraction=Fraction(1, 2))
>>> [(r.depth, r.true_step, r.runs["float16"].target_step) for r in rows.rows]
[(1, 1, 1), (2, None, None)]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from symgrad.analysis.descent.floats import LossScale
from symgrad.analysis.descent.objective import Objective
from symgrad.analysis.descent.summary import descent, target_step_float, target_step_true

__all__ = ["DepthRow", "DepthSweep", "RunSpeed", "depth_sweep"]

_SWEEP_DIGITS = 6


@dataclass(frozen=True)
class RunSpeed:
    """One float run at one depth: the target step (None: not reached), its first stall
    (None: it kept moving) and the steps it ran."""

    target_step: int | None
    stall: int | None
    steps_run: int

    def text(self, steps: int) -> str:
        if self.target_step is not None:
            return str(self.target_step)
        if self.stall is not None:
            return f"stalled at step {self.stall}"
        return f"not within {self.steps_run} steps" if self.steps_run < steps else \
            f"not within {steps} steps"


@dataclass
class DepthRow:
    """The truth's target step (None: not within its ``true_reached`` certified steps)
    and each run's :class:`RunSpeed`, at one depth."""

    depth: int
    true_step: int | None
    true_reached: int
    runs: dict[str, RunSpeed] = field(default_factory=dict)


@dataclass
class DepthSweep:
    """The rows done, in depth order; ``interrupted``: a Ctrl-C ended the sweep early."""

    fraction: Fraction
    rows: list[DepthRow]
    interrupted: bool = False


def depth_sweep(objectives: Mapping[int, Objective], *, eta: Fraction, steps: int,
                runs: Sequence[str], target_fraction: Fraction, rule: str = "fixed",
                loss_scale: LossScale | None = None,
                progress: Callable[[int], None] | None = None) -> DepthSweep:
    """One :class:`DepthRow` per depth (the keys of ``objectives``, in their order).

    A ``KeyboardInterrupt`` (or an interrupted run) ends the sweep: the complete rows
    are kept and ``interrupted`` is set."""
    out = DepthSweep(target_fraction, [])
    for depth, obj in objectives.items():
        try:
            d = descent(obj, eta=eta, steps=steps, digits=_SWEEP_DIGITS, runs=runs,
                        rule=rule, loss_scale=loss_scale, target_fraction=target_fraction,
                        classify=False, progress=progress)
        except KeyboardInterrupt:
            out.interrupted = True
            break
        if d.interrupted:
            out.interrupted = True
            break
        row = DepthRow(depth, target_step_true(d.truth, target_fraction), d.truth.reached)
        for name, r in d.floats.items():
            row.runs[name] = RunSpeed(target_step_float(r, target_fraction), r.stall,
                                      r.steps_run)
        out.rows.append(row)
    return out
