"""symgrad.testing: the oracle helpers for other projects' test suites."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from symgrad.base.errors import SymgradError
from symgrad.testing import (
    NotCheckableError,
    assert_chain_gradient_close,
    export_reference_vectors,
    reference_vectors,
)
from tests._require import require_module
from tests.references import chain_reference


def textbook_grad_depth2(w1: float, w2: float) -> list[float]:
    """F = sigma(w2 w1): dF/dw1 = w2 s(1-s), dF/dw2 = w1 s(1-s), s = sigma(w1 w2)."""
    s = 1 / (1 + math.exp(-w1 * w2))
    return [w2 * s * (1 - s), w1 * s * (1 - s)]


def test_correct_gradient_passes():
    assert_chain_gradient_close(textbook_grad_depth2(0.5, -2.0), 2, [0.5, -2.0])


def test_wrong_gradient_fails_with_details():
    g = textbook_grad_depth2(0.5, -2.0)
    g[1] *= 1 + 1e-9  # far outside 4*3*eps = 2.7e-15
    with pytest.raises(AssertionError, match="dF/dw2"):
        assert_chain_gradient_close(g, 2, [0.5, -2.0])


def test_underflow_is_not_agreement():
    # depth 40 with weights 1: dF/dw1 = prod sigma'(o_i) ~ 0.22^39 ~ 1e-26, below float16's
    # range; a framework that returns 0 there has underflowed
    L = 40
    # dF/dw_k = o_{k-1} sigma'(z_k) prod_{i>k} sigma'(z_i) with all w = 1 (by hand, mpmath)
    grads_true = [float(g) for g in chain_reference("sigmoid", "seed", [1] * L, None, None,
                                                    30)[1]]
    got = np.asarray(grads_true, dtype=np.float16).astype(float)
    assert got[0] == 0.0  # float16 cannot hold 1e-26
    with pytest.raises(AssertionError, match="underflow"):
        assert_chain_gradient_close(got, L, [1.0] * L, dtype="float16")
    # underflow allowed, nothing disagrees -- but float16's tolerance at depth 40 is above
    # 1/2 (the linear model alone gives 4 * 41 * 2^-11 = 0.08; the sigma' cancellation terms
    # push it past 1/2), so no digit is checked: not a pass
    with pytest.raises(NotCheckableError, match="not checkable"):
        assert_chain_gradient_close(got, L, [1.0] * L, dtype="float16", allow_underflow=True)


def test_shallow_float16_check_can_fail():
    # depth 4, float16: the tolerance leaves digits, and the exact gradient rounded to
    # float16 passes; a value off by a factor of 3 fails
    ws = [0.5, -1.0, 2.0, 1.5]
    g1 = float(chain_reference("sigmoid", "seed", ws, None, None, 40)[1][0])  # by hand
    got = [float(np.float16(g1))] + [0.0] * 3
    with pytest.raises(AssertionError):
        assert_chain_gradient_close([3 * got[0], *got[1:]], 4, ws, dtype="float16")


@pytest.mark.parametrize("fmt", ["float64", "float32", "bfloat16"])
def test_torch_gradient_passes_the_oracle(fmt):
    torch = require_module("torch")
    w = torch.tensor([0.3, -1.2, 0.8, 1.5, -0.4], dtype=getattr(torch, fmt), requires_grad=True)
    o = w[0]
    for i in range(1, 5):
        o = torch.tanh(w[i] * o)
    o.backward()
    assert_chain_gradient_close(w.grad.double().tolist(), 5, w.detach().double().tolist(),
                                activation="tanh", dtype=fmt)


def test_reference_vectors_against_hand_formula(tmp_path):
    vec = reference_vectors([{"depth": 2, "weights": "0.5,-2"}])[0]
    with mpmath.workdps(40):
        s = 1 / (1 + mpmath.exp(1))  # sigma(w1 w2) = sigma(-1)
        F = s
        g1 = -2 * s * (1 - s)
        g2 = mpmath.mpf("0.5") * s * (1 - s)
        for got, true in ((vec["F"], F), (vec["gradient"]["w"][0], g1),
                          (vec["gradient"]["w"][1], g2)):
            assert abs(mpmath.mpf(got["mid"]) - true) <= mpmath.mpf(got["rad"]) + \
                mpmath.mpf(10) ** -35
            assert got["digits"] >= 18
    assert [v["decimal"] for v in vec["weights"]["values"]] == ["5e-1", "-2e+0"]
    path = tmp_path / "vectors.json"
    export_reference_vectors(path, [{"depth": 3, "weights": "normal:0,1,seed=4",
                                     "activation": "softplus", "digits": 25}])
    data = json.loads(path.read_text())
    assert data["schema"] == "symgrad.vectors/1"
    assert data["vectors"][0]["chain"]["activation"] == "softplus"
    assert len(data["vectors"][0]["gradient"]["w"]) == 3
    # the seeded draw is float64: exact decimals and bit patterns that agree
    for v in data["vectors"][0]["weights"]["values"]:
        assert Fraction(float.fromhex(_hex_to_float_text(v["float64"]))) == \
            Fraction(v["decimal"])


def _hex_to_float_text(bits: str) -> str:
    """IEEE 754 binary64 bit pattern -> float.hex text, decoded by hand (sign, exponent,
    fraction), for normal numbers."""
    n = int(bits, 16)
    sign, exp, frac = n >> 63, (n >> 52) & 0x7FF, n & ((1 << 52) - 1)
    assert 0 < exp < 0x7FF
    return f"{'-' if sign else ''}0x1.{frac:013x}p{exp - 1023}"


def test_export_csv_and_npz_by_suffix(tmp_path):
    spec = {"depth": 2, "weights": [0.5, -2.0]}
    csv_path = export_reference_vectors(tmp_path / "v.csv", spec)
    assert csv_path.read_text().splitlines()[0].startswith("index,depth,activation")
    npz = export_reference_vectors(tmp_path / "v.npz", spec, digits=20, hessian=True)
    with np.load(npz) as z:
        s = 1 / (1 + math.exp(1))
        assert z["r0_grad_w"][0] == pytest.approx(-2 * s * (1 - s), rel=1e-15)
        assert z["r0_hessian"].shape == (2, 2)
    with pytest.raises(SymgradError, match="unknown vectors format"):
        export_reference_vectors(tmp_path / "v.txt", spec, format="xml")


def test_chain_reference_against_textbook():
    from symgrad.testing import chain_reference as oracle

    r = oracle(2, [0.5, -2.0])
    assert r.gradient == pytest.approx(textbook_grad_depth2(0.5, -2.0), rel=1e-15)
    assert r.F == pytest.approx(1 / (1 + math.exp(1)), rel=1e-15)
    assert r.certified.grad_w[1].digits == 20
    g = oracle(1, [0.5], form="general", bias=True, biases=["0.1"], x="-2")
    z = 0.5 * -2 + 0.1
    d = math.exp(-z) / (1 + math.exp(-z)) ** 2
    assert (g.gradient[0], g.grad_b[0], g.grad_x) == pytest.approx((-2 * d, d, 0.5 * d),
                                                                   rel=1e-14)


def test_bad_specs():
    with pytest.raises(SymgradError, match="unknown spec keys"):
        reference_vectors([{"depth": 2, "width": 3}])
    with pytest.raises(SymgradError):
        reference_vectors([{"depth": 0}])
    with pytest.raises(SymgradError, match="give 3 weights"):
        assert_chain_gradient_close([1.0, 2.0], 3, [1.0, 1.0])
    with pytest.raises(SymgradError, match="cannot write"):
        export_reference_vectors("/nonexistent-dir/x.json", [{"depth": 1}])
