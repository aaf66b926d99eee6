"""symgrad descend, continued: loss scaling on networks, slow updates against depth, the fast
sigmoid chain path.

Expected values come from computations written here: a plain numpy loop with the
GradScaler rule for the loss-scaled network run, an mpmath iteration at 60 digits (and a
numpy loop per format) for the steps to the target fraction per depth, and the generic
recurrence for the fast path.
"""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest

from symgrad.analysis.descent import ChainObjective, depth_sweep, float_descent
from symgrad.analysis.descent.fastchain import SigmoidChainSweep
from symgrad.analysis.descent.objective import float_ops
from symgrad.analysis.precision.network_formats import NetworkFormatOps
from symgrad.base.errors import InputError, LimitError
from symgrad.core.chain import Chain
from symgrad.core.network import Network
from symgrad.interfaces.api.descend import descend
from symgrad.interfaces.cli import main
from symgrad.numeric.formats import format_info, round_to_format
from symgrad.numeric.network_values import network_values
from symgrad.numeric.recurrence import ExactOps
from tests.json_contract import assert_valid
from tests.test_descend import DTYPES, np_sigmoid_run

F = Fraction
NET = {"layers": [1, 1], "activation": "tanh", "loss": "squared", "bias": True,
       "data": {"x": [["0.5"], ["-1.5"]], "y": [["0.25"], ["-0.5"]]},
       "weights": {"W1": [["2"]], "b1": ["-0.75"]}}


