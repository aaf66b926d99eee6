"""The framework's float16/bfloat16 gradient against symgrad's emulation (a check that can fail).

:func:`compare_emulation` runs the framework (jax or torch) in float16 or
bfloat16 and requires its F and every partial derivative to be exactly one of
the candidates of :func:`symgrad.analysis.verify.emulation.emulate` (the framework's own
formulas in the framework's order, every operation rounded to the format).  The
verdict is ``PASS`` when every value is a candidate, ``FAIL`` when one is not (its
distance to the nearest candidate is reported in ulps), and ``NOT CHECKABLE``
with the reason when the candidates cannot be pinned down.

Before the emulation relies on a framework primitive, :func:`measure_model`
*measures* it (as flush-to-zero is measured, never assumed), in the context the
chain runs it (0-d tensors for torch, a ``lax.scan`` body for jax), on
:data:`PROBES` format numbers per primitive:

* every elementary function must be within the emulation's allowance
  (:data:`~symgrad.analysis.verify.emulation.EPS_FUNCTION` = 2^-19 relative) of its true
  value before rounding, with a margin of 4 (i.e. within 2^-21 on the probes);
  a function that is not (jax's float16 ``log1p`` inside ``lax.scan`` is off by
  up to one ulp) makes its activation not checkable, with the measured error;
* torch's backward kernels are matched against the two evaluation orders
  (float32 inside with one rounding, or a rounding after every operation);
  the orders consistent with every probe are the ones the emulation allows.

Example (needs PyTorch; run by ``tests/test_verdicts.py``)::

    m = measure_model("torch", "bfloat16")
    m.variants["sigmoid_backward"], m.unusable   # (('once',), {})
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np

from symgrad.analysis.verify.backends import backend_flushes, load_backend
from symgrad.analysis.verify.emulation import EMULATED_ACTIVATIONS, emulate, layer_rules
from symgrad.analysis.verify.emulation_sets import (
    EMULATED_FORMATS,
    EPS_FUNCTION,
    Model,
    Sets,
    TooManyCandidates,
    Values,
    contains,
    format_rounding,
)
from symgrad.base.verdicts import Verdict
from symgrad.core.chain import Chain

__all__ = ["PROBES", "EmulationCheck", "compare_emulation", "measure_model"]

#: probe inputs per primitive (format numbers, fixed seed)
PROBES = 400
#: a function must be this much more accurate than the emulation allows (on the probes)
MARGIN = 4.0

# (function name, its float64 value, probe range) per backend; jax runs them in lax.scan
_FUNCTIONS = {
    "jax": {"sigmoid": [("exp", math.exp, (-20.0, 12.0))],
            "tanh": [("tanh", math.tanh, (-10.0, 10.0))],
            "softplus": [("exp", math.exp, (-20.0, 12.0)), ("log1p", math.log1p, (0.0, 1.0))]},
    "torch": {"sigmoid": [("sigmoid", lambda t: 1 / (1 + math.exp(-t)), (-25.0, 25.0))],
              "tanh": [("tanh", math.tanh, (-10.0, 10.0))],
              "softplus": [("softplus", lambda t: t if t > 20 else math.log1p(math.exp(t)),
                            (-25.0, 25.0)), ("exp", math.exp, (-20.0, 12.0))]},
}


def _probe_inputs(fmt: str, lo: float, hi: float) -> list[float]:
    rn = format_rounding(fmt)
    rng = np.random.default_rng(20240607)
    pts = {rn(float(t)) for t in rng.uniform(lo, hi, PROBES)}
    return sorted(p for p in pts if p != 0 or lo < 0 < hi)


def _jax_apply(fmt: str, calls: list[tuple[str, list[float]]]) -> list[list[float]]:
    """JAX's ``name`` on each probe list of ``calls``, in ``fmt``: one jitted function
    for all of them (one compile per format), each a ``lax.scan`` over its probes, one
    scalar per step, as the chain's scan runs its layers."""
    import jax
    import jax.numpy as jnp

    from symgrad.numeric.jax_backend import numpy_dtype

    fs = [{"exp": jnp.exp, "log1p": jnp.log1p, "tanh": jnp.tanh}[name] for name, _ in calls]

    def loops(arrays):
        return [jax.lax.scan(lambda c, t, f=f: (c, f(t)), jnp.zeros((), a.dtype), a)[1]
                for f, a in zip(fs, arrays, strict=True)]

    dt = numpy_dtype(fmt)
    arrays = [jnp.asarray(np.asarray(xs, dtype=np.float64).astype(dt)) for _, xs in calls]
    outs = jax.jit(loops)(arrays)
    return [[float(v) for v in np.asarray(out).astype(np.float64)] for out in outs]


