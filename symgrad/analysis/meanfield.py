"""The mean-field quantities of a wide random network, certified: q*, chi_1, the depth scales,
the critical line (Schoenholz et al. 2017; Pennington et al. 2017).

Definitions (s_w = sigma_w^2, s_b = sigma_b^2, expectations from
:mod:`symgrad.numeric.gaussian`, closed forms from :mod:`symgrad.core.meanfield`):

* V(q) = s_w E[phi(sqrt q z)^2] + s_b; q* is the limit of q_l = V(q_{l-1}) from
  q_0 (default 1);
* chi_1 = s_w E[phi'(sqrt q* z)^2]; V'(q*) = s_w E[phi'^2 + phi phi''] (Gaussian
  integration by parts);
* xi_q = -1/ln V'(q*); xi_c = -1/ln chi_1 in the ordered phase (chi_1 < 1; in the
  chaotic phase xi_c needs the correlation fixed point c* < 1, which is not computed);
  the gradient depth scale -1/ln chi_1 (signed: negative means growth);
* Pennington's moments of the spectrum of J J^T at depth L: mean chi_1^L, variance
  chi_1^{2L} L (mu_2/mu_1^2 - 1 - s_1), mu_k = E[phi'^{2k}], s_1 = -1 for Gaussian
  and 0 for orthogonal weights.

The **certified root solve** of g(q) = V(q) - q: a float start (Gauss-Hermite), Newton
steps on Arb midpoints, then a proof on I = [m - r, m + r]: g(m - r) and g(m + r) are
balls of opposite strict signs (a root in I), and the ball V'(I) < 1 (g strictly
decreasing on I: the root is the only one in I, and V is a contraction near it).  The
critical s_w at s_b solves chi_1 = 1 with q* = V(q*): eliminating s_w = 1/E[phi'^2](q)
leaves one equation h(q) = E[phi^2]/E[phi'^2] + s_b - q = 0, solved the same way
(a sign change at the ends of I; h' != 0 on I for uniqueness).  The precision is
raised until every value is decided to D digits.

>>> r = fixed_point_report("relu", Fraction(1), Fraction(1, 2), digits=10)
>>> r.q_star.mid, r.chi1.mid
('1.000000000e+0', '5.000000000e-1')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from flint import arb, ctx, fmpq

from symgrad.base.errors import SymgradError
from symgrad.core.meanfield import linear_coefficient, zero_bias_critical
from symgrad.numeric.arb_eval import arb_eval
from symgrad.numeric.certified import Ball
from symgrad.numeric.gaussian import expectation, float_expectation
from symgrad.numeric.kernels import get_kernel

__all__ = ["CriticalReport", "FixedPointReport", "critical_report", "fixed_point_report",
           "float_chi1"]

MAX_PREC = 4096


@dataclass(frozen=True)
class FixedPointReport:
    """q* and what follows from it; ``None`` where a quantity does not exist (``notes`` say
    why).  ``unique`` is True when q* is proven the only fixed point in ``interval``."""

    activation: str
    sigma_w2: Fraction
    sigma_b2: Fraction
    q0: Fraction
    q_star: Ball | None
    interval: tuple[str, str] | None
    unique: bool | None
    chi1: Ball | None
    map_slope: Ball | None
    xi_q: Ball | None
    xi_c: Ball | None
    xi_grad: Ball | None
    mu2: Ball | None
    phase: str
    method: str
    notes: tuple[str, ...]
    prec: int


@dataclass(frozen=True)
class CriticalReport:
    """The critical s_w (chi_1 = 1) at ``sigma_b2`` and its q* (``None``: every q is fixed,
    see ``notes``); ``found`` is False when no critical point was found."""

    activation: str
    sigma_b2: Fraction
    sigma_w2: Ball | None
    q_star: Ball | None
    exact: str | None
    interval: tuple[str, str] | None
    unique: bool | None
    method: str
    notes: tuple[str, ...]
    prec: int


def _q(x) -> arb:
    return arb(fmpq(x.numerator, x.denominator)) if isinstance(x, Fraction) else arb(x)


def _E(name, what, q):
    return expectation(name, what, q)


def _float_fixed_point(name: str, sw: float, sb: float, q0: float) -> float | None:
    """The float limit of q -> V(q) from q0 (iteration, then Newton); None: q grows."""
    q = q0
    for _ in range(300):
        nq = sw * float_expectation(name, "second", q) + sb
        if not math.isfinite(nq) or nq > 1e12:
            return None
        if abs(nq - q) <= 1e-15 * max(q, 1e-300):
            return nq
        q = nq
    for _ in range(100):  # slow convergence near chi = 1: Newton on g = V - q
        g = sw * float_expectation(name, "second", q) + sb - q
        d = sw * float_expectation(name, "curvature", q) - 1
        if d == 0 or not math.isfinite(g / d):
            break
        nq = max(q - g / d, q / 4)
        if abs(nq - q) <= 1e-15 * q or nq < 1e-200:
            return nq
        q = nq
    return q


def _newton(g, dg, m: arb, prec: int) -> arb:
    """Newton on midpoints of balls (exact midpoints, so the iterate stays a number)."""
    for _ in range(60):
        step = (g(m) / dg(m)).mid()
        m = (m - step).mid()
        if not step.is_finite() or abs(step) < abs(m) * arb(2) ** (8 - prec):
            break
    return m


def _prove_root(g, dg, m: arb, prec: int):
    """(ball I, unique) if g has opposite strict signs at the ends of I = m +- r."""
    slope = dg(m)
    r = abs(m) * arb(2) ** (8 - prec)  # wide enough for the signs to show through the error
    if abs(slope) > 0:
        r = max(r, 8 * arb(g(m).rad()) / arb(abs(slope).lower()))
    lo, hi = m - r, m + r
    glo, ghi = g(arb(lo.lower())), g(arb(hi.upper()))
    if not ((glo > 0 and ghi < 0) or (glo < 0 and ghi > 0)):
        return None, None
    ball = arb(lo.lower()).union(arb(hi.upper()))
    d = dg(ball)
    return ball, bool(d < 0 or d > 0)


def _phase(chi1: arb) -> str:
    if chi1.is_exact() and chi1 == 1:
        return "critical"
    return "ordered" if chi1 < 1 else "chaotic" if chi1 > 1 else "undecided"


def _neg_inv_log(x: arb) -> arb | None:
    return None if not (x > 0 and (x < 1 or x > 1)) else -1 / x.log()


def _decided(balls) -> bool:
    return all(b is None or b.decided for b in balls)


def _finish(name, sw, sb, q0, q, interval, unique, method, notes, digits, prec):
    """Everything that follows from the ball ``q`` (or exact Fraction) of q*."""
    qa = _q(q) if isinstance(q, Fraction) else q
    chi = _q(sw) * _E(name, "slope", qa)
    slope = _q(sw) * _E(name, "curvature", qa)
    mu1, mu2 = _E(name, "slope", qa), _E(name, "slope4", qa)
    xq = _neg_inv_log(slope)
    xc = _neg_inv_log(chi) if chi < 1 else None
    xg = _neg_inv_log(chi)
    phase = _phase(chi)
    if phase == "chaotic":
        notes += ("xi_c in the chaotic phase needs the correlation fixed point c* < 1 "
                  "(not computed)",)

    def ball(v):
        if v is None:
            return None
        return Ball(fmpq(v.numerator, v.denominator), digits, prec) if isinstance(
            v, Fraction) else Ball(v, digits, prec)

    iv = None if interval is None else (str(interval[0]), str(interval[1]))
    chi_b = ball(sw * Fraction(str(linear_coefficient(name)))) if (
        isinstance(q, Fraction) and linear_coefficient(name) is not None) else ball(chi)
    return FixedPointReport(name, sw, sb, q0, ball(q), iv, unique, chi_b, ball(slope),
                            ball(xq), ball(xc), ball(xg), ball(mu2 / (mu1 * mu1)),
                            phase, method, notes, prec)


def _linear_fixed_point(name, sw, sb, q0, digits):
    c = Fraction(str(linear_coefficient(name)))
    k = sw * c
    prec = math.ceil(digits * 3.33) + 32
    with ctx.workprec(prec):
        if k < 1:
            q = sb / (1 - k)
            return _finish(name, sw, sb, q0, q, None, True, "exact (closed form)",
                           (f"V(q) = {k} q + {sb} is linear: q* = s_b/(1 - s_w c) exactly",),
                           digits, prec)
        if k == 1 and sb == 0:
            return _finish(name, sw, sb, q0, q0, None, False, "exact (closed form)",
                           ("V(q) = q: every q is a fixed point; q* = q0",), digits, prec)
        rep = _finish(name, sw, sb, q0, Fraction(0) if sb == 0 else q0, None, None,
                      "exact (closed form)", (), digits, prec)
    return _no_fixed_point(rep, f"V(q) = {k} q + {sb} with slope >= 1: q grows without bound "
                                "from q0 > 0 (chi_1 does not depend on q)")


def _no_fixed_point(rep: FixedPointReport, why: str) -> FixedPointReport:
    keep = rep.chi1 if linear_coefficient(rep.activation) is not None else None
    return FixedPointReport(rep.activation, rep.sigma_w2, rep.sigma_b2, rep.q0, None, None,
                            None, keep, None, None, None, None, None,
                            "undecided" if keep is None else rep.phase, rep.method, (why,),
                            rep.prec)


def fixed_point_report(name: str, sigma_w2: Fraction, sigma_b2: Fraction, *,
                       digits: int = 30, q0: Fraction = Fraction(1)) -> FixedPointReport:
    """q*, chi_1, V'(q*), the depth scales and mu_2/mu_1^2, each to ``digits`` digits."""
    get_kernel(name)
    if linear_coefficient(name) is not None:
        return _linear_fixed_point(name, sigma_w2, sigma_b2, q0, digits)
    zero_fixed = sigma_b2 == 0 and get_kernel(name).exact_at_zero[0] == 0
    qf = _float_fixed_point(name, float(sigma_w2), float(sigma_b2), float(q0))
    prec = math.ceil(digits * 3.33) + 40
    if qf is None:
        with ctx.workprec(prec):
            rep = _finish(name, sigma_w2, sigma_b2, q0, Fraction(0), None, None,
                          "certified quadrature", (), digits, prec)
        return _no_fixed_point(rep, f"no fixed point reached from q0 = {q0}: q grows "
                                    "without bound")
    while True:
        with ctx.workprec(prec):
            rep = _certify_fixed_point(name, sigma_w2, sigma_b2, q0, qf, zero_fixed,
                                       digits, prec)
        keys = () if rep is None else (rep.q_star, rep.chi1, rep.map_slope, rep.xi_q,
                                       rep.xi_c, rep.xi_grad)
        if rep is not None and (_decided(keys) or prec >= MAX_PREC):
            return rep
        prec = min(2 * prec, MAX_PREC)