def np_scaled_net_run(name, eta, steps, mode, s0):
    """The tanh 1-1 network, mixed precision by hand: float32 master, compute format for
    the passes, r * S before the reverse sweep, unscale in float32, GradScaler rule."""
    cdt = DTYPES[name.removeprefix("mixed-")]
    one = cdt(1.0)
    w, b, e_m = np.float32(2.0), np.float32(-0.75), np.float32(eta)
    xs, ys = [cdt(0.5), cdt(-1.5)], [cdt(0.25), cdt(-0.5)]
    scale, good, hist, skipped = s0, 0, [(float(w), float(b))], []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            wc, bc, s = cdt(w), cdt(b), cdt(scale)
            gw = gb = None
            for x, y in zip(xs, ys, strict=True):
                z = wc * x + bc
                sech = one / np.cosh(z)
                d = ((np.tanh(z) - y) * s) * (sech * sech)
                gb = d if gb is None else gb + d
                gw = d * x if gw is None else gw + d * x
            finite = np.isfinite(float(gw)) and np.isfinite(float(gb))
            gw, gb = np.float32(gw), np.float32(gb)
            if scale != 1:
                inv = np.float32(1.0 / scale)
                gw, gb = gw * inv, gb * inv
            skipped.append(not finite)
            if not finite:
                if mode == "dynamic":
                    scale, good = max(1, scale // 2), 0
            else:
                w, b = w - e_m * gw, b - e_m * gb
                good += mode == "dynamic"
                if good == 2000:
                    scale, good = scale * 2, 0
            hist.append((float(w), float(b)))
    return np.array(hist), skipped


@pytest.mark.parametrize("name, mode, spec, s0", [
    ("mixed-float16", "dynamic", "dynamic", 2**16),
    ("mixed-float16", "static", "static:1024", 1024),
    ("mixed-bfloat16", "dynamic", "dynamic", 2**16),
])
def test_loss_scaled_network_run_bit_equal(name, mode, spec, s0):
    r = descend(network=NET, eta="1/8", steps=50, formats=name, loss_scale=spec,
                classify=False)
    run = r.descent.floats[name]
    hist, skipped = np_scaled_net_run(name, 1 / 8, run.steps_run, mode, s0)
    assert np.array_equal(run.weights, hist)
    assert run.skipped == skipped
    if name == "mixed-float16" and mode == "dynamic":  # 2^16 is inf in float16: skipped
        assert run.skipped[0] and run.scale[:2] == [65536.0, 32768.0]
    assert_valid(r.render("json"))


def test_network_values_loss_scale_is_the_gradient_of_s_times_f():
    # exact arithmetic: the scaled sweep gives S * grad F exactly, F itself unchanged
    rng = random.Random(3)
    weights = {"W1": [[F(rng.randint(-9, 9), 7) for _ in range(2)] for _ in range(3)],
               "b1": [F(rng.randint(-9, 9), 5) for _ in range(3)],
               "W2": [[F(rng.randint(-9, 9), 7) for _ in range(3)] for _ in range(2)],
               "b2": [F(1, 3), F(-1, 2)]}
    data = [([F(1, 2), F(-1)], [F(1), F(0)]), ([F(2), F(1, 3)], [F(0), F(1)])]
    nets = (Network((2, 3, 2), "identity", bias=True, loss="squared"),
            Network((2, 3, 2), "sigmoid", bias=True, loss="squared"),
            Network((2, 3, 2), ("tanh", "softmax"), bias=True, loss="cross-entropy"))
    for net, ops in ((nets[0], ExactOps()), (nets[1], NetworkFormatOps("float64")),
                     (nets[2], NetworkFormatOps("float64"))):
        plain = network_values(net, weights, data, ops)
        with np.errstate(all="ignore"):
            scaled = network_values(net, weights, data, ops, loss_scale=F(8))
        assert scaled.value == plain.value and scaled.output_deltas == plain.output_deltas
        for t, gs in plain.grads.items():  # 8 = 2^3: exact in float64 too
            flat = np.ravel(np.array(gs, dtype=object))
            assert list(np.ravel(np.array(scaled.grads[t], dtype=object))) == \
                [8 * v for v in flat]


# --- slow updates against depth --------------------------------------------------------
def mp_tanh_target(L, w0, eta, steps, frac):
    """First k with F(p_k) <= F(p_0) - frac |F(p_0)| for the general tanh chain, x = 1."""
    with mpmath.workdps(60):
        ws, e = [mpmath.mpf(w0)] * L, mpmath.mpf(eta)
        f0 = None
        for k in range(steps + 1):
            o, ins, ds = mpmath.mpf(1), [], []
            for w in ws:
                ins.append(o)
                o = mpmath.tanh(w * o)
                ds.append(1 - o * o)
            f0 = o if f0 is None else f0
            if o <= f0 - mpmath.mpf(frac) * abs(f0):
                return k
            g, delta = [None] * L, mpmath.mpf(1)
            for i in range(L - 1, -1, -1):
                g[i] = delta * ds[i] * ins[i]
                delta = delta * ds[i] * ws[i]
            ws = [a - e * b for a, b in zip(ws, g, strict=True)]
    return None


def test_steps_to_fraction_per_depth_against_mpmath():
    depths, eta, steps, frac = (2, 4, 6, 8, 10), F(1, 2), 400, F(1, 2)
    r = descend(depths=",".join(map(str, depths)), weights="1/2", eta=eta, steps=steps,
                form="general", activation="tanh", x=1, formats="float32,bfloat16",
                target_fraction=frac, classify=False)
    rows = {row.depth: row for row in r.sweep.rows}
    assert list(rows) == list(depths) and r.descent.objective.n == 10
    for L in depths:
        assert rows[L].true_step == mp_tanh_target(L, 0.5, 0.5, steps, 0.5)
    assert [rows[L].true_step for L in depths] == [1, 2, 6, 17, 55]  # slower with depth
    assert rows[10].runs["bfloat16"].target_step is None
    assert rows[10].runs["bfloat16"].text(steps) == "stalled at step 0"
    doc = assert_valid(r.render("json"))
    assert doc["depths"]["rows"][4]["runs"][1] == {"name": "bfloat16", "target_step": None,
                                                  "stall": 0, "steps_run": 1}
    assert "stalled at step 0" in r.render("text")


def np_sigmoid_values(hist, name):
    """F of the seed sigmoid chain at each row of ``hist``, in the format, by hand."""
    dt = DTYPES[name]
    one, out = dt(1.0), []
    with np.errstate(all="ignore"):
        for row in hist:
            o = one
            for i, w in enumerate(row):
                z = dt(w) * o
                e = np.exp(-abs(z))
                o = z if i == 0 else (one / (one + e) if z >= 0 else e / (one + e))
            out.append(float(o))
    return out


@pytest.mark.parametrize("name", ["float64", "float16", "bfloat16"])
def test_float_steps_to_fraction_per_depth_against_a_numpy_loop(name):
    eta, steps, frac = F(1, 2), 300, F(1, 10)
    objs = {L: ChainObjective(Chain(L), [F(1, 2)] * L) for L in (2, 3, 6)}
    sweep = depth_sweep(objs, eta=eta, steps=steps, runs=(name,), target_fraction=frac)
    for row in sweep.rows:
        hist, _ = np_sigmoid_run([F(1, 2)] * row.depth, name, eta, steps)
        moved = [bool(np.any(hist[k + 1] != hist[k])) for k in range(steps)]
        stall = next((k for k, m in enumerate(moved) if not m), None)
        vals = np_sigmoid_values(hist[:(steps if stall is None else stall + 1) + 1], name)
        f0 = F(vals[0])
        want = next((k for k, v in enumerate(vals) if F(v) <= f0 - frac * abs(f0)), None)
        speed = row.runs[name]
        assert (speed.target_step, speed.stall) == (want, stall)


def test_depths_cli_errors_and_plot(tmp_path, capsys):
    out = tmp_path / "o.json"
    for argv, words in ((["--depths", "2,0"], "each of --depths"),
                        (["--depths", "2,,3"], "comma list"),
                        (["--depths", "500,600", "--steps", "2000"], "sum of --depths")):
        status = main(["descend", "--weights", "1", *argv, "-o", str(out)])
        err = capsys.readouterr().err.strip()
        assert status == 2 and words in err and len(err.splitlines()) == 1
        assert not out.exists()
    with pytest.raises(InputError, match="network and depths"):
        descend(network=NET, depths="2,3")
    with pytest.raises(LimitError, match="21 depths"):
        descend(weights=1, depths=",".join(str(k) for k in range(1, 22)))
    pytest.importorskip("matplotlib")
    pic = tmp_path / "d.svg"
    assert main(["descend", "--depths", "2,3", "--weights", "1/2", "--steps", "20",
                 "--formats", "float16", "--plot", str(pic), "--format", "json", "-o",
                 str(out), "--quiet", "--target-fraction", "0.01"]) == 0
    doc = json.loads(out.read_text())
    assert [r["depth"] for r in doc["depths"]["rows"]] == [2, 3]
    assert doc["chain"]["depth"] == 3 and pic.read_bytes()[:5] == b"<?xml"
    assert all(r["true"]["target_step"] is not None for r in doc["depths"]["rows"])
    pic2 = tmp_path / "e.svg"  # no run reaches the target: an empty panel, no error
    assert main(["descend", "--depths", "2,3", "--weights", "1/2", "--steps", "3",
                 "--formats", "float16", "--plot", str(pic2), "--quiet"]) == 0


def test_fast_sigmoid_path_equals_the_generic_recurrence():
    rng = random.Random(7)
    with np.errstate(all="ignore"):
        for _ in range(120):
            fmt = rng.choice(["float64", "float32", "float16", "bfloat16"])
            L = rng.randint(1, 25)
            form = rng.choice(["seed", "general"])
            bias = form == "general" and rng.random() < 0.5
            chain = Chain(L, form=form, bias=bias)
            ws = [F(rng.randint(-4000, 4000), rng.choice([7, 100, 1000])) for _ in range(L)]
            bs = [F(rng.randint(-300, 300), 97) for _ in range(L)] if bias else None
            x = F(rng.randint(-50, 50), 13) if form == "general" else None
            obj, ops, dt = ChainObjective(chain, ws, bs, x), float_ops(fmt), \
                format_info(fmt).dtype
            w = np.array([round_to_format(q, fmt) for q in ws], dt)
            scale = rng.choice([1, 2**10, 2**16])
            f1, g1 = obj.grad(w, ops) if scale == 1 else obj.scaled_grad(w, ops, dt(scale))
            f2, g2 = SigmoidChainSweep(chain, bs, x, fmt)(w, scale)
            assert np.array([f1], dt).tobytes() == np.array([f2], dt).tobytes()
            assert np.array(g1, dt).tobytes() == g2.tobytes()


def test_readme_documents_depths_and_network_loss_scaling():
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "--depths 2,4,6,8,10,12 --form general --activation tanh" in text
    assert "#   12     184   184      stalled at step 114  stalled at step 0" in text
    assert "loss scaling is for the chain" not in text
    assert "`--loss-scale` as for the" in text
    run = float_descent(ChainObjective(Chain(12, activation="tanh", form="general"),
                                       [F(1, 2)] * 12, None, F(1)), "float16", eta=F(1, 2),
                        steps=300)
    assert run.stall == 114
