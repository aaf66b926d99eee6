"""The theory of :mod:`symgrad.core.network_theory` checked on real numbers.

* :func:`gradient_bounds`: for a network file, every layer's certified ||dF/dW_l||_F beside
  the bound sum_D Delta_l ||o_{l-1}||, computed in ball arithmetic from the backward
  recursion on upper bounds: G_L = ||dL/do_L|| (exact data), Delta_l = s_l G_l (for a
  cross-entropy output, Delta_L = ||dL/dz_L||), G_{l-1} = ||W_l||_2 Delta_l (+ G_l for a
  residual layer), with s_l = sup|act_l'| derived by SymPy and ||W||_2 bounded above by
  min(||W||_F, sqrt(||W||_1 ||W||_inf)) in exact arithmetic.  The inequality is a theorem;
  the check is that the numbers obey it, decided by balls ("holds" only when the whole
  norm ball lies below the whole bound ball; an attained bound is "attained").
* :func:`variance_experiment`: Glorot & Bengio's variance argument measured: seeded
  random networks with the standard initialisation U[-1/sqrt(n), 1/sqrt(n)], a Gaussian
  signal back-propagated through linear layers, and the measured per-layer ratio of the
  mean squared signal beside the derived n_out Var(W) = n_out/(3 n_in), with its
  standard error over the trials (a statistical check: "consistent" within 4 standard
  errors, not a certificate).

>>> from symgrad.numeric.network_file import network_from_dict
>>> spec = network_from_dict({"layers": [1, 1, 1], "activation": "sigmoid",
...     "loss": "none", "bias": False, "data": {"x": [["1"]]},
...     "weights": {"W1": [["2"]], "W2": [["-3"]]}})
>>> [row.verdict for row in gradient_bounds(spec)]
['holds', 'holds']
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from flint import arb, ctx, fmpq

from symgrad.core.activations import derivative_supremum
from symgrad.core.network_theory import backward_variance_factor
from symgrad.numeric.arb_eval import arb_eval
from symgrad.numeric.certified import Ball
from symgrad.numeric.network_certified import NetworkBallOps, certified_network
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_values import network_values

__all__ = ["LayerBound", "VarianceRow", "gradient_bounds", "spectral_bound",
           "variance_experiment"]

_PREC = 128


@dataclass(frozen=True)
class LayerBound:
    """One layer: the certified norm, the bound (a ball), and the verdict."""

    layer: int
    norm: Ball
    bound: arb
    verdict: str  # "holds" | "attained" | "violated" | "undecided"


def _ball(v) -> arb:
    return arb(v) if isinstance(v, fmpq) else v


def _l2(vec) -> arb:
    total = fmpq(0)
    for v in vec:
        total = total + v * v
    return _ball(total).nonnegative_part().sqrt()


def spectral_bound(W) -> arb:
    """An upper bound of ||W||_2: min(||W||_F, sqrt(||W||_1 ||W||_inf)), from exact rationals.

    >>> spectral_bound([[fmpq(3), fmpq(0)], [fmpq(0), fmpq(4)]]).upper() >= 4
    True
    """
    frob = fmpq(0)
    for row in W:
        for v in row:
            frob += v * v
    rows = max(sum((abs(v) for v in row), fmpq(0)) for row in W)
    cols = max(sum((abs(row[j]) for row in W), fmpq(0)) for j in range(len(W[0])))
    return arb(frob).sqrt().min(arb(rows * cols).sqrt())


def _sup(name: str) -> arb:
    if name == "identity":
        return arb(1)
    return arb_eval(derivative_supremum(name).value, prec=_PREC)


def _fmpq_matrix(w) -> list[list[fmpq]]:
    return [[fmpq(v.numerator, v.denominator) for v in row] for row in w]


def _bounds_for_point(spec: NetworkSpec, v, p: int, norms_W, sups) -> list[arb]:
    """Delta_l ||o_{l-1}|| at data point p, for l = 1..L (see the module docstring)."""
    net = spec.network
    out: list[arb] = [arb(0)] * net.depth
    ce = v.output_deltas[p] is not None
    G = None if ce else _l2(v.output_adjoints[p])  # a bound on ||dL/do_l||, from l = L down
    for layer in range(net.depth, 0, -1):
        delta = _l2(v.output_deltas[p]) if ce and layer == net.depth else sups[layer - 1] * G
        out[layer - 1] = delta * _l2(v.layer_inputs[p][layer - 1])
        G_prev = norms_W[layer - 1] * delta
        if net.is_residual(layer):  # never a cross-entropy output layer
            G_prev = G_prev + G
        G = G_prev
    return out


def gradient_bounds(spec: NetworkSpec, *, digits: int = 10) -> list[LayerBound]:
    """Every layer's certified ||dF/dW_l||_F beside its bound (see the module docstring)."""
    net = spec.network
    cert = certified_network(spec, digits=digits)
    with ctx.workprec(_PREC):
        weights = {k: [list(r) if isinstance(r, tuple) else r for r in w]
                   for k, w in spec.weights.items()}
        v = network_values(net, weights, spec.data, NetworkBallOps())
        norms_W = [spectral_bound(_fmpq_matrix(spec.weights[f"W{k}"]))
                   for k in range(1, net.depth + 1)]
        sups = [_sup(a) if a != "softmax" else arb(0) for a in net.activations]
        total = [arb(0)] * net.depth
        for p in range(len(spec.data)):
            for k, b in enumerate(_bounds_for_point(spec, v, p, norms_W, sups)):
                total[k] = total[k] + b
    rows = []
    for k in range(net.depth):
        norm, bound = cert.layer_norms[k], total[k]
        lo_hi = norm.value if isinstance(norm.value, arb) else arb(norm.value)
        if lo_hi.upper() <= bound.lower():
            verdict = "holds"
        elif lo_hi.lower() > bound.upper():
            verdict = "violated"
        elif norm.exact and bound.is_exact() and lo_hi == bound:
            verdict = "attained"
        else:
            verdict = "undecided"
        rows.append(LayerBound(k + 1, norm, bound, verdict))
    return rows


