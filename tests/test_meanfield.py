"""``symgrad meanfield``: closed forms to 30 digits, tanh and sigmoid against an independent
mpmath quadrature and fixed-point iteration written here, every registry activation, the
envelopes the tail bounds rely on, and wide random tanh networks against chi_1.

Expected values come from computations in this file (mpmath at 50 digits, numpy
networks), never from symgrad's own output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from symgrad import meanfield
from symgrad.analysis.meanfield import critical_report, fixed_point_report
from symgrad.core.meanfield import Q, closed_forms, zero_bias_critical
from symgrad.interfaces.api.meanfield import MeanFieldResult
from tests._require import require_module
from tests.json_contract import assert_valid

mp = mpmath.mp

# --- the activations, written independently in mpmath ------------------------------------


def _sig(t):
    return 1 / (1 + mpmath.exp(-t))


PHI = {  # name: (phi, phi')
    "sigmoid": (_sig, lambda t: _sig(t) * (1 - _sig(t))),
    "tanh": (mpmath.tanh, lambda t: mpmath.sech(t) ** 2),
    "softplus": (lambda t: mpmath.log1p(mpmath.exp(t)), _sig),
    "identity": (lambda t: t, lambda t: mpmath.mpf(1)),
    "relu": (lambda t: max(t, 0), lambda t: mpmath.mpf(1 if t > 0 else 0)),
    "leaky_relu": (lambda t: t if t > 0 else t / 100,
                   lambda t: mpmath.mpf(1) if t > 0 else mpmath.mpf(1) / 100),
    "elu": (lambda t: t if t > 0 else mpmath.expm1(t),
            lambda t: mpmath.mpf(1) if t > 0 else mpmath.exp(t)),
    "gelu": (lambda t: t * mpmath.ncdf(t), lambda t: mpmath.ncdf(t) + t * mpmath.npdf(t)),
    "silu": (lambda t: t * _sig(t), lambda t: _sig(t) * (1 + t * (1 - _sig(t)))),
    "erf": (mpmath.erf, lambda t: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-t * t)),
}


def gauss(f, q):
    """E[f(sqrt(q) z)], z ~ N(0, 1), by mpmath.quad (tanh-sinh, split at the kink 0)."""
    r = mpmath.sqrt(q)
    return mpmath.quad(lambda z: f(r * z) * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])


def mp_fixed_point(name, sw, sb, q=1):
    """q -> sw E[phi^2] + sb iterated (Steffensen-accelerated) to 45 digits."""
    phi = PHI[name][0]

    def V(x):
        return sw * gauss(lambda t: phi(t) ** 2, x) + sb

    q = mpmath.mpf(q)
    for _ in range(4):  # plain iteration first
        q = V(q)
    for _ in range(40):
        q1 = V(q)
        q2 = V(q1)
        den = q2 - 2 * q1 + q
        new = q2 if den == 0 else q - (q1 - q) ** 2 / den
        if abs(new - q) < mpmath.mpf(10) ** -45:
            return new
        q = new
    raise AssertionError("no convergence")


def agrees(ball, expected, digits=30):
    """The ball's printed value is ``expected`` rounded to ``digits`` digits."""
    assert ball.decided and ball.digits == digits
    assert Decimal(ball.mid) == Decimal(mpmath.nstr(expected, digits, strip_zeros=False)), (
        ball.mid, mpmath.nstr(expected, digits + 5))


# --- closed forms ----------------------------------------------------------------------------


def test_closed_forms_derived():
    assert str(closed_forms("relu").second_moment) == "q/2"
    assert closed_forms("relu").slope_moment == Fraction(1, 2)
    erf = closed_forms("erf")
    with mpmath.workdps(30):
        q = mpmath.mpf(37) / 100
        expected = gauss(lambda t: mpmath.erf(t) ** 2, q)
        got = erf.second_moment.subs(Q, sympy.Rational(37, 100)).evalf(30)
        assert abs(mpmath.mpf(str(got)) - expected) < mpmath.mpf(10) ** -25
    assert zero_bias_critical("relu")[0] == 2


def test_relu_critical_is_2():
    r = critical_report("relu", Fraction(0), digits=30)
    with mpmath.workdps(50):  # 1/E[relu'(z)^2], integrated here
        expected = 1 / gauss(lambda t: PHI["relu"][1](t) ** 2, 1)
        agrees(r.sigma_w2, expected)
    assert r.exact == "2"


def test_erf_critical_is_pi_over_4():
    r = critical_report("erf", Fraction(0), digits=30)
    with mpmath.workdps(50):
        agrees(r.sigma_w2, mpmath.pi / 4)
    assert r.q_star.mid == "0" and r.exact == "pi/4"


@pytest.mark.parametrize(("name", "sw", "sb"), [("tanh", "1.5", "0.05"),
                                                ("sigmoid", "4", "0.1"),
                                                ("tanh", "2", "0")])