def _certify_fixed_point(name, sw, sb, q0, qf, zero_fixed, digits, prec):
    method = "closed form" if name == "erf" else "certified quadrature"
    s, b = _q(sw), _q(sb)
    slope0 = s * _E(name, "curvature", arb(0)) if zero_fixed else None
    if zero_fixed and qf < 1e-9 and not slope0 > 1:
        note = ("q* = 0 exactly: s_b = 0 and phi(0) = 0 make 0 a fixed point, and the "
                "iteration from q0 goes there")
        note += ("; attracting (V'(0) < 1, certified)" if slope0 < 1 else
                 "; V'(0) = 1: marginal, q_l -> 0 slower than geometrically")
        return _finish(name, sw, sb, q0, Fraction(0), None, True, method, (note,), digits, prec)
    qf = max(qf, 1e-12)

    def g(q):
        return s * _E(name, "second", q) + b - q

    def dg(q):
        return s * _E(name, "curvature", q) - 1

    m = _newton(g, dg, arb(qf), prec)
    ball, unique = _prove_root(g, dg, m, prec)
    if ball is None:
        if prec >= MAX_PREC:
            raise SymgradError(f"the fixed point of {name} could not be certified at {prec} "
                               "bits", hint="try fewer --digits or another --sigma-w2")
        return None
    notes = ("a root of V(q) - q is in I (certified sign change at its ends); " + (
        "unique in I: V' < 1 on I (V is a contraction there)" if unique and dg(ball) < 0
        else "uniqueness in I undecided"),)
    return _finish(name, sw, sb, q0, ball, (ball.lower(), ball.upper()), unique, method,
                   notes, digits, prec)


