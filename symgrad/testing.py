"""symgrad as an oracle in other projects' test suites.

:func:`assert_chain_gradient_close` checks a framework's gradient of the
chain against certified values under symgrad's tolerance model
(:mod:`symgrad.analysis.verify.tolerance`: tol = 4 (1 + sum_i a(z_i)) eps of the
format, about 4 (L + 1) eps for well-conditioned layers; an underflow is
never agreement).  :func:`reference_vectors` and
:func:`export_reference_vectors` produce JSON test vectors (weights, depth,
activation, certified F and gradient as decimal strings) to check any
implementation without installing symgrad there.

The truth is computed at the weights *rounded to the format under test*
(pass the weights your framework actually used; floats are taken exactly).

>>> import math
>>> g = math.exp(1) / (1 + math.exp(1)) ** 2          # sigma'(1), the textbook value
>>> assert_chain_gradient_close([g, g], depth=2, weights=[1.0, 1.0])
>>> vec = reference_vectors([{"depth": 2, "weights": "1"}])[0]
>>> vec["gradient"][0]["value"]
'1.96611933241481853e-1'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from symgrad.analysis.verify.tolerance import (
    MAX_CHECKABLE_TOLERANCE,
    chain_tolerance,
    compare_value,
)
from symgrad.base.errors import SymgradError
from symgrad.base.output import dumps_json, write_atomic
from symgrad.core.chain import Chain
from symgrad.numeric.certified import certified_values
from symgrad.numeric.flint_backend import arb_to_mpf
from symgrad.numeric.formats import format_info
from symgrad.numeric.weights import parse_number, parse_weights

__all__ = [
    "NotCheckableError",
    "assert_chain_gradient_close",
    "export_reference_vectors",
    "reference_vectors",
]

VECTOR_DIGITS = 18


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


def _spec(spec: Mapping) -> tuple[Chain, list[Fraction], int, str]:
    if not isinstance(spec, Mapping):
        raise SymgradError("each spec must be a mapping like {'depth': 3, 'weights': '1'}")
    unknown = set(spec) - {"depth", "weights", "activation", "digits"}
    if unknown:
        raise SymgradError(f"unknown spec keys: {', '.join(sorted(unknown))}",
                           hint="use depth, weights, activation, digits")
    chain = Chain(spec.get("depth", 1), activation=spec.get("activation", "sigmoid"))
    raw = spec.get("weights", "normal:0,1,seed=0")
    w = list(parse_weights(raw, chain.depth)) if isinstance(raw, str) else _exact(raw)
    if len(w) != chain.depth:
        raise SymgradError(f"{len(w)} weights for depth {chain.depth}")
    digits = spec.get("digits", VECTOR_DIGITS)
    label = raw if isinstance(raw, str) else "explicit"
    return chain, w, digits, label


def reference_vectors(specs: Iterable[Mapping]) -> list[dict]:
    """One JSON-ready dict per spec: weights, depth, activation, certified F and gradient.

    A spec is ``{"depth": L, "weights": SPEC or list, "activation": name, "digits": d}``
    (weights as in ``--weights``; default ``normal:0,1,seed=0``).  Each certified
    number is ``{"value", "radius", "certified_digits"}`` (strings): the exact
    value lies in [value - radius, value + radius].
    """
    out = []
    for spec in specs:
        chain, w, digits, label = _spec(spec)
        cert = certified_values(chain, w, digits=digits)
        out.append({
            "depth": str(chain.depth), "activation": chain.activation, "form": chain.form,
            "weights_spec": label,
            "weights": [f"{v.numerator}/{v.denominator}" if v.denominator != 1
                        else str(v.numerator) for v in w],
            "F": cert.value.to_json(),
            "gradient": [b.to_json() for b in cert.grad_w],
        })
    return out


def export_reference_vectors(path: str | os.PathLike[str], specs: Iterable[Mapping]) -> None:
    """Write :func:`reference_vectors` to ``path`` as JSON (atomically)."""
    vectors = reference_vectors(specs)
    write_atomic(path, dumps_json({"generator": "symgrad.testing", "vectors": vectors}))