def test_against_mpmath_quadrature(name, sw, sb):
    r = fixed_point_report(name, Fraction(sw), Fraction(sb), digits=30)
    phi, dphi = PHI[name]
    with mpmath.workdps(50):
        s = mpmath.mpf(sw)
        q = mp_fixed_point(name, s, mpmath.mpf(sb))
        chi = s * gauss(lambda t: dphi(t) ** 2, q)
        # V'(q*) by differentiating the map numerically (no phi'' in this test)
        slope = s * mpmath.diff(lambda x: gauss(lambda t: phi(t) ** 2, x), q)
        agrees(r.q_star, q)
        agrees(r.chi1, chi)
        assert abs(mpmath.mpf(r.map_slope.mid) - slope) < mpmath.mpf(10) ** -25
        agrees(r.xi_grad, -1 / mpmath.log(chi))
        if chi < 1:
            agrees(r.xi_c, -1 / mpmath.log(chi))
        else:
            assert r.xi_c is None and r.phase == "chaotic"
    assert r.unique is True


def test_tanh_critical_against_mpmath():
    r = critical_report("tanh", Fraction(1, 20), digits=30)
    phi, dphi = PHI["tanh"]
    with mpmath.workdps(50):
        sb = mpmath.mpf(1) / 20

        def h(q):
            return gauss(lambda t: phi(t) ** 2, q) / gauss(lambda t: dphi(t) ** 2, q) + sb - q

        q = mpmath.findroot(h, mpmath.mpf("0.57"), tol=mpmath.mpf(10) ** -45)
        agrees(r.q_star, q)
        agrees(r.sigma_w2, 1 / gauss(lambda t: dphi(t) ** 2, q))


# --- every registry activation -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PHI))
def test_every_activation(name):
    sw, sb = Fraction(3, 2), Fraction(1, 10)
    r = fixed_point_report(name, sw, sb, digits=15)
    phi, dphi = PHI[name]
    if r.q_star is None:  # only the relu family can have no fixed point here
        assert name in ("identity",)
        return
    with mpmath.workdps(30):
        q = mpmath.mpf(Fraction(r.q_star.mid).numerator) / Fraction(r.q_star.mid).denominator
        residual = sw.numerator * gauss(lambda t: phi(t) ** 2, q) / sw.denominator + \
            mpmath.mpf(1) / 10 - q
        assert abs(residual) < mpmath.mpf(10) ** -13
        chi = mpmath.mpf(3) / 2 * gauss(lambda t: dphi(t) ** 2, q)
        assert abs(mpmath.mpf(r.chi1.mid) - chi) < mpmath.mpf(10) ** -13 * chi
    assert r.chi1.decided and r.q_star.decided


def test_envelopes_of_the_tail_bounds():
    """|phi'| <= 2, |phi''| <= 2 and |phi| <= 1 (bounded) or |t| + 1 (others) on a grid."""
    from symgrad.numeric.kernels import get_kernel

    t = np.linspace(-30, 30, 60001)
    for name in PHI:
        with mpmath.workdps(20):
            d2 = [mpmath.diff(PHI[name][1], mpmath.mpf(x)) for x in t[::50] if x != 0]
        assert max(abs(float(v)) for v in d2) <= 1.5, name
        vals = [abs(float(PHI[name][0](mpmath.mpf(x)))) for x in t[::50]]
        d1 = [abs(float(PHI[name][1](mpmath.mpf(x)))) for x in t[::50]]
        assert max(d1) <= 1.2, name
        if get_kernel(name).bounded:
            assert max(vals) <= 1, name
        else:
            assert all(v <= abs(x) + 1 for v, x in zip(vals, t[::50])), name


# --- finite networks ------------------------------------------------------------------------


def _measured_ratio(sw, sb, q_star, *, width=384, depth=24, burn=6, trials=24, seed=0):
    """mean over trials of the per-layer ratio ||delta_l||^2 / ||delta_{l+1}||^2 in seeded
    wide random tanh networks, and its standard error."""
    rng = np.random.default_rng(seed)
    per_trial = []
    for _ in range(trials):
        h = rng.normal(0, np.sqrt(q_star), width)
        Ws, hs = [], []
        for _ in range(depth):
            W = rng.normal(0, np.sqrt(sw / width), (width, width))
            h = W @ np.tanh(h) + rng.normal(0, np.sqrt(sb), width)
            Ws.append(W)
            hs.append(h)
        delta = rng.normal(0, 1, width) / np.cosh(hs[-1]) ** 2
        norms = [delta @ delta]
        for layer in range(depth - 2, burn - 1, -1):
            delta = (Ws[layer + 1].T @ delta) / np.cosh(hs[layer]) ** 2
            norms.append(delta @ delta)
        n = np.array(norms)
        per_trial.append(np.mean(n[1:] / n[:-1]))
    per_trial = np.array(per_trial)
    return per_trial.mean(), per_trial.std(ddof=1) / np.sqrt(trials)


