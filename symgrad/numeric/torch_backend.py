"""The chain as ordinary PyTorch code, differentiated by PyTorch itself.

The forward pass is a plain Python loop over the layers in torch ops
(``torch.sigmoid``, ``torch.tanh``, ``torch.nn.functional.softplus``, ...: the
PyTorch op of each activation is in :mod:`symgrad.numeric.kernels`); the
weight vector is split once with ``unbind`` so the backward pass is O(L).
The gradient comes from ``torch.autograd.grad`` and the Hessian from
``torch.func.hessian``; nothing is generated from symgrad's symbolic results.

Formats: float64, float32, float16, bfloat16 (CPU).  The weights are rounded
to the format once; :attr:`~symgrad.numeric.jax_backend.AutodiffResult.weights`
holds them as exact fractions so the truth is computed at the same point.

PyTorch is an optional extra: without it every function raises
:class:`~symgrad.base.errors.MissingExtraError` with the install command.

>>> from fractions import Fraction
>>> from symgrad.core.chain import Chain
>>> r = gradient(Chain(2), [Fraction(1), Fraction(1)], "float64")  # doctest: +SKIP
>>> round(float(r.grad_w[0]), 12)  # sigma'(1)                      # doctest: +SKIP
0.196611933241
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from symgrad.base.errors import MissingExtraError, SymgradError
from symgrad.base.optional import require
from symgrad.core.chain import Chain
from symgrad.numeric.formats import FORMATS
from symgrad.numeric.jax_backend import AutodiffResult, numpy_dtype
from symgrad.numeric.kernels import framework_op

__all__ = [
    "FORMATS",
    "available",
    "flushes_subnormals",
    "gradient",
    "gradient_batch",
    "hessian",
    "hessian_batch",
]

NAME = "torch"


def _torch():
    return require("torch", "torch")


def available() -> bool:
    """True when PyTorch can be imported."""
    try:
        _torch()
    except MissingExtraError:
        return False
    return True


def _dtype(torch, fmt: str):
    numpy_dtype(fmt)  # validates the name
    return getattr(torch, fmt)


def _activation(torch, name: str):
    # the kernel registry's PyTorch op (torch is already imported through require)
    return framework_op(name, "torch")


def _forward(torch, chain: Chain, w, b, x):
    """F = o_L in torch ops (w, b: 1-d tensors; x: 0-d tensor)."""
    f = _activation(torch, chain.activation)
    ws = w.unbind(-1)
    if chain.form == "seed":
        o = ws[0]  # o_1 = w_1
        for wi in ws[1:]:
            o = f(wi * o)
        return o
    bs = b.unbind(-1) if chain.bias else None
    o = x
    for i, wi in enumerate(ws):
        o = f(wi * o + bs[i]) if bs is not None else f(wi * o)
    return o


def _rounded(torch, values, dt):
    t = torch.tensor([float(v) for v in values], dtype=torch.float64).to(dt)
    return t, tuple(Fraction(v) for v in t.to(torch.float64).tolist())


def _prepare(torch, chain, weights, fmt, biases, x):
    if len(weights) != chain.depth:
        raise SymgradError(f"{len(weights)} weights given for depth {chain.depth}",
                           hint=f"give exactly {chain.depth} weights")
    dt = _dtype(torch, fmt)
    w, w_used = _rounded(torch, weights, dt)
    b, b_used = None, None
    if chain.bias:
        if biases is None or len(biases) != chain.depth:
            raise SymgradError("the chain has biases: give one per layer", hint="--biases SPEC")
        b, b_used = _rounded(torch, biases, dt)
    xt, x_used = _rounded(torch, [Fraction(1) if x is None else x], dt)
    return dt, w, w_used, b, b_used, xt[0], (x_used[0] if chain.form == "general" else None)


def gradient(chain: Chain, weights: Sequence[Fraction], fmt: str = "float64", *,
             biases: Sequence[Fraction] | None = None,
             x: Fraction | None = None) -> AutodiffResult:
    """F and dF/dw (and dF/db, dF/dx in the general form) by ``torch.autograd.grad``."""
    torch = _torch()
    _, w, w_used, b, b_used, xt, x_used = _prepare(torch, chain, weights, fmt, biases, x)
    leaves = [w.requires_grad_()]
    if chain.bias:
        leaves.append(b.requires_grad_())
    if chain.form == "general":
        leaves.append(xt.detach().requires_grad_())
        xt = leaves[-1]
    out = _forward(torch, chain, w, b, xt)
    grads = torch.autograd.grad(out, leaves, allow_unused=True)

    def arr(g, n):
        return np.zeros(n) if g is None else g.detach().to(torch.float64).numpy().copy()

    gw = arr(grads[0], chain.depth)
    gb = arr(grads[1], chain.depth) if chain.bias else None
    gx = float(arr(grads[-1], 1).reshape(-1)[0]) if chain.form == "general" else None
    val = float(out.detach().to(torch.float64))
    return AutodiffResult(NAME, fmt, val, gw, gb, gx, w_used, b_used, x_used)


def hessian(chain: Chain, weights: Sequence[Fraction], fmt: str = "float64", *,
            biases: Sequence[Fraction] | None = None,
            x: Fraction | None = None) -> tuple[np.ndarray, tuple[Fraction, ...]]:
    """The L x L Hessian d2F/dw_i dw_j by ``torch.func.hessian``, and the rounded weights."""
    torch = _torch()
    from torch.func import hessian as func_hessian

    _, w, w_used, b, _, xt, _ = _prepare(torch, chain, weights, fmt, biases, x)
    with warnings.catch_warnings():
        # torch.func's forward-mode AD loads its jvp decompositions through torch.jit.script,
        # which torch itself deprecates (a warning from inside torch, not from this code)
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated",
                                category=DeprecationWarning)
        h = func_hessian(lambda wv: _forward(torch, chain, wv, b, xt))(w)
    return h.detach().to(torch.float64).numpy().copy(), w_used


def hessian_batch(items: Sequence[tuple], fmt: str = "float64"
                  ) -> list[tuple[np.ndarray, tuple[Fraction, ...]]]:
    """:func:`hessian` of each ``(chain, weights[, biases, x])`` item (the same interface
    as the JAX backend's batch, which shares one compile; PyTorch runs eagerly)."""
    out = []
    for item in items:
        chain, weights, biases, x = (*item, None, None)[:4]
        out.append(hessian(chain, weights, fmt, biases=biases, x=x))
    return out


def gradient_batch(chain: Chain, weights: np.ndarray, fmt: str = "float64") -> np.ndarray:
    """dF/dw for each row of ``weights`` (shape (N, L)); one batched loop, one backward.

    Seed form only.  Rows are independent, so the gradient of the sum of the
    N outputs is the stack of the N gradients.
    """
    torch = _torch()
    if chain.form != "seed":
        raise SymgradError("gradient_batch supports the seed form only")
    w = torch.tensor(np.asarray(weights, dtype=np.float64)).to(_dtype(torch, fmt))
    w.requires_grad_()
    out = _forward(torch, chain, w, None, None)
    (g,) = torch.autograd.grad(out.sum(), [w])
    return g.detach().to(torch.float64).numpy()


def flushes_subnormals(fmt: str) -> dict[str, Any]:
    """Measure (never assume) whether PyTorch flushes subnormal results to zero.

    Multiplies the format's smallest normal number by 1/2 in torch; IEEE
    arithmetic gives the subnormal tiny/2, a flushing backend gives 0.
    """
    torch = _torch()
    dt = _dtype(torch, fmt)
    tiny = torch.finfo(dt).tiny
    got = float((torch.tensor(tiny, dtype=dt) * torch.tensor(0.5, dtype=dt)).to(torch.float64))
    return {"flushes": got == 0.0, "input": float(tiny), "result": got, "ieee": tiny / 2}