def _torch_apply(name: str, fmt: str, xs: list[float]) -> list[float]:
    import torch
    import torch.nn.functional as tf

    f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "softplus": tf.softplus,
         "exp": torch.exp}[name]
    dt = getattr(torch, fmt)
    return [float(f(torch.tensor(x, dtype=torch.float64).to(dt))) for x in xs]


def _needed_eps(computed: float, true: float, rn: Callable[[float], float]) -> float:
    """The relative error a pre-rounding value must be allowed for RN to give ``computed``."""
    near = rn(true)
    if computed == near or (computed != computed and true != true):
        return 0.0
    if true == 0 or not math.isfinite(computed):
        return math.inf
    target = (computed + near) / 2 if abs(computed - near) <= abs(near) * 2.0**-6 else computed
    return abs(target - true) / abs(true)


_KERNELS = {"sigmoid": ("sigmoid_backward", (0.0, 1.0)), "tanh": ("tanh_backward", (-1.0, 1.0)),
            "softplus": ("softplus_backward", (-25.0, 25.0))}


def _torch_kernel_variants(fmt: str, activation: str) -> tuple[str, ...]:
    """The evaluation orders of torch's backward kernel consistent with every probe."""
    import torch

    kernel, (lo, hi) = _KERNELS[activation]
    dt = getattr(torch, fmt)
    gs = _probe_inputs(fmt, -2.0, 2.0)
    ys = _probe_inputs(fmt, lo, hi)
    pairs = list(zip(gs, ys[: len(gs)]))
    op = getattr(torch.ops.aten, kernel)
    extra = (1.0, 20.0) if activation == "softplus" else ()
    got = [float(op(torch.tensor(g).to(dt), torch.tensor(y).to(dt), *extra)) for g, y in pairs]
    rn = format_rounding(fmt)
    ok = []
    for variant in ("once", "per-op"):
        sets = Sets(rn, Model(variants={kernel: (variant,)}))
        _, bwd = layer_rules("torch", sets, activation)
        if all(contains(bwd(frozenset((g,)), frozenset((y,)), frozenset((y,))), c)
               for (g, y), c in zip(pairs, got)):
            ok.append(variant)
    return tuple(ok)


@dataclass(frozen=True)
class _Measured:
    """A :class:`Model` plus the activations it cannot model (activation -> reason)."""

    model: Model
    unusable: dict[str, str]

    @property
    def variants(self) -> dict[str, tuple[str, ...]]:
        return self.model.variants


@cache
def measure_model(backend: str, fmt: str) -> _Measured:
    """Measure the primitives the emulation of ``backend`` in ``fmt`` relies on (cached)."""
    load_backend(backend)
    rn = format_rounding(fmt)
    unusable: dict[str, str] = {}
    variants: dict[str, tuple[str, ...]] = {}
    probes = {(act, name): _probe_inputs(fmt, lo, hi)
              for act, functions in _FUNCTIONS[backend].items()
              for name, _, (lo, hi) in functions}
    if backend == "jax":
        got = dict(zip(probes, _jax_apply(fmt, [(k[1], xs) for k, xs in probes.items()]),
                       strict=True))
    else:
        got = {k: _torch_apply(k[1], fmt, xs) for k, xs in probes.items()}
    for act, functions in _FUNCTIONS[backend].items():
        for name, true, _ in functions:
            xs = probes[act, name]
            worst = max(_needed_eps(c, true(x) if x <= 700 else math.inf, rn)
                        for x, c in zip(xs, got[act, name]))
            if worst * MARGIN > EPS_FUNCTION:
                unusable[act] = (f"{backend}'s {fmt} {name} is not accurate enough to predict "
                                 f"its rounding (measured relative error up to {worst:.1e} "
                                 f"before rounding, on {len(xs)} probes)")
        if backend == "torch":
            kernel = _KERNELS[act][0]
            variants[kernel] = _torch_kernel_variants(fmt, act)
            if not variants[kernel]:
                unusable[act] = f"torch's {fmt} {kernel} matches neither evaluation order"
    return _Measured(Model(variants=variants), unusable)


def _ulps_off(computed: float, candidates: Values, fmt: str) -> float:
    """Distance from ``computed`` to the nearest candidate, in ulps of the format at it."""
    finite = [c for c in candidates if math.isfinite(c)]
    if not math.isfinite(computed) or not finite:
        return math.inf
    from symgrad.numeric.formats import format_info

    info = format_info(fmt)
    e = math.frexp(abs(computed))[1] - 1 if computed else info.minexp
    ulp = float(info.ulp(e))
    return min(abs(computed - c) for c in finite) / ulp