def critical_report(name: str, sigma_b2: Fraction, *, digits: int = 30) -> CriticalReport:
    """The critical s_w (chi_1 = 1) at s_b and its q*, each to ``digits`` digits."""
    get_kernel(name)
    prec = math.ceil(digits * 3.33) + 40
    closed = zero_bias_critical(name) if sigma_b2 == 0 or linear_coefficient(name) else None
    if closed is not None:
        return _closed_critical(name, sigma_b2, closed, digits, prec)
    qf = _float_critical(name, float(sigma_b2))
    if qf is None:
        return CriticalReport(name, sigma_b2, None, None, None, None, None,
                              "certified quadrature",
                              ("no sign change of E[phi^2]/E[phi'^2] + s_b - q for q in "
                               "[1e-6, 1e6]: no critical point found there",), prec)
    while True:
        with ctx.workprec(prec):
            rep = _certify_critical(name, sigma_b2, qf, digits, prec)
        if rep is not None and (_decided((rep.sigma_w2, rep.q_star)) or prec >= MAX_PREC):
            return rep
        prec = min(2 * prec, MAX_PREC)


def _closed_critical(name, sb, closed, digits, prec):
    sw_expr, q_expr = closed
    with ctx.workprec(prec):
        sw = arb_eval(sw_expr, {}, prec=prec)
    if q_expr is None:
        note = ("the map is linear in q and chi_1 does not depend on q: at the critical "
                + ("s_w every q is a fixed point (V(q) = q)" if sb == 0 else
                   "s_w, V(q) = q + s_b has no fixed point (q grows linearly)"))
        q = None
    else:
        note = ("s_b = 0 and phi(0) = 0: q* = 0 is a fixed point with chi_1 = s_w phi'(0)^2, "
                "so s_w = 1/phi'(0)^2 (derived by SymPy)")
        q = Ball(fmpq(0), digits, prec)
    return CriticalReport(name, sb, Ball(sw, digits, prec), q, str(sw_expr), None, True,
                          "exact (closed form)", (note,), prec)


