"""symgrad descend: the certified true iteration, the float runs, lost updates, final classes.

Every expected value comes from an independent computation written here: an mpmath
iteration at 300 digits for the truth, a plain numpy loop in the same format (same order of
operations) for the float runs, the definition w - eta*g == w for lost updates, and known
landscapes for the final classification.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from fractions import Fraction

import ml_dtypes
import mpmath
import numpy as np
import pytest

from symgrad.analysis.descent import (
    ChainObjective,
    descent,
    float_descent,
    parse_loss_scale,
    true_descent,
)
from symgrad.base.errors import InputError, LimitError
from symgrad.core.chain import Chain
from symgrad.interfaces.api.descend import descend
from symgrad.interfaces.cli import main
from tests.json_contract import assert_valid

F = Fraction
DTYPES = {"float64": np.float64, "float32": np.float32, "float16": np.float16,
          "bfloat16": ml_dtypes.bfloat16}


# --- an independent high-precision iteration -------------------------------------------
def mp_forward_backward(ws, act, form="seed", bs=None, x=1):
    """F and dF/dw at ws (mpmath numbers), the chain written out afresh."""
    o = mpmath.mpf(x)
    ins, ds = [], []
    for i, w in enumerate(ws):
        z = w * o + (bs[i] if bs else 0)
        ins.append(o)
        if form == "seed" and i == 0:
            o, d = z, mpmath.mpf(1)
        elif act == "sigmoid":
            s = 1 / (1 + mpmath.exp(-z))
            o, d = s, s * (1 - s)
        else:  # tanh
            t = mpmath.tanh(z)
            o, d = t, 1 - t * t
        ds.append(d)
    g, delta = [None] * len(ws), mpmath.mpf(1)
    for i in range(len(ws) - 1, -1, -1):
        g[i] = delta * ds[i] * ins[i]
        delta = delta * ds[i] * ws[i]
    return o, g


def mp_descent(ws, eta, steps, act="sigmoid", form="seed", bs=None, x=1, armijo=False):
    """(iterates, F values, gradient norms, accepted steps) at 300 digits."""
    with mpmath.workdps(300):
        p = [mpmath.mpf(w.numerator) / w.denominator for w in ws]
        bq = None if bs is None else [mpmath.mpf(b.numerator) / b.denominator for b in bs]
        xq = mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else x
        its, vals, norms, etas = [list(p)], [], [], []
        for _ in range(steps + 1):
            f, g = mp_forward_backward(p, act, form, bq, xq)
            vals.append(f)
            gsq = sum(v * v for v in g)
            norms.append(mpmath.sqrt(gsq))
            if len(etas) == steps:
                break
            t = eta
            while True:
                tm = mpmath.mpf(t.numerator) / t.denominator
                new = [a - tm * b for a, b in zip(p, g)]
                if not armijo:
                    break
                fn, _ = mp_forward_backward(new, act, form, bq, xq)
                if fn <= f - mpmath.mpf(1) / 10000 * tm * gsq:
                    break
                t = t / 2
            etas.append(t)
            p = new
            its.append(list(p))
        return its, vals, norms, etas


def close_to_digits(ball, value, digits):
    """The ball contains value and its printed mid is value rounded to `digits` digits."""
    if ball.exact_value is not None:  # an exact rational: value is its 300-digit image
        q = ball.exact_value
        with mpmath.workdps(300):
            assert abs(mpmath.mpf(q.numerator) / q.denominator - value) < mpmath.mpf(10) ** -250
    else:
        assert ball.contains(value), (ball, value)
    assert ball.digits == digits
    mid = mpmath.mpf(ball.mid)
    if value == 0:
        assert mid == 0
        return
    ulp = mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(abs(value))) - digits + 1)
    assert abs(mid - value) <= ulp / 2 * (1 + mpmath.mpf(10) ** -20)


@pytest.mark.parametrize("case", [
    dict(chain=Chain(5), ws=[F(2), F(-13, 5), F(2, 5), F(-1, 2), F(-9, 20)], eta=F(1, 2),
         kw={}),
    dict(chain=Chain(3, activation="tanh", form="general", bias=True),
         ws=[F(1, 3), F(-2), F(3, 4)], eta=F(1, 4), kw=dict(bs=[F(1, 10), F(0), F(-1, 5)],
                                                           x=F(3, 2))),
])
@pytest.mark.parametrize("armijo", [False, True])
def test_true_iteration_matches_mpmath(case, armijo):
    chain, ws, eta, kw = case["chain"], case["ws"], case["eta"], case["kw"]
    steps, digits = 25, 15
    obj = ChainObjective(chain, ws, kw.get("bs"), kw.get("x"))
    run = true_descent(obj, eta=eta * (8 if armijo else 1), steps=steps, digits=digits,
                       report_steps=(0, 7, steps), rule="armijo" if armijo else "fixed")
    its, vals, norms, etas = mp_descent(ws, eta * (8 if armijo else 1), steps, chain.activation,
                                        chain.form, kw.get("bs"), kw.get("x", 1), armijo)
    assert run.reached == steps and run.stop is None
    assert [s.eta for s in run.steps[:-1]] == etas
    for k, rep in run.reports.items():
        close_to_digits(rep.value, vals[k], digits)
        close_to_digits(rep.grad_norm, norms[k], digits)
        for b, v in zip(rep.iterate, its[k], strict=True):
            close_to_digits(b, v, digits)
    # every step's balls contain the exact values
    for s, v in zip(run.steps, vals, strict=True):
        lo, hi = (mpmath.mpf(t) for t in (s.value.lower().str(40, radius=False),
                                          s.value.upper().str(40, radius=False)))
        assert lo - mpmath.mpf(10) ** -35 <= v <= hi + mpmath.mpf(10) ** -35
    if armijo:  # the accepted steps satisfy sufficient decrease, decided by the balls
        assert all(s.decrease is True for s in run.steps[:-1])


def test_certification_stops_at_the_cap_with_the_reached_step():
    run = true_descent(ChainObjective(Chain(8), [F(3)] * 8), eta=F(40), steps=60, digits=30,
                       report_steps=(0, 60), max_bits=130)
    assert run.stop is not None and "precision cap of 130 bits" in run.stop
    assert 0 <= run.reached < 60


# --- the float runs against a plain numpy loop ------------------------------------------
def np_sigmoid_run(ws, name, eta, steps, scale_mode=None):
    """:func:`_np_sigmoid_run` with overflow to inf a result, not a warning."""
    with np.errstate(all="ignore"):
        return _np_sigmoid_run(ws, name, eta, steps, scale_mode)


def _np_sigmoid_run(ws, name, eta, steps, scale_mode=None):
    """The seed sigmoid chain by hand: forward, reverse sweep, w - eta*g (or mixed)."""
    mixed = name.startswith("mixed-")
    cdt = DTYPES[name.removeprefix("mixed-")]
    mdt = np.float32 if mixed else cdt
    one = cdt(1.0)
    w = [mdt(float(q)) for q in ws]
    e_m = mdt(float(eta))
    scale, good = (2**16 if scale_mode == "dynamic" else 1), 0
    hist, lost_all = [list(w)], []
    for _ in range(steps):
        wc = [cdt(v) for v in w]
        o, ins, ds = one, [], []
        for i, wi in enumerate(wc):
            z = wi * o
            ins.append(o)
            if i == 0:
                o, d = z, one
            else:
                e = np.exp(-abs(z))
                o = one / (one + e) if z >= 0 else e / (one + e)
                d = e / ((one + e) * (one + e))
            ds.append(d)
        g, delta = [None] * len(w), cdt(scale)
        for i in range(len(w) - 1, -1, -1):
            gi = delta * ds[i]
            g[i] = gi * ins[i]
            delta = gi * wc[i]
        finite = all(np.isfinite(float(v)) for v in g)
        if mixed:
            g = [np.float32(v) * np.float32(1.0 / scale) if scale != 1 else np.float32(v)
                 for v in g]
        if scale_mode == "dynamic" and not finite:
            scale, good = scale // 2, 0
            lost_all.append([False] * len(w))
            hist.append(list(w))
            continue
        new = [a - e_m * b for a, b in zip(w, g)]
        lost_all.append([bool(a == b and gg != 0) for a, b, gg in zip(new, w, g)])
        if scale_mode == "dynamic":
            good += 1
            if good == 2000:
                scale, good = scale * 2, 0
        w = new
        hist.append(list(w))
    return np.array([[float(v) for v in row] for row in hist]), np.array(lost_all)


WS = [F(1), F(5, 4), F(-3, 4), F(1, 2), F(3, 2), F(-1), F(7, 8), F(1, 4)]


@pytest.mark.parametrize("name", ["float64", "float32", "float16", "bfloat16",
                                  "mixed-float16", "mixed-bfloat16"])
def test_float_runs_bit_equal_to_a_plain_numpy_loop(name):
    steps = 120
    run = float_descent(ChainObjective(Chain(len(WS)), WS), name, eta=F(1, 2), steps=steps)
    expected, lost = np_sigmoid_run(WS, name, F(1, 2), steps)
    n = run.steps_run
    assert run.stall is None or run.stall == n - 1
    assert np.array_equal(run.weights, expected[:n + 1])  # bit-equal, as float64
    assert np.array_equal(run.lost, lost[:n])


def test_dynamic_loss_scaling_bit_equal_and_skips():
    ws = [F(4)] * 12  # gradients of the early layers underflow in float16 without scaling
    obj = ChainObjective(Chain(12), ws)
    run = float_descent(obj, "mixed-float16", eta=F(1, 4), steps=40,
                        loss_scale=parse_loss_scale("dynamic"))
    expected, _ = np_sigmoid_run(ws, "mixed-float16", F(1, 4), 40, "dynamic")
    assert np.array_equal(run.weights, expected[:run.steps_run + 1])
    plain = float_descent(obj, "mixed-float16", eta=F(1, 4), steps=40)
    assert (run.status == 2).sum() < (plain.status == 2).sum()  # scaling rescues gradients
    if any(run.skipped):
        k = run.skipped.index(True)
        assert run.scale[k + 1] == run.scale[k] / 2


def test_lost_updates_against_the_definition():
    # F = w1 (seed form, depth 1): g = 1 exactly; float16's spacing just below 2048 is 1, so
    # 2048 - 1/2 is a tie that rounds back to 2048 (even): lost at every step; from 1024
    # (spacing 1/2 below it) every step moves
    d = descent(ChainObjective(Chain(1), [F(2048)]), eta=F(1, 2), steps=5, digits=5,
                runs=("float16", "float32"))
    f16, f32 = d.floats["float16"], d.floats["float32"]
    assert f16.lost.tolist() == [[True]] and f16.stall == 0
    assert d.truth.steps[0].moved is True  # the truth still moves: 2048 -> 2047.5
    assert f32.lost.sum() == 0 and f32.stall is None
    moving = float_descent(ChainObjective(Chain(1), [F(1024)]), "float16", eta=F(1, 2), steps=3)
    assert moving.lost.sum() == 0 and moving.weights[:, 0].tolist() == [1024, 1023.5, 1023,
                                                                         1022.5]
    # the definition on a deep chain, entry by entry
    run = float_descent(ChainObjective(Chain(30), [F(1)] * 30), "float32", eta=F(1, 10),
                        steps=30)
    for k in range(run.steps_run):
        w = run.weights[k].astype(np.float32)
        new = run.weights[k + 1].astype(np.float32)
        assert ((new == w) & (run.status[k] != 2)).tolist() == run.lost[k].tolist()


# --- what the runs stop at ---------------------------------------------------------------
def test_saddle_that_float_descent_stops_at():
    # F = sigmoid(w1 w2) from (1/16, 1/16), eta = 4: in float16 sigma'(w1 w2) rounds to 1/4,
    # so one step lands exactly on the saddle (0, 0); the truth moves on towards it
    d = descent(ChainObjective(Chain(2), [F(1, 16)] * 2), eta=F(4), steps=3, digits=8,
                runs=("float16",))
    run = d.floats["float16"]
    assert run.weights[1].tolist() == [0.0, 0.0] and run.stall == 1
    assert d.ends["float16"].verdict.cls == "saddle"
    assert "not an optimum" in d.ends["float16"].answer
    assert d.truth.steps[1].moved is True
    assert d.ends["true"].verdict.cls == "not stationary"
    assert d.ends["true"].curvature == "indefinite"


def test_strict_minimum_of_a_convex_loss():
    # F = gelu(w) (general form, x = 1): convex near its strict minimum w* (gelu'(w*) = 0)
    d = descent(ChainObjective(Chain(1, activation="gelu", form="general"), [F(-1, 2)]),
                eta=F(1), steps=80, digits=12, runs=("float64", "float16"))
    with mpmath.workdps(50):
        def dgelu(t):
            return mpmath.ncdf(t) + t * mpmath.npdf(t)
        wstar = mpmath.findroot(dgelu, -0.75)
        assert mpmath.diff(dgelu, wstar) > 0  # strict minimum: gelu''(w*) > 0
    assert abs(mpmath.mpf(d.truth.reports[80].iterate[0].mid) - wstar) < mpmath.mpf(10) ** -11
    for name in ("true", "float64", "float16"):
        end = d.ends[name]
        assert end.curvature == "positive definite"
        assert end.verdict.cls == "not stationary"  # a rational point is never w* itself
    f16 = d.floats["float16"]
    assert f16.stall is not None and abs(f16.weights[-1, 0] - float(wstar)) < 2e-3


# --- slow updates, the API, the command line ---------------------------------------------
def test_target_fraction_and_json_contract(tmp_path):
    r = descend(20, 1, eta="0.1", steps=200, digits=8, formats="float64,bfloat16",
                target_fraction="1/2", report_steps="0,50,200")
    doc = assert_valid(r.render("json"))
    k = doc["true"]["target_step"]
    _, vals, _, _ = mp_descent([F(1)] * 20, F(1, 10), 200)
    threshold = vals[0] / 2
    assert k == next(i for i, v in enumerate(vals) if v <= threshold)
    assert [e["run"] for e in doc["ends"]] == ["true", "float64", "bfloat16"]
    assert r.render("json") == descend(20, 1, eta="0.1", steps=200, digits=8,
                                       formats="float64,bfloat16", target_fraction="1/2",
                                       report_steps="0,50,200").render("json")


@pytest.mark.parametrize("argv, words", [
    (["--eta", "0"], "--eta must be > 0"),
    (["--eta", "-1"], "--eta must be > 0"),
    (["--eta", "nan"], "finite"),
    (["--steps", "0"], "--steps 0 is outside"),
    (["--steps", "100001"], "outside 1..100000"),
    (["--formats", "float8"], "unknown format 'float8'"),
    (["--loss-scale", "static:3"], "power of two"),
    (["--target-fraction", "1"], "strictly between"),
])
def test_bad_input_is_one_line(argv, words, capsys, tmp_path):
    out = tmp_path / "o.json"
    status = main(["descend", "--depth", "3", "--weights", "1", *argv, "-o", str(out)])
    err = capsys.readouterr().err.strip()
    assert status == 2 and words in err and "Traceback" not in err
    assert len(err.splitlines()) == 1 or "usage" in err
    assert not out.exists()


def test_work_cap_and_api_errors():
    with pytest.raises(LimitError, match="steps x depth"):
        descend(3000, 1, steps=1000)
    with pytest.raises(InputError, match="network and a depth"):
        descend(3, 1, network={"layers": [1, 1]})


def test_cli_writes_json_and_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out, pic = tmp_path / "d.json", tmp_path / "d.svg"
    assert main(["descend", "--depth", "6", "--weights", "1", "--steps", "30", "--formats",
                 "float16,mixed-float16", "--loss-scale", "dynamic", "--format", "json",
                 "-o", str(out), "--plot", str(pic), "--quiet"]) == 0
    doc = assert_valid(out.read_text())
    assert doc["loss_scale"]["kind"] == "dynamic" and pic.read_bytes()[:5] == b"<?xml"


def test_interrupt_keeps_the_steps_computed(tmp_path, monkeypatch, capsys):
    import symgrad.interfaces.api.descend as api

    class Bar:
        n = 0

        def advance(self, steps=1):
            Bar.n += steps
            if Bar.n >= 12:
                raise KeyboardInterrupt

    @contextmanager
    def fake(*args, **kwargs):
        yield Bar()

    monkeypatch.setattr(api, "task_progress", fake)
    out = tmp_path / "d.json"
    status = main(["descend", "--depth", "4", "--weights", "1", "--steps", "50",
                   "--format", "json", "-o", str(out)])
    assert status == 130
    doc = json.loads(out.read_text())
    assert doc["interrupted"] is True and doc["true"]["interrupted"] is True
    assert 10 <= doc["true"]["reached"] < 50
    assert_valid(doc)


def test_float_interrupt_keeps_complete_steps():
    calls = [0]

    def tick():
        calls[0] += 1
        if calls[0] == 7:
            raise KeyboardInterrupt

    run = float_descent(ChainObjective(Chain(5), [F(1)] * 5), "float16", eta=F(1, 10),
                        steps=50, progress=tick)
    assert run.interrupted and run.steps_run == 7
    assert run.weights.shape == (8, 5) and run.lost.shape == (7, 5)
    assert len(run.value) == len(run.grad_norm) == 8


# --- networks ------------------------------------------------------------------------------
SQUARE = {"layers": [1, 1], "activation": "identity", "loss": "squared", "bias": False,
          "data": {"x": [["3"]], "y": [["1"]]}, "weights": {"W1": [["0"]]}}


def test_network_true_iteration_exact():
    # F(w) = (3w - 1)^2 / 2, F' = 3(3w - 1): w_{k+1} = w_k - (1/18) 3 (3 w_k - 1), i.e.
    # w_k - 1/3 = (1/2)^k (w_0 - 1/3): exact rationals, the truth never reaches 1/3
    r = descend(network=SQUARE, eta="1/18", steps=30, digits=12, report_steps="0,30",
                formats="float64,float16")
    doc = assert_valid(r.render("json"))
    for k, p in enumerate(r.descent.truth.iterates):
        assert F(int(p[0].p), int(p[0].q)) == F(1, 3) - F(1, 3) / 2**k
    ends = {e["run"]: e for e in doc["ends"]}
    assert ends["true"]["class"] == "not stationary" and ends["true"]["note"] is None
    assert ends["true"]["hessian_at_end"] == "positive definite"  # F'' = 9
    assert doc["network"]["parameters"] == 1 and doc["chain"] is None
    assert doc["parameters"] == ["W1[1,1]"]


def test_network_lands_on_a_strict_minimum():
    # F(w) = (w - 1)^2 / 2 from w = 0 with eta = 1/2: w_k = 1 - 2^-k exactly; a format with
    # p significand bits rounds 1 - 2^-k to 1 once k > p, where F' = 0 exactly: a strict
    # minimum, an optimum
    net = {**SQUARE, "data": {"x": [["1"]], "y": [["1"]]}}
    r = descend(network=net, eta="1/2", steps=40, digits=10, formats="float32,float16,bfloat16")
    d = r.descent
    for k, p in enumerate(d.truth.iterates):
        assert F(int(p[0].p), int(p[0].q)) == 1 - F(1, 2**k)
    bits = {"float32": 24, "float16": 11, "bfloat16": 8}
    for name, p in bits.items():
        run = d.floats[name]
        first_one = next(k for k in range(60) if float(DTYPES[name](1 - 2.0**-k)) == 1.0)
        assert first_one == p + 1
        assert run.weights[-1, 0] == 1.0 and run.stall == first_one  # w_stall = 1, F' = 0
        assert d.ends[name].verdict.label == "local minimum (strict)"
        assert d.ends[name].answer.endswith("an optimum")


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32"])
def test_network_float_run_bit_equal(name):
    dt = DTYPES[name]
    net = {"layers": [1, 1], "activation": "tanh", "loss": "squared", "bias": True,
           "data": {"x": [["0.5"], ["-1.5"]], "y": [["0.25"], ["-0.5"]]},
           "weights": {"W1": [["2"]], "b1": ["-0.75"]}}
    r = descend(network=net, eta="1/8", steps=60, formats=name, classify=False)
    run = r.descent.floats[name]
    with np.errstate(all="ignore"):
        one = dt(1.0)
        w, b, eta = dt(2.0), dt(-0.75), dt(0.125)
        xs, ys = [dt(0.5), dt(-1.5)], [dt(0.25), dt(-0.5)]
        hist = [(float(w), float(b))]
        for _ in range(run.steps_run):
            gw = gb = None
            for x, y in zip(xs, ys):
                z = w * x + b
                t = np.tanh(z)
                s = one / np.cosh(z)
                d = (t - y) * (s * s)
                gb = d if gb is None else gb + d
                gw = d * x if gw is None else gw + d * x
            w, b = w - eta * gw, b - eta * gb
            hist.append((float(w), float(b)))
    assert np.array_equal(run.weights, np.array(hist))


def test_network_cli_and_errors(tmp_path, capsys):
    path = tmp_path / "net.json"
    path.write_text(json.dumps(SQUARE))
    out = tmp_path / "o.json"
    assert main(["descend", "--network", str(path), "--eta", "0.1", "--steps", "20",
                 "--formats", "float16,mixed-bfloat16", "--format", "json", "-o",
                 str(out)]) == 0
    assert_valid(out.read_text())
    status = main(["descend", "--network", str(path), "--formats", "mixed-float16",
                   "--loss-scale", "dynamic", "--quiet", "--no-classify"])
    assert status == 0 and "mixed-float16" in capsys.readouterr().out
    status = main(["descend", "--network", str(path), "--depth", "3"])
    assert status == 2 and "both given" in capsys.readouterr().err


def test_report_section_tells_the_descent():
    from symgrad.interfaces.report.descent import descent_section
    from symgrad.interfaces.report.model import Context, ReportOptions

    chain = Chain(2)
    ctx = Context(ReportOptions(depth=2, weights="1/16", lr="4", formats=("float16",)), chain,
                  (F(1, 16), F(1, 16)))
    sec = descent_section(ctx)
    assert sec.anchor == "descent"
    assert "a saddle: not an optimum" in sec.html  # float16 lands on (0, 0), as above
    assert ("descent: first format to stop moving", "float16 at step 1") in sec.facts


def test_sigint_writes_the_steps_computed(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "d.json"
    # everything imported first, then a real SIGINT 2 s into the run (which takes longer)
    code = ("import os, signal, threading\n"
            "import symgrad.interfaces.api.descend, symgrad.interfaces.cli.cmd_descend\n"
            "from symgrad.interfaces.cli import main\n"
            "threading.Timer(2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
            "raise SystemExit(main(['descend', '--depth', '200', '--weights', '1', '--steps',"
            " '9000', '--format', 'json', '-o', %r]))\n" % str(out))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 130 and "interrupted" in proc.stderr
    assert "Traceback" not in proc.stderr
    doc = assert_valid(out.read_text())
    assert doc["interrupted"] is True and 0 < doc["true"]["reached"] < 9000
