"""``symgrad.descend``: gradient descent, the certified truth beside each float format.

The Python side of ``symgrad descend``: the true iteration p_{k+1} = p_k - t_k grad F(p_k)
in the chain's weights (biases and x fixed), or in all parameters of a network
(``network=``: a file, a dict of its keys or a spec), certified with balls
(:mod:`symgrad.analysis.descent.true`), the same run in float64, float32, float16,
bfloat16 and mixed precision (:mod:`symgrad.analysis.descent.floats`), lost updates,
stalls, slow updates and what each run stopped at (:mod:`symgrad.analysis.descent.summary`).

Budgets (README, Limits): ``steps`` in 1..:data:`MAX_STEPS`, ``steps x depth <=``
:data:`MAX_WORK`, ``digits`` in 1..:data:`MAX_DESCENT_DIGITS`, at most
:data:`MAX_REPORT_STEPS` report steps; the certified run's precision cap is
:data:`symgrad.analysis.descent.MAX_DESCENT_BITS`.

>>> r = descend(2, [0, 0], eta="0.1", steps=3, digits=6, formats="float32")
>>> r.to_json()["ends"][0]["answer"]
'stopped moving at step 0, a saddle: not an optimum'
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from symgrad.analysis.descent import (
    ARMIJO_C,
    MAX_DESCENT_BITS,
    MAX_HALVINGS,
    ChainObjective,
    DepthSweep,
    Descent,
    NetworkObjective,
    depth_sweep,
    descent,
    distances,
    first_stall,
    parse_float_runs,
    parse_loss_scale,
    target_step_float,
    target_step_true,
)
from symgrad.analysis.descent.floats import GRADIENT_STATUS
from symgrad.base.errors import InputError, LimitError
from symgrad.interfaces.api._values import chain_json, input_errors, make_chain
from symgrad.interfaces.api.descend_depths import (
    check_depth_work,
    depth_objectives,
    depths_json,
    depths_lines,
    depths_text,
    parse_depths,
)
from symgrad.interfaces.api.network_reference import load_spec, network_json
from symgrad.interfaces.api.point import chain_point, whole
from symgrad.interfaces.api.result import Result
from symgrad.numeric.inputs import exact_number
from symgrad.numeric.number_text import number_text
from symgrad.present.numbers import format_bound
from symgrad.present.progress import task_progress
from symgrad.present.tables import text_table

__all__ = ["MAX_DESCENT_DIGITS", "MAX_REPORT_STEPS", "MAX_STEPS", "MAX_WORK", "RULES",
           "DescendResult", "descend"]

MAX_STEPS = 100_000
MAX_WORK = 2_000_000
MAX_DESCENT_DIGITS = 200
MAX_REPORT_STEPS = 1000
RULES = ("fixed", "armijo")
_DEFAULT_RUNS = "float64,float32,float16,bfloat16"


def _ball(b) -> dict:
    return {"mid": b.mid, "rad": b.rad, "certified_digits": b.digits}


def _enclosure(x) -> list[str]:
    return [format_bound(x, "lower", 6), format_bound(x, "upper", 6)]


def _float(v: float) -> str:
    return repr(float(v))


def _true_json(d: Descent) -> dict:
    t = d.truth
    steps = [{"step": s.step, "F": _enclosure(s.value), "grad_norm": _enclosure(s.grad_norm),
              "step_size": None if s.eta is None else number_text(s.eta),
              "sufficient_decrease": s.decrease, "moved": s.moved} for s in t.steps]
    reports = [{"step": k, "F": _ball(r.value), "grad_norm": _ball(r.grad_norm),
                "iterate": [_ball(b) for b in r.iterate]} for k, r in sorted(t.reports.items())]
    return {"reached": t.reached, "working_precision_bits": t.prec, "stop": t.stop,
            "interrupted": t.interrupted, "target_step": target_step_true(t, d.target_fraction),
            "reports": reports, "steps": steps}


def _run_json(d: Descent, name: str) -> dict:
    r = d.floats[name]
    dist = distances(d.truth, r)
    counts = r.status.reshape(-1)
    steps = [{"step": k, "F": _float(r.value[k]), "grad_norm": _float(r.grad_norm[k]),
              "step_size": _float(r.eta[k]), "moved": r.moved[k], "skipped": r.skipped[k],
              "loss_scale": _float(r.scale[k]), "lost_updates": int(r.lost[k].sum()),
              "distance_to_true": format_bound(dist[k], "upper", 3) if k < len(dist) else None}
             for k in range(r.steps_run)]
    lost_steps = [[int(k) for k in r.lost[:, i].nonzero()[0][:1]] for i in range(r.lost.shape[1])]
    return {
        "name": name, "master_format": r.master, "compute_format": r.compute,
        "steps_run": r.steps_run, "stop": r.stop, "interrupted": r.interrupted,
        "stall": first_stall(d.truth, r), "target_step": target_step_float(r, d.target_fraction),
        "lost_updates": int(r.lost.sum()),
        "lost_updates_per_parameter": [int(c) for c in r.lost.sum(axis=0)],
        "first_lost_step_per_parameter": [s[0] if s else None for s in lost_steps],
        "gradient_status": {s: int((counts == i).sum()) for i, s in enumerate(GRADIENT_STATUS)},
        "skipped_steps": int(sum(r.skipped)),
        "final": {"F": _float(r.value[-1]), "grad_norm": _float(r.grad_norm[-1]),
                  "weights": [_float(v) for v in r.weights[r.steps_run]],
                  "distance_to_true": format_bound(dist[-1], "upper", 3) if len(dist) ==
                  r.steps_run + 1 else None},
        "steps": steps,
    }


def _end_json(e) -> dict:
    v = e.verdict
    return {"run": e.run, "step": e.step, "gradient_norm": e.grad_norm or None,
            "class": None if v is None else v.cls, "label": None if v is None else v.label,
            "hessian_at_end": e.curvature, "answer": e.answer, "note": e.note or None}


@dataclass(frozen=True, repr=False)
class DescendResult(Result):
    """The descent experiment (``descent`` holds every number)."""

    SCHEMA = "symgrad.descend/1"
    FORMATS = ("text", "json")

    descent: Descent
    sweep: DepthSweep | None = None

    @property
    def interrupted(self) -> bool:
        return self.descent.interrupted or bool(self.sweep and self.sweep.interrupted)

    def json_body(self) -> dict:
        d = self.descent
        return {
            **_problem_json(d.objective),
            "eta": number_text(d.eta), "rule": d.rule, "steps": d.steps, "digits": d.digits,
            "armijo": {"c": number_text(ARMIJO_C), "max_halvings": MAX_HALVINGS},
            "loss_scale": {"kind": d.loss_scale.kind, "initial": d.loss_scale.scale,
                           "growth_interval": 2000},
            "target_fraction": number_text(d.target_fraction),
            "budget": {"max_steps": MAX_STEPS, "max_steps_times_depth": MAX_WORK,
                       "max_precision_bits": MAX_DESCENT_BITS},
            "interrupted": d.interrupted,
            "true": _true_json(d),
            "runs": [_run_json(d, n) for n in d.floats],
            "ends": [_end_json(e) for e in d.ends.values()],
            "depths": depths_json(self.sweep),
        }

    def to_text(self) -> str:
        text = _text(self.descent)
        if self.sweep is None:
            return text
        return text + "\n".join(depths_text(self.sweep, self.descent.steps)) + "\n"

    def summary(self) -> str:
        d = self.descent
        return (f"{d.rule} descent on the {d.objective.describe()}: {d.truth.reached} certified "
                f"steps, runs {', '.join(d.floats) or 'none'}")

    def plot(self, path) -> None:
        """Draw F, ||grad F|| and the lost-update maps to ``path`` (.png or .svg)."""
        from symgrad.present.descent_plots import plot_descent

        d = self.descent
        curves = {"true": ([float(s.value.mid()) for s in d.truth.steps],
                           [float(s.grad_norm.mid()) for s in d.truth.steps])}
        curves |= {n: (r.value, r.grad_norm) for n, r in d.floats.items()}
        maps = {n: 2 * r.lost.astype("int8") + (r.status == 2) for n, r in d.floats.items()}
        plot_descent(curves, maps, path,
                     None if self.sweep is None else depths_lines(self.sweep))


def _iterate_text(balls) -> str:
    shown = ", ".join(b.mid for b in balls[:6])
    return f"({shown}{', …' if len(balls) > 6 else ''})"


def _true_text(d: Descent) -> list[str]:
    t = d.truth
    lines = [f"true iteration (certified with balls, {t.prec} bits): {t.reached} of "
             f"{d.steps} steps certified" + (f"; {t.stop}" if t.stop else "")]
    rows = []
    for k, r in sorted(t.reports.items()):
        s = t.steps[k]
        rows.append([str(k), r.value.mid, r.grad_norm.mid,
                     "" if s.eta is None else number_text(s.eta),
                     {True: "yes", False: "NO", None: "undecided"}[s.decrease]
                     if s.eta is not None else "", _iterate_text(r.iterate)])
    lines.append(text_table(["step", "F", "||grad F||", "step size", "sufficient decrease",
                             "iterate"], rows))
    sizes: dict[Fraction, int] = {}
    for s in t.steps[:-1]:
        sizes[s.eta] = sizes.get(s.eta, 0) + 1
    if sizes:
        lines.append("accepted step sizes (every step in the JSON): " + ", ".join(
            f"{number_text(e)} at {c} step{'s' if c != 1 else ''}"
            for e, c in sorted(sizes.items(), reverse=True)))
    bad = [s.step for s in t.steps if s.eta is not None and s.decrease is not True]
    lines.append("sufficient decrease F(p_k+1) <= F(p_k) - c t ||g||^2 (c = 1e-4): "
                 + ("holds at every step" if not bad else
                    f"not shown at {len(bad)} steps (first {bad[0]})"))
    k = target_step_true(t, d.target_fraction)
    lines.append(f"F reduced by {number_text(d.target_fraction)} of |F(p_0)|: "
                 + (f"at step {k}" if k is not None else "not within the certified steps"))
    return lines


def _runs_text(d: Descent) -> list[str]:
    rows = []
    for name, r in d.floats.items():
        stall = first_stall(d.truth, r)
        st = "-" if stall["step"] is None else (
            f"{stall['step']}" + (" (truth moves)" if stall["true_moves"] else ""))
        dist = distances(d.truth, r)
        k = target_step_float(r, d.target_fraction)
        subnormal = int((r.status == 1).sum())
        zero = int((r.status == 2).sum())
        rows.append([name, str(r.steps_run), st, str(int(r.lost.sum())),
                     f"{subnormal}/{zero}", repr(r.value[-1]), repr(r.grad_norm[-1]),
                     format_bound(dist[-1], "upper", 3) if dist else "-",
                     "-" if k is None else str(k)])
    head = ["run", "steps", "stops moving at", "lost updates", "subnormal/zero g",
            "F at end", "||g|| at end", "distance to truth (<=)", "target at step"]
    return ["float runs (each in its own arithmetic):", text_table(head, rows)] if rows else []


def _text(d: Descent) -> str:
    lines = [f"{d.rule} gradient descent on the {d.objective.describe()}: eta = "
             f"{number_text(d.eta)}, {d.steps} steps"]
    lines += _true_text(d) + _runs_text(d)
    if d.ends:
        lines.append("what each run stopped at (Hessian classification):")
        lines += [f"  {e.run}: {e.answer}" + (f" ({e.note})" if e.note else "")
                  for e in d.ends.values()]
    if d.interrupted:
        lines.append("interrupted: the steps above are those computed before the interrupt")
    lines.append(f"note: F, ||grad F|| and iterates of the true run to {d.digits} certified "
                 "digits; float values exact in their format; bounds rounded outward")
    return "\n".join(lines) + "\n"


def _report_steps(spec: object, steps: int) -> tuple[int, ...]:
    if spec is None:
        out = {0, steps} | {10**j for j in range(7) if 10**j < steps}
        return tuple(sorted(out))
    items = str(spec).split(",") if isinstance(spec, str) else list(spec)  # type: ignore[call-overload]
    out = set()
    for item in items:
        k = whole(item.strip() if isinstance(item, str) else item, what="--report-steps",
                  lo=0, hi=steps, example="--report-steps 0,10,100")
        out.add(k)
    if len(out) > MAX_REPORT_STEPS:
        raise LimitError(f"{len(out)} report steps, above the cap of {MAX_REPORT_STEPS}",
                         hint="ask for fewer --report-steps")
    return tuple(sorted(out))


def _problem_json(obj) -> dict:
    chain = isinstance(obj, ChainObjective)
    return {
        "chain": chain_json(obj.chain) if chain else None,
        "network": None if chain else network_json(obj.spec),
        "parameters": obj.names,
        "weights": [number_text(w) for w in obj.start],
        "biases": None if not chain or obj.biases is None else [number_text(b)
                                                                 for b in obj.biases],
        "x": None if not chain or obj.x is None else number_text(obj.x),
    }


def _check(eta, steps, size, digits, rule, fraction, what="depth"):
    q = exact_number(eta, what="--eta")
    if q <= 0:
        raise InputError(f"--eta must be > 0, got {number_text(q)}", hint="e.g. --eta 0.1")
    n = whole(steps, what="--steps", lo=1, hi=MAX_STEPS, example="--steps 1000")
    if n * size > MAX_WORK:
        raise LimitError(f"{n} steps x {what} {size} is above the cap of {MAX_WORK:,}",
                         hint=f"use --steps {max(1, MAX_WORK // size)} or less")
    d = whole(digits, what="--digits", lo=1, hi=MAX_DESCENT_DIGITS, example="--digits 10")
    if rule not in RULES:
        raise InputError(f"unknown step rule '{rule}'", hint="choose fixed or armijo")
    f = exact_number(fraction, what="--target-fraction")
    if not 0 < f < 1:
        raise InputError(f"--target-fraction must lie strictly between 0 and 1, got "
                         f"{number_text(f)}", hint="e.g. --target-fraction 0.5")
    return q, n, d, f


def descend(depth_or_chain=None, weights=None, *, eta: object = "0.1", steps: object = 100,
            rule: str = "fixed", formats: object = _DEFAULT_RUNS, loss_scale: object = "none",
            digits: object = 10, report_steps: object = None, target_fraction: object = "1/2",
            activation: str = "sigmoid", form: str = "seed", bias: bool = False,
            biases=None, x=None, classify: bool = True, plot: object = None,
            quiet: bool = True, network: object = None, depths: object = None
            ) -> DescendResult:
    """Gradient descent on the chain for ``steps`` steps of ``rule`` ("fixed": t = eta;
    "armijo": the first of eta, eta/2, ... with sufficient decrease, c = 1e-4).

    ``formats``: runs among float64, float32, float16, bfloat16, mixed-float16,
    mixed-bfloat16 ("none": the truth only); ``loss_scale`` (mixed runs): none, static,
    static:S, dynamic.  ``report_steps``: steps at which F, ||grad F|| and the iterate are
    certified to ``digits`` digits (default 0, 1, 10, 100, ... and the last).  ``plot``:
    a .png or .svg path for the curves and lost-update maps; ``quiet=False`` shows the
    progress bar on a terminal.  A Ctrl-C returns the steps done (``interrupted``).
    ``network`` (a file path, a dict of its keys or a spec) instead of a chain: descent in
    all its parameters over its data (loss scaling as for the chain: the output adjoint
    of every data point scaled before its reverse sweep).  ``depths`` (chain only, e.g.
    "2,5,10,20"): the same run at each depth, the steps until F falls by
    ``target_fraction`` per depth and run (:mod:`.descend_depths`; the main run's depth
    defaults to the largest).
    """
    with input_errors():
        obj, size, what, sweep = _objective(depth_or_chain, weights, biases, x, activation,
                                            form, bias, network, depths)
        q, n, d, f = _check(eta, steps, size, digits, rule, target_fraction, what)
        if sweep:
            check_depth_work(tuple(sweep), n, MAX_WORK)
        runs = () if str(formats).strip().lower() == "none" else parse_float_runs(formats)
        scale = parse_loss_scale(loss_scale)
        reports = _report_steps(report_steps, n)
        if plot is not None:
            from symgrad.present.plotting import plot_format

            plot_format(plot)
    total = n * (1 + len(runs)) * (1 + len(sweep))
    swept = None
    with task_progress("descend", total=total, quiet=quiet) as bar:
        res = descent(obj, eta=q, steps=n, digits=d, runs=runs, rule=rule,
                      report_steps=reports, loss_scale=scale, target_fraction=f,
                      classify=classify, progress=bar.advance)
        if sweep and not res.interrupted:
            swept = depth_sweep(sweep, eta=q, steps=n, runs=runs, target_fraction=f,
                                rule=rule, loss_scale=scale, progress=bar.advance)
    result = DescendResult(res, swept)
    if plot is not None:
        result.plot(plot)
    return result


def _objective(depth_or_chain, weights, biases, x, activation, form, bias, network, depths):
    """(objective, size, its name, the depth sweep's objectives by depth) from the inputs."""
    if network is not None:
        given = [n for n, v in (("a depth", depth_or_chain), ("weights", weights),
                                ("biases", biases), ("x", x), ("depths", depths))
                 if v is not None]
        if given:
            raise InputError(f"network and {given[0]} were both given: the network file "
                             "holds the weights and data", hint="pass either one")
        spec = load_spec(network)
        obj = NetworkObjective(spec)
        return obj, obj.n * len(spec.data), "(parameters x data points)", {}
    sweep = () if depths is None else parse_depths(depths)
    if depth_or_chain is None and sweep:
        depth_or_chain = sweep[-1]
    if depth_or_chain is None or weights is None:
        raise InputError("descend needs a depth (or chain) and weights, or a network",
                         hint="e.g. descend(30, 1, eta='0.1', steps=1000)")
    chain = make_chain(depth_or_chain, activation, form, bias)
    obj = ChainObjective(chain, *chain_point(chain, weights, biases, x))
    return obj, chain.depth, "depth", depth_objectives(sweep, chain, weights, biases, x)
