"""Depth scan against computations written separately in this file.

Format limits come from numpy.finfo / ml_dtypes.finfo only.  The true
gradients are the hand-written mpmath product of :mod:`tests.references`, the
float64 computed gradients a hand-written pure-Python float loop.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import flint
import ml_dtypes
import mpmath
import numpy as np
import pytest

from symgrad.analysis.precision import EVENTS, MAX_SCAN_DEPTH, scan_depths
from symgrad.analysis.precision.scan import true_prefix
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain
from symgrad.interfaces.cli import main
from symgrad.numeric import numpy_backend as nb
from symgrad.numeric.certified import certified_values
from symgrad.numeric.weights import parse_weights
from tests.references import prefix_gradients

FINFO = {
    "float64": np.finfo(np.float64),
    "float32": np.finfo(np.float32),
    "float16": np.finfo(np.float16),
    "bfloat16": ml_dtypes.finfo(ml_dtypes.bfloat16),
}
N = 600


@pytest.fixture(scope="module")
def ones_scan():
    return scan_depths([Fraction(1)] * N, lr=Fraction(1, 10))


@pytest.fixture(scope="module")
def true_ones():
    """dF/dw_1 of the all-ones sigmoid seed chain at depths 1..N (mpmath, 50 digits)."""
    return prefix_gradients("sigmoid", [1] * N, 50)


def _first(values, pred):
    for n, v in enumerate(values, start=1):
        if pred(v):
            return n
    return None


@pytest.mark.parametrize("name", list(FINFO))
def test_true_events_against_independent_product(ones_scan, true_ones, name):
    fi = FINFO[name]
    tiny, sub, eps = (mpmath.mpf(float(v)) for v in (fi.tiny, fi.smallest_subnormal, fi.eps))
    first = ones_scan.format(name).first
    with mpmath.workdps(50):
        assert first["true_below_normal"] == _first(true_ones, lambda g: g < tiny)
        assert first["true_rounds_to_zero"] == _first(true_ones, lambda g: g < sub / 2)
        # w1 = 1: the numbers just below 1 are eps/2 apart, so 1 - lr*g rounds back to 1
        # exactly when lr*g < eps/4
        lost = _first(true_ones, lambda g: g / 10 < eps / 4)
        assert first["lost_update_true"] == lost
        # not a borderline case: the threshold is crossed clearly at that depth
        assert abs(true_ones[lost - 1] / 10 / (eps / 4) - 1) > 1e-6


def test_the_texts_numbers(ones_scan):
    # float64 underflows near depth 500, yet with lr = 0.1 the weight stops moving near 25
    f64 = ones_scan.format("float64").first
    assert 450 <= f64["zero"] <= 550
    assert 20 <= f64["lost_update"] <= 30
    assert f64["lost_update"] < f64["subnormal"] < f64["zero"]


def test_float64_computed_events_against_python_floats(ones_scan, true_ones):
    tiny = float(FINFO["float64"].tiny)
    o, t = 1.0, 1.0
    computed = [t]
    for _ in range(2, N + 1):
        e = math.exp(-abs(o))
        t = (e / ((1 + e) * (1 + e))) * (1.0 * t)
        o = 1 / (1 + math.exp(-o))
        computed.append(t)
    first = ones_scan.format("float64").first
    assert first["zero"] == _first(computed, lambda v: v == 0)
    assert first["subnormal"] == _first(computed, lambda v: 0 < v < tiny)
    assert first["lost_update"] == _first(computed, lambda v: 1.0 - 0.1 * v == 1.0)
    with mpmath.workdps(50):
        rel = [abs(mpmath.mpf(c) - g) / g for c, g in zip(computed, true_ones)]
    assert first["rel_error_exceeds"] == _first(rel, lambda r: r > mpmath.mpf(1) / 100)


def test_prefix_identity_against_per_depth_evaluation():
    # depth n uses the first n weights of the spec drawn for the largest depth; the prefix
    # product at n must enclose the same number as a separate depth-n evaluation
    spec, big = "normal:0.5,1,seed=3", 120
    weights = parse_weights(spec, big)
    balls, _ = true_prefix(weights)
    for n in (1, 2, 3, 10, 57, 120):
        assert parse_weights(spec, n) == weights[:n]
        cert = certified_values(Chain(n), weights[:n], digits=20)
        # two certified enclosures of one number overlap; different ones would not
        assert balls[n - 1].overlaps(cert.grad_w[0].arb)
        with flint.ctx.workprec(200):
            shifted = cert.grad_w[0].arb * (1 + flint.fmpq(1, 10**15))
        assert not balls[n - 1].overlaps(shifted)


@pytest.mark.parametrize("name", ["float64", "float32"])
def test_format_prefix_against_per_depth_backprop(name):
    # forward-mode prefix products vs the backward sweep at each depth: the same product
    # of rounded factors in another order.  Each factor carries a few rounding errors, so
    # both are within ~4n ulps of the truth; 8n*eps bounds their relative difference.
    weights = parse_weights("uniform:0.5,2,seed=11", 80)
    scan = scan_depths(weights, formats=name)
    eps = float(FINFO[name].eps)
    tiny = float(FINFO[name].tiny)
    for n in range(1, 81):
        v = float(nb.evaluate(Chain(n), weights[:n], name).grad_w[0])
        p = scan.format(name).log10[n - 1]
        if abs(v) < tiny:
            continue
        assert abs(p - math.log10(abs(v))) <= 8 * n * eps / math.log(10)


def test_random_spec_and_shared_exponent_range():
    scan = scan_depths(parse_weights("normal:0,1,seed=7", 400), lr=Fraction(1, 100))
    f32, bf16 = scan.format("float32").first, scan.format("bfloat16").first
    # float32 and bfloat16 share the smallest normal (finfo), so the true value leaves
    # the normal range at the same depth in both
    assert float(FINFO["float32"].tiny) == float(FINFO["bfloat16"].tiny)
    assert f32["true_below_normal"] == bf16["true_below_normal"] is not None
    for fs in scan.formats:
        d = fs.first
        assert set(d) == set(EVENTS)
        if d["zero"] is not None and d["lost_update"] is not None:
            assert d["lost_update"] <= d["zero"]


def test_json_schema(ones_scan):
    doc = ones_scan.to_json()
    assert doc["schema"] == "symgrad.scan/1" and doc["lr"] == "1e-1"
    for f in doc["formats"]:
        assert set(f["first_depth"]) == set(EVENTS)
        assert all(v is None or (isinstance(v, str) and v.isdigit())
                   for v in f["first_depth"].values())
    assert "<table>" in ones_scan._repr_html_()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"lr": Fraction(0)}, "learning rate"),
    ({"lr": Fraction(-1, 10)}, "learning rate"),
    ({"threshold": Fraction(0)}, "threshold"),
    ({"formats": "float64,float80"}, "unknown format"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(SymgradError, match=match):
        scan_depths([Fraction(1)] * 5, **kwargs)


def test_depth_cap():
    with pytest.raises(SymgradError, match="cap"):
        scan_depths([Fraction(1)] * (MAX_SCAN_DEPTH + 1))


@pytest.mark.parametrize("extra", [
    ["--lr", "0"], ["--lr", "-0.5"], ["--lr", "nan"], ["--lr", "inf"],
    ["--max-depth", "0"], ["--max-depth", str(MAX_SCAN_DEPTH + 1)],
    ["--formats", "float8"], ["--threshold", "-1"],
])
def test_cli_bad_input(extra, capsys):
    argv = ["scan", "--max-depth", "10", "--weights", "1", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("symgrad: error:") and err.count("\n") == 1


def test_cli_json(capsys):
    assert main(["scan", "--max-depth", "40", "--weights", "1", "--formats", "float64",
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    lib = scan_depths([Fraction(1)] * 40, formats="float64").format("float64").first
    assert doc["formats"][0]["first_depth"]["lost_update"] == lib["lost_update"]
    assert isinstance(doc["formats"][0]["first_depth"]["lost_update"], int)
    assert doc["plot"] is None and doc["weights"] == {"spec": "1"}
    assert [r["depth"] for r in doc["depths"]] == list(range(1, 41))