@dataclass
class EmulationCheck:
    """F and every partial of one framework run against symgrad's candidates."""

    backend: str
    format: str
    chain: Chain
    names: list[str]
    computed: list[float]
    candidates: list[Values] | None  # None: not checkable (see ``reason``)
    reason: str = ""
    paths: int = 0

    @property
    def verdict(self) -> Verdict:
        if self.candidates is None:
            return Verdict.NOT_CHECKABLE
        return Verdict.PASS if not self.misses() else Verdict.FAIL

    @property
    def ok(self) -> bool:
        return self.verdict is not Verdict.FAIL

    def misses(self) -> list[tuple[str, float, float]]:
        """(name, computed, ulps to the nearest candidate) for every value outside its set."""
        if self.candidates is None:
            return []
        return [(n, c, _ulps_off(c, s, self.format))
                for n, c, s in zip(self.names, self.computed, self.candidates)
                if not contains(s, c)]

    def summary(self) -> str:
        if self.candidates is None:
            return f"not checkable: {self.reason}"
        n, bad = len(self.names), self.misses()
        largest = max(len(s) for s in self.candidates)
        head = (f"{n - len(bad)} of {n} values exactly equal to symgrad's {self.format} "
                f"emulation of {self.backend}'s operations (bound: 0 ulps from the candidates; "
                f"largest candidate set {largest}, {self.paths} forward fork"
                f"{'s' if self.paths != 1 else ''})")
        if bad:
            head += "; off: " + "; ".join(f"{name} = {c!r} ({u:.0f} ulp from the nearest)"
                                          for name, c, u in bad[:3])
        return head

    def to_json(self) -> dict[str, object]:
        return {
            "backend": self.backend, "format": self.format, "depth": str(self.chain.depth),
            "chain": self.chain.describe(), "verdict": self.verdict.word,
            "reason": self.reason, "forks": str(self.paths),
            "values": {n: {"computed": repr(c),
                           "candidates": ([] if self.candidates is None
                                          else [repr(v) for v in sorted(self.candidates[i])])}
                       for i, (n, c) in enumerate(zip(self.names, self.computed))},
        }


def _names(chain: Chain) -> list[str]:
    n = chain.depth
    return (["F", *(f"dF/dw{k}" for k in range(1, n + 1))]
            + ([f"dF/db{k}" for k in range(1, n + 1)] if chain.bias else [])
            + (["dF/dx"] if chain.form == "general" else []))


def compare_emulation(backend: str, chain: Chain, weights: Sequence[Fraction], fmt: str, *,
                      biases: Sequence[Fraction] | None = None, x: Fraction | None = None,
                      result=None) -> EmulationCheck:
    """Run ``backend`` in ``fmt`` (or take its ``result``) and check it against the emulation."""
    mod = load_backend(backend)
    r = result if result is not None else mod.gradient(chain, weights, fmt, biases=biases, x=x)
    computed = [float(r.value), *map(float, r.grad_w)]
    computed += [*map(float, r.grad_b)] if chain.bias else []
    computed += [float(r.grad_x)] if chain.form == "general" else []
    names = _names(chain)
    if fmt not in EMULATED_FORMATS:
        return EmulationCheck(backend, fmt, chain, names, computed, None,
                              f"symgrad emulates {' and '.join(EMULATED_FORMATS)} only")
    if chain.activation not in EMULATED_ACTIVATIONS:
        return EmulationCheck(backend, fmt, chain, names, computed, None,
                              f"symgrad does not emulate {backend}'s {chain.activation} "
                              f"formulas (only {', '.join(EMULATED_ACTIVATIONS)})")
    measured = measure_model(backend, fmt)
    if chain.activation in measured.unusable:
        return EmulationCheck(backend, fmt, chain, names, computed, None,
                              measured.unusable[chain.activation])
    try:
        em = emulate(backend, chain, list(r.weights), fmt, biases=r.biases, x=r.x,
                     flushes=backend_flushes(backend, fmt), model=measured.model)
    except TooManyCandidates as exc:
        return EmulationCheck(backend, fmt, chain, names, computed, None,
                              f"{exc}: too many results within the functions' error of a "
                              f"rounding boundary to pin the values down")
    return EmulationCheck(backend, fmt, chain, names, computed, em.quantities(), paths=em.paths)
