"""symgrad as an oracle in other projects' test suites (and its pytest plugin's helpers).

:func:`assert_chain_gradient_close` checks a framework's gradient of the
chain against certified values under symgrad's tolerance model
(:mod:`symgrad.analysis.verify.tolerance`: tol = 4 (1 + sum_i a(z_i)) eps of the
format, about 4 (L + 1) eps for well-conditioned layers; an underflow is
never agreement).  :func:`chain_reference` gives the certified values themselves.
:func:`reference_vectors` and :func:`export_reference_vectors` are
:func:`symgrad.vectors` (exact weights with their float64 bit patterns, certified F,
gradient and optionally Hessian) as records or as a JSON, CSV or ``.npz`` file, to check
any implementation without installing symgrad there.

The pytest plugin (:mod:`symgrad.testing_plugin`, registered as the ``symgrad`` entry
point of ``pytest11``) offers these as the fixtures ``symgrad_close``,
``symgrad_reference`` and ``symgrad_vectors``.

The truth is computed at the weights *rounded to the format under test*
(pass the weights your framework actually used; floats are taken exactly).

>>> import math
>>> g = math.exp(1) / (1 + math.exp(1)) ** 2          # sigma'(1), the textbook value
>>> assert_chain_gradient_close([g, g], depth=2, weights=[1.0, 1.0])
>>> vec = reference_vectors([{"depth": 2, "weights": "1"}])[0]
>>> vec["gradient"]["w"][0]["mid"]
'1.96611933241481853e-1'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from symgrad.analysis.verify.tolerance import (
    MAX_CHECKABLE_TOLERANCE,
    chain_tolerance,
    compare_value,
)
from symgrad.base.errors import InputError, SymgradError
from symgrad.base.output import write_atomic
from symgrad.core.chain import Chain
from symgrad.interfaces.api.point import chain_point
from symgrad.interfaces.api.vectors import DEFAULT_DIGITS, vectors
from symgrad.numeric.certified import Certified, certified_values
from symgrad.numeric.flint_backend import arb_to_mpf
from symgrad.numeric.formats import format_info
from symgrad.numeric.weights import parse_number

__all__ = [
    "ChainReference",
    "NotCheckableError",
    "assert_chain_gradient_close",
    "chain_reference",
    "export_reference_vectors",
    "reference_vectors",
]

VECTOR_DIGITS = DEFAULT_DIGITS


def _exact(values, fmt: str | None = None) -> list[Fraction]:
    out = []
    for v in values:
        if isinstance(v, Fraction):
            out.append(v)
        elif isinstance(v, str):
            out.append(parse_number(v))
        else:
            out.append(Fraction(float(v)))  # the float's exact value
    if fmt is not None and fmt != "float64":
        import numpy as np

        from symgrad.numeric.jax_backend import numpy_dtype

        arr = np.asarray([float(v) for v in out]).astype(numpy_dtype(fmt)).astype(np.float64)
        out = [Fraction(float(v)) for v in arr]
    return out


class NotCheckableError(SymgradError):
    """The comparison cannot fail (its tolerance leaves no digit): it is not a pass."""


def assert_chain_gradient_close(framework_grad: Sequence[float], depth: int,
                                weights: Sequence[float | str | Fraction],
                                activation: str = "sigmoid", dtype: str = "float64", *,
                                allow_underflow: bool = False) -> None:
    """Raise AssertionError unless ``framework_grad`` matches dF/dw of the seed chain.

    ``dtype`` names the format (float64, float32, float16, bfloat16); ``weights``
    are rounded to it before the truth is computed.  Underflowed entries fail
    unless ``allow_underflow`` is set *and* the true value lies below the
    format's normal range.  When nothing disagrees but the tolerance model leaves no
    significant digit to check (relative tolerance >= 1/2), it raises
    :class:`NotCheckableError` instead of passing.  ``framework_grad`` may be any
    sequence of numbers (a numpy array, a list of tensor items).
    """
    chain = Chain(depth, activation=activation)
    format_info(dtype)
    grads = [float(g) for g in framework_grad]
    if len(grads) != chain.depth or len(weights) != chain.depth:
        raise SymgradError(f"give {chain.depth} weights and {chain.depth} gradient entries, got "
                           f"{len(weights)} and {len(grads)}")
    w = _exact(weights, dtype)
    cert = certified_values(chain, w, digits=20)
    tol = chain_tolerance(dtype, chain, w)
    bad = []
    for k, (g, ball) in enumerate(zip(grads, cert.grad_w), 1):
        c = compare_value(g, arb_to_mpf(ball.arb.mid()), dtype, tol)
        ok = c.verdict == "agree" or (allow_underflow and c.ok)
        if not ok:
            detail = (f"rel. error {c.rel_error:.2e} > tol {tol:.2e} ({c.ulps:.1f} ulp)"
                      if c.rel_error is not None else c.verdict)
            bad.append(f"dF/dw{k}: got {g!r}, certified {ball.mid}: {detail}")
    if bad:
        raise AssertionError(f"{len(bad)} of {depth} partials of the {activation} chain "
                             f"({dtype}) disagree with symgrad:\n  " + "\n  ".join(bad))
    if tol >= MAX_CHECKABLE_TOLERANCE:  # nothing failed, but nothing could have: no pass
        raise NotCheckableError(
            f"not checkable: the {dtype} tolerance at depth {depth} is {tol:.2g} (relative), "
            f"at least {MAX_CHECKABLE_TOLERANCE}, so no significant digit is checked",
            hint="compare in a wider format or at a smaller depth")


@dataclass(frozen=True)
class ChainReference:
    """Certified values of a chain at exact weights, as floats and as balls.

    ``F`` and ``gradient`` (dF/dw_k; ``grad_b``, ``grad_x`` in the general form) are the
    certified values rounded to the nearest float64; ``certified`` holds the balls
    (:class:`~symgrad.numeric.certified.Certified`: ``mid`` correct to ``digits``).
    """

    chain: Chain
    weights: tuple[Fraction, ...]
    F: float
    gradient: tuple[float, ...]
    grad_b: tuple[float, ...]
    grad_x: float | None
    certified: Certified


def chain_reference(depth: int, weights, *, activation: str = "sigmoid", form: str = "seed",
                    bias: bool = False, biases=None, x=None, digits: int = 20
                    ) -> ChainReference:
    """F and dF/dw of the chain at ``weights`` (floats taken exactly), certified.

    >>> r = chain_reference(2, [1.0, 1.0])
    >>> r.gradient[0]  # sigma'(1) = e/(1+e)^2
    0.19661193324148185
    """
    chain = Chain(depth, activation=activation, form=form, bias=bias)
    w, b, xq = chain_point(chain, weights, biases, x)
    cert = certified_values(chain, w, digits=digits, biases=b, x=xq)

    def num(ball) -> float:
        return float(ball.mid)

    return ChainReference(chain, w, num(cert.value), tuple(num(g) for g in cert.grad_w),
                          tuple(num(g) for g in cert.grad_b),
                          None if cert.grad_x is None else num(cert.grad_x), cert)


def reference_vectors(specs: Iterable[Mapping] | Mapping, *, digits: int = VECTOR_DIGITS,
                      hessian: bool = False) -> list[dict]:
    """One JSON-ready record per spec: :func:`symgrad.vectors` as a list of dicts.

    A spec is ``{"depth": L, "weights": SPEC or list, "activation": name, "digits": d, ...}``
    (weights as in ``--weights``; default ``normal:0,1,seed=0``).  Each certified number is
    a ball ``{"mid", "rad", "digits"}``: the exact value lies in [mid - rad, mid + rad].
    """
    return vectors(specs, digits=digits, hessian=hessian).to_json()["vectors"]


def export_reference_vectors(path: str | os.PathLike[str], specs: Iterable[Mapping] | Mapping,
                             *, digits: int = VECTOR_DIGITS, hessian: bool = False,
                             format: str | None = None) -> Path:
    """Write :func:`symgrad.vectors` to ``path`` atomically: JSON, CSV or ``.npz``.

    ``format`` defaults to the file's suffix (``.csv``, ``.npz``; JSON otherwise).
    """
    fmt = format or {".csv": "csv", ".npz": "npz"}.get(Path(path).suffix.lower(), "json")
    if fmt not in ("json", "csv", "npz"):
        raise InputError(f"unknown vectors format '{fmt}'", hint="use json, csv or npz")
    result = vectors(specs, digits=digits, hessian=hessian)
    if fmt == "npz":
        return result.save_npz(path)
    return write_atomic(path, result.render(fmt))
