"""A network built by JAX and by PyTorch with their own layers, differentiated by themselves.

From a :class:`~symgrad.numeric.network_file.NetworkSpec` each framework builds the same
network in one format (float64, float32, float16, bfloat16) with its own code:

* PyTorch: a ``torch.nn.Module`` of ``torch.nn.Linear`` layers (``bias=`` as the file says)
  and the activation registry's torch ops (``torch.sigmoid``, ``torch.tanh``,
  ``torch.nn.functional.softplus``/``gelu``, ``torch.relu`` ...); losses from
  ``torch.nn.functional``: ``mse``-free ½‖ŷ−y‖² summed, ``binary_cross_entropy_with_logits``
  and ``cross_entropy`` with probability targets (``reduction="sum"``).  F and the gradient
  by ``torch.autograd.grad``, the Hessian by ``torch.func.hessian`` of
  ``torch.func.functional_call``.
* JAX: ``jax.numpy`` matmuls (``o @ W.T + b``), the registry's ``jax.nn`` ops, losses written
  in ``jax.numpy`` (``jax.nn.log_sigmoid``, ``jax.nn.log_softmax``; no optax).  F and the
  gradient by ``jax.value_and_grad``, the Hessian by ``jax.hessian``; x64 is enabled in a
  scoped way (``jax.enable_x64``), as :mod:`symgrad.numeric.jax_backend` does.

The weights *and the data* are rounded to the format once; :attr:`NetworkRun.spec` is the
network at exactly those rounded numbers (exact fractions), so the truth can be computed at
the point the framework saw.  Parameters are flattened in :meth:`Network.entries` order
(W1 row-major, b1, W2, ...), which is the order of the Hessian's rows and columns.
Nothing here comes from symgrad's symbolic or certified code.

>>> from symgrad.numeric.network_file import network_from_dict
>>> spec = network_from_dict({"layers": [1, 1], "activation": "tanh", "loss": "none",
...     "bias": False, "data": {"x": [["1"]]}, "weights": {"W1": [["1"]]}})
>>> r = run_network("torch", spec, "float64")                 # doctest: +SKIP
>>> round(r.value, 12), round(float(r.grad[0]), 12)           # doctest: +SKIP
(0.761594155956, 0.419974341614)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from symgrad.base.errors import SymgradError
from symgrad.base.optional import require
from symgrad.numeric.formats import format_info
from symgrad.numeric.kernels import framework_op
from symgrad.numeric.network_file import NetworkSpec

__all__ = ["FRAMEWORKS", "NetworkRun", "flat_names", "rounded_spec", "run_network"]

FRAMEWORKS = ("jax", "torch")


@dataclass(frozen=True)
class NetworkRun:
    """F, the flat gradient and (optionally) the Hessian from one framework in one format,
    as float64 copies (exact); ``spec`` holds the weights and data the framework used."""

    backend: str
    format: str
    value: float
    grad: np.ndarray
    hessian: np.ndarray | None
    spec: NetworkSpec


def flat_names(spec: NetworkSpec) -> list[str]:
    """``dF/dW1[0][1]``-style names of the flat parameter vector, in entries() order."""
    out = []
    for name, idx in spec.network.entries():
        out.append(f"{name}[{']['.join(map(str, idx))}]")
    return out


def _round(values, fmt: str) -> tuple[Fraction, ...]:
    dt = np.dtype(format_info(fmt).dtype)
    arr = np.asarray([float(v) for v in values], dtype=np.float64).astype(dt)
    return tuple(Fraction(float(v)) for v in arr.astype(np.float64))


def rounded_spec(spec: NetworkSpec, fmt: str) -> NetworkSpec:
    """``spec`` with every weight and data number rounded to ``fmt`` (exact fractions)."""
    weights = {}
    for name, shape in spec.network.parameters():
        w = spec.weights[name]
        if len(shape) == 2:
            weights[name] = tuple(_round(row, fmt) for row in w)
        else:
            weights[name] = _round(w, fmt)
    data = tuple((_round(x, fmt), _round(y, fmt)) for x, y in spec.data)
    return NetworkSpec(spec.network, weights, data, spec.source)


def _flat(spec: NetworkSpec) -> list[float]:
    out = []
    for name, idx in spec.network.entries():
        v = spec.weights[name]
        for i in idx:
            v = v[i]
        out.append(float(v))
    return out


def _arrays(spec: NetworkSpec):
    x = np.asarray([[float(v) for v in p[0]] for p in spec.data], dtype=np.float64)
    y = np.asarray([[float(v) for v in p[1]] for p in spec.data], dtype=np.float64)
    return x, y


def _split(flat, spec: NetworkSpec, reshape):
    """flat vector -> [(W1, b1 or None), ...] by slicing (W row-major)."""
    layers, pos = [], 0
    for layer in range(1, spec.network.depth + 1):
        n_out, n_in = spec.network.widths[layer], spec.network.widths[layer - 1]
        W = reshape(flat[pos:pos + n_out * n_in], (n_out, n_in))
        pos += n_out * n_in
        b = None
        if spec.network.bias:
            b = flat[pos:pos + n_out]
            pos += n_out
        layers.append((W, b))
    return layers


# ----------------------------------------------------------------------------- PyTorch

def _torch_module(torch, spec: NetworkSpec, dt):
    net = spec.network
    acts = [None if a == "softmax" else framework_op(a, "torch") for a in net.activations]

    class _Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(
                torch.nn.Linear(net.widths[k - 1], net.widths[k], bias=net.bias, dtype=dt)
                for k in range(1, net.depth + 1))

        def forward(self, x):
            o = x
            for k, (lin, f) in enumerate(zip(self.layers, acts, strict=True), 1):
                z = lin(o)
                if k == net.depth and net.loss == "cross-entropy":
                    return z  # the loss works on the logits
                a = z if net.activations[k - 1] == "identity" else f(z)
                o = o + a if net.is_residual(k) else a
            return o

    return _Net()


def _torch_loss(torch, loss: str, out, y):
    fn = torch.nn.functional
    if loss == "none":
        return out.sum()
    if loss == "squared":
        return 0.5 * ((out - y) ** 2).sum()
    if out.shape[1] == 1:
        return fn.binary_cross_entropy_with_logits(out, y, reduction="sum")
    return fn.cross_entropy(out, y, reduction="sum")  # probability targets


def _run_torch(spec: NetworkSpec, fmt: str, hessian: bool):
    torch = require("torch", "torch")
    dt = getattr(torch, fmt)
    module = _torch_module(torch, spec, dt)
    names = [n for n, _ in module.named_parameters()]
    x_np, y_np = _arrays(spec)
    x = torch.tensor(x_np, dtype=torch.float64).to(dt)
    y = torch.tensor(y_np, dtype=torch.float64).to(dt)

    def objective(flat):
        params = {}
        for W, b in _split(flat, spec, lambda t, s: t.reshape(s)):
            params[names[len(params)]] = W
            if b is not None:
                params[names[len(params)]] = b
        out = torch.func.functional_call(module, params, (x,))
        return _torch_loss(torch, spec.network.loss, out, y)

    flat = torch.tensor(_flat(spec), dtype=torch.float64).to(dt).requires_grad_()
    value = objective(flat)
    (grad,) = torch.autograd.grad(value, flat)
    h = None
    if hessian:
        with warnings.catch_warnings():
            # torch.func's forward mode loads its jvp decompositions through torch.jit.script,
            # whose deprecation warning is torch's own business (as in torch_backend)
            warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated",
                                    category=DeprecationWarning)
            h = torch.func.hessian(objective)(flat.detach()).to(torch.float64).numpy()
    return float(value.detach().to(torch.float64)), grad.to(torch.float64).numpy(), h


# ----------------------------------------------------------------------------- JAX

def _jax_objective(jax, jnp, spec: NetworkSpec, x, y):
    net = spec.network
    acts = [None if a == "softmax" else framework_op(a, "jax") for a in net.activations]

    def objective(flat):
        o = x
        for k, (W, b) in enumerate(_split(flat, spec, jnp.reshape), 1):
            z = o @ W.T
            if b is not None:
                z = z + b
            if k == net.depth and net.loss == "cross-entropy":
                o = z
                break
            a = z if net.activations[k - 1] == "identity" else acts[k - 1](z)
            o = o + a if net.is_residual(k) else a
        if net.loss == "none":
            return jnp.sum(o)
        if net.loss == "squared":
            return 0.5 * jnp.sum((o - y) ** 2)
        if o.shape[1] == 1:
            return -jnp.sum(y * jax.nn.log_sigmoid(o) + (1 - y) * jax.nn.log_sigmoid(-o))
        return -jnp.sum(y * jax.nn.log_softmax(o, axis=-1))

    return objective


def _run_jax(spec: NetworkSpec, fmt: str, hessian: bool):
    jax = require("jax", "jax")
    jnp = require("jax.numpy", "jax")
    dt = np.dtype(format_info(fmt).dtype)
    x_np, y_np = _arrays(spec)
    with jax.enable_x64(True):
        x, y = jnp.asarray(x_np.astype(dt)), jnp.asarray(y_np.astype(dt))
        flat = jnp.asarray(np.asarray(_flat(spec), dtype=np.float64).astype(dt))
        objective = _jax_objective(jax, jnp, spec, x, y)
        value, grad = jax.jit(jax.value_and_grad(objective))(flat)
        h = None
        if hessian:
            h = np.asarray(jax.jit(jax.hessian(objective))(flat)).astype(np.float64)
        return (float(np.asarray(value).astype(np.float64)),
                np.asarray(grad).astype(np.float64), h)


def run_network(backend: str, spec: NetworkSpec, fmt: str, *,
                hessian: bool = True) -> NetworkRun:
    """F, the gradient and the Hessian of ``spec`` by ``backend`` (``jax`` or ``torch``)
    in ``fmt``, at the weights and data rounded to ``fmt``."""
    format_info(fmt)
    if backend not in FRAMEWORKS:
        raise SymgradError(f"unknown framework '{backend}'",
                           hint=f"choose one of: {', '.join(FRAMEWORKS)}")
    used = rounded_spec(spec, fmt)
    run = _run_jax if backend == "jax" else _run_torch
    value, grad, h = run(used, fmt, hessian)
    return NetworkRun(backend, fmt, value, np.asarray(grad, dtype=np.float64), h, used)
