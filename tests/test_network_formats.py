"""``symgrad formats --network FILE``: every gradient entry in float64/32/16 and bfloat16.

Expected values are computed here, independently of symgrad: the format arithmetic by a
forward pass and backpropagation written out with numpy scalars of the format (same
operation order as documented in symgrad.numeric.network_values), the true values with
mpmath (``tests.references.network_objective`` and ``mpmath.diff``), and the reasons for
zero gradients and lost updates from the formats' limits stated as powers of two.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from tests.json_contract import assert_valid
from tests.references import network_objective

# weights and data exactly representable in float16 (and bfloat16): converting them is
# exact, so the hand-written pass below needs no rounding of its own
SMALL = {
    "layers": [2, 3, 1], "activation": ["tanh", "identity"], "bias": True,
    "loss": "squared",
    "data": {"x": [["0.5", "-1.25"], ["1.5", "0.25"]], "y": [["1"], ["-0.5"]]},
    "weights": {"W1": [["0.75", "-0.5"], ["1.25", "0.375"], ["-1.5", "0.625"]],
                "b1": ["0.125", "-0.25", "0.5"],
                "W2": [["1.5", "-0.75", "0.5"]], "b2": ["-0.125"]},
}


def _hand_gradients(dtype) -> dict[str, list]:
    """dF/d(every parameter) of SMALL in ``dtype``: tanh' = (1/cosh z)^2 (sech squared),
    sums left to right with the bias last, the data points accumulated in order."""
    D = dtype
    w = SMALL["weights"]
    W1 = [[D(float(Fraction(v))) for v in row] for row in w["W1"]]
    b1 = [D(float(Fraction(v))) for v in w["b1"]]
    W2 = [D(float(Fraction(v))) for v in w["W2"][0]]
    b2 = D(float(Fraction(w["b2"][0])))
    one = D(1.0)
    g = {"W1": [[None, None] for _ in range(3)], "b1": [None] * 3, "W2": [None] * 3,
         "b2": None}

    def add(acc, v):
        return v if acc is None else acc + v

    for xs, ys in zip(SMALL["data"]["x"], SMALL["data"]["y"]):
        x = [D(float(Fraction(v))) for v in xs]
        y = D(float(Fraction(ys[0])))
        z1 = [W1[i][0] * x[0] + W1[i][1] * x[1] + b1[i] for i in range(3)]
        o1 = [np.tanh(t) for t in z1]
        z2 = W2[0] * o1[0] + W2[1] * o1[1] + W2[2] * o1[2] + b2
        delta2 = (z2 - y) * one            # squared loss, identity output: r * 1
        g["b2"] = add(g["b2"], delta2)
        for j in range(3):
            g["W2"][j] = add(g["W2"][j], delta2 * o1[j])
        for i in range(3):
            s = one / np.cosh(z1[i])
            delta1 = (W2[i] * delta2) * (s * s)
            g["b1"][i] = add(g["b1"][i], delta1)
            for j in range(2):
                g["W1"][i][j] = add(g["W1"][i][j], delta1 * x[j])
    return {"W1": g["W1"], "b1": g["b1"], "W2": [g["W2"]], "b2": [g["b2"]]}


def _mp_params(spec_weights) -> dict:
    return {k: ([[mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in row]
                 for row in w] if isinstance(w[0], list)
                else [mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in w])
            for k, w in spec_weights.items()}


def _mp_gradient(doc: dict, tensor: str, index: tuple[int, ...]):
    """dF/d(tensor[index]) by mpmath.diff of the written-out F (40 digits)."""
    with mpmath.workdps(40):
        params = _mp_params(doc["weights"])
        data = [([mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in x],
                 [mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in y])
                for x, y in zip(doc["data"]["x"], doc["data"].get("y", [[]] * 99))]
        acts = doc["activation"]
        acts = acts if isinstance(acts, list) else [acts] * (len(doc["layers"]) - 1)

        def F(t):
            p = {k: ([list(r) for r in v] if isinstance(v[0], list) else list(v))
                 for k, v in params.items()}
            if len(index) == 2:
                p[tensor][index[0]][index[1]] = t
            else:
                p[tensor][index[0]] = t
            return network_objective(doc["layers"], acts, p, data, loss=doc["loss"])

        start = params[tensor][index[0]][index[1]] if len(index) == 2 else \
            params[tensor][index[0]]
        return mpmath.diff(F, start)


def _same_bits(a, b) -> bool:
    return type(a) is type(b) and np.asarray(a).tobytes() == np.asarray(b).tobytes()


@pytest.fixture(scope="module")
def small():
    from symgrad import formats

    return formats(network=SMALL)


@pytest.mark.parametrize("fmt,dtype", [("float32", np.float32), ("float16", np.float16),
                                       ("float64", np.float64)])
def test_every_entry_is_the_formats_own_arithmetic(small, fmt, dtype):
    hand = _hand_gradients(dtype)
    for e in small.table.entries:
        want = hand[e.tensor][e.index[0]] if e.tensor.startswith("b") else \
            hand[e.tensor][e.index[0]][e.index[1]]
        got = e.format(fmt).value
        assert _same_bits(got, want), (e.label, fmt, got, want)


@mpmath.workdps(40)
def test_relative_errors_and_truth_against_mpmath(small):
    for e in small.table.entries:
        true = _mp_gradient(SMALL, e.tensor, e.index)
        assert abs(mpmath.mpf(e.true.mid) - true) <= abs(true) * mpmath.mpf("1e-19")
        for f in e.formats:
            rel = abs((mpmath.mpf(float(f.value)) - true) / true)
            printed = mpmath.mpf(f.relative_error)
            assert abs(printed - rel) <= mpmath.mpf("0.0051") * rel, (e.label, f.format)
            assert f.status == "normal"
            if f.format in ("float64", "float32"):  # |lr g| > 1e-3 >> half an ulp of w
                assert abs(true) > mpmath.mpf("0.01") and not f.lost_update


@mpmath.workdps(40)
def test_layer_norms_counts_and_worst(small):
    t = small.table
    for p in t.layers:
        mine = [e for e in t.entries if e.layer == p.layer]
        weights = [e for e in mine if e.tensor.startswith("W")]
        with mpmath.workdps(40):
            true = mpmath.sqrt(mpmath.fsum(_mp_gradient(SMALL, e.tensor, e.index) ** 2
                                           for e in weights))
            assert abs(mpmath.mpf(p.true_norm.mid) - true) <= true * mpmath.mpf("1e-19")
            for f in p.formats:
                norm = mpmath.sqrt(mpmath.fsum(mpmath.mpf(float(e.format(f.format).value)) ** 2
                                               for e in weights))
                assert abs(mpmath.mpf(f.norm) - norm) <= norm * mpmath.mpf("1e-5")
                rels = {e.label: abs(mpmath.mpf(float(e.format(f.format).value))
                                     - _mp_gradient(SMALL, e.tensor, e.index))
                        / abs(_mp_gradient(SMALL, e.tensor, e.index)) for e in mine}
                assert f.worst_entry == max(rels, key=rels.get)
                assert (f.zero, f.subnormal) == (0, 0)
                assert f.lost == sum(e.format(f.format).lost_update for e in mine)
    assert p.parameters == 4  # W2 (1 x 3) and b2


# --- a deep narrow sigmoid network: float16 loses the first layers' gradients -----------
DEPTH = 15
DEEP = {
    "layers": [1] + [2] * (DEPTH - 1) + [1], "activation": "sigmoid", "bias": False,
    "loss": "none", "data": {"x": [["1"]]},
    "weights": {f"W{k}": ([["0.5"], ["0.5"]] if k == 1 else [["0.5", "0.5"]] if k == DEPTH
                          else [["0.5", "0.5"], ["0.5", "0.5"]]) for k in range(1, DEPTH + 1)},
}


@pytest.fixture(scope="module")
def deep():
    from symgrad import formats

    return formats(network=DEEP, lr="0.1")


@mpmath.workdps(40)
def test_float16_underflows_and_updates_are_lost(deep):
    half_subnormal = mpmath.mpf(2) ** -25       # half of float16's smallest subnormal 2**-24
    first = [e for e in deep.table.entries if e.layer == 1]
    for e in first:
        true = _mp_gradient(DEEP, e.tensor, e.index)
        assert 0 < abs(true) < half_subnormal    # even a correctly rounded value is 0
        f16 = e.format("float16")
        assert f16.status == "zero" and f16.text in ("0", "-0") and f16.lost_update
        assert mpmath.mpf(f16.relative_error) == 1
        f64 = e.format("float64")                # float64 keeps it, and the step moves w
        assert f64.status == "normal" and not f64.lost_update
    layer1 = deep.table.layers[0].format("float16")
    assert (layer1.zero, layer1.lost, layer1.norm, layer1.log10_norm) == (2, 2, "0", -np.inf)


def test_lost_update_flags_follow_half_an_ulp(deep):
    """w = 0.5 in float16: the neighbours are 0.5 - 2**-12 and 0.5 + 2**-11, so a step of
    |lr g| < 2**-14 (after rounding lr*g, still <= 2**-13 < both half-gaps) is lost, and a
    step > 2**-10 is not."""
    lr = Fraction(float(np.float16(0.1)))
    lost = kept = 0
    for e in deep.table.entries:
        assert e.weight == Fraction(1, 2)
        f = e.format("float16")
        step = abs(lr * Fraction(float(f.value)))
        if step < Fraction(1, 2**14):
            assert f.lost_update, e.label
            lost += 1
        elif step > Fraction(1, 2**10):
            assert not f.lost_update, e.label
            kept += 1
    assert lost >= 2 * 13 and kept >= 1
    counted = sum(p.format("float16").lost for p in deep.table.layers)
    assert counted == sum(e.format("float16").lost_update for e in deep.table.entries)


def test_json_validates_and_holds_every_entry(deep, small):
    for r in (small, deep):
        doc = assert_valid(r.render("json"))
        assert len(doc["entries"]) == r.table.spec.network.n_parameters
        assert doc["lr"] == "1e-1"
    doc = deep.to_json()
    e = doc["entries"][0]
    assert e["parameter"] == "dF/dW1[0][0]" and e["weight"] == "5e-1"
    assert e["formats"]["float16"] == {"value": "0", "status": "zero",
                                       "relative_error": "1.00e+0", "lost_update": True}
    assert doc["layers"][0]["formats"]["float16"]["zero"] == 2


def test_text_lists_worst_entries_or_all(small):
    from symgrad import formats

    text = small.render("text")
    assert "worst entries per format" in text and "layer  format" in text
    full = formats(network=SMALL, all_entries=True).render("text")
    assert "every entry:" in full
    assert all(e.label in full for e in small.table.entries)


def test_softmax_cross_entropy_runs_in_every_format():
    from symgrad import formats

    doc = {"layers": [2, 3], "activation": "softmax", "bias": True, "loss": "cross-entropy",
           "data": {"x": [["0.5", "-1"]], "y": [["0", "1", "0"]]},
           "weights": {"W1": [["1", "-0.5"], ["0.25", "2"], ["-1", "0.75"]],
                       "b1": ["0", "0.5", "-0.25"]}}
    r = formats(network=doc)
    for e in r.table.entries:
        true = _mp_gradient(doc, e.tensor, e.index)
        for f in e.formats:
            bound = {"float64": 1e-14, "float32": 1e-5, "float16": 2e-2, "bfloat16": 1e-1}
            assert abs(float(f.value) - float(true)) <= bound[f.format] * (1 + abs(float(true)))


# --- the command line (in process: main() as the console script calls it) ------------------
def _cli(capsys, *args: str) -> tuple[int, str, str]:
    from symgrad.interfaces.cli import main

    try:
        code = main(["formats", *args])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    got = capsys.readouterr()
    return code, got.out, got.err


@pytest.fixture(scope="module")
def net_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("net") / "net.json"
    path.write_text(json.dumps(SMALL), encoding="utf-8")
    return path


@pytest.mark.parametrize("args,match", [
    (["--lr", "0"], "--lr must be > 0"),
    (["--lr", "abc"], "--lr"),
    (["--formats", "float8"], "unknown format 'float8'"),
    (["--depth", "3"], "--network and --depth were both given"),
    (["--plot", "out.txt"], "cannot tell the plot type"),
    (["--digits", "0"], "--digits"),
])
def test_bad_input_is_one_line(capsys, net_file, args, match):
    code, out, err = _cli(capsys, "--network", str(net_file), *args)
    assert code == 2 and out == "" and "Traceback" not in err
    assert match in err and len(err.strip().splitlines()) == 1, err


def test_bad_input_without_network_and_missing_file(capsys, tmp_path):
    for args, match in ((["--depth", "3", "--weights", "1", "--lr", "0.1"], "--lr applies"),
                        (["--network", str(tmp_path / "none.toml")], "not found")):
        code, out, err = _cli(capsys, *args)
        assert code == 2 and out == "" and "Traceback" not in err
        assert match in err and len(err.strip().splitlines()) == 1, err


def test_api_refuses_network_with_chain_arguments():
    from symgrad import InputError, formats

    with pytest.raises(InputError, match="network and a depth were both given"):
        formats(3, network=SMALL)
    with pytest.raises(InputError, match="lr, all_entries and plot apply to a network"):
        formats(3, 1, plot="x.png")


_NO_HEAVY = """
import sys
from symgrad.interfaces.cli import main
status = main({argv!r})
print(sorted(m for m in ("jax", "torch", "matplotlib", "rich") if m in sys.modules))
sys.exit(status)
"""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_text_and_json_import_no_matplotlib(net_file, fmt):
    argv = ["formats", "--network", str(net_file), "--all", "--format", fmt]
    proc = subprocess.run([sys.executable, "-c", _NO_HEAVY.format(argv=argv)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"


def test_plot_is_written(capsys, tmp_path, deep):
    pytest.importorskip("matplotlib")
    from symgrad.present.network_plots import render_network_profile

    data = deep.profile_data()
    assert data["layers"] == list(range(1, DEPTH + 1))
    assert data["formats"]["float16"]["zero"][0] == 2 and data["formats"]["float16"]["lost"][0]
    assert data["formats"]["float16"]["log10"][0] == -np.inf
    assert render_network_profile(data, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    net = tmp_path / "deep.json"
    net.write_text(json.dumps(DEEP), encoding="utf-8")
    path = tmp_path / "profile.png"
    code, out, err = _cli(capsys, "--network", str(net), "--formats", "float16", "--plot",
                          str(path))
    assert code == 0, err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"plot written to {path}" in out


def test_an_exact_kink_is_marked_not_compared():
    """relu at z = 1*1 + 1*(-1) + 0 = 0 exactly (data point 0, unit 0): the true entries
    that depend on relu'(0) are enclosures (the Clarke interval), without a relative error."""
    from symgrad import formats

    doc = {"layers": [2, 2, 1], "activation": ["relu", "identity"], "bias": True,
           "loss": "squared", "data": {"x": [["1", "-1"], ["2", "0.5"]], "y": [["1"], ["0"]]},
           "weights": {"W1": [["1", "1"], ["0.5", "-1"]], "b1": ["0", "0.25"],
                       "W2": [["3", "-2"]], "b2": ["0"]}}
    r = formats(network=doc, formats="float64,float16")
    out = assert_valid(r.to_json())
    assert out["kinks"] == [{"layer": 1, "unit": 0, "point": 0}]
    marked = {e["parameter"] for e in out["entries"] if e["true"].get("depends_on_kink")}
    assert marked == {"dF/dW1[0][0]", "dF/dW1[0][1]", "dF/db1[0]"}
    for e in out["entries"]:
        if e["parameter"] in marked:
            assert all(f["relative_error"] is None for f in e["formats"].values())
    assert out["layers"][0]["formats"]["float64"]["norm_relative_error"] is None
    text = r.render("text")
    assert "]*" in text and "relu' is the Clarke interval" in text
