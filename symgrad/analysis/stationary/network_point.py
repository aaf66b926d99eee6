"""The class of a network's weight point from its certified Hessian (``symgrad hessian
--network``): glue between :mod:`symgrad.numeric.network_hessian` and the rule tables.

* **Stationarity** is decided only when proven: every gradient entry an exact rational 0
  (stationary), or one ball away from 0 (not stationary); else undecided.
* **Eigenvalues**: an exact rational Hessian (q <= ``EXACT_INERTIA_MAX``) gets its exact
  inertia from the characteristic polynomial (Descartes,
  :func:`~.signs.inertia_from_signs`); enclosures by
  :func:`~.enclosures.eigen_enclosures` (q <= ``EIG_RUMP_MAX``) or
  :func:`~.enclosures.congruence_enclosures`.  The verdict is
  :func:`~.rules.verdict_from_inertia` resp. :func:`~.rules.enclosure_verdict`.
* **Beyond second order** (polynomial networks, exact stationary point): the splitting
  lemma (:func:`~.rules.splitting_verdict`, q <= ``SPLITTING_MAX``), and a **descent
  curve**: a line p + t v with a certified negative quadratic form v^T H v (any network),
  or, with an exact singular Hessian, the exact Taylor coefficients of F along candidate
  kernel directions (polynomial networks; tanh/sigmoid/silu units at zero
  pre-activations): the first nonzero one, c_k, decides -- k even and
  c_k < 0 gives w(t) = p + t v; k odd gives w(t) = p - sign(c_k) t^2 v (leading term
  -|c_k| t^(2k)) and, with t v and -t v, F - F(p) of both signs: a saddle.

>>> from symgrad.numeric.network_file import network_from_dict
>>> from symgrad.numeric.network_hessian import network_hessian
>>> spec = network_from_dict({"layers": [1, 1, 1], "activation": "identity",
...     "loss": "squared", "bias": False, "data": {"x": [["1"]], "y": [["1"]]},
...     "weights": {"W1": [["0"]], "W2": [["0"]]}})
>>> r = classify_network_point(network_hessian(spec, digits=5))
>>> r.verdict.cls, r.inertia, r.descent.order
('saddle', (1, 1, 0), 2)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import sympy
from flint import arb, arb_mat, ctx, fmpq, fmpq_mat

from symgrad.analysis.stationary.decimals import enclosure_text, fmt
from symgrad.analysis.stationary.model import Verdict
from symgrad.analysis.stationary.polysign import factor_sign
from symgrad.analysis.stationary.rules import (
    EXACT_INERTIA,
    MAX_ORDER_ND,
    enclosure_verdict,
    splitting_verdict,
    verdict_from_inertia,
)
from symgrad.analysis.stationary.signs import inertia_from_signs
from symgrad.base.errors import SymgradError
from symgrad.numeric.eigen_enclosures import congruence_enclosures, eigen_enclosures
from symgrad.numeric.network_hessian import (
    NetworkHessian,
    exact_series,
    is_polynomial,
    line_taylor,
)
from symgrad.numeric.network_values import network_values

__all__ = ["EIG_RUMP_MAX", "EXACT_INERTIA_MAX", "SPLITTING_MAX", "DescentCurve",
           "NetworkPoint", "classify_network_point", "symbolic_objective"]

EXACT_INERTIA_MAX = 120
EIG_RUMP_MAX = 60
SPLITTING_MAX = 6
_MAX_DIRECTIONS = 64


@dataclass(frozen=True)
class DescentCurve:
    """w(t) = p + t^power * direction with F(w(t)) - F(p) = coefficient * t^order + O(...),
    coefficient < 0 certified: F(w(t)) < F(p) for all small t != 0."""

    direction: tuple[Fraction, ...]
    power: int
    order: int
    coefficient: str
    exact: bool

    def as_dict(self) -> dict:
        return {"direction": [str(v) for v in self.direction], "power": self.power,
                "order": self.order, "coefficient": self.coefficient, "exact": self.exact}

    def describe(self, names) -> str:
        terms = [f"{v}·{n}" for v, n in zip(self.direction, names) if v]
        t = "t" if self.power == 1 else f"t^{self.power}"
        return (f"w(t) = p + {t}·({', '.join(terms)}): F(w(t)) - F(p) = {self.coefficient}"
                f"·t^{self.order} + O(t^{self.order + 1}) < 0 for small t ≠ 0")


@dataclass
class NetworkPoint:
    """The certified Hessian (``hessian``) with the point's class and its evidence."""

    hessian: NetworkHessian
    grad_norm: str
    stationary: bool | None
    eigenvalues: list[str]
    eigen_method: str
    inertia: tuple[int, int, int] | None
    verdict: Verdict
    descent: DescentCurve | None = None
    notes: list[str] = field(default_factory=list)


def _ball(v) -> arb:
    return arb(v) if isinstance(v, fmpq) else v


def _norm(grad) -> arb | fmpq:
    total = fmpq(0)
    for g in grad:
        total = total + (g * g if isinstance(g, fmpq) or 0 not in g
                         else arb.union(arb(0), g.abs_upper() ** 2))
    if isinstance(total, fmpq) and total == 0:
        return fmpq(0)
    return _ball(total).nonnegative_part().sqrt()


