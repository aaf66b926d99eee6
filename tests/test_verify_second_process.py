"""``symgrad verify`` computes its JAX rows in a second process: same output, safe fallback.

The expectations are the single-process run (``SYMGRAD_PROCESSES=1``) and, for the
batched Hessians, ``jax.hessian`` of a forward pass written here, compiled per chain.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from symgrad.analysis.verify import second_process
from symgrad.analysis.verify.battery import run_battery
from symgrad.core.chain import Chain
from tests._require import require_module

SMALL = {"formats": ("float64", "float16"), "depths": (2, 3), "hessian_depths": (3,),
         "activations": ("sigmoid", "tanh")}


def _json(report):
    return [c.to_json() for c in report.checks]


@pytest.fixture(scope="module")
def single():
    require_module("jax")
    require_module("torch")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(second_process.ENV, "1")
        return run_battery(**SMALL)


def test_second_process_gives_the_single_process_output(single, monkeypatch):
    started = []
    real = second_process.Child.start.__func__

    def spy(cls, *args):
        child = real(cls, *args)
        started.append(child)
        return child

    monkeypatch.setattr(second_process.Child, "start", classmethod(spy))
    monkeypatch.delenv(second_process.ENV, raising=False)
    seen = []
    two = run_battery(**SMALL, on_check=seen.append)
    assert started and started[0] is not None  # the child really ran
    assert _json(two) == _json(single)
    assert seen == two.checks  # streamed in output order
    assert any(c.name.startswith("jax ") for c in two.checks)


def test_a_failed_child_is_computed_here(single, monkeypatch):
    def broken(self):
        raise second_process.ChildFailed("killed")

    monkeypatch.delenv(second_process.ENV, raising=False)
    monkeypatch.setattr(second_process.Child, "result", broken)
    assert _json(run_battery(**SMALL)) == _json(single)


def test_child_failure_is_reported_with_its_stderr():
    child = second_process.Child.start("symgrad.no_such_module", "f", ())
    if child is None:
        pytest.skip("processes are turned off here")
    with pytest.raises(second_process.ChildFailed, match="No module named"):
        child.result()
    child.close()


def test_child_returns_the_value():
    child = second_process.Child.start("fractions", "Fraction", (3, 6))
    assert child is not None
    assert child.result() == Fraction(1, 2)
    child.close()


def test_processes_can_be_turned_off(monkeypatch):
    monkeypatch.setenv(second_process.ENV, "1")
    assert second_process.Child.start("math", "fsum", ([1.0],)) is None


def test_run_in_order_keeps_the_order_whatever_runs_where():
    class Remote:
        def result(self):
            return [["b1", "b2"], ["d"]]

    units = [(False, lambda: ["a"]), (True, lambda: ["never"]), (False, lambda: ["c"]),
             (True, lambda: ["never"])]
    out: list[str] = []
    second_process.run_in_order(units, out.append, Remote())
    assert out == ["a", "b1", "b2", "c", "d"]
    out.clear()
    second_process.run_in_order(units, out.append, None)  # no child: all computed here
    assert out == ["a", "never", "c", "never"]


@pytest.mark.parametrize("fmt", ["float64", "float32", "float16", "bfloat16"])
def test_jax_hessians_alone_and_batched(fmt):
    """``hessian`` is the bits of ``jax.jit(jax.hessian(forward))`` for the chain alone;
    ``hessian_batch`` compiles several chains into one XLA program, which may fuse
    across them: its entries agree with the lone program to a few units in the last place
    of the format (documented), and both are JAX's own arithmetic."""
    jax = require_module("jax")
    import jax.numpy as jnp

    from symgrad.numeric import jax_backend
    from symgrad.numeric.formats import format_info

    ops = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "softplus": jax.nn.softplus}
    items = [(Chain(L, activation=a), [Fraction(k - L, 3) for k in range(L)])
             for a in ops for L in (2, 4)]
    got = jax_backend.hessian_batch(items, fmt)
    dt = jax_backend.numpy_dtype(fmt)
    eps = float(format_info(fmt).eps)
    for (chain, w), (h, used) in zip(items, got, strict=True):
        f = ops[chain.activation]

        def forward(wv, f=f):  # the seed chain o_1 = w_1, o_i = f(w_i o_{i-1}), alone
            return jax.lax.scan(lambda o, wi: (f(wi * o), None), wv[0], wv[1:])[0]

        with jax.enable_x64(True):
            wv = jnp.asarray(np.asarray([float(v) for v in w]).astype(dt))
            alone = np.asarray(jax.jit(jax.hessian(forward))(wv)).astype(np.float64)
        assert used == tuple(Fraction(float(v)) for v in np.asarray(wv).astype(np.float64))
        single, _ = jax_backend.hessian(chain, w, fmt)
        assert np.array_equal(single, alone), (chain, fmt)
        scale = np.max(np.abs(alone))
        assert np.max(np.abs(h - alone)) <= 4 * eps * scale, (chain, fmt)
