"""The chain as ordinary JAX code, differentiated by JAX itself.

The forward pass is written in JAX's own ops (``jax.nn.sigmoid``,
``jnp.tanh``, ``jax.nn.softplus``) with ``jax.lax.scan`` over the layers, so
tracing costs O(1) in the depth and depths of 10^4 and more compile quickly.
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
from symgrad.core.chain import Chain

__all__ = [
    "FORMATS",
    "AutodiffResult",
    "available",
    "flushes_subnormals",
    "gradient",
    "gradient_batch",
    "hessian",
    "numpy_dtype",
]

FORMATS = ("float64", "float32", "float16", "bfloat16")
NAME = "jax"


def _jax():
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        raise MissingExtraError("jax", "jax") from None
    return jax, jnp


def available() -> bool:
    """True when JAX can be imported."""
    try:
        _jax()
    except MissingExtraError:
        return False
    return True


def numpy_dtype(fmt: str):
    """The numpy dtype of a format name (bfloat16 from ml_dtypes)."""
    if fmt == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    if fmt not in FORMATS:
        raise SymgradError(f"unknown format '{fmt}'", hint=f"choose one of: {', '.join(FORMATS)}")
    return np.dtype(fmt)


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
    table = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "softplus": jax.nn.softplus}
    return table[name]


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
    if kind == "hessian":
        return jax.jit(jax.hessian(fwd, argnums=0))
    if kind == "batch":
        return jax.jit(jax.vmap(jax.grad(fwd, argnums=0), in_axes=(0, None, None)))
    raise ValueError(kind)  # pragma: no cover


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
    jax, jnp = _jax()
    _, w, w_used, b, _, xv, _ = _prepare(chain, weights, fmt, biases, x)
    fn = _compiled(chain.activation, chain.form, chain.bias, "hessian")
    with jax.enable_x64(True):
        h = _f64(fn(jnp.asarray(w), jnp.asarray(b), jnp.asarray(xv)))
    return h, w_used


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
    tiny = np.finfo(dt).tiny if fmt != "bfloat16" else np.float64(2.0**-126)
    with jax.enable_x64(True):
        t = jnp.asarray(np.asarray(tiny).astype(dt))
        half = jax.jit(lambda v: v * jnp.asarray(0.5, v.dtype))(t)
        got = float(_f64(half))
    expected = float(np.float64(tiny) / 2)
    return {"flushes": got == 0.0, "input": float(tiny), "result": got, "ieee": expected}