def _stationary(grad) -> bool | None:
    if all(isinstance(g, fmpq) and g == 0 for g in grad):
        return True
    if any((isinstance(g, fmpq) and g != 0) or (isinstance(g, arb) and 0 not in g)
           for g in grad):
        return False
    return None


def _exact_inertia(raw) -> tuple[int, int, int]:
    q = len(raw)
    m = fmpq_mat(q, q, [v for row in raw for v in row])
    coeffs = m.charpoly().coeffs()  # low order first
    return inertia_from_signs([(c > 0) - (c < 0) for c in coeffs])


def _enclosures(raw) -> tuple[list, str]:
    m = arb_mat([[_ball(v) for v in row] for row in raw])
    return eigen_enclosures(m) if len(raw) <= EIG_RUMP_MAX else congruence_enclosures(m)


def symbolic_objective(h: NetworkHessian) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """F as a SymPy polynomial in symbols named like :func:`parameter_names` (polynomial
    networks: the same forward pass, over SymPy numbers)."""
    spec = h.spec
    gens = tuple(sympy.Symbol(n, real=True) for n in h.names)

    class _Sym:
        @staticmethod
        def convert(v):
            return v if isinstance(v, sympy.Basic) else sympy.Rational(Fraction(v))

    weights: dict[str, list] = {}
    for (name, idx), s in zip(spec.network.entries(), gens, strict=True):
        if len(idx) == 2:
            rows = weights.setdefault(name, [[None] * len(r) for r in spec.weights[name]])
            rows[idx[0]][idx[1]] = s
        else:
            weights.setdefault(name, [None] * len(spec.weights[name]))[idx[0]] = s
    value = network_values(spec.network, weights, spec.data, _Sym(), backward=False).value
    return sympy.expand(value), gens


def _point(h: NetworkHessian) -> list[Fraction]:
    out = []
    for name, idx in h.spec.network.entries():
        v = h.spec.weights[name]
        for i in idx:
            v = v[i]
        out.append(Fraction(v))
    return out


def _rational_vector(vec) -> tuple[Fraction, ...]:
    top = max(abs(float(x)) for x in vec) or 1.0
    return tuple(Fraction(round(float(x) / top * 2**16), 2**16) for x in vec)


def _negative_line(h: NetworkHessian) -> DescentCurve | None:
    """p + t v along an approximate eigenvector of the smallest eigenvalue, kept when
    v^T H v < 0 is certified (ball arithmetic, exact for a rational Hessian)."""
    import numpy as np

    raw = h.raw_hessian
    mids = np.array([[float(_ball(v).mid()) for v in row] for row in raw])
    _, vecs = np.linalg.eigh((mids + mids.T) / 2)
    v = _rational_vector(vecs[:, 0])
    form = sum((fmpq(a.numerator, a.denominator) * fmpq(b.numerator, b.denominator) * x
                for a, row in zip(v, raw) for b, x in zip(v, row) if a and b), fmpq(0))
    if isinstance(form, fmpq):
        if form < 0:
            return DescentCurve(v, 1, 2, str(form / 2), True)
        return None
    if form < 0:
        return DescentCurve(v, 1, 2, enclosure_text(form / 2, 6), False)
    return None


def _kernel_directions(raw) -> list[tuple[Fraction, ...]]:
    q = len(raw)
    m = sympy.Matrix(q, q, lambda i, j: sympy.Rational(int(raw[i][j].p), int(raw[i][j].q)))
    basis = [tuple(Fraction(int(sympy.fraction(x)[0]), int(sympy.fraction(x)[1]))
                   for x in b) for b in m.nullspace()]
    out = list(basis)
    for a, b in itertools.combinations(basis, 2):
        out += [tuple(x + y for x, y in zip(a, b)), tuple(x - y for x, y in zip(a, b))]
    for signs in itertools.product((1, -1), repeat=min(len(basis), 4)):
        full = (*signs, *[1] * (len(basis) - len(signs)))
        out.append(tuple(sum(s * b[i] for s, b in zip(full, basis)) for i in range(q)))
    return list(dict.fromkeys(out))[:_MAX_DIRECTIONS]


def _series_curve(h: NetworkHessian) -> tuple[DescentCurve | None, bool]:
    """(descent curve, both signs proven) from exact Taylor coefficients along kernel
    directions of an exact Hessian (:func:`~symgrad.numeric.network_hessian.line_taylor`)."""
    for v in _kernel_directions(h.raw_hessian):
        try:
            coeffs = line_taylor(h.spec, v, MAX_ORDER_ND)
        except SymgradError:  # a Taylor coefficient that is not an exact rational
            return None, False
        k = next((i for i, c in enumerate(coeffs) if i >= 2 and c), None)
        if k is None:
            continue
        c = coeffs[k]
        if k % 2:
            s = -1 if c > 0 else 1
            return DescentCurve(tuple(s * x for x in v), 2, 2 * k, str(-abs(c)), True), True
        if c < 0:
            return DescentCurve(v, 1, k, str(c), True), False
    return None, False


