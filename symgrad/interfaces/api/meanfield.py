"""``symgrad.meanfield``: mean-field signal propagation in wide random networks, certified
(``symgrad meanfield``).

For W_ij ~ N(0, sigma_w^2/n), b_i ~ N(0, sigma_b^2) and an activation of the registry:
the fixed point q* of the variance map, chi_1, the slope V'(q*) of the map, the depth
scales xi_q, xi_c and the gradient depth scale (Schoenholz et al. 2017), and with
``depth`` the mean and variance of the spectrum of J J^T for Gaussian and orthogonal
weights (Pennington et al. 2017); with ``critical=True`` the critical sigma_w^2
(chi_1 = 1) at sigma_b^2 and its q*.  Every printed digit is certified
(:mod:`symgrad.analysis.meanfield`).

>>> r = meanfield("relu", critical=True, digits=10)
>>> r.to_json()["critical"]["sigma_w2"]["value"]
'2.000000000e+0'
>>> meanfield("tanh", sigma_w2="1.5", sigma_b2="0.05", digits=12).to_json()["point"]["phase"]
'ordered'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from symgrad.analysis.meanfield import (
    MAX_PREC,
    CriticalReport,
    FixedPointReport,
    critical_report,
    fixed_point_report,
)
from symgrad.analysis.meanfield_diagram import phase_diagram_data, spectrum_moments
from symgrad.base.errors import InputError
from symgrad.base.optional import require
from symgrad.core.activation_names import activation_name
from symgrad.interfaces.api._values import input_errors, plain_number, whole_number
from symgrad.interfaces.api.result import Result
from symgrad.numeric.certified import Ball
from symgrad.numeric.inputs import exact_number

__all__ = ["MeanFieldResult", "meanfield"]

_LIMIT = Fraction(10**6)
_POINT_BALLS = (("q_star", "q*"), ("chi1", "chi_1"), ("map_slope", "V'(q*)"),
                ("xi_q", "xi_q"), ("xi_c", "xi_c"), ("xi_grad", "xi_grad = -1/ln chi_1"),
                ("mu2", "mu_2/mu_1^2"))


def _ball(b: Ball | None):
    return None if b is None else b.to_json()


@dataclass(frozen=True, repr=False)
class MeanFieldResult(Result):
    """One point of the (sigma_w^2, sigma_b^2) plane, or the critical sigma_w^2 at sigma_b^2."""

    SCHEMA = "symgrad.meanfield/1"
    FORMATS = ("text", "json")

    activation: str
    digits: int
    point: FixedPointReport | None
    critical: CriticalReport | None
    depth: int | None
    plot: str | None

    def _spectrum(self) -> dict | None:
        p = self.point
        if self.depth is None or p is None or p.chi1 is None or p.mu2 is None:
            return None
        moments = spectrum_moments(p.chi1.arb, p.mu2.arb, self.depth)
        return {"depth": self.depth, **{
            kind: {"mean": Ball(m, self.digits, p.prec).to_json(),
                   "variance": Ball(v, self.digits, p.prec).to_json()}
            for kind, (m, v) in moments.items()}}

    def _point_json(self) -> dict | None:
        p = self.point
        if p is None:
            return None
        return {"sigma_w2": plain_number(p.sigma_w2), "sigma_b2": plain_number(p.sigma_b2),
                "q0": plain_number(p.q0), "phase": p.phase, "method": p.method,
                **{k: _ball(getattr(p, k)) for k, _ in _POINT_BALLS},
                "interval": None if p.interval is None else list(p.interval),
                "unique_in_interval": p.unique, "spectrum": self._spectrum(),
                "notes": list(p.notes), "working_precision_bits": p.prec}

    def _critical_json(self) -> dict | None:
        c = self.critical
        if c is None:
            return None
        return {"sigma_b2": plain_number(c.sigma_b2), "sigma_w2": _ball(c.sigma_w2),
                "exact": c.exact, "q_star": _ball(c.q_star),
                "interval": None if c.interval is None else list(c.interval),
                "unique_in_interval": c.unique, "method": c.method, "notes": list(c.notes),
                "working_precision_bits": c.prec}

    def json_body(self) -> dict:
        return {"activation": self.activation, "digits": self.digits,
                "point": self._point_json(), "critical": self._critical_json(),
                "plot": self.plot}

    def _point_text(self) -> list[str]:
        p = self.point
        lines = [f"mean field, {self.activation}: sigma_w^2 = {plain_number(p.sigma_w2)}, "
                 f"sigma_b^2 = {plain_number(p.sigma_b2)}, q0 = {plain_number(p.q0)} "
                 f"({p.method}; {self.digits} digits requested)"]
        for key, label in _POINT_BALLS:
            b = getattr(p, key)
            if b is not None:
                lines.append(f"  {label:<22} {b.mid}  ({b.digits} certified digits)")
        lines.append(f"  phase: {p.phase}")
        spec = self._spectrum()
        if spec is not None:
            lines.append(f"  spectrum of J J^T at depth {self.depth} (Pennington et al. 2017):")
            for kind in ("gaussian", "orthogonal"):
                lines.append(f"    {kind:<10} mean {spec[kind]['mean']['value']}, variance "
                             f"{spec[kind]['variance']['value']}")
        return lines + [f"  note: {n}" for n in p.notes]

    def _critical_text(self) -> list[str]:
        c = self.critical
        lines = [f"critical point (chi_1 = 1), {self.activation}, sigma_b^2 = "
                 f"{plain_number(c.sigma_b2)} ({c.method}):"]
        if c.sigma_w2 is None:
            lines.append("  none found")
        else:
            exact = f" = {c.exact}" if c.exact else ""
            lines.append(f"  sigma_w^2{exact} = {c.sigma_w2.mid}  ({c.sigma_w2.digits} "
                         "certified digits)")
            q = "any q >= 0 (or none)" if c.q_star is None else c.q_star.mid
            lines.append(f"  q* = {q}")
        return lines + [f"  note: {n}" for n in c.notes]

    def to_text(self) -> str:
        lines = self._point_text() if self.point is not None else self._critical_text()
        if self.plot:
            lines.append(f"phase diagram written to {self.plot}")
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        if self.point is not None:
            chi = self.point.chi1
            return (f"{self.activation} at sigma_w^2 = {plain_number(self.point.sigma_w2)}: "
                    f"chi_1 = {'none' if chi is None else chi.mid}")
        w = self.critical.sigma_w2
        return f"{self.activation}: critical sigma_w^2 = {'none' if w is None else w.mid}"


def _whole(value: object, what: str, lo: int, hi: int, example: str) -> int:
    """A whole number from an int or its decimal text (the CLI passes text)."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() \
            and len(value.strip()) <= 19:
        value = int(value.strip())
    return whole_number(value, what=what, lo=lo, hi=hi, example=example)