@pytest.mark.parametrize(("sw", "sb"), [("0.8", "0.1"), ("2.5", "0.05")])
def test_wide_tanh_networks_measure_chi1(sw, sb):
    r = fixed_point_report("tanh", Fraction(sw), Fraction(sb), digits=10)
    chi = float(r.chi1.mid)
    assert r.phase == ("ordered" if chi < 1 else "chaotic")
    mean, se = _measured_ratio(float(sw), float(sb), float(r.q_star.mid))
    assert abs(mean - chi) <= 4 * se + 2 / 384 * chi, (mean, se, chi)


# --- API, JSON, CLI ----------------------------------------------------------------------------


def test_json_contract_and_spectrum():
    point = meanfield("tanh", "1.5", "0.05", digits=12, depth=10)
    doc = assert_valid(point.to_json())
    spec = doc["point"]["spectrum"]
    chi = mpmath.mpf(doc["point"]["chi1"]["value"])
    assert abs(mpmath.mpf(spec["gaussian"]["mean"]["value"]) - chi**10) < 1e-10
    g, o = (mpmath.mpf(spec[k]["variance"]["value"]) for k in ("gaussian", "orthogonal"))
    assert abs((g - o) - 10 * chi**20) < 1e-9  # s_1 = -1 vs 0
    assert_valid(meanfield("erf", critical=True, digits=12).to_json())
    assert_valid(meanfield("relu", "3", digits=12).to_json())  # no fixed point: nulls
    assert isinstance(point, MeanFieldResult) and "chi_1" in point.render("text")


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "symgrad", "meanfield", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_cli_output_errors_and_determinism(tmp_path, capsys):
    from symgrad.interfaces.cli import main

    a = _cli("--activation", "sigmoid", "--sigma-w2", "4", "--sigma-b2", "0.1",
             "--format", "json")
    b = _cli("--activation", "sigmoid", "--sigma-w2", "4", "--sigma-b2", "0.1",
             "--format", "json")
    assert a.returncode == 0 and a.stdout == b.stdout
    assert json.loads(a.stdout)["point"]["phase"] == "ordered"
    for bad in (["--sigma-w2", "-1"], ["--sigma-w2", "x"], [], ["--critical", "--sigma-w2", "1"],
                ["--activation", "nope", "--sigma-w2", "1"], ["--sigma-w2", "1", "--digits", "0"],
                ["--critical", "--plot", str(tmp_path / "p.pdf")]):
        code = main(["meanfield", *bad])
        err = capsys.readouterr().err
        assert code == 2 and err.startswith("symgrad: error:"), (bad, err)
        assert "Traceback" not in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_phase_diagram(tmp_path):
    require_module("matplotlib", install="pip install 'symgrad[plot]'")
    from symgrad.present.meanfield_plots import render_phase_diagram

    line = [(0.0, 1.0), (0.5, 2.5)]
    shading = ([0.5, 1.5, 2.5, 3.5], [0.0, 0.5], [[-1.0, 0.0, 0.2, 0.4], [-1.5, -0.5, 0, 0.1]])
    assert render_phase_diagram("tanh", line, shading, "svg") == render_phase_diagram(
        "tanh", line, shading, "svg")
    out = tmp_path / "phase.svg"
    r = meanfield("tanh", critical=True, sigma_b2="0.05", digits=8, plot=str(out))
    assert out.read_bytes().startswith(b"<?xml") and r.to_json()["plot"] == str(out)


@pytest.mark.parametrize("kind", ["gaussian", "orthogonal"])
def test_spectrum_moments_against_random_networks(kind):
    """Pennington et al. (2017): the mean and variance of the spectrum of J J^T at depth L,
    against seeded random tanh networks of width 256 written here (Gaussian or Haar
    orthogonal weights scaled by sigma_w, inputs at the fixed point q*): agreement within 4
    standard errors over the trials plus a finite-width allowance of 3 L / n (relative)."""
    n, L, trials = 256, 6, 10
    doc = meanfield("tanh", "1.3", "0.05", depth=L, digits=8).to_json()["point"]
    q = float(doc["q_star"]["value"])
    want = doc["spectrum"][kind]
    rng = np.random.default_rng(7)
    means, variances = [], []
    for _ in range(trials):
        h = rng.standard_normal(n) * np.sqrt(q)
        J = np.eye(n)
        for _layer in range(L):
            if kind == "gaussian":
                W = rng.standard_normal((n, n)) / np.sqrt(n)
            else:
                Q_, R = np.linalg.qr(rng.standard_normal((n, n)))
                W = Q_ * np.sign(np.diag(R))
            W *= np.sqrt(1.3)
            h = W @ np.tanh(h) + rng.standard_normal(n) * np.sqrt(0.05)
            J = ((1 - np.tanh(h) ** 2)[:, None] * W) @ J
        ev = np.linalg.eigvalsh(J @ J.T)
        means.append(ev.mean())
        variances.append(ev.var())
    for got, key in ((means, "mean"), (variances, "variance")):
        theory = float(want[key]["value"])
        se = np.std(got, ddof=1) / np.sqrt(trials)
        assert abs(np.mean(got) - theory) <= 4 * se + 3 * L / n * theory, (key, got, theory)