def _second_order(h: NetworkHessian) -> tuple[tuple | None, list, str, Verdict]:
    q, raw = len(h.names), h.raw_hessian
    inertia = _exact_inertia(raw) if h.exact and q <= EXACT_INERTIA_MAX else None
    eigs, how = _enclosures(raw)
    if inertia is not None:
        return inertia, eigs, how, verdict_from_inertia(inertia, method=EXACT_INERTIA)
    return None, eigs, how, enclosure_verdict(eigs, how)


def _zero_loss(h: NetworkHessian) -> Verdict | None:
    """Squared loss: F >= 0 everywhere, so F(p) = 0 (exactly) is a global minimum."""
    f = h.value.value
    if h.spec.network.loss != "squared" or not (isinstance(f, fmpq) and f == 0):
        return None
    return Verdict("local minimum", None, True, "F = 0 is the least value of a squared loss",
                   ["F(p) = 0 exactly and F >= 0 everywhere (a sum of squares): a global "
                    "minimum"])


def _global_sign(h: NetworkHessian) -> Verdict | None:
    """A polynomial F with F - F(p) factored into factors of fixed sign (polysign)."""
    f, gens = symbolic_objective(h)
    found = factor_sign(f - sympy.Rational(h.value.exact_value), gens)
    if found is None:
        return None
    sign, shown = found
    cls = "local minimum" if sign > 0 else "local maximum"
    return Verdict(cls, None, True, "global sign of F - F(p) by factorisation",
                   [f"F - F(p) = {shown}: every factor has a fixed sign, so p is a global "
                    f"{'minimum' if sign > 0 else 'maximum'}"])


def _higher_order(h: NetworkHessian, inertia, verdict: Verdict
                  ) -> tuple[Verdict, DescentCurve | None]:
    """At an exact stationary point: F = 0, the global sign, the splitting lemma, a
    descent curve."""
    poly = is_polynomial(h.spec) and h.exact
    if verdict.cls == "degenerate: undecided":
        verdict = _zero_loss(h) or verdict
    small = len(h.names) <= SPLITTING_MAX
    if poly and verdict.cls == "degenerate: undecided" and small:
        verdict = _global_sign(h) or verdict
    if poly and verdict.cls == "degenerate: undecided" and small:
        f, gens = symbolic_objective(h)
        hmat = sympy.Matrix([[sympy.Rational(int(v.p), int(v.q)) for v in row]
                             for row in h.raw_hessian])
        verdict = splitting_verdict(f, gens, [sympy.Rational(x) for x in _point(h)], hmat,
                                    inertia)
    if verdict.cls == "local minimum":
        return verdict, None
    curve = _negative_line(h)
    if curve is None and h.exact and exact_series(h.spec):
        curve, both = _series_curve(h)
        if both and verdict.cls == "degenerate: undecided":
            verdict = Verdict("saddle" if len(h.names) > 1 else "no extremum", None, True,
                              "Taylor coefficients along a line",
                              [f"F - F(p) along p + t v starts with an odd power of t: "
                               f"it takes both signs ({curve.describe(h.names)})"])
    if curve is not None and verdict.cls == "degenerate: undecided":
        verdict.evidence.append("not a minimum: a certified descent curve exists")
    return verdict, curve


def classify_network_point(h: NetworkHessian, *, eigenvalues: bool = True) -> NetworkPoint:
    """Gradient norm, stationarity, eigenvalue enclosures, class and descent curve."""
    norm = _norm(h.raw_gradient)
    norm_text = fmt(_ball(norm), h.digits) if not isinstance(norm, fmpq) else "0"
    stationary = _stationary(h.raw_gradient)
    inertia, eigs, how, notes = None, [], "skipped (eigenvalues=False)", []
    curve = None
    if eigenvalues:
        with ctx.workprec(max(h.prec, 64)):
            inertia, eigs, how, second = _second_order(h)
    if stationary is False:
        verdict = Verdict("not stationary", None, False, "gradient",
                          [f"not stationary: ||grad F|| = {fmt(_ball(norm), 5)}, a gradient "
                           "entry is provably nonzero"])
    elif stationary is None:
        verdict = Verdict("degenerate: undecided", None, None, "gradient",
                          ["stationarity undecided: every gradient enclosure contains 0, "
                           "but exact vanishing is not proven"])
    elif not eigenvalues:
        verdict = Verdict("degenerate: undecided", None, None, "none",
                          ["stationary, but the eigenvalue enclosures were skipped"])
    else:
        verdict, curve = _higher_order(h, inertia, second)
    loose = sum(1 for row in h.hessian for b in row if not b.decided)
    if loose:
        notes.append(f"{loose} Hessian entries are balls around 0 at {h.prec} bits (shown "
                     "with their radius): zero to within it, possibly exactly 0")
    return NetworkPoint(h, norm_text, stationary, [enclosure_text(e, h.digits) for e in eigs],
                        how + (f"; exact inertia {inertia}" if inertia else ""), inertia,
                        verdict, curve, notes)
