"""``symgrad.theory``: the literature's account of vanishing gradients, derived and checked
(``symgrad theory``).

Three parts (:mod:`symgrad.core.network_theory`, :mod:`symgrad.analysis.network_bounds`):
the Glorot & Bengio variance argument derived by SymPy and measured on seeded random
networks; the per-activation factor sup|act'| of the gradient bound and the residual
layer's factors; and, for a network file, every layer's certified ||dF/dW_l|| beside its
certified bound.

>>> r = theory(width=64, depth=3, trials=50)
>>> r.to_json()["variance"]["derived"]["standard_variance"]
'1/(3*n)'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from symgrad.analysis.network_bounds import (
    LayerBound,
    VarianceRow,
    gradient_bounds,
    variance_experiment,
)
from symgrad.core.activations import TEXT_ACTIVATIONS, derivative_supremum
from symgrad.core.network_theory import (
    backward_variance_factor,
    glorot_variance,
    layer_factor,
    standard_variance,
    uniform_variance,
)
from symgrad.interfaces.api._values import input_errors, whole_number
from symgrad.interfaces.api.network_reference import describe, load_spec, network_json
from symgrad.interfaces.api.result import Result
from symgrad.numeric.network_file import NetworkSpec
from symgrad.present.numbers import format_bound

__all__ = ["TheoryResult", "theory"]

_n, _m = sympy.symbols("n m", positive=True)


@dataclass(frozen=True, repr=False)
class TheoryResult(Result):
    """The derived statements, the variance measurements and (with a network) the bounds."""

    SCHEMA = "symgrad.theory/1"
    FORMATS = ("text", "json")

    width: int
    depth: int
    trials: int
    seed: int
    variance: tuple[VarianceRow, ...]
    activations: tuple[str, ...]
    spec: NetworkSpec | None
    bounds: tuple[LayerBound, ...]

    def derived(self) -> dict[str, str]:
        return {"uniform_variance": str(uniform_variance()),
                "standard_variance": str(standard_variance(_n)),
                "backward_factor": str(backward_variance_factor(_n, _m)),
                "glorot_variance": str(glorot_variance(_n, _m))}

    def _factors(self) -> list[dict]:
        out = []
        for a in self.activations:
            lo, hi = layer_factor(a, residual=True)
            out.append({"activation": a, "sup_derivative": str(derivative_supremum(a).value),
                        "plain": str(layer_factor(a)[1]), "residual": [str(lo), str(hi)]})
        return out

    def json_body(self) -> dict:
        return {
            "variance": {
                "derived": self.derived(), "width": self.width, "depth": self.depth,
                "trials": self.trials, "seed": self.seed,
                "layers": [{"layer": r.layer, "measured": f"{r.measured:.6f}",
                            "standard_error": f"{r.standard_error:.2e}",
                            "derived": str(r.derived), "consistent": r.consistent}
                           for r in self.variance]},
            "layer_factors": self._factors(),
            "network": None if self.spec is None else network_json(self.spec),
            "bounds": [{"layer": b.layer, "norm": b.norm.mid,
                        "bound_upper": format_bound(b.bound, "upper", 6),
                        "verdict": b.verdict} for b in self.bounds],
        }

    def to_text(self) -> str:
        d = self.derived()
        lines = ["Glorot & Bengio's variance argument (derived by SymPy):",
                 f"  Var(U[-a, a]) = {d['uniform_variance']};  standard init "
                 f"U[-1/sqrt(n), 1/sqrt(n)]: Var(W) = {d['standard_variance']}",
                 f"  back-propagated variance per layer (n -> m units): x {d['backward_factor']}"
                 f";  Glorot's normalised init: Var(W) = {d['glorot_variance']}",
                 f"  measured ({self.trials} seeded trials, width {self.width}, seed "
                 f"{self.seed}), mean(g_(l-1)^2)/mean(g_l^2):"]
        for r in self.variance:
            lines.append(f"    layer {r.layer}: {r.measured:.4f} ± {r.standard_error:.1e} "
                         f"(derived {r.derived}; "
                         f"{'consistent' if r.consistent else 'NOT consistent'})")
        lines.append("Gradient bound factors per layer, ||W||_2 = w (s = sup|act'|, derived):")
        for f in self._factors():
            lines.append(f"  {f['activation']}: s = {f['sup_derivative']}; plain <= "
                         f"{f['plain']}; residual in [{f['residual'][0]}, {f['residual'][1]}]")
        if self.spec is not None:
            lines.append(f"{describe(self.spec)}: ||dF/dW_l||_F <= sum_D Delta_l ||o_(l-1)||")
            for b in self.bounds:
                lines.append(f"  layer {b.layer}: {b.norm.mid} <= "
                             f"{format_bound(b.bound, 'upper', 6)}  {b.verdict}")
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        net = "" if self.spec is None else f", bounds for {describe(self.spec)}"
        return f"variance argument over {self.depth} layers of width {self.width}{net}"


def theory(network: object = None, *, width: int = 256, depth: int = 6, trials: int = 200,
           seed: int = 0, digits: int = 10) -> TheoryResult:
    """The derived variance argument and bound factors; measurements on ``depth`` layers of
    ``width`` units over ``trials`` seeded draws; with ``network``, the certified bounds."""
    with input_errors():
        w = whole_number(width, what="--width", lo=1, hi=4096, example="--width 256")
        L = whole_number(depth, what="--depth", lo=1, hi=200, example="--depth 6")
        t = whole_number(trials, what="--trials", lo=2, hi=100_000, example="--trials 200")
        s = whole_number(seed, what="--seed", lo=0, hi=2**63, example="--seed 0")
        d = whole_number(digits, what="--digits", lo=1, hi=1000, example="--digits 10")
        spec = None if network is None else load_spec(network)
        rows = tuple(variance_experiment((w,) * (L + 1), trials=t, seed=s))
        acts = TEXT_ACTIVATIONS if spec is None else tuple(
            a for a in dict.fromkeys(spec.network.activations) if a != "softmax")
        bounds = () if spec is None else tuple(gradient_bounds(spec, digits=d))
    return TheoryResult(w, L, t, s, rows, acts, spec, bounds)