def check_plot_path(path: str) -> None:
    """A .png/.svg name in an existing, writable folder (checked before any work)."""
    from symgrad.present.plotting import plot_format

    plot_format(path)
    folder = Path(path).parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {path}: folder {folder} does not exist or is not "
                         "writable", hint="choose another --plot path")


def _number(value: object, what: str, *, positive: bool) -> Fraction:
    v = exact_number(value, what=what)
    if (v <= 0 if positive else v < 0) or v > _LIMIT:
        rng = "in (0, 1e6]" if positive else "in [0, 1e6]"
        raise InputError(f"{what} must be {rng}, got {value}", hint=f"e.g. {what} 1.5")
    return v


def meanfield(activation: str = "tanh", sigma_w2: object = None, sigma_b2: object = 0, *,
              critical: bool = False, digits: int = 30, q0: object = 1,
              depth: int | None = None, plot: str | None = None) -> MeanFieldResult:
    """The certified mean-field quantities at (``sigma_w2``, ``sigma_b2``), or with
    ``critical=True`` the critical sigma_w^2 at ``sigma_b2``; ``depth`` adds the spectrum
    moments of J J^T; ``plot`` (.png or .svg) draws the phase diagram (needs matplotlib)."""
    with input_errors():
        act = activation_name(activation)
        d = _whole(digits, "--digits", 1, MAX_PREC // 8, "--digits 30")
        sb = _number(sigma_b2, "--sigma-b2", positive=False)
        start = _number(q0, "--q0", positive=True)
        L = None if depth is None else _whole(depth, "--depth", 1, 10**6, "--depth 100")
        if critical and sigma_w2 is not None:
            raise InputError("--critical computes sigma_w^2: do not give --sigma-w2",
                             hint="drop --sigma-w2, or drop --critical")
        if not critical and sigma_w2 is None:
            raise InputError("no --sigma-w2 given", hint="e.g. --sigma-w2 1.5, or --critical")
        sw = None if critical else _number(sigma_w2, "--sigma-w2", positive=True)
        if plot is not None:
            check_plot_path(str(plot))
            require("matplotlib", "plot")
        point = None if critical else fixed_point_report(act, sw, sb, digits=d, q0=start)
        crit = critical_report(act, sb, digits=d) if critical else None
        if plot is not None:
            from symgrad.present.meanfield_plots import plot_phase_diagram

            line, shading = phase_diagram_data(act)
            plot_phase_diagram(act, line, shading, str(plot))
    return MeanFieldResult(act, d, point, crit, L, None if plot is None else str(plot))
