"""symgrad's pytest plugin, used the way another project would: a separate test directory,
a separate pytest process, the fixtures found through the ``pytest11`` entry point (no
conftest, no ``-p``).  The gradients under test are written by hand in the inner test
files (the tanh chain's backward pass in plain Python), not taken from symgrad."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

CHAIN = '''
import math


def tanh_chain_gradient(w):
    """dF/dw_k of o_1 = w_1, o_i = tanh(w_i o_(i-1)) by a hand-written backward pass."""
    outs = [w[0]]
    for wi in w[1:]:
        outs.append(math.tanh(wi * outs[-1]))
    grad, upstream = [0.0] * len(w), 1.0
    for i in range(len(w) - 1, 0, -1):
        local = 1 - outs[i] ** 2
        grad[i] = upstream * local * outs[i - 1]
        upstream *= local * w[i]
    grad[0] = upstream
    return grad
'''


def _project(pytester: pytest.Pytester, body: str) -> None:
    pytester.makepyfile(chainlib=CHAIN)
    pytester.makepyfile(test_project=body)


def _run(pytester: pytest.Pytester) -> pytest.RunResult:
    # a fresh interpreter: the plugin must load from the installed entry point
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")


def test_three_line_usage_passes(pytester):
    _project(pytester, '''
from chainlib import tanh_chain_gradient


def test_my_gradient(symgrad_close):
    w = [0.3, -1.2, 0.8, 1.5, -0.4]
    symgrad_close(tanh_chain_gradient(w), depth=5, weights=w, activation="tanh")


def test_reference_values(symgrad_reference):
    ref = symgrad_reference(2, [0.5, -2.0], activation="tanh")
    assert abs(ref.F - __import__("math").tanh(-1.0)) < 1e-16
    assert ref.certified.grad_w[0].digits == 20


def test_vectors(symgrad_vectors, tmp_path):
    result = symgrad_vectors({"depth": 3, "weights": [0.5, 1.0, 2.0]}, digits=12)
    path = result.save_npz(tmp_path / "v.npz")
    import numpy as np
    with np.load(path) as z:
        assert z["r0_grad_w"].shape == (3,)
''')
    result = _run(pytester)
    result.assert_outcomes(passed=3)


def test_wrong_gradient_fails_with_the_partial_named(pytester):
    _project(pytester, '''
from chainlib import tanh_chain_gradient


def test_my_gradient(symgrad_close):
    w = [0.3, -1.2, 0.8, 1.5, -0.4]
    g = tanh_chain_gradient(w)
    g[2] *= 1 + 1e-9  # a bug in layer 3's partial
    symgrad_close(g, depth=5, weights=w, activation="tanh")
''')
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 of 5 partials of the tanh chain (float64) disagree*",
                                 "*dF/dw3: got*"])


def test_fixtures_are_listed_without_a_conftest(pytester):
    pytester.makepyfile(test_empty="def test_nothing():\n    pass\n")
    listing = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fixtures")
    listing.stdout.fnmatch_lines(["*symgrad_close*", "*symgrad_reference*", "*symgrad_vectors*"])