def _float_critical(name: str, sb: float) -> float | None:
    def h(q):
        slope = float_expectation(name, "slope", q)
        return float_expectation(name, "second", q) / slope + sb - q if slope > 0 else 0.0

    grid = [2.0 ** k for k in range(-20, 21)]
    values = [h(q) for q in grid]
    for (a, ha), (b, hb) in zip(zip(grid, values), zip(grid[1:], values[1:])):
        if ha * hb < 0:
            for _ in range(80):
                mid = (a + b) / 2
                if h(mid) * ha > 0:
                    a, ha = mid, h(mid)
                else:
                    b = mid
            return (a + b) / 2
    return None


def _certify_critical(name, sb, qf, digits, prec):
    b = _q(sb)

    def h(q):
        return _E(name, "second", q) / _E(name, "slope", q) + b - q

    def dh(q):
        e2, e1 = _E(name, "second", q), _E(name, "slope", q)
        return ((_E(name, "curvature", q) * e1 - e2 * _E(name, "slope_derivative", q))
                / (e1 * e1) - 1)

    m = _newton(h, dh, arb(qf), prec)
    ball, unique = _prove_root(h, dh, m, prec)
    if ball is None:
        if prec >= MAX_PREC:
            raise SymgradError(f"the critical point of {name} could not be certified at "
                               f"{prec} bits", hint="try fewer --digits")
        return None
    sw = 1 / _E(name, "slope", ball)
    notes = ("q* in I: certified sign change of h(q) = E[phi^2]/E[phi'^2] + s_b - q at the "
             "ends of I; s_w = 1/E[phi'^2](q*)" + ("; unique in I (h' != 0 on I)" if unique
                                                   else "; uniqueness in I undecided"),)
    return CriticalReport(name, sb, Ball(sw, digits, prec), Ball(ball, digits, prec), None,
                          (str(ball.lower()), str(ball.upper())), unique,
                          "closed form" if name == "erf" else "certified quadrature",
                          notes, prec)


def float_chi1(name: str, sigma_w2: float, sigma_b2: float) -> float | None:
    """chi_1 in float64 (Gauss-Hermite), for shading a phase diagram; None: no fixed point.

    >>> round(float_chi1("relu", 2.0, 0.0), 6)
    1.0
    """
    qf = _float_fixed_point(name, sigma_w2, sigma_b2, 1.0)
    if qf is None:
        return None
    return sigma_w2 * float_expectation(name, "slope", qf)