@dataclass(frozen=True)
class VarianceRow:
    """Layer l's measured ratio mean(g_{l-1}^2) / mean(g_l^2), its standard error over the
    trials, the derived factor n_out/(3 n_in) and whether they agree within 4 s.e."""

    layer: int
    measured: float
    standard_error: float
    derived: Fraction

    @property
    def consistent(self) -> bool:
        return abs(self.measured - float(self.derived)) <= 4 * self.standard_error


def variance_experiment(widths: tuple[int, ...] = (256,) * 7, *, trials: int = 200,
                        seed: int = 0) -> list[VarianceRow]:
    """Back-propagate N(0, I) signals through linear layers with W ~ U[-1/sqrt(n_in),
    1/sqrt(n_in)] (numpy's PCG64, ``seed``) and measure each layer's variance ratio."""
    rng = np.random.default_rng(seed)
    L = len(widths) - 1
    ratios = np.empty((trials, L))
    for t in range(trials):
        g = rng.standard_normal(widths[-1])
        for layer in range(L, 0, -1):
            n_in, n_out = widths[layer - 1], widths[layer]
            a = 1 / np.sqrt(n_in)
            W = rng.uniform(-a, a, size=(n_out, n_in))
            g_prev = W.T @ g
            ratios[t, layer - 1] = np.mean(g_prev ** 2) / np.mean(g ** 2)
            g = g_prev
    rows = []
    for layer in range(1, L + 1):
        r = ratios[:, layer - 1]
        derived = backward_variance_factor(widths[layer - 1], widths[layer])
        rows.append(VarianceRow(layer, float(r.mean()), float(r.std(ddof=1) / np.sqrt(trials)),
                                Fraction(int(derived.p), int(derived.q))))
    return rows
