"""A network's gradient and Hessian from JAX/PyTorch against certified values, per entry.

**Truth.** F and the gradient: :func:`~symgrad.numeric.network_certified.certified_network`
(python-flint balls, 20 digits) at the weights *and data rounded to the format* (the point
the framework saw).  The Hessian: forward over reverse in ball arithmetic, the simplest sound
way -- the same backpropagation (:func:`~symgrad.numeric.network_values.network_values`) run
on dual numbers over Arb balls (:class:`~symgrad.numeric.dual.Dual`, the chain's
:class:`~symgrad.numeric.dual.DualArbOps` plus ``exp``/``log`` for a softmax), every weight
seeded with its unit tangent e_k as one ``arb_mat`` column: the tangent of dF/dw_i is row i
of the Hessian, each entry a certified ball (:func:`certified_hessian`).

**Tolerance.** Per entry, from :mod:`symgrad.analysis.verify.network_tolerance` (Higham's
standard model, gamma_n for every fan-in n and every sum over the data set, carried through
the network to first order; the bound and its assumptions are stated there).  Verdicts
(:mod:`symgrad.base.verdicts`): a row is ``PASS`` when every entry is within its
tolerance, ``FAIL`` when one is not (or is not finite), ``UNDECIDED`` when a certified ball
straddles the tolerance, ``NOT CHECKABLE`` with the reason (no certified Hessian at a
kink, or every tolerance at least half its value: no digit to check).

>>> from symgrad.numeric.network_file import network_from_dict
>>> spec = network_from_dict({"layers": [1, 1], "activation": "identity", "loss": "squared",
...     "bias": False, "data": {"x": [["2"]], "y": [["1"]]}, "weights": {"W1": [["3"]]}})
>>> H = certified_hessian(spec)   # F = (2w - 1)^2 / 2: d2F/dw2 = 4, exactly
>>> H[0][0] == 4, type(H[0][0]).__name__
(True, 'fmpq')
>>> tols = entry_tolerances(spec, "float64")
>>> tols["gradient"][0] > 0 and tols["gradient"][0] < 1e-13
True
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
from flint import arb_mat, fmpq

from symgrad.analysis.verify.network_tolerance import C_FUNC, SAFETY, entry_tolerances
from symgrad.base.errors import SymgradError
from symgrad.base.verdicts import Verdict
from symgrad.numeric.dual import Dual
from symgrad.numeric.flint_backend import arb_to_mpf
from symgrad.numeric.network_certified import certified_network
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_hessian import hessian_at

__all__ = ["C_FUNC", "MAX_HESSIAN_WORK", "SAFETY", "EntryCheck", "RowCheck",
           "certified_gradient", "certified_hessian", "compare_row", "entry_tolerances"]
#: the most parameters^2 x data points a Hessian check (truth and tolerance) takes on
MAX_HESSIAN_WORK = 400_000
HESSIAN_PREC = 192


def _weights(spec: NetworkSpec):
    return {k: [list(r) if isinstance(r, tuple) else r for r in w]
            for k, w in spec.weights.items()}


# ------------------------------------------------------------------ certified Hessian

def certified_hessian(spec: NetworkSpec, *, prec: int = HESSIAN_PREC) -> list[list]:
    """The Hessian of F in entries() order, each entry an ``arb`` ball (or an exact
    ``fmpq``), by forward over reverse on dual numbers over Arb balls
    (:func:`symgrad.numeric.network_hessian.hessian_at`).  A pre-activation exactly at a
    kink (no second derivative) is a :class:`SymgradError`."""
    return [list(row) for row in hessian_at(spec, prec=prec)[2]]


def _seed(ops, value: Fraction, k: int, q: int) -> Dual:
    t = arb_mat(q, 1)
    t[k, 0] = 1
    return ops.seed(value, t)


# ------------------------------------------------------------------ comparisons

AGREE, DISAGREE, UNDECIDED, NONFINITE = "agree", "disagree", "undecided", "nonfinite"


@dataclass(frozen=True)
class EntryCheck:
    """One computed number against a certified ball (``true``: its midpoint, ``radius``)
    with an absolute ``tolerance``; ``informative``: the tolerance is below half |true|."""

    name: str
    computed: float
    true: str
    radius: float
    tolerance: float
    verdict: str
    informative: bool

    @property
    def ratio(self) -> float | None:
        if not math.isfinite(self.computed):
            return None
        err = abs(mpmath.mpf(self.computed) - mpmath.mpf(self.true))
        return float(err / self.tolerance) if self.tolerance > 0 else (
            0.0 if err == 0 else math.inf)

    def to_json(self) -> dict:
        r = self.ratio
        return {"name": self.name, "computed": repr(float(self.computed)), "true": self.true,
                "tolerance": f"{self.tolerance:.3e}", "verdict": self.verdict,
                "tolerance_ratio": None if r is None else f"{r:.3e}"}


def _entry(name: str, computed: float, ball, tol: float) -> EntryCheck:
    with mpmath.workdps(40):
        if isinstance(ball, fmpq):
            mid, rad = mpmath.mpf(int(ball.p)) / int(ball.q), mpmath.mpf(0)
        else:
            mid, rad = arb_to_mpf(ball.mid()), arb_to_mpf(ball.rad())
        text = mpmath.nstr(mid, 20)
        inform = tol < abs(mid) / 2
        c = float(computed)
        if not math.isfinite(c):
            return EntryCheck(name, c, text, float(rad), tol, NONFINITE, inform)
        err = abs(mpmath.mpf(c) - mid)
        verdict = (AGREE if err + rad <= tol else DISAGREE if err - rad > tol else UNDECIDED)
        return EntryCheck(name, c, text, float(rad), tol, verdict, inform)


@dataclass
class RowCheck:
    """One framework, one format, one quantity (``gradient``: F and every partial;
    ``hessian``: every entry), classified entry by entry."""

    backend: str
    format: str
    quantity: str
    entries: list[EntryCheck] = field(default_factory=list)
    missing: str = ""  # why nothing could be compared (NOT CHECKABLE)
    skipped: str = ""  # why the check could not run (SKIPPED: a framework is missing)

    @property
    def verdict(self) -> Verdict:
        return self._decide()[0]

    @property
    def reason(self) -> str:
        return self._decide()[1]

    def _decide(self) -> tuple[Verdict, str]:
        if self.skipped:
            return Verdict.SKIPPED, self.skipped
        if self.missing:
            return Verdict.NOT_CHECKABLE, self.missing
        n = Counter(e.verdict for e in self.entries)
        bad = n[DISAGREE] + n[NONFINITE]
        if bad:
            return Verdict.FAIL, f"{bad} of {len(self.entries)} entries outside the tolerance"
        if n[UNDECIDED]:
            return Verdict.UNDECIDED, (f"{n[UNDECIDED]} entries: the certified ball straddles "
                                       "the tolerance")
        if not any(e.informative for e in self.entries):
            return Verdict.NOT_CHECKABLE, ("every tolerance is at least half its value: no "
                                           "significant digit to check in this format")
        return Verdict.PASS, ""

    def worst(self) -> float:
        return max((r for e in self.entries if (r := e.ratio) is not None), default=0.0)

    def summary(self) -> str:
        if self.skipped or self.missing:
            return self.skipped or self.missing
        n = Counter(e.verdict for e in self.entries)
        parts = ", ".join(f"{v} {k}" for k, v in sorted(n.items()))
        return f"{parts}; max err {self.worst():.2f} tol"

    def to_json(self) -> dict:
        return {"backend": self.backend, "format": self.format, "quantity": self.quantity,
                "verdict": self.verdict.word, "reason": self.reason,
                "summary": self.summary(), "max_tolerance_ratio": f"{self.worst():.3e}",
                "entries": [e.to_json() for e in self.entries]}


def compare_row(backend: str, fmt: str, quantity: str, names, computed, balls,
                tolerances) -> RowCheck:
    """Classify ``computed`` (floats) against certified ``balls`` with absolute
    ``tolerances``, entry by entry."""
    if not len(names) == len(computed) == len(balls) == len(tolerances):
        raise SymgradError("internal: lengths of names, values, balls, tolerances differ")
    return RowCheck(backend, fmt, quantity,
                    [_entry(n, c, b, t) for n, c, b, t in
                     zip(names, computed, balls, tolerances, strict=True)])


def certified_gradient(spec: NetworkSpec):
    """[F, dF/d(every entry)] as balls (entries() order) and the names ``F``, ``dF/dW1[0][0]``."""
    cert = certified_network(spec, digits=20)
    names, balls = ["F"], [cert.value.value]
    for name, idx in spec.network.entries():
        g = cert.grads[name]
        for i in idx:
            g = g[i]
        names.append(f"dF/d{name}[{']['.join(map(str, idx))}]")
        balls.append(g.value)
    return names, balls
