"""Independent reference computations for the tests (never symgrad's own code).

* :func:`chain_reference`: F and every partial derivative of a chain, written out
  directly in mpmath at a caller-chosen precision: the forward pass with the first
  pre-activation computed *exactly* in rationals (so inputs such as b_1 = -1 + 10^-100
  are not rounded before the cancellation), and the gradient by the explicit product
  formula dF/dw_k = o_{k-1} act'(z_k) prod_{i>k} w_i act'(z_i) with act' written
  from the textbook definitions (sigma' = sigma (1 - sigma), tanh' = 1 - tanh^2,
  softplus' = sigma): a different formula and a different library from symgrad's
  Arb recurrence.
* :func:`correctly_rounded`: a high-precision mpmath value rounded to D significant
  digits, ties to even, by Python's ``decimal`` module.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath
from mpmath.libmp import mpf_abs, to_str

__all__ = ["chain_reference", "correctly_rounded", "decimal_value", "digit_string", "mpf_of"]


def mpf_of(q: Fraction):
    """An exact rational at the current mpmath precision (one rounding)."""
    q = Fraction(q)
    return mpmath.mpf(q.numerator) / q.denominator


def _act(name: str, t):
    if name == "sigmoid":
        return 1 / (1 + mpmath.exp(-t))
    if name == "tanh":
        return mpmath.tanh(t)
    return mpmath.log1p(mpmath.exp(t))


def _dact(name: str, t):
    if name == "sigmoid":
        s = 1 / (1 + mpmath.exp(-t))
        return s * (1 - s) if t < 0 else mpmath.exp(-t) * s * s
    if name == "tanh":
        return mpmath.sech(t) ** 2
    return 1 / (1 + mpmath.exp(-t))


def chain_reference(activation: str, form: str, weights, biases, x, dps: int):
    """(F, [dF/dw_k], [dF/db_k], dF/dx) at ``dps`` digits; inputs are Fractions."""
    depth = len(weights)
    with mpmath.workdps(dps):
        w = [mpf_of(v) for v in weights]
        x0 = Fraction(1) if x is None else Fraction(x)
        z1 = Fraction(weights[0]) * x0 + (Fraction(biases[0]) if biases else 0)
        o = [mpf_of(x0)]
        d = []
        for i in range(depth):
            if i == 0:
                z = mpf_of(z1)
            else:
                z = w[i] * o[-1] + (mpf_of(biases[i]) if biases else 0)
            if i == 0 and form == "seed":
                o.append(z)
                d.append(mpmath.mpf(1))
            else:
                o.append(_act(activation, z))
                d.append(_dact(activation, z))
        # tails[k] = prod_{i>k} w_i act'(z_i), as suffix products (O(L), no recursion)
        tails = [mpmath.mpf(1)] * (depth + 1)
        for i in range(depth - 1, -1, -1):
            tails[i] = tails[i + 1] * w[i] * d[i]
        gb = [d[k] * tails[k + 1] for k in range(depth)]
        gw = [o[k] * d[k] * tails[k + 1] for k in range(depth)]
        return o[-1], gw, gb, tails[0]


def digit_string(value, n: int) -> tuple[str, int]:
    """The first ``n`` significant digits of |value| (mpmath's own decimal conversion,
    rounded at digit n) and the decimal exponent of the first one."""
    exact_abs = mpf_abs(value._mpf_)  # abs(value) would round to the context's precision
    text = to_str(exact_abs, n, min_fixed=0, max_fixed=0, strip_zeros=False)
    mant, _, exp = text.partition("e")
    return mant.replace(".", "").ljust(n, "0"), int(exp or 0)


def correctly_rounded(value, digits: int) -> str:
    """``value`` (mpf, known to many more than ``digits`` digits) rounded to ``digits``
    significant digits, ties to even, as ``d.ddde±N`` (``"0"`` for zero).  Works on the
    text of ``mpmath.nstr`` with 40 more digits, so any exponent is fine."""
    if value == 0:
        return "0"
    allds, e = digit_string(value, digits + 40)
    head, tail = int(allds[:digits]), allds[digits:]
    if tail[0] > "5" or (tail[0] == "5" and (tail[1:].strip("0") or head % 2 == 1)):
        head += 1
    if head == 10**digits:
        head, e = head // 10, e + 1
    body = str(head)
    body = body[0] + ("." + body[1:] if digits > 1 else "")
    return f"{'-' if value < 0 else ''}{body}e{e:+d}"


def decimal_value(text: str) -> Fraction:
    """A printed ``d.ddde±N`` as an exact rational."""
    return Fraction(Decimal(text))
