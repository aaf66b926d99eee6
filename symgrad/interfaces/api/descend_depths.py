"""The ``depths=`` sweep of :func:`symgrad.descend` (``symgrad descend --depths LIST``).

For each depth the chain with the same activation, form and bias, the same weights SPEC
(and biases, x), the same eta, rule, steps and float runs: the first step at which F has
fallen by the target fraction, for the certified truth and each run, or the step a run
stalled at (:func:`symgrad.analysis.descent.depth_sweep`).  At most :data:`MAX_DEPTHS`
depths; ``steps x (sum of the depths)`` counts against the descent's work cap.

>>> parse_depths("10, 2,5,2")
(2, 5, 10)
"""

from __future__ import annotations

from symgrad.analysis.descent import ChainObjective, DepthSweep
from symgrad.base.errors import InputError, LimitError
from symgrad.core.chain import Chain, validate_depth
from symgrad.interfaces.api.point import chain_point
from symgrad.numeric.number_text import number_text
from symgrad.present.tables import text_table

__all__ = ["MAX_DEPTHS", "check_depth_work", "depth_objectives", "depths_json", "depths_lines",
           "depths_text", "parse_depths"]

MAX_DEPTHS = 20


def parse_depths(spec: object) -> tuple[int, ...]:
    """A comma list (or sequence) of depths, sorted, duplicates dropped."""
    items = str(spec).split(",") if isinstance(spec, str) else list(spec)  # type: ignore[call-overload]
    items = [s.strip() if isinstance(s, str) else s for s in items]
    if not items or any(s == "" for s in items):
        raise InputError(f"--depths needs a comma list of depths, got {spec!r}",
                         hint="e.g. --depths 2,5,10,20")
    out = tuple(sorted({validate_depth(s, name="each of --depths") for s in items}))
    if len(out) > MAX_DEPTHS:
        raise LimitError(f"{len(out)} depths, above the cap of {MAX_DEPTHS}",
                         hint="ask for fewer --depths")
    return out


def check_depth_work(depths: tuple[int, ...], steps: int, cap: int) -> None:
    """``steps x sum(depths) <= cap``, or a one-line error."""
    total = sum(depths)
    if steps * total > cap:
        raise LimitError(f"{steps} steps x {total} (the sum of --depths) is above the cap of "
                         f"{cap:,}", hint=f"use --steps {max(1, cap // total)} or less, or "
                         "fewer --depths")


def depth_objectives(depths: tuple[int, ...], like: Chain, weights, biases=None,
                     x=None) -> dict[int, ChainObjective]:
    """One chain objective per depth, built like ``like`` from the same SPECs."""
    out = {}
    for depth in depths:
        chain = Chain(depth, activation=like.activation, form=like.form, bias=like.bias)
        out[depth] = ChainObjective(chain, *chain_point(chain, weights, biases, x))
    return out


def depths_json(sweep: DepthSweep | None) -> dict | None:
    if sweep is None:
        return None
    rows = [{"depth": r.depth,
             "true": {"target_step": r.true_step, "certified_steps": r.true_reached},
             "runs": [{"name": n, "target_step": s.target_step, "stall": s.stall,
                       "steps_run": s.steps_run} for n, s in r.runs.items()]}
            for r in sweep.rows]
    return {"target_fraction": number_text(sweep.fraction), "interrupted": sweep.interrupted,
            "rows": rows}


def depths_text(sweep: DepthSweep, steps: int) -> list[str]:
    names = list(sweep.rows[0].runs) if sweep.rows else []
    rows = [[str(r.depth), str(r.true_step) if r.true_step is not None else
             f"not within {r.true_reached} certified steps",
             *(r.runs[n].text(steps) if n in r.runs else "-" for n in names)]
            for r in sweep.rows]
    head = (f"slow updates against depth: steps until F <= F(p_0) - "
            f"{number_text(sweep.fraction)} |F(p_0)| (same weights, eta and steps)")
    out = [head, text_table(["depth", "true", *names], rows)]
    if sweep.interrupted:
        out.append("interrupted: the depths above are those completed")
    return out


def depths_lines(sweep: DepthSweep) -> dict[str, tuple[list[int], list[int]]]:
    """Plot data: run name -> (depths, target steps), the depths where it was reached."""
    lines: dict[str, tuple[list[int], list[int]]] = {"true": ([], [])}
    for r in sweep.rows:
        pairs = [("true", r.true_step)] + [(n, s.target_step) for n, s in r.runs.items()]
        for name, k in pairs:
            if k is not None:
                xs, ys = lines.setdefault(name, ([], []))
                xs.append(r.depth)
                ys.append(k)
    return lines
