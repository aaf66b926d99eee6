"""The chain as ordinary JAX code, differentiated by JAX itself.

The forward pass is written in JAX's own ops (``jax.nn.sigmoid``,
``jnp.tanh``, ``jax.nn.softplus``) with ``jax.lax.scan`` over the layers, so
tracing costs O(1) in the depth and depths of 10^4 and more compile quickly.
Seed-form gradients go through one padded scan (512, 1024, ... layers) that
selects the activation at run time, so ``symgrad verify`` compiles once per
format instead of once per (activation, format, depth); the bits are those of a
scan compiled for the exact depth (``tests/test_autodiff_backends.py``).
Nothing here is generated from symgrad's symbolic results: the gradient comes
from ``jax.value_and_grad`` and the Hessian from ``jax.hessian``, which is the
point of comparing them with the certified values.

Formats: ``float64`` (computed with x64 enabled, scoped with the
``jax.enable_x64`` context manager so the process-wide setting is untouched),
``float32``, ``float16`` and ``bfloat16``.  The weights are rounded to the
format once; :attr:`AutodiffResult.weights` holds those rounded weights as
exact fractions, so the truth can be computed at exactly the point the
framework saw.

JAX is an optional extra: without it every function raises
:class:`~symgrad.base.errors.MissingExtraError` with the install command.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> r = gradient(Chain(2), [Fraction(1), Fraction(1)], "float64")  # doctest: +SKIP
>>> round(float(r.grad_w[0]), 12)  # sigma'(1)                      # doctest: +SKIP
0.196611933241
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from symgrad.base.errors import MissingExtraError, SymgradError
from symgrad.base.optional import require
from symgrad.core.chain import Chain
from symgrad.numeric.formats import format_info

__all__ = [
    "AutodiffResult",
    "available",
    "flushes_subnormals",
    "gradient",
    "gradient_batch",
    "hessian",
    "hessian_batch",
    "numpy_dtype",
]

NAME = "jax"


def _jax():
    return require("jax", "jax"), require("jax.numpy", "jax")


def available() -> bool:
    """True when JAX can be imported."""
    try:
        _jax()
    except MissingExtraError:
        return False
    return True


def numpy_dtype(fmt: str):
    """The numpy dtype of a format name (bfloat16 from ml_dtypes); unknown names raise.

    >>> numpy_dtype("float16"), numpy_dtype("bfloat16").name
    (dtype('float16'), 'bfloat16')
    """
    return np.dtype(format_info(fmt).dtype)


@dataclass(frozen=True)
class AutodiffResult:
    """F and its gradient as computed by a framework in one format.

    Arrays are float64 copies of the format's values (exact: every value of a
    narrower format is a float64).  ``weights``/``biases``/``x`` are the
    parameters after rounding to the format, as exact fractions.
    """

    backend: str
    format: str
    value: float
    grad_w: np.ndarray
    grad_b: np.ndarray | None
    grad_x: float | None
    weights: tuple[Fraction, ...]
    biases: tuple[Fraction, ...] | None
    x: Fraction | None


def _activation(jax, jnp, name: str):
    from symgrad.numeric.kernels import framework_op  # the registry's JAX op

    return framework_op(name, "jax")


def _forward_fn(activation: str, form: str, bias: bool):
    """F(w, b, x) written in JAX ops, one lax.scan over the layers."""
    jax, jnp = _jax()
    f = _activation(jax, jnp, activation)

    def forward(w, b, x):
        if form == "seed":
            o0 = w[0] * jnp.ones((), w.dtype)  # o_1 = w_1 (input 1, identity layer)

            def step(o, wi):
                return f(wi * o), None

            out, _ = jax.lax.scan(step, o0, w[1:])
            return out

        def step_b(o, wb):
            wi, bi = wb
            return f(wi * o + bi), None

        bb = b if bias else jnp.zeros_like(w)
        out, _ = jax.lax.scan(step_b, x, (w, bb))
        return out

    return forward


@lru_cache(maxsize=64)
def _compiled(activation: str, form: str, bias: bool, kind: str):
    jax, _ = _jax()
    fwd = _forward_fn(activation, form, bias)
    if kind == "grad":
        argnums = (0, 1, 2) if form == "general" else (0,)
        return jax.jit(jax.value_and_grad(fwd, argnums=argnums))
    if kind == "batch":
        return jax.jit(jax.vmap(jax.grad(fwd, argnums=0), in_axes=(0, None, None)))
    raise ValueError(kind)  # pragma: no cover


#: activations compiled together into one seed-form gradient (selected at run time)
_SHARED = ("sigmoid", "tanh", "softplus")
_MIN_PAD = 512


def _padded_length(depth: int) -> int:
    """The scan length a seed chain of ``depth`` layers is padded to: 512, 1024, ...

    >>> _padded_length(2), _padded_length(512), _padded_length(513), _padded_length(5000)
    (512, 512, 1024, 8192)
    """
    n = _MIN_PAD
    while n < depth:
        n *= 2
    return n


def _padded_seed_forward(activations: tuple[str, ...]):
    """Seed-form F(w, n, k) over a zero-padded weight vector: layer i < n applies
    activation ``activations[k]``; the padded layers pass o (and its adjoint) through
    unchanged, so one compiled function serves every depth up to ``len(w)`` and every
    activation listed.  The layer branch is the same ``f(w_i * o)`` as
    :func:`_forward_fn`; the gradients are bit-identical to it (tested)."""
    jax, jnp = _jax()
    fs = [_activation(jax, jnp, a) for a in activations]
    branches = [lambda o, wi, f=f: f(wi * o) for f in fs] + [lambda o, wi: o]

    def forward(w, n, k):
        o0 = w[0] * jnp.ones((), w.dtype)

        def step(o, iw):
            i, wi = iw
            return jax.lax.switch(jnp.where(i < n, k, len(fs)), branches, o, wi), None

        out, _ = jax.lax.scan(step, o0, (jnp.arange(1, w.shape[0]), w[1:]))
        return out

    return forward


@lru_cache(maxsize=8)
def _compiled_padded(activations: tuple[str, ...]):
    jax, _ = _jax()
    return jax.jit(jax.value_and_grad(_padded_seed_forward(activations), argnums=0))


def _seed_gradient_call(chain: Chain, w: np.ndarray):
    """The padded compiled function of a seed chain and its arguments."""
    _, jnp = _jax()
    acts = _SHARED if chain.activation in _SHARED else (chain.activation,)
    wp = np.zeros(_padded_length(chain.depth), dtype=w.dtype)
    wp[:chain.depth] = w
    return _compiled_padded(acts), (jnp.asarray(wp), np.int32(chain.depth),
                                    np.int32(acts.index(chain.activation)))


def _seed_gradient(chain: Chain, w: np.ndarray):
    """(F, dF/dw) of a seed chain through the padded function (one compile per
    format and padded length instead of one per depth)."""
    jax, _ = _jax()
    with jax.enable_x64(True):
        fn, args = _seed_gradient_call(chain, w)
        val, gw = fn(*args)
        return float(_f64(val)), _f64(gw)[:chain.depth]


@lru_cache(maxsize=16)
def _compiled_hessians(keys: tuple[tuple[str, str, bool], ...]):
    """One jitted function returning the Hessians of several chains (``keys``: activation,
    form, bias of each): one XLA compile for a whole batch instead of one per chain.
    Each Hessian is the ``jax.hessian`` of the chain's own forward pass; XLA may fuse
    across the chains of a batch, so an entry can differ from the chain compiled alone
    in the last bits of the format (tested to within 4 units of eps at the matrix's
    scale; on ``symgrad verify``'s defaults every Hessian has the same bits)."""
    jax, _ = _jax()
    fns = [jax.hessian(_forward_fn(*k), argnums=0) for k in keys]

    def many(args):
        return [fn(*a) for fn, a in zip(fns, args, strict=True)]

    return jax.jit(many)


def _hessians_call(chains: Sequence[Chain], arrays):
    _, jnp = _jax()
    fn = _compiled_hessians(tuple((c.activation, c.form, c.bias) for c in chains))
    return fn, ([tuple(jnp.asarray(a) for a in arr) for arr in arrays],)


def _rounded(values, dt) -> tuple[np.ndarray, tuple[Fraction, ...]]:
    arr = np.asarray([float(v) for v in values], dtype=np.float64).astype(dt)
    return arr, tuple(Fraction(float(v)) for v in arr.astype(np.float64))


def _prepare(chain: Chain, weights, fmt, biases, x):
    if len(weights) != chain.depth:
        raise SymgradError(f"{len(weights)} weights given for depth {chain.depth}",
                           hint=f"give exactly {chain.depth} weights")
    dt = numpy_dtype(fmt)
    w, w_used = _rounded(weights, dt)
    b_used = None
    if chain.bias:
        if biases is None or len(biases) != chain.depth:
            raise SymgradError("the chain has biases: give one per layer", hint="--biases SPEC")
        b, b_used = _rounded(biases, dt)
    else:
        b = np.zeros(chain.depth, dtype=dt)
    xv, x_used = _rounded([Fraction(1) if x is None else x], dt)
    return dt, w, w_used, b, b_used, xv[0], (x_used[0] if chain.form == "general" else None)


def _f64(a) -> np.ndarray:
    return np.asarray(a).astype(np.float64)


def gradient(chain: Chain, weights: Sequence[Fraction], fmt: str = "float64", *,
             biases: Sequence[Fraction] | None = None,
             x: Fraction | None = None) -> AutodiffResult:
    """F and dF/dw (and dF/db, dF/dx in the general form) by ``jax.value_and_grad``."""
    jax, jnp = _jax()
    _, w, w_used, b, b_used, xv, x_used = _prepare(chain, weights, fmt, biases, x)
    if chain.form == "seed":
        val, gw = _seed_gradient(chain, w)
        return AutodiffResult(NAME, fmt, val, gw, None, None, w_used, b_used, x_used)
    fn = _compiled(chain.activation, chain.form, chain.bias, "grad")
    with jax.enable_x64(True):
        val, grads = fn(jnp.asarray(w), jnp.asarray(b), jnp.asarray(xv))
        val = float(_f64(val))
        gw = _f64(grads[0])
        gb = _f64(grads[1]) if chain.bias else None
        gx = float(_f64(grads[2])) if chain.form == "general" else None
    return AutodiffResult(NAME, fmt, val, gw, gb, gx, w_used, b_used, x_used)


def hessian(chain: Chain, weights: Sequence[Fraction], fmt: str = "float64", *,
            biases: Sequence[Fraction] | None = None,
            x: Fraction | None = None) -> tuple[np.ndarray, tuple[Fraction, ...]]:
    """The L x L Hessian d2F/dw_i dw_j by ``jax.hessian`` (jitted), and the rounded weights."""
    return hessian_batch([(chain, weights, biases, x)], fmt)[0]


def hessian_batch(items: Sequence[tuple], fmt: str = "float64"
                  ) -> list[tuple[np.ndarray, tuple[Fraction, ...]]]:
    """:func:`hessian` of several chains in one format, with one compile for the batch
    (see :func:`_compiled_hessians` for what batching may change: the last bits).

    ``items``: ``(chain, weights)`` or ``(chain, weights, biases, x)`` tuples.
    """
    jax, _ = _jax()
    prepared = []
    for item in items:
        chain, weights, biases, x = (*item, None, None)[:4]
        _, w, w_used, b, _, xv, _ = _prepare(chain, weights, fmt, biases, x)
        prepared.append((chain, (w, b, xv), w_used))
    with jax.enable_x64(True):
        fn, args = _hessians_call([p[0] for p in prepared], [p[1] for p in prepared])
        out = fn(*args)
        return [(_f64(h), p[2]) for h, p in zip(out, prepared, strict=True)]


def gradient_batch(chain: Chain, weights: np.ndarray, fmt: str = "float64") -> np.ndarray:
    """dF/dw for each row of ``weights`` (shape (N, L)) with ``jit(vmap(grad))``.

    Seed form only (no biases).  Returns a float64 array of shape (N, L).
    """
    jax, jnp = _jax()
    if chain.form != "seed":
        raise SymgradError("gradient_batch supports the seed form only")
    dt = numpy_dtype(fmt)
    fn = _compiled(chain.activation, chain.form, chain.bias, "batch")
    with jax.enable_x64(True):
        w = jnp.asarray(np.asarray(weights, dtype=np.float64).astype(dt))
        zero = jnp.zeros((), dt)
        out = fn(w, zero, zero)
        out.block_until_ready()
        return _f64(out)


def flushes_subnormals(fmt: str) -> dict[str, Any]:
    """Measure (never assume) whether JAX flushes subnormal results to zero.

    Multiplies the format's smallest normal number by 1/2 inside ``jax.jit``;
    IEEE arithmetic gives the subnormal tiny/2, a flushing backend gives 0.
    """
    jax, jnp = _jax()
    dt = numpy_dtype(fmt)
    tiny = format_info(fmt).tiny
    with jax.enable_x64(True):
        t = jnp.asarray(np.asarray(tiny).astype(dt))
        half = jax.jit(lambda v: v * jnp.asarray(0.5, v.dtype))(t)
        got = float(_f64(half))
    expected = tiny / 2
    return {"flushes": got == 0.0, "input": float(tiny), "result": got, "ieee": expected}
