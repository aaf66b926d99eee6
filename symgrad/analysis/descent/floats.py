"""The descent run in one float format, every operation rounded in that format.

The plain runs (float64, float32, float16, bfloat16) keep the weights in the format and
compute F and the gradient with the shared recurrence over numpy scalars of the format
(:class:`symgrad.numeric.numpy_backend.NumpyOps`; for a sigmoid chain the same operations
in the same order by :class:`~.fastchain.SigmoidChainSweep`), then update ``w - eta*g`` elementwise
in the format (eta rounded once into it).  A mixed run (``mixed-float16``,
``mixed-bfloat16``) does what mixed-precision training does: float32 master weights,
cast to the compute format for the forward and backward pass; the gradient cast back to
float32, unscaled there, and the update done in float32.

**Loss scaling** (mixed runs, :func:`parse_loss_scale`), after PyTorch's
``torch.cuda.amp.GradScaler``: the backward sweep starts from dF/dF = S instead of 1
(S a power of two, so unscaling by 1/S in float32 is exact unless it underflows).
``static:S`` keeps S; ``dynamic`` starts at S = 2^16, and when a gradient entry is inf
or nan skips the step and halves S, and doubles S after 2000 consecutive good steps.
``none`` is S = 1.

Per step and parameter it records whether the update was **lost** (``g != 0`` and
``w - eta*g == w`` in the format, for the step t actually taken) and the gradient's
status (normal, subnormal, zero, inf, nan).  A plain run (or a mixed run with a fixed
scale) that stops moving is at a fixed point of its own arithmetic, so it ends there:
``stall`` is that step.

>>> from fractions import Fraction
>>> from symgrad.analysis.descent.objective import ChainObjective
>>> from symgrad.core.chain import Chain
>>> obj = ChainObjective(Chain(2), [Fraction(1), Fraction(1)])
>>> r = float_descent(obj, "float16", eta=Fraction(1), steps=3)
>>> r.steps_run, r.weights.dtype.name, r.lost.shape
(3, 'float64', (3, 2))
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from symgrad.analysis.descent.armijo import ARMIJO_C, MAX_HALVINGS, float_decrease
from symgrad.analysis.descent.fastchain import SigmoidChainSweep
from symgrad.analysis.descent.objective import ChainObjective, Objective, float_ops
from symgrad.base.errors import InputError
from symgrad.numeric.formats import FORMATS, format_info, round_to_format

__all__ = ["FLOAT_RUNS", "GRADIENT_STATUS", "LOSS_SCALES", "FloatRun", "LossScale",
           "float_descent", "parse_float_runs", "parse_loss_scale"]

#: every run name: the four formats, then mixed precision with float32 master weights
FLOAT_RUNS = (*FORMATS, "mixed-float16", "mixed-bfloat16")
#: the loss-scaling modes of a mixed run
LOSS_SCALES = ("none", "static", "dynamic")
#: the codes of ``FloatRun.status``
GRADIENT_STATUS = ("normal", "subnormal", "zero", "inf", "nan")
_GROWTH_INTERVAL = 2000
_INITIAL_SCALE = 2**16


@dataclass(frozen=True)
class LossScale:
    """``kind`` (none/static/dynamic) and the initial scale (a power of two)."""

    kind: str = "none"
    scale: int = 1


def parse_loss_scale(spec: object) -> LossScale:
    """``none``, ``dynamic``, ``static`` (2^16) or ``static:S`` (S a power of two).

    >>> parse_loss_scale("static:1024"), parse_loss_scale("dynamic").scale
    (LossScale(kind='static', scale=1024), 65536)
    """
    text = str(spec).strip().lower()
    kind, _, value = text.partition(":")
    if kind not in LOSS_SCALES or (value and kind != "static"):
        raise InputError(f"unknown loss scaling '{spec}'",
                         hint="choose none, static, static:S (S a power of two) or dynamic")
    if kind == "none":
        return LossScale()
    if not value:
        return LossScale(kind, _INITIAL_SCALE)
    if not value.isdigit() or int(value) < 1 or int(value) & (int(value) - 1) or \
            int(value) > 2**100:
        raise InputError(f"the loss scale must be a power of two up to 2^100, got {value!r}",
                         hint="e.g. --loss-scale static:65536")
    return LossScale(kind, int(value))


def parse_float_runs(spec: object) -> tuple[str, ...]:
    """A comma list (or sequence) of run names, in order, duplicates dropped.

    >>> parse_float_runs("float16, mixed-bfloat16")
    ('float16', 'mixed-bfloat16')
    """
    items = str(spec).split(",") if isinstance(spec, str) else list(spec)  # type: ignore[call-overload]
    names = tuple(dict.fromkeys(str(s).strip().lower() for s in items if str(s).strip()))
    for s in names:
        if s not in FLOAT_RUNS:
            raise InputError(f"unknown format '{s}'", hint=f"choose from: {', '.join(FLOAT_RUNS)}")
    return names


@dataclass
class FloatRun:
    """One run: ``weights[k]`` is w_k (as float64, exactly), ``value[k]``/``grad_norm[k]``
    F and ||g|| (the format's gradient, its norm in float64) at w_k; ``lost``/``status``/
    ``eta``/``skipped``/``scale``/``moved`` describe step k -> k+1."""

    name: str
    master: str
    compute: str
    loss_scale: LossScale
    weights: np.ndarray
    value: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    eta: list[float] = field(default_factory=list)
    moved: list[bool] = field(default_factory=list)
    skipped: list[bool] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)
    lost: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    status: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int8))
    stall: int | None = None
    stop: str | None = None
    interrupted: bool = False

    @property
    def steps_run(self) -> int:
        return len(self.eta)

    def final_weights(self) -> list[Fraction]:
        """The last iterate, exactly."""
        return [Fraction(float(v)) for v in self.weights[self.steps_run]]


def _status(g: np.ndarray, tiny: float) -> np.ndarray:
    a = np.abs(g.astype(np.float64))
    out = np.zeros(a.shape, np.int8)
    out[(a < tiny) & (a > 0)] = 1
    out[a == 0] = 2
    out[np.isinf(a)] = 3
    out[np.isnan(a)] = 4
    return out


class _Arith:
    """F and the gradient of one run in its formats (see the module docstring)."""

    def __init__(self, objective: Objective, name: str) -> None:
        self.objective = objective
        self.mixed = name.startswith("mixed-")
        self.compute = name.removeprefix("mixed-")
        self.master = "float32" if self.mixed else name
        self.ops = float_ops(self.compute)
        self.cdt = format_info(self.compute).dtype
        self.mdt = format_info(self.master).dtype
        self.fast = None
        if isinstance(objective, ChainObjective) and objective.chain.activation == "sigmoid":
            self.fast = SigmoidChainSweep(objective.chain, objective.biases, objective.x,
                                          self.compute)

    def _cast(self, w: np.ndarray) -> np.ndarray:
        return w.astype(self.cdt) if self.mixed else w

    def value(self, w: np.ndarray):
        return self.objective.value(self._cast(w), self.ops)

    def grad(self, w: np.ndarray, scale: int):
        """(F, g in the master format, all finite) with the sweep seeded by ``scale``."""
        wc = self._cast(w)
        if self.fast is not None:
            f, g = self.fast(wc, scale)
        elif scale == 1:
            f, g = self.objective.grad(wc, self.ops)
        else:
            f, g = self.objective.scaled_grad(wc, self.ops, self.cdt(scale))
        g = np.array(g, dtype=self.cdt)
        ok = bool(np.all(np.isfinite(g.astype(np.float64))))
        if self.mixed:
            g = g.astype(self.mdt)
            if scale != 1:
                g = g * self.mdt(1.0 / scale)
        return f, g, ok


def _armijo(ar: _Arith, w, g, f, eta):
    """The accepted step t (in the master format) and the new weights, or None."""
    mdt = ar.mdt
    gsq = mdt(0.0)
    for gi in g:
        gsq = gsq + gi * gi
    c, t, f_old = round_to_format(ARMIJO_C, ar.master), eta, mdt(f)
    for _ in range(MAX_HALVINGS + 1):
        new = w - t * g
        if float_decrease(mdt(ar.value(new)), f_old, gsq, t, c):
            return t, new
        t = t / mdt(2.0)
        if t == 0:
            break
    return None


def _record(run: FloatRun, ar: _Arith, w, scale: int):
    f, g, ok = ar.grad(w, scale)
    run.value.append(float(f))
    run.grad_norm.append(math.sqrt(float(np.sum(g.astype(np.float64) ** 2))))
    return f, g, ok


def _loop(run: FloatRun, ar: _Arith, w, eta, steps: int, rule: str, rows: dict,
          tick) -> None:
    tiny = format_info(ar.compute).tiny
    scale, good = run.loss_scale.scale, 0
    for k in range(steps):
        f, g, ok = _record(run, ar, w, scale)
        skip = not ok and run.loss_scale.kind != "none"
        if skip:  # GradScaler: skip the step, and halve the scale (dynamic)
            new, t = w, eta
        else:
            step = (eta, w - eta * g) if rule == "fixed" else _armijo(ar, w, g, f, eta)
            if step is None:
                run.stop = f"no Armijo step within {MAX_HALVINGS} halvings at step {k}"
                run.value.pop(), run.grad_norm.pop()
                break
            t, new = step
        rows["status"].append(_status(g, tiny))
        rows["lost"].append((new == w) & (g != 0) & (not skip))
        rows["w"].append(new.astype(np.float64))
        run.scale.append(float(scale))
        run.skipped.append(skip)
        run.moved.append(bool(np.any(new != w)))
        run.eta.append(float(t))  # the last of the per-step lists: the step is complete
        if run.loss_scale.kind == "dynamic":
            scale, good = (max(1, scale // 2), 0) if skip else (scale, good + 1)
            if good == _GROWTH_INTERVAL:
                scale, good = scale * 2, 0
        w = new
        tick()
        if not run.moved[-1] and not skip and run.stall is None:
            run.stall = k
            if run.loss_scale.kind != "dynamic":
                break  # a fixed point of this arithmetic: every later step is the same
    run.value, run.grad_norm = run.value[:run.steps_run], run.grad_norm[:run.steps_run]
    _record(run, ar, w, scale)


def _finish(run: FloatRun, rows: dict, n: int) -> None:
    """The per-step rows as arrays, cut to the steps completed."""
    k = run.steps_run
    run.scale, run.skipped, run.moved = run.scale[:k], run.skipped[:k], run.moved[:k]
    run.lost = np.array(rows["lost"][:k], bool).reshape(k, n)
    run.status = np.array(rows["status"][:k], np.int8).reshape(k, n)
    run.weights = np.array(rows["w"][:k + 1]).reshape(k + 1, n)


def float_descent(objective: Objective, name: str, *, eta: Fraction, steps: int,
                  rule: str = "fixed", loss_scale: LossScale | None = None,
                  progress: Callable[[], None] | None = None) -> FloatRun:
    """The run ``name`` (one of :data:`FLOAT_RUNS`) for ``steps`` steps of ``rule``.

    The starting point, the data and ``eta`` are exact; each is rounded once into its
    format.  A ``KeyboardInterrupt`` keeps the steps done (``interrupted``)."""
    loss = loss_scale or LossScale()
    if not name.startswith("mixed-"):
        loss = LossScale()
    ar = _Arith(objective, name)
    w = np.array([round_to_format(q, ar.master) for q in objective.start], dtype=ar.mdt)
    run = FloatRun(name, ar.master, ar.compute, loss, np.zeros((1, objective.n)))
    eta_m = round_to_format(eta, ar.master)
    rows: dict[str, list] = {"lost": [], "status": [], "w": [w.astype(np.float64)]}
    with np.errstate(all="ignore"):
        try:
            _loop(run, ar, w, eta_m, steps, rule, rows, progress or (lambda: None))
        except KeyboardInterrupt:  # keep the completed steps, and F at the last iterate
            run.interrupted = True
            k = run.steps_run
            run.value, run.grad_norm = run.value[:k], run.grad_norm[:k]
            last = rows["w"][k].astype(ar.mdt)
            _record(run, ar, last, int(run.scale[-1]) if run.scale else loss.scale)
    _finish(run, rows, objective.n)
    return run
